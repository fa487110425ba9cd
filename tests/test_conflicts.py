"""Conflict detection: table-driven pairs of cited sentences, written for these tests."""

from __future__ import annotations

import pytest
from conftest import shared_path

from medcite.conflicts import direction, disagree, find_conflicts, group_key
from medcite.quantities import extract_all

# (sentence from source 1, sentence from source 2, expected number of conflicts)
PAIRS = [
    # agreeing after unit conversion: 1.8 mg/dL = 0.74 mmol/L ~ 0.75 mmol/L = 1.5 mEq/L
    ("Hypomagnesemia is serum magnesium below 1.8 mg/dL.",
     "Hypomagnesemia is serum magnesium below 0.75 mmol/L.", 0),
    ("Hypomagnesemia is serum magnesium below 1.8 mg/dL.",
     "Hypomagnesemia is serum magnesium below 1.5 mEq/L.", 0),
    ("The upper limit for supplemental magnesium is 350 mg.",
     "The upper limit for supplemental magnesium is 0.35 g.", 0),
    ("The RDA of vitamin D for adults is 600 IU.", "The RDA of vitamin D for adults is 15 mcg.", 0),
    # disagreeing
    ("The RDA of vitamin D for adults is 600 IU.", "The RDA of vitamin D for adults is 25 mcg.", 1),
    ("The upper limit for supplemental magnesium is 350 mg.",
     "The upper limit for supplemental magnesium is 400 mg.", 1),
    ("Normal magnesium is 0.7 to 1.0 mmol/L.", "Normal magnesium is 3.0 to 4.0 mg/dL.", 1),
    ("Hypomagnesemia is serum magnesium below 1.8 mg/dL.",
     "Hypomagnesemia is serum magnesium below 1.2 mg/dL.", 1),
    # overlapping ranges agree; a value inside a range agrees
    ("The RDA of magnesium for adults is 310-420 mg.", "The RDA of magnesium is 400 mg.", 0),
    ("Normal magnesium is 0.7 to 1.0 mmol/L.", "Normal magnesium is 1.7 to 2.2 mg/dL.", 0),
    # different populations: not the same quantity
    ("The RDA of magnesium for women is 310 mg.", "The RDA of magnesium for men is 420 mg.", 0),
    ("The RDA of magnesium for adults is 310 mg.",
     "The RDA of magnesium in pregnancy is 360 mg.", 0),
    # different directions, measures, subjects, qualifiers: not the same quantity
    ("Low magnesium is below 1.8 mg/dL.", "High magnesium is above 7 mg/dL.", 0),
    ("The RDA of magnesium is 420 mg.", "The upper limit for magnesium is 350 mg.", 0),
    ("Keep potassium below 5 mmol/L.", "Keep magnesium below 1 mmol/L.", 0),
    ("The upper limit is 350 mg of magnesium from supplements.",
     "The upper limit for magnesium is 700 mg.", 0),
    # doses depend on indication: not compared by default
    ("Patients took 400 mg of magnesium.", "Patients took 800 mg of magnesium.", 0),
    # LDL and HDL cholesterol are different quantities
    ("Keep LDL cholesterol below 100 mg/dL.", "Keep HDL cholesterol below 40 mg/dL.", 0),
    # what a study measured is not a recommendation
    ("In the cohort, fiber intake was 12 g per day.", "The recommended intake of fiber is 25 g.", 0),
    ("Her potassium was 3.1 mEq/L.", "His potassium was 5.2 mEq/L.", 0),
    # within 10% agree
    ("The RDA of magnesium is 400 mg.", "The RDA of magnesium is 420 mg.", 0),
]


@pytest.mark.parametrize(("first", "second", "expected"), PAIRS)
def test_pairs(first, second, expected):
    conflicts = find_conflicts(extract_all([("1", first), ("2", second)]))
    assert len(conflicts) == expected


def test_conflict_shows_values_side_by_side_with_citations_never_averaged():
    (c,) = find_conflicts(extract_all([
        ("[1]", "The upper limit for supplemental magnesium is 350 mg."),
        ("[2]", "The upper limit for supplemental magnesium is 0.4 g."),
    ]))
    assert c.subject == "magnesium" and c.measure == "upper_limit"
    assert [(e.quote, e.low, e.unit, e.citation) for e in c.entries] == [
        ("350 mg", 350.0, "mg", "[1]"), ("0.4 g", 400.0, "mg", "[2]")]
    assert c.what == "magnesium upper limit (supplemental)"
    assert "differ by up to 12%" in c.reason  # 50 / 400 = 12.5%
    assert c.to_dict()["entries"][1]["quote"] == "0.4 g"


def test_one_source_with_two_values_is_not_a_conflict():
    text = "The upper limit for supplemental magnesium is 350 mg. Some say the upper limit is 700 mg."
    assert find_conflicts(extract_all([("1", text)])) == []


def test_uncited_and_subjectless_quantities_are_ignored():
    assert find_conflicts(extract_all([("", "The RDA of magnesium is 300 mg."),
                                       ("2", "The RDA of magnesium is 420 mg.")])) == []
    assert find_conflicts(extract_all([("1", "The RDA is 300 mg."),
                                       ("2", "The RDA is 420 mg.")])) == []


def test_threshold_in_mg_dl_and_meq_share_a_key():
    qs = extract_all([("1", "Magnesium below 1.8 mg/dL."), ("2", "Magnesium below 1.5 mEq/L.")])
    assert group_key(qs[0]) == group_key(qs[1])


@pytest.mark.parametrize(("a", "b", "expected"), [
    ((350, 350), (400, 400), True), ((380, 380), (400, 400), False),
    ((310, 320), (400, 420), True), ((310, 420), (420, 500), False),
    ((0.7, 1.0), (1.07, 1.44), False), ((0.7, 1.0), (1.2, 1.4), True),
])
def test_disagree(a, b, expected):
    assert disagree(a, b) is expected


def test_direction():
    assert [direction(c) for c in ("<", "<=", ">", ">=", "=", "range", "~")] == [
        "below", "below", "above", "above", "", "", ""]


def test_seed_answers_do_not_conflict_with_themselves():
    """The three seeds agree on magnesium's RDA and thresholds within 10% (measured)."""
    paths = sorted(shared_path("seeds").glob("*.txt"))
    qs = extract_all([(p.name, p.read_text(encoding="utf-8")) for p in paths])
    assert len(qs) > 5
    assert find_conflicts(qs) == []


def test_conflicts_and_quantities_serialise_to_json():
    import json

    qs = extract_all([("1", "The RDA of magnesium is 300 mg."), ("2", "The RDA of magnesium is 420 mg.")])
    (c,) = find_conflicts(qs)
    data = json.loads(json.dumps({"conflict": c.to_dict(), "quantities": [q.to_dict() for q in qs]}))
    assert data["conflict"]["entries"][0]["quote"] == "300 mg"
    assert data["quantities"][1]["measure"] == "intake"
