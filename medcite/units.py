"""Unit normalisation: spell units one way, convert mass, volume and concentrations.

Everything here is a pure function over small tables, so the numbers can be checked by hand.
Concentrations convert between mass (mg/dL), amount (mmol/L) and charge (mEq/L) only when the
analyte's molar mass (and, for mEq, its valence) is known:

    mmol/L = (mg/dL x 10) / molar_mass        # 1 dL = 0.1 L, so mg/dL x 10 = mg/L
    mEq/L  = mmol/L x valence

Worked through for magnesium (24.305 g/mol, valence 2): 1 mmol/L = 24.305 mg/L = 2.43 mg/dL,
and 2 mEq/L.

>>> round(convert(1, "mmol/L", "mg/dL", "magnesium"), 2)
2.43
>>> convert(1, "mmol/L", "mEq/L", "magnesium")
2.0
>>> convert(1, "g", "mg")
1000.0
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import MedciteError

__all__ = ["ANALYTES", "Analyte", "UnitError", "analyte", "can_convert", "canonical_unit", "convert",
           "dimension", "normalise", "reference_unit"]


class UnitError(MedciteError):
    """A unit we do not know, or a conversion that needs facts we do not have."""


@dataclass(frozen=True)
class Analyte:
    """Something measured in blood or taken as a nutrient/drug, with what conversions need.

    `molar_mass` is in g/mol (None: no single molar mass, so no mass <-> molar conversion);
    `valence` is the charge of the ion (None: mEq/L makes no sense for it).
    """

    name: str
    aliases: tuple[str, ...] = ()
    molar_mass: float | None = None
    valence: int | None = None
    iu_per_mcg: float | None = None  # international units per microgram, where one is fixed


# Molar masses: elements from the IUPAC standard atomic weights (CIAAW, abridged values, 2021:
# Mg 24.305, Ca 40.078, K 39.098, Na 22.990, P 30.974, Cl 35.45, Fe 55.845, Li 6.94, Zn 65.38,
# Cu 63.546, N 14.007, C 12.011, H 1.008, O 15.999). Molecules are summed from those weights:
# glucose C6H12O6 = 180.16; creatinine C4H7N3O = 113.12; cholesterol C27H46O = 386.65;
# uric acid C5H4N4O3 = 168.11; urea nitrogen is reported as 2 N = 28.014;
# 25-hydroxyvitamin D3 C27H44O2 = 400.64; bilirubin C33H36N4O6 = 584.67.
# Phosphate is reported by laboratories as inorganic phosphorus, so its mass is that of P.
# Triglycerides have no single formula: no molar conversion (labs use a convention; we don't).
ANALYTES: tuple[Analyte, ...] = (
    Analyte("magnesium", ("mg2+", "magnesium level", "serum magnesium"), 24.305, 2),
    Analyte("calcium", ("ca2+", "serum calcium"), 40.078, 2),
    Analyte("potassium", ("k+", "serum potassium"), 39.098, 1),
    Analyte("sodium", ("na+", "serum sodium", "salt"), 22.990, 1),
    Analyte("chloride", ("cl-",), 35.45, 1),
    Analyte("phosphate", ("phosphorus", "phosphate level"), 30.974, None),
    Analyte("glucose", ("blood sugar", "blood glucose", "sugar"), 180.16, None),
    Analyte("creatinine", ("serum creatinine",), 113.12, None),
    Analyte("cholesterol", ("total cholesterol", "serum cholesterol"), 386.65, None),
    # LDL and HDL are reported as their cholesterol content, so they share its molar mass; they
    # stay separate analytes because their targets differ (conflicts must not mix them).
    Analyte("ldl cholesterol", ("ldl", "ldl-c", "ldl-cholesterol"), 386.65, None),
    Analyte("hdl cholesterol", ("hdl", "hdl-c", "hdl-cholesterol"), 386.65, None),
    Analyte("triglycerides", ("triglyceride",), None, None),
    Analyte("urea nitrogen", ("bun", "blood urea nitrogen"), 28.014, None),
    Analyte("uric acid", ("urate",), 168.11, None),
    # Vitamin D: 1 mcg = 40 IU (NIH Office of Dietary Supplements, vitamin D fact sheet). Other
    # vitamins' IU depend on the chemical form (vitamin A, E), so they get no factor.
    Analyte("vitamin d", ("25-hydroxyvitamin d", "calcidiol", "vitamin d3", "cholecalciferol",
                          "vitamin d2", "ergocalciferol"), 400.64, None, iu_per_mcg=40.0),
    Analyte("iron", ("ferrous", "serum iron"), 55.845, None),
    Analyte("zinc", (), 65.38, None),
    Analyte("copper", (), 63.546, None),
    Analyte("lithium", (), 6.94, 1),
    Analyte("bilirubin", (), 584.67, None),
)
_BY_NAME = {a.name: a for a in ANALYTES} | {alias: a for a in ANALYTES for alias in a.aliases}


def analyte(name: str | None) -> Analyte | None:
    """The analyte table entry for a name or alias (case-insensitive), or None.

    >>> analyte("Serum Magnesium").molar_mass
    24.305
    """
    if not name:
        return None
    return _BY_NAME.get(name.strip().lower())


# -- units --------------------------------------------------------------------------------

# Each base unit -> (dimension, factor to the dimension's base). Bases: g, L, mol, eq.
_MASS = {"kg": 1e3, "g": 1.0, "mg": 1e-3, "mcg": 1e-6, "ng": 1e-9, "pg": 1e-12}
_VOLUME = {"L": 1.0, "dL": 0.1, "mL": 1e-3, "uL": 1e-6}
_AMOUNT = {"mol": 1.0, "mmol": 1e-3, "umol": 1e-6, "nmol": 1e-9, "pmol": 1e-12}
_CHARGE = {"Eq": 1.0, "mEq": 1e-3}

# Spellings -> canonical symbol. Micro is written "mcg"/"umol" (ASCII, and "mcg" is what
# patient-education pages use; "ug" is easily misread).
_SPELLINGS: dict[str, str] = {
    "kilogram": "kg", "kilograms": "kg", "kg": "kg",
    "gram": "g", "grams": "g", "g": "g", "gm": "g", "gms": "g",
    "milligram": "mg", "milligrams": "mg", "mg": "mg", "mgs": "mg",
    "microgram": "mcg", "micrograms": "mcg", "mcg": "mcg", "ug": "mcg", "\u00b5g": "mcg",
    "\u03bcg": "mcg",
    "nanogram": "ng", "nanograms": "ng", "ng": "ng", "picogram": "pg", "picograms": "pg",
    "pg": "pg",
    "liter": "L", "liters": "L", "litre": "L", "litres": "L", "l": "L",
    "deciliter": "dL", "deciliters": "dL", "decilitre": "dL", "decilitres": "dL", "dl": "dL",
    "milliliter": "mL", "milliliters": "mL", "millilitre": "mL", "millilitres": "mL", "ml": "mL",
    "microliter": "uL", "ul": "uL", "\u00b5l": "uL", "\u03bcl": "uL",
    "mol": "mol", "mmol": "mmol", "millimole": "mmol", "millimoles": "mmol",
    "umol": "umol", "\u00b5mol": "umol", "\u03bcmol": "umol", "micromole": "umol",
    "micromoles": "umol", "nmol": "nmol", "pmol": "pmol",
    "eq": "Eq", "meq": "mEq", "milliequivalent": "mEq", "milliequivalents": "mEq",
    "iu": "IU", "international unit": "IU", "international units": "IU", "units": "IU",
    "unit": "IU", "%": "%", "percent": "%", "per cent": "%",
}


def canonical_unit(text: str) -> str:
    """One spelling per unit: "milligrams" -> "mg", "mg/dl" -> "mg/dL", "µmol/l" -> "umol/L".

    >>> canonical_unit("MEQ/L"), canonical_unit("micrograms"), canonical_unit("ng/ml")
    ('mEq/L', 'mcg', 'ng/mL')
    """
    raw = re.sub(r"\s+", " ", text.strip())
    if not raw:
        raise UnitError("empty unit")
    if "/" in raw:
        num, _, den = raw.partition("/")
        return f"{canonical_unit(num)}/{_canonical_part(den)}"
    return _canonical_part(raw)


def _canonical_part(part: str) -> str:
    key = part.strip()
    if key in _SPELLINGS.values():  # already canonical (case matters: "mL" vs "ml" both fine)
        return key
    low = key.lower()
    if low in _SPELLINGS:
        return _SPELLINGS[low]
    if low in ("day", "d", "daily"):
        return "day"
    raise UnitError(f"unknown unit {part!r}")


def dimension(unit: str) -> str:
    """The physical kind of a unit: mass, volume, amount, charge, mass_conc, amount_conc,
    charge_conc, IU, %, or a ratio such as "mass/day".

    >>> dimension("mg/dL"), dimension("mEq/L"), dimension("mcg")
    ('mass_conc', 'charge_conc', 'mass')
    """
    unit = canonical_unit(unit)
    num, _, den = unit.partition("/")
    kind = _kind(num)
    if not den:
        return kind
    if den in _VOLUME and kind in ("mass", "amount", "charge"):
        return f"{kind}_conc"
    return f"{kind}/{_kind(den) if den != 'day' else 'day'}"


def _kind(symbol: str) -> str:
    for kind, table in (("mass", _MASS), ("volume", _VOLUME), ("amount", _AMOUNT),
                        ("charge", _CHARGE)):
        if symbol in table:
            return kind
    return symbol  # "IU", "%": dimensionless kinds of their own


def _factor(symbol: str) -> float:
    for table in (_MASS, _VOLUME, _AMOUNT, _CHARGE):
        if symbol in table:
            return table[symbol]
    return 1.0


def _to_base(value: float, unit: str) -> tuple[float, str]:
    """value in `unit` -> (value, dimension) in base units (g, L, mol, Eq; per L for concs)."""
    num, _, den = unit.partition("/")
    base = value * _factor(num)
    if den in _VOLUME:
        base /= _VOLUME[den]
    return base, dimension(unit)


def convert(value: float, from_unit: str, to_unit: str, analyte_name: str | None = None) -> float:
    """Convert `value` between units of the same kind, or between concentration kinds when the
    analyte's molar mass (and valence, for mEq/L) is known. Raises UnitError otherwise.

    >>> round(convert(7, "mg/dL", "mmol/L", "magnesium"), 2)
    2.88
    >>> round(convert(100, "mg/dL", "mmol/L", "glucose"), 2)
    5.55
    """
    src, dst = canonical_unit(from_unit), canonical_unit(to_unit)
    base, src_kind = _to_base(value, src)
    dst_kind = dimension(dst)
    if src_kind != dst_kind:
        base = _convert_kind(base, src_kind, dst_kind, analyte_name, src, dst)
    one, _ = _to_base(1.0, dst)
    return base / one


# Concentration kinds in base units: mass_conc g/L, amount_conc mol/L, charge_conc Eq/L.
def _convert_kind(base: float, src: str, dst: str, name: str | None, su: str, du: str) -> float:
    if {src, dst} == {"IU", "mass"}:
        return _convert_iu(base, src, name, su, du)
    concs = ("mass_conc", "amount_conc", "charge_conc")
    if src not in concs or dst not in concs:
        raise UnitError(f"cannot convert {su} to {du}: different kinds of quantity")
    entry = analyte(name)
    if entry is None:
        raise UnitError(f"cannot convert {su} to {du} without a known analyte (got {name!r})")
    mol = base
    if src == "mass_conc":
        mol = base / _need(entry.molar_mass, entry, "molar mass", su, du)
    elif src == "charge_conc":
        mol = base / _need(entry.valence, entry, "valence", su, du)
    if dst == "amount_conc":
        return mol
    if dst == "mass_conc":
        return mol * _need(entry.molar_mass, entry, "molar mass", su, du)
    return mol * _need(entry.valence, entry, "valence", su, du)


def _convert_iu(base: float, src: str, name: str | None, su: str, du: str) -> float:
    """IU <-> grams (mass base unit) through the analyte's IU per microgram."""
    entry = analyte(name)
    if entry is None or entry.iu_per_mcg is None:
        raise UnitError(f"cannot convert {su} to {du}: IU has no fixed mass for {name or 'this'}")
    if src == "IU":
        return base / entry.iu_per_mcg * 1e-6  # IU -> mcg -> g
    return base * 1e6 * entry.iu_per_mcg  # g -> mcg -> IU


