"""Patient handouts (medcite.handout): sections, grounding, emergency first, abstention."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from handout_fixtures import build

from medcite.errors import MedciteError
from medcite.grounding import check_answer, numbers
from medcite.handout import SECTION_IDS
from medcite.models import Answer, AnswerSection


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    app = build(tmp_path_factory.mktemp("handout"))
    yield app
    app.close()


@pytest.fixture(scope="module")
def gout(lib):
    return lib.handout("gout")


def test_handout_has_the_familiar_sections_in_order(gout):
    ids = [s.id for s in gout.sections]
    assert ids == [i for i in SECTION_IDS if i in ids]
    assert len(ids) >= 7 and ids[0] == "emergency"


def test_emergency_section_holds_the_library_red_flags(gout):
    emergency = gout.section("emergency")
    assert [c.text for c in emergency.items][:1] == ["You have chest pain or trouble breathing."]
    assert emergency.title == "Seek care immediately or call 911 if"
    assert "911" in emergency.intro


def test_provider_section_holds_the_routine_red_flags(gout):
    texts = [c.text for c in gout.section("call_provider").items]
    assert "You have a fever with a painful joint." in texts


def test_red_flag_items_are_not_repeated_in_content_sections(gout):
    help_texts = {c.text for s in gout.sections if s.id in ("emergency", "call_provider")
                  for c in s.items}
    content = [c.text for s in gout.sections if s.id not in ("emergency", "call_provider")
               for c in s.items]
    assert not any(h in t for h in help_texts for t in content)


def test_every_item_is_cited_and_quotes_the_source_exactly(lib, gout):
    text = lib.store.source_text("test:gout")
    for claim in gout.claims():
        assert claim.citations and claim.quotes
        for q in claim.quotes:
            assert text[q.start:q.end] == q.quote


def test_numbers_come_from_the_cited_passage(lib, gout):
    pool = " ".join(p.text for p in lib.store.source_passages("test:gout"))
    said = [n for c in gout.claims() for n in numbers(c.text)]
    assert said and set(said) <= set(numbers(pool))


def test_handout_passes_the_answer_grounding_checks(lib, gout):
    from medcite.models import Hit

    passages = lib.store.source_passages("test:gout")
    source = lib.source("test:gout")
    hits = [Hit(p, source, 0.0) for p in passages]
    probe = Answer(question="", references=gout.references,
                   sections=[AnswerSection(s.id, s.title, s.items) for s in gout.sections])
    assert check_answer(probe, hits, {"test:gout": lib.store.source_text("test:gout")}) == []


def test_reading_grade_is_measured_and_low_for_plain_sources(gout):
    assert gout.reading_grade is not None and gout.reading_grade <= 7


def test_review_status_disclaimer_and_date(gout):
    assert gout.review_status == "unreviewed"
    assert gout.disclaimer.startswith("Educational use; pending human review")
    assert len(gout.date) == 10 and gout.date[4] == "-"


def test_json_follows_the_handout_schema(gout):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((resources.files("medcite") / "data" / "handout.schema.json").read_text())
    data = json.loads(json.dumps(gout.to_dict()))
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []
    assert data["kind"] == "handout" and data["contract"] == "1.0"


def test_no_evidence_gives_a_clear_message_not_an_empty_handout(lib):
    made = lib.handout("glioblastoma")
    assert made.abstained and not made.sections and not made.references
    assert made.notices[0].startswith("The library doesn't hold enough evidence")
    assert "glioblastoma" in made.notices[0]


def test_a_passing_mention_is_not_a_handout(lib):
    # "sleep" occurs only in the sleep sheet: one section at most, never the gout sheet's.
    made = lib.handout("sleep")
    assert all(r.source_id == "test:sleep" for r in made.references)


def test_emergency_number_comes_from_settings(tmp_path):
    app = build(tmp_path, emergency_number="112")
    try:
        emergency = app.handout("gout").section("emergency")
    finally:
        app.close()
    assert emergency.title.endswith("call 112 if") and "911" not in emergency.intro


@pytest.mark.parametrize("condition, audience, message", [
    ("", "patient", "empty"),
    ("   ", "patient", "empty"),
    ("x" * 301, "patient", "longer than 300"),
    ("gout", "clinician", "medcite ask"),
    ("gout", "kids", "unknown handout audience"),
])
def test_bad_input_is_a_clear_error(lib, condition, audience, message):
    with pytest.raises(MedciteError, match=message):
        lib.handout(condition, audience=audience)


def test_caregiver_wording_keeps_the_same_citations(lib, gout):
    care = lib.handout("gout", audience="caregiver")
    assert care.audience == "caregiver"
    assert [s.id for s in care.sections] == [s.id for s in gout.sections]
    assert [r.source_id for r in care.references] == [r.source_id for r in gout.references]


def test_a_handout_can_be_saved_as_an_article_for_review(lib):
    editor = lib.accounts.add_user("hedda", "long enough pw", "editor", "Hedda Editor")
    article = lib.save_article(editor, "handout", "gout", "patient")
    assert article.kind == "handout" and article.state.value == "draft"
    assert article.body["kind"] == "handout" and article.body["sections"][0]["id"] == "emergency"
    assert {c["source_id"] for c in article.citations} == {"test:gout"}


@pytest.fixture(scope="module")
def two_names(tmp_path_factory):
    from handout_fixtures import build_records

    app = build_records(tmp_path_factory.mktemp("handout-records"))
    yield app.handout("Harlow-Pike Disease")
    app.close()


def _cited(handout, section_id):
    section = handout.section(section_id)
    if section is None:
        return []
    return [(c.text, {handout.references[n - 1].source_id for n in c.citations})
            for c in section.items]


def test_a_record_filed_under_the_condition_but_about_another_is_left_out(two_names):
    assert not any("measles" in c.text.lower() for c in two_names.claims())
    assert "medquad:T1-3" not in {r.source_id for r in two_names.references}


def test_records_that_list_the_condition_among_their_names_are_used(two_names):
    risk = _cited(two_names, "risk")
    assert risk and all(ids == {"medquad:T2-1"} for _, ids in risk)


def test_living_with_it_told_in_treatment_text_goes_to_self_care(two_names):
    texts = [t for t, _ in _cited(two_names, "self_care")]
    assert any("everyday activities" in t for t in texts)
    treatment = [t for t, _ in _cited(two_names, "diagnosis_treatment")]
    assert not any("everyday activities" in t for t in treatment)


def test_symptoms_told_in_a_definition_count_and_notes_about_the_page_do_not(two_names):
    symptoms = " ".join(t for t, _ in _cited(two_names, "symptoms"))
    assert "unsteady walking" in symptoms or "Shaky hands" in symptoms
    every = " ".join(c.text for c in two_names.claims())
    assert "table below" not in every and "frequency" not in every
