"""Quantity extraction on sentences written for these tests, and on the seed answers."""

from __future__ import annotations

import re

import pytest
from conftest import shared_path

from medcite.quantities import extract, extract_all

# sentence -> expected (quote, low, high, comparator, unit, per)
CASES = [
    ("Adults need 310-420 mg of magnesium.", ("310-420 mg", 310, 420, "range", "mg", "")),
    ("Aim for 350 mg/day of magnesium.", ("350 mg/day", 350, 350, "=", "mg", "day")),
    ("Levels below 1.8 mg/dL are low.", ("below 1.8 mg/dL", None, 1.8, "<", "mg/dL", "")),
    ("Gout risk rises at > 7 mg/dL of uric acid.", ("> 7 mg/dL", 7, None, ">", "mg/dL", "")),
    ("Normal magnesium is 0.7 to 1.0 mmol/L.", ("0.7 to 1.0 mmol/L", 0.7, 1.0, "range",
                                                  "mmol/L", "")),
    ("Many adults take 1,000 IU of vitamin D.", ("1,000 IU", 1000, 1000, "=", "IU", "")),
    ("A 2 g dose of magnesium sulfate was given.", ("2 g", 2, 2, "=", "g", "")),
    ("Women planning pregnancy need 400 mcg of folic acid.", ("400 mcg", 400, 400, "=", "mcg", "")),
    ("Potassium above 5 mEq/L is high.", ("above 5 mEq/L", 5, None, ">", "mEq/L", "")),
    ("About 15% of people had diarrhea.", ("About 15%", 15, 15, "~", "%", "")),
    ("Keep sodium between 135 and 145 mmol/L.", ("between 135 and 145 mmol/L", 135, 145, "range",
                                                 "mmol/L", "")),
    ("Do not exceed 4 g per day of acetaminophen.", ("not exceed 4 g per day", None, 4, "<=", "g",
                                                      "day")),
    ("Take at least 600 IU daily.", ("at least 600 IU daily", 600, None, ">=", "IU", "day")),
    ("Take 0.5 \u00b5g of it.", ("0.5 \u00b5g", 0.5, 0.5, "=", "mcg", "")),
    ("Drink 2 L of water.", ("2 L", 2, 2, "=", "L", "")),
    ("Keep glucose at 70 mg/dL or above.", ("70 mg/dL or above", 70, None, ">=", "mg/dL", "")),
    ("Low-dose aspirin (100 mg or less) is used.", ("100 mg or less", None, 100, "<=", "mg", "")),
    ("Prednisone 0.5 mg/kg/d is used.", ("0.5 mg/kg/d", 0.5, 0.5, "=", "mg/kg", "day")),
    # a sign attached to the number is kept (a mean difference), a range dash is not a sign
    ("Lactate fell (MD -1.09 mmol/L).", ("-1.09 mmol/L", -1.09, -1.09, "=", "mmol/L", "")),
    ("It changed by \u22122.5 mg/dL.", ("\u22122.5 mg/dL", -2.5, -2.5, "=", "mg/dL", "")),
    ("Use a 2-3 mg dose.", ("2-3 mg", 2, 3, "range", "mg", "")),
]


@pytest.mark.parametrize(("sentence", "expected"), CASES)
def test_value_unit_comparator_and_span(sentence, expected):
    quote, low, high, comparator, unit, per = expected
    (q,) = extract(sentence)
    assert (q.quote, q.low, q.high, q.comparator, q.unit, q.per) == (
        quote, low, high, comparator, unit, per)
    assert sentence[q.start:q.end] == q.quote


@pytest.mark.parametrize(("sentence", "measure"), [
    ("The recommended dietary allowance for magnesium is 420 mg for men.", "intake"),
    ("The RDA of magnesium is 310 mg for women.", "intake"),
    ("The tolerable upper intake level for supplemental magnesium is 350 mg.", "upper_limit"),
    # A negated intake verb makes a ceiling, not a dose (once classed "dose").
    ("Adults should not take more than 350 mg of supplemental magnesium.", "upper_limit"),
    ("Do not take more than 350 mg of magnesium from supplements.", "upper_limit"),
    ("Take no more than 350 mg of magnesium supplements a day.", "upper_limit"),
    ("Supplements should not exceed 350 mg of magnesium a day.", "upper_limit"),
    ("Do not take it with food; the usual dose is 400 mg of magnesium.", "dose"),
    ("Do not take more than the upper limit of 4,000 IU of vitamin D.", "upper_limit"),
    ("Patients were given 2 g of magnesium sulfate.", "dose"),
    ("Hypomagnesemia is defined as serum magnesium below 1.8 mg/dL.", "threshold"),
    ("The normal range for magnesium is 1.7 to 2.2 mg/dL.", "normal_range"),
    ("Her potassium was 3.1 mEq/L.", "level"),
    ("Supplements cut the risk of cramps by 20%.", "risk"),
    ("About 60% of body magnesium is in bone.", "percentage"),
    ("Doxycycline 100 mg every 12 hours.", "dose"),
    ("Prednisone 0.5 mg/kg/d is used.", "dose"),
    ("Children under 45 kg get a smaller dose.", "other"),  # a body weight, not a dose
    ("Women should consume 0.4 mg of folic acid daily.", "intake"),
    ("In the cohort, fiber intake was 12 g per day.", "other"),  # measured, not recommended
    ("Healthy people should limit sodium to no more than 2,300 mg.", "upper_limit"),
    ("You should have less than 200 mg a day of cholesterol.", "upper_limit"),
    ("Patients taking less than 100 mg/day had fewer side effects.", "dose"),  # no advice
    ("The Food and Drug Administration lists 2 g of it.", "other"),  # not "administer"
    ("Most people are treated with 7.5 mg a day or less.", "dose"),
    ("A normal glucose tolerance test uses 75 g of glucose.", "other"),  # "normal": levels only
])
def test_measure(sentence, measure):
    (q,) = extract(sentence)
    assert q.measure == measure


