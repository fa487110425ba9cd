"""Word lists for quantity extraction: each list catches what it should and not its neighbours."""

from __future__ import annotations

import pytest

from medcite.quantity_vocab import (
    CLAUSE_END,
    LIMIT_CUE,
    MEASURE_CUES,
    POPULATION_RE,
    RISK_GROUP,
    SUBJECT_RE,
    SUBJECTS,
)
from medcite.units import ANALYTES


def test_every_analyte_is_a_subject_under_its_own_name():
    assert all(SUBJECTS[a.name] == a.name for a in ANALYTES)


@pytest.mark.parametrize(("word", "subject"), [
    ("hypokalaemia", "potassium"), ("Blood Sugar", "glucose"), ("paracetamol", "acetaminophen"),
    ("HbA1c", "hemoglobin a1c"), ("LDL-C", "ldl cholesterol"), ("fish oil", "omega-3"),
])
def test_subject_aliases(word, subject):
    match = SUBJECT_RE.search(f"the {word} value")
    assert match and SUBJECTS[match.group(0).lower()] == subject


def _populations(text: str) -> set[str]:
    return {name for name, pattern in POPULATION_RE if pattern.search(text)}


@pytest.mark.parametrize(("text", "expected"), [
    ("during pregnancy", {"pregnancy"}), ("breastfeeding mothers", {"breastfeeding"}),
    ("toddlers and kids", {"children"}), ("people aged 70", {"older_adults"}),
    ("older adults", {"older_adults"}), ("adults", {"adults"}),
    ("chronic kidney disease", {"kidney_disease"}), ("renal impairment", {"kidney_disease"}),
    ("kidney stones", set()), ("child-bearing age", set()), ("MEN 1 syndrome", set()),
    ("men and women", {"men", "women"}),
])
def test_population_patterns(text, expected):
    assert _populations(text) == expected


def test_measure_cues_are_named_and_compiled():
    names = [name for name, _ in MEASURE_CUES]
    assert names == ["upper_limit", "intake", "normal_range", "dose", "risk"]
    cue = dict(MEASURE_CUES)
    assert cue["upper_limit"].search("the tolerable upper intake level")
    assert cue["intake"].search("the Recommended Dietary Allowance")
    assert not cue["intake"].search("fiber intake was")  # what people ate is not advice
    assert not cue["dose"].search("the Food and Drug Administration")


def test_context_patterns():
    assert RISK_GROUP.search("symptoms, particularly in people with ")
    assert LIMIT_CUE.search("you should keep it")
    assert [m.group(0) for m in CLAUSE_END.finditer("a; b, c and d")] == [";", ", ", "and"]