def _need(fact: float | None, entry: Analyte, what: str, su: str, du: str) -> float:
    if fact is None:
        raise UnitError(f"cannot convert {su} to {du} for {entry.name}: no single {what}")
    return float(fact)


def can_convert(from_unit: str, to_unit: str, analyte_name: str | None = None) -> bool:
    """True when `convert` would succeed for these units and analyte.

    >>> can_convert("mg/dL", "mEq/L", "glucose"), can_convert("mg", "g")
    (False, True)
    """
    try:
        convert(1.0, from_unit, to_unit, analyte_name)
    except UnitError:
        return False
    return True


def reference_unit(unit: str, analyte_name: str | None = None) -> str:
    """The unit medcite compares quantities in: mg for masses, mmol/L for concentrations of an
    analyte with a molar mass (so mg/dL and mEq/L sources line up), otherwise the canonical
    spelling of the base (g/L, mol/L, Eq/L), "mg/day" for daily masses.

    >>> reference_unit("mg/dL", "magnesium"), reference_unit("g"), reference_unit("mg/dL")
    ('mmol/L', 'mg', 'g/L')
    """
    kind = dimension(unit)
    entry = analyte(analyte_name)
    if kind == "IU" and entry is not None and entry.iu_per_mcg is not None:
        return "mg"  # so "600 IU" and "15 mcg" of vitamin D line up
    if kind.endswith("_conc"):
        if entry and entry.molar_mass is not None:
            return "mmol/L"
        return {"mass_conc": "g/L", "amount_conc": "mmol/L", "charge_conc": "mEq/L"}[kind]
    return {"mass": "mg", "volume": "mL", "amount": "mmol", "charge": "mEq",
            "mass/day": "mg/day"}.get(kind, canonical_unit(unit))


def normalise(value: float, unit: str, analyte_name: str | None = None) -> tuple[float, str]:
    """(value, unit) in the reference unit for comparisons.

    >>> v, u = normalise(2, "mEq/L", "magnesium"); (v, u)
    (1.0, 'mmol/L')
    """
    target = reference_unit(unit, analyte_name)
    return convert(value, unit, target, analyte_name), target
