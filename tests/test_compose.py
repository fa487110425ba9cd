"""Composition: reference numbering, typed and graded references, conflicts, follow-ups."""

from __future__ import annotations

import pytest
from answer_fixtures import all_hits, open_library

from medcite.compose import GRADES, abstention, compose, follow_up_questions, grade_of
from medcite.models import EvidenceType, QueryAnalysis, Source
from medcite.writers.extractive import ExtractiveWriter

Q = "How much magnesium is too much?"
DOSE = QueryAnalysis(Q, Q, qtype="dose", focus=["magnesium"])


@pytest.fixture(scope="module")
def answer(tmp_path_factory):
    app = open_library(tmp_path_factory.mktemp("compose"))
    hits = all_hits(app)
    yield compose(Q, DOSE, hits, ExtractiveWriter().write(Q, DOSE, hits), "clinician")
    app.close()


def test_references_are_numbered_in_order_of_first_use(answer):
    first_use = []
    for claim in answer.claims():
        first_use += [n for n in claim.citations if n not in first_use]
    assert first_use == [r.n for r in answer.references] == list(range(1, len(first_use) + 1))


def test_references_are_typed_and_graded(answer):
    by_type = {r.evidence_type: r.grade for r in answer.references}
    assert by_type["practice_guideline"] == "high"
    assert by_type["unreviewed_web"] == "very_low"
    assert all(r.grade in GRADES and r.passages for r in answer.references)


def test_reference_metadata_is_carried(answer):
    trial = next(r for r in answer.references if r.evidence_type == "randomized_trial")
    assert (trial.pmid, trial.year, trial.publisher) == ("12345678", 2019,
                                                          "Journal of Test Trials")


def test_differing_upper_limits_are_shown_side_by_side(answer):
    conflict = answer.conflicts[0]
    assert conflict["measure"] == "upper_limit"
    assert sorted(e["quote"] for e in conflict["entries"]) == ["350 mg a day", "400 mg per day"]
    section = answer.section("where_sources_differ")
    assert len({c.citations[0] for c in section.items}) == 2


def test_reading_grade_and_disclaimer_are_set(answer):
    assert answer.reading_grade is not None and answer.disclaimer


def test_follow_ups_skip_the_asked_facet_and_population():
    analysis = QueryAnalysis("q", "q", qtype="dose", focus=["magnesium"], population=["pregnancy"])
    questions = follow_up_questions(analysis, {"symptoms", "dose", "treatment"})
    assert "What are the signs of too much magnesium?" in questions
    assert not any("pregnancy" in q or "How much" in q for q in questions)


def test_follow_ups_ask_condition_questions_about_a_condition_only():
    analysis = QueryAnalysis("q", "q", qtype="dose", focus=["magnesium", "muscle twitching"])
    questions = follow_up_questions(analysis, set())
    assert "What causes muscle twitching?" in questions
    assert not any(q.startswith("What causes magnesium") for q in questions)
    alone = follow_up_questions(QueryAnalysis("q", "q", qtype="causes", focus=["magnesium"]),
                                set())
    assert not any("What causes" in q or "How is magnesium" in q for q in alone)


def test_abstention_cites_nothing_and_says_what_was_searched():
    empty = abstention("glioblastoma?", QueryAnalysis("g", "glioblastoma"), ["glioblastoma"],
                       "patient")
    assert empty.abstained and not empty.references and not empty.sections
    assert "glioblastoma" in empty.notices[0] and "doesn't hold enough evidence" in empty.notices[0]


def test_grade_fallback_follows_evidence_type():
    assert grade_of(Source(id="s", title="t",
                           evidence_type=EvidenceType.OBSERVATIONAL_STUDY)) in GRADES


def test_conflicts_are_found_over_the_passages_read_not_only_the_cited_ones():
    from medcite.grounding import check_answer
    from medcite.models import Hit, Passage
    from medcite.writers import Draft, DraftClaim, DraftSection, Span

    texts = {"a": "The upper limit for supplemental magnesium is 350 mg a day.",
             "b": "The upper limit for supplemental magnesium is 500 mg a day."}
    hits = [Hit(Passage(f"p{k}", k, 0, "", t, 0, len(t)), Source(id=k, title=k), 1.0)
            for k, t in texts.items()]
    only_a = Draft([DraftSection("bottom_line", "Bottom line",
                                 [DraftClaim(texts["a"], [Span(hits[0], 0, len(texts["a"]))])])])
    answer = compose(Q, DOSE, hits, only_a, "clinician")
    (conflict,) = answer.conflicts
    assert sorted(e["quote"] for e in conflict["entries"]) == ["350 mg a day", "500 mg a day"]
    assert [r.source_id for r in answer.references] == ["a", "b"]
    assert check_answer(answer, hits, texts) == []