@pytest.mark.parametrize(("sentence", "subject"), [
    ("Hypokalemia means potassium below 3.5 mmol/L.", "potassium"),
    ("Calcium at 10 mg/dL is normal, and magnesium at 2 mg/dL too.", "calcium"),
    ("A fasting blood sugar above 126 mg/dL suggests diabetes.", "glucose"),
    ("Serum creatinine above 1.3 mg/dL may mean kidney damage.", "creatinine"),
    ("Take 500 mg of acetaminophen.", "acetaminophen"),
    ("Take 500 mg twice.", ""),
    ("If your HDL (good) cholesterol is below 40 mg/dL, ask why.", "hdl cholesterol"),
    ("Keep LDL cholesterol below 100 mg/dL.", "ldl cholesterol"),
])
def test_subject_is_the_nearest_entity(sentence, subject):
    assert extract(sentence)[0].subject == subject


def test_each_quantity_gets_its_own_subject_and_population():
    text = ("The RDA is 350 mg daily for women; 420 mg daily for men. "
            "Calcium at 10 mg/dL is normal, and magnesium at 2 mg/dL too.")
    qs = extract(text, default_subject="magnesium")
    assert [(q.quote, q.population, q.measure) for q in qs[:2]] == [
        ("350 mg daily", ["women"], "intake"), ("420 mg daily", ["men"], "intake")]
    assert [q.subject for q in qs] == ["magnesium", "magnesium", "calcium", "magnesium"]


@pytest.mark.parametrize(("sentence", "population"), [
    ("Pregnant women aged 19 to 30 need 350 mg of magnesium.", ["pregnancy", "women"]),
    ("Children aged 4-8 need 130 mg of magnesium.", ["children"]),
    ("Older adults often get less than 300 mg of magnesium.", ["older_adults"]),
    ("In people with kidney disease, even 350 mg of magnesium can build up.", ["kidney_disease"]),
    ("Adults should keep supplements under 350 mg.", ["adults"]),
    ("Women of child-bearing age need 0.4 mg of folic acid.", ["women"]),
    ("Hypercalcemia in MEN 1 means calcium above 10.5 mg/dL.", []),  # MEN 1 is a syndrome
    ("Taking 600 mg of magnesium causes diarrhea, particularly in people with kidney problems.",
     []),
])
def test_population(sentence, population):
    assert extract(sentence)[-1].population == population


def test_qualifier_marks_supplements():
    (q,) = extract("The upper limit is 350 mg from supplements.")
    assert q.qualifier == "supplemental"


@pytest.mark.parametrize("sentence", [
    "Published in 2019 in volume 12.", "Proceedings 1, 2, 3.", "Seen in 3 of 10 patients.",
    "Grade 2 evidence.", "",
])
def test_numbers_without_units_are_not_quantities(sentence):
    assert extract(sentence) == []


def test_a_list_item_inherits_its_intro():
    text = "The recommended daily intake of magnesium depends on age. In general:\n" \
           "- Adult women: 310-320 mg per day\n- Adult men: 400-420 mg per day\n"
    qs = extract(text)
    assert [(q.measure, q.subject, q.population) for q in qs] == [
        ("intake", "magnesium", ["adults", "women"]), ("intake", "magnesium", ["adults", "men"])]


def test_offsets_are_into_the_whole_text_and_citation_is_copied():
    text = "First sentence. Second says 2 g of magnesium."
    (q,) = extract_all([("p9", text)])
    assert text[q.start:q.end] == "2 g" and q.citation == "p9"


_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


@pytest.mark.parametrize("name", ["000_*.txt", "001_*.txt", "002_*.txt"])
def test_seed_numbers_appear_verbatim(name):
    (path,) = sorted(shared_path("seeds").glob(name))
    text = path.read_text(encoding="utf-8")
    for q in extract(text):
        assert text[q.start:q.end] == q.quote
        written = _NUMBER.findall(q.quote)
        assert written, q
        for number in written:
            assert number in text[q.start:q.end]
        values = {v for v in (q.low, q.high) if v is not None}
        assert values <= {float(n.replace(",", "")) for n in written}


def test_seed_001_thresholds_and_limits():
    (path,) = sorted(shared_path("seeds").glob("001_*.txt"))
    qs = extract(path.read_text(encoding="utf-8"))
    by_measure = {(q.measure, q.comparator, q.low, q.high, q.unit) for q in qs}
    assert ("threshold", "<", None, 1.8, "mg/dL") in by_measure
    assert ("threshold", ">", 7.0, None, "mg/dL") in by_measure
    assert ("upper_limit", "=", 350.0, 350.0, "mg") in by_measure
    assert ("intake", "range", 310.0, 420.0, "mg") in by_measure
    assert all(q.subject == "magnesium" for q in qs)


def test_random_text_never_crashes_and_spans_stay_exact():
    import random

    rng = random.Random(0)
    words = ["mg", "mg/dL", "mmol/L", "mEq/L", "IU", "%", "between", "and", "to", "below",
             "above", "or more", "magnesium", "women", "-", "1,000", "0.5", ".5", "per day",
             "daily", "g", "mcg", "kg", "not", "no more than", "\u2212", "(", ")", ";", "\n"]
    for _ in range(2000):
        text = " ".join(rng.choice(words + [str(rng.randint(0, 5000))])
                        for _ in range(rng.randint(0, 25)))
        for q in extract(text):
            assert text[q.start:q.end] == q.quote
