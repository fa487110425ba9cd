"""The answer pipeline end to end on real libraries: seeds, out-of-scope, follow-ups, errors."""

from __future__ import annotations

import re

import pytest
from answer_fixtures import open_library
from conftest import shared_path

from medcite import Medcite
from medcite.answer import source_texts
from medcite.errors import MedciteError
from medcite.grounding import numbers
from medcite.models import Hit

SEED_Q = "What amount of magnesium can cause muscle twitching?"


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    folder = shared_path("seeds")
    app = Medcite.open(tmp_path_factory.mktemp("seeds") / "library")
    report = app.ingest([str(folder)])
    assert not report.failed and report.added == 3
    yield app
    app.close()


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    app = open_library(tmp_path_factory.mktemp("answer"))
    yield app
    app.close()


def _cited_in_bottom_line(app, answer, pattern: str) -> bool:
    """True when a bottom-line sentence matches `pattern` and a passage it cites says it too."""
    refs = {r.n: r for r in answer.references}
    for claim in answer.section("bottom_line").items:
        m = re.search(pattern, claim.text)
        if not m:
            continue
        ids = [q.passage_id for n in claim.citations for q in refs[n].passages]
        if any(m.group(0) in p.text for p in app.store.passages(ids)):
            return True
    return False


def test_seed_question_bottom_line_states_limit_and_thresholds(seeds):
    answer = seeds.ask(SEED_Q, audience="clinician")
    assert not answer.abstained
    assert _cited_in_bottom_line(seeds, answer, r"upper limit of 350 mg")
    assert _cited_in_bottom_line(seeds, answer, r"below 1\.8 mg/dL")
    assert _cited_in_bottom_line(seeds, answer, r"exceed 7 mg/dL")


def test_seed_answer_sentences_carry_no_reference_numbers(seeds):
    # The seed article ends sentences with its own reference numbers ("... may need more 3, 4.").
    for audience in ("patient", "clinician"):
        answer = seeds.ask(SEED_Q, audience=audience)
        texts = [c.text for c in answer.claims()]
        assert texts and not [t for t in texts if re.search(r"[a-z] \d{1,3}(?:, \d{1,3})*\.$", t)]


def test_seed_references_show_each_sources_evidence_type(seeds):
    answer = seeds.ask(SEED_Q)
    types = {s.id: s.evidence_type.value for s in seeds.sources()}
    assert answer.references
    for ref in answer.references:
        assert ref.evidence_type == types[ref.source_id]


def test_seed_answer_is_grounded(seeds):
    answer = seeds.ask(SEED_Q)
    hits = _hits_of(seeds, answer)
    from medcite.grounding import check_answer

    assert check_answer(answer, hits, source_texts(seeds, hits)) == []


def test_out_of_scope_question_abstains_without_citations(lib):
    answer = lib.ask("What is the best treatment for glioblastoma?")
    assert answer.abstained and not answer.references and not answer.claims()
    assert "doesn't hold enough evidence" in answer.notices[-1]
    assert "glioblastoma" in answer.notices[-1]


def test_patient_and_clinician_state_the_same_numbers(lib):
    patient = lib.ask("How much magnesium is too much?", audience="patient")
    clinician = lib.ask("How much magnesium is too much?", audience="clinician")
    said = [sorted(n for c in a.claims() for n in numbers(c.text)) for a in (patient, clinician)]
    assert said[0] == said[1] and said[0]
    assert [r.source_id for r in patient.references] == \
        [r.source_id for r in clinician.references]


def test_follow_up_keeps_the_topic(lib):
    first = lib.ask("How much magnesium is too much?")
    follow = lib.ask("what about during pregnancy?", conversation_id=first.conversation_id)
    assert follow.conversation_id == first.conversation_id
    assert "magnesium" in follow.analysis.question and "pregnancy" in follow.analysis.population
    assert not follow.abstained


def test_unknown_conversation_is_a_clear_error(lib):
    with pytest.raises(MedciteError, match="no conversation"):
        lib.ask("magnesium?", conversation_id="c_nope")


@pytest.mark.parametrize("kwargs, message", [
    ({"question": "  "}, "empty"),
    ({"question": "magnesium?", "audience": "robot"}, "unknown audience"),
    ({"question": "magnesium?", "writer": "poet"}, "unknown writer"),
])
def test_bad_input_is_a_clear_error(lib, kwargs, message):
    with pytest.raises(MedciteError, match=message):
        lib.ask(**kwargs)


def test_emergency_message_carries_triage(lib):
    answer = lib.ask("My husband is having a seizure after taking magnesium, what do we do?")
    assert answer.triage is not None and answer.triage.level.value == "emergency"


def test_personal_dose_question_gets_the_guardrail_line(lib):
    answer = lib.ask("How much magnesium should I take?")
    assert any("Talk to your clinician" in n for n in answer.notices)


def _hits_of(app, answer) -> list[Hit]:
    ids = [q.passage_id for r in answer.references for q in r.passages]
    passages = app.store.passages(list(dict.fromkeys(ids)))
    sources = app.store.get_sources([p.source_id for p in passages])
    return [Hit(p, sources[p.source_id], 1.0) for p in passages]


def test_a_named_drug_the_library_holds_nothing_on_is_said_plainly(lib):
    # The magnesium notes say nothing on ibuprofen: the answer speaks to magnesium and says,
    # before any claim, that it does not cover the drug the reader named.
    answer = lib.ask("Is it safe to take magnesium supplements with ibuprofen?")
    assert not answer.abstained
    assert any('nothing on "ibuprofen"' in n for n in answer.notices)
    assert not any("ibuprofen" in c.text.lower() for c in answer.claims())
    # a question the library covers in full carries no such notice
    covered = lib.ask("How much magnesium is too much?")
    assert not any("returned nothing" in n for n in covered.notices)


def test_a_page_in_the_readers_words_counts_as_on_topic(tmp_path, monkeypatch):
    # "the flu" is the reader's name for influenza; a page that only ever says "flu" is about
    # it, and the answer quotes it instead of abstaining or quoting a page that merely says
    # "influenzae" (a bacterium's name).
    monkeypatch.setenv("MEDCITE_DENSE", "false")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "flu.md").write_text(
        "# Flu\n\nMost people with the flu feel better within a week or two without treatment. "
        "A cough and tiredness can last longer.\n")
    (docs / "hib.md").write_text(
        "# Hib disease\n\nHaemophilus influenzae type b is a germ that can cause meningitis in "
        "young children. A vaccine protects against it.\n")
    app = Medcite.open(tmp_path / "lib")
    try:
        assert not app.ingest([str(docs)]).failed
        answer = app.ask("How long does the flu last?")
    finally:
        app.close()
    assert not answer.abstained
    assert [r.title for r in answer.references][:1] == ["Flu"]
    assert "within a week or two" in answer.section("bottom_line").items[0].text
