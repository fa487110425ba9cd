"""Unit spelling and conversion, table-driven, including the magnesium identity."""

from __future__ import annotations

import pytest

from medcite.errors import MedciteError
from medcite.units import (
    UnitError,
    analyte,
    can_convert,
    canonical_unit,
    convert,
    dimension,
    normalise,
    reference_unit,
)


@pytest.mark.parametrize(("raw", "canonical"), [
    ("mg", "mg"), ("milligrams", "mg"), ("MG", "mg"), ("micrograms", "mcg"), ("ug", "mcg"),
    ("\u00b5g", "mcg"), ("\u03bcg", "mcg"), ("mcg", "mcg"), ("grams", "g"), ("g", "g"),
    ("mg/dl", "mg/dL"), ("mg / dL", "mg/dL"), ("mmol/l", "mmol/L"), ("\u00b5mol/L", "umol/L"),
    ("meq/L", "mEq/L"), ("MEQ/L", "mEq/L"), ("ng/ml", "ng/mL"), ("IU", "IU"),
    ("international units", "IU"), ("%", "%"), ("percent", "%"), ("mg/kg", "mg/kg"),
    ("litres", "L"), ("mL", "mL"),
])
def test_canonical_unit(raw, canonical):
    assert canonical_unit(raw) == canonical


@pytest.mark.parametrize("raw", ["", "furlongs", "mg/parsec"])
def test_unknown_units_raise_a_user_error(raw):
    with pytest.raises(UnitError):
        canonical_unit(raw)
    assert issubclass(UnitError, MedciteError)


# (value, from, to, analyte, expected) -- expected values worked by hand from molar masses.
CONVERSIONS = [
    (1, "g", "mg", None, 1000.0),
    (400, "mcg", "mg", None, 0.4),
    (2, "g", "mcg", None, 2_000_000.0),
    (1, "L", "mL", None, 1000.0),
    (1, "dL", "mL", None, 100.0),
    # magnesium 24.305 g/mol, valence 2: 1 mmol/L = 24.305 mg/L = 2.4305 mg/dL = 2 mEq/L
    (1, "mmol/L", "mg/dL", "magnesium", 2.4305),
    (1, "mmol/L", "mEq/L", "magnesium", 2.0),
    (2.4305, "mg/dL", "mEq/L", "magnesium", 2.0),
    (2, "mEq/L", "mg/dL", "magnesium", 2.4305),
    # calcium 40.078, valence 2: 10 mg/dL = 100 mg/L / 40.078 = 2.495 mmol/L = 4.990 mEq/L
    (10, "mg/dL", "mmol/L", "calcium", 2.49513),
    (10, "mg/dL", "mEq/L", "calcium", 4.99027),
    # potassium 39.098, valence 1: mmol/L == mEq/L
    (4.0, "mmol/L", "mEq/L", "potassium", 4.0),
    (4.0, "mEq/L", "mg/dL", "potassium", 15.6392),
    # sodium 22.990: 140 mmol/L = 3218.6 mg/L = 321.86 mg/dL
    (140, "mmol/L", "mg/dL", "sodium", 321.86),
    # glucose 180.16: 100 mg/dL = 1000 mg/L / 180.16 = 5.5506 mmol/L
    (100, "mg/dL", "mmol/L", "glucose", 5.55062),
    # creatinine 113.12: 1 mg/dL = 10 mg/L / 113.12 g/mol = 88.40 umol/L
    (1, "mg/dL", "umol/L", "creatinine", 88.4017),
    # cholesterol 386.65: 200 mg/dL = 5.1726 mmol/L
    (200, "mg/dL", "mmol/L", "cholesterol", 5.17263),
    (30, "ng/mL", "nmol/L", "vitamin d", 74.8802),
    (7, "mg/dL", "mmol/L", "Serum Magnesium", 2.88007),
    # vitamin D: 1 mcg = 40 IU (NIH ODS), so 600 IU = 15 mcg and 4,000 IU = 0.1 mg
    (600, "IU", "mcg", "vitamin d", 15.0),
    (4000, "IU", "mg", "vitamin D3", 0.1),
    (25, "mcg", "IU", "cholecalciferol", 1000.0),
]


@pytest.mark.parametrize(("value", "src", "dst", "name", "expected"), CONVERSIONS)
def test_convert(value, src, dst, name, expected):
    assert convert(value, src, dst, name) == pytest.approx(expected, rel=1e-4)


@pytest.mark.parametrize(("value", "src", "dst", "name"), [
    (1, "mmol/L", "mg/dL", "magnesium"), (5.5, "mmol/L", "mg/dL", "glucose"),
    (3, "mEq/L", "mg/dL", "calcium"), (250, "mg", "mcg", None),
])
def test_round_trip(value, src, dst, name):
    assert convert(convert(value, src, dst, name), dst, src, name) == pytest.approx(value)


def test_magnesium_identity_one_mmol_is_2_43_mg_dl_and_2_meq():
    assert round(convert(1, "mmol/L", "mg/dL", "magnesium"), 2) == 2.43
    assert convert(1, "mmol/L", "mEq/L", "magnesium") == 2.0


@pytest.mark.parametrize(("src", "dst", "name"), [
    ("mg/dL", "mEq/L", "glucose"),  # glucose carries no charge
    ("mg/dL", "mmol/L", None),  # no analyte, no molar mass
    ("mg/dL", "mmol/L", "triglycerides"),  # no single molar mass
    ("mg/dL", "mmol/L", "unobtainium"),
    ("mg", "mL", None),  # mass is not volume
    ("mg", "mg/dL", None),
    ("IU", "mg", "vitamin a"),  # IU of vitamin A depend on its chemical form
    ("IU", "mg", None),
])
def test_impossible_conversions_raise(src, dst, name):
    assert not can_convert(src, dst, name)
    with pytest.raises(UnitError):
        convert(1, src, dst, name)


@pytest.mark.parametrize(("unit", "kind"), [
    ("mg", "mass"), ("mg/dL", "mass_conc"), ("mmol/L", "amount_conc"), ("mEq/L", "charge_conc"),
    ("mL", "volume"), ("IU", "IU"), ("%", "%"), ("mg/kg", "mass/mass"),
])
def test_dimension(unit, kind):
    assert dimension(unit) == kind


@pytest.mark.parametrize(("value", "unit", "name", "expected"), [
    (2, "mEq/L", "magnesium", (1.0, "mmol/L")),
    (0.35, "g", None, (350.0, "mg")),
    (1.8, "mg/dL", None, (0.018, "g/L")),
])
def test_normalise(value, unit, name, expected):
    got = normalise(value, unit, name)
    assert got[1] == expected[1] and got[0] == pytest.approx(expected[0])


def test_reference_unit_and_analyte_lookup():
    assert reference_unit("mEq/L", "potassium") == "mmol/L"
    assert analyte("HYPOTHETICAL") is None
    assert analyte("blood sugar").name == "glucose"
