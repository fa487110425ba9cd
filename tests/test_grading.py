"""Reference grades: one test per rule of docs/evidence-grades.md."""

from __future__ import annotations

import pytest

from medcite.grading import GRADES, MAX_AGE_YEARS, grade, grade_source, is_retracted, step_down
from medcite.models import EvidenceType, Source

TODAY = 2026


@pytest.mark.parametrize(("kind", "level"), [
    ("practice_guideline", "high"), ("systematic_review", "high"), ("randomized_trial", "high"),
    ("patient_education", "moderate"), ("expert_overview", "low"), ("project_overview", "low"),
    ("observational_study", "low"), ("case_report", "very_low"), ("animal_lab_study", "very_low"),
    ("unreviewed_web", "very_low"),
])
def test_starting_grade_by_type(kind, level):
    assert grade(kind, year=TODAY - 1, today=TODAY).level == level


def test_every_evidence_type_has_a_starting_grade():
    for kind in EvidenceType:
        assert grade(kind, today=TODAY).level in GRADES


@pytest.mark.parametrize(("kind", "age", "level"), [
    ("randomized_trial", MAX_AGE_YEARS, "high"),  # exactly 15 years: not older than 15
    ("randomized_trial", MAX_AGE_YEARS + 1, "moderate"),
    ("patient_education", 20, "low"),
    ("observational_study", 30, "very_low"),
    ("case_report", 40, "very_low"),  # never below very low
])
def test_old_references_go_one_step_down(kind, age, level):
    assert grade(kind, year=TODAY - age, today=TODAY).level == level


def test_no_year_is_not_downgraded():
    g = grade("systematic_review", year=None, today=TODAY)
    assert g.level == "high" and len(g.reasons) == 1


@pytest.mark.parametrize("source", [
    Source(id="a", title="t", evidence_type=EvidenceType.PRACTICE_GUIDELINE, status="withdrawn"),
    Source(id="b", title="t", evidence_type=EvidenceType.RANDOMIZED_TRIAL,
           metadata={"retracted": True}),
    Source(id="c", title="t", evidence_type=EvidenceType.RANDOMIZED_TRIAL,
           metadata={"publication_types": ["Journal Article", "Retracted Publication"]}),
    Source(id="d", title="t", evidence_type=EvidenceType.SYSTEMATIC_REVIEW,
           metadata={"publication_types": ["Retraction of Publication"]}),
])
def test_retracted_or_withdrawn_is_very_low(source):
    assert is_retracted(source)
    g = grade_source(source, today=TODAY)
    assert g.level == "very_low" and "retracted" in g.reasons[0]


def test_active_source_is_not_retracted_and_reasons_explain():
    s = Source(id="x", title="Magnesium for cramps", year=2002,
               evidence_type=EvidenceType.SYSTEMATIC_REVIEW,
               metadata={"publication_types": ["Systematic Review"]})
    assert not is_retracted(s)
    g = grade_source(s, today=TODAY)
    assert (g.level, g.label) == ("moderate", "Moderate")
    assert g.reasons == ["systematic review / meta-analysis: starts high",
                         "published 2002, more than 15 years ago: one step down"]


def test_step_down_and_loose_type_names():
    assert [step_down(g) for g in GRADES] == ["moderate", "low", "very_low", "very_low"]
    assert grade("Practice guideline", today=TODAY).level == "high"
    with pytest.raises(ValueError):
        grade("horoscope")
