"""Word lists for quantity extraction: measure cues, subjects, populations, clause breaks.

Kept apart from `medcite.quantities` (the extraction logic) so the vocabulary can grow without
the logic passing ~400 lines.

>>> SUBJECTS["hypomagnesemia"], bool(POPULATION_RE[0][1].search("during pregnancy"))
('magnesium', True)
"""

from __future__ import annotations

import re

from .units import ANALYTES

# -- what a quantity measures: cue phrases in the clause before it ---------------------------

MEASURE_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("upper_limit", re.compile(
        r"upper\s+(?:intake\s+)?limits?|tolerable\s+upper|\bULs?\b|maximum\s+(?:daily\s+)?"
        r"(?:dose|intake|amount)|should\s+not\s+(?:take\s+)?(?:more|exceed)|safe\s+upper", re.I)),
    # Recommended intakes only: "intake of 12 g/day" in a study describes what people ate.
    ("intake", re.compile(
        r"recommended\s+(?:dietary|daily)\s+(?:allowance|intake|amount)|\bRDAs?\b|"
        r"daily\s+allowance|adequate\s+intake|\bAIs?\b|recommended\s+(?:intake|amount)|"
        r"daily\s+(?:requirement|value)|dietary\s+reference|\bneeds?\s+(?:about|at\s+least)|"
        r"should\s+(?:get|consume|eat|take|aim)|\baim\s+for\b|"
        r"recommend\w*\b[^.;]{0,60}?\b(?:consume|get|eat|intake)", re.I)),
    ("normal_range", re.compile(r"normal\s+(?:range|level|value)s?|reference\s+(?:range|interval)|"
                                r"\bnormal\b|healthy\s+range|target\s+range", re.I)),
    ("dose", re.compile(
        r"\bdos(?:e|es|ing|age)\b|\btak(?:e|es|ing|en)\b|\bgiven\b|\badminister(?:ed|ing)?\b|"
        r"\btreated\s+with\b|\btablets?\b|"
        r"\bcapsules?\b|\bsupplement(?:s|ation|ing)?\b|\binfusion|\binjection|\btreatment\b|"
        r"\bprescribed\b|\bstart(?:ing)?\s+(?:at|with)|\bevery\s+\d+\s+hours\b|\bonce\s+a\b|"
        r"\btwice\b|\btimes\s+(?:a|per)\s+(?:day|week)\b", re.I)),
    ("risk", re.compile(r"\brisk\b|\bchance\b|\bodds\b|\blikel(?:y|ihood)\b|\bincidence\b|"
                        r"\bmortality\b|\breduc|\bincreas|\bdecreas|\bprevalence\b", re.I)),
]

# -- subjects: analytes from medcite.units plus common nutrients and drugs -------------------

EXTRA_SUBJECTS: dict[str, tuple[str, ...]] = {
    "magnesium": ("hypomagnesemia", "hypermagnesemia", "hypomagnesaemia", "hypermagnesaemia"),
    "potassium": ("hypokalemia", "hyperkalemia", "hypokalaemia", "hyperkalaemia"),
    "sodium": ("hyponatremia", "hypernatremia", "hyponatraemia", "hypernatraemia"),
    "calcium": ("hypocalcemia", "hypercalcemia", "hypocalcaemia", "hypercalcaemia"),
    "glucose": ("hypoglycemia", "hyperglycemia", "hypoglycaemia", "hyperglycaemia"),
    "phosphate": ("hypophosphatemia", "hyperphosphatemia"),
    "vitamin a": ("retinol",), "vitamin b12": ("cobalamin", "b12"), "vitamin c": ("ascorbic acid",),
    "vitamin e": ("tocopherol",), "vitamin k": (), "vitamin b6": ("pyridoxine",),
    "folate": ("folic acid",), "iodine": (), "selenium": (), "fiber": ("fibre",),
    "protein": (), "caffeine": (), "alcohol": (), "omega-3": ("fish oil",),
    "hemoglobin a1c": ("hba1c", "a1c", "haemoglobin a1c"), "hemoglobin": ("haemoglobin",),
    "blood pressure": ("systolic", "diastolic"),
    "acetaminophen": ("paracetamol", "tylenol"), "ibuprofen": ("advil", "motrin"),
    "aspirin": (), "metformin": (), "insulin": (), "levothyroxine": (), "warfarin": (),
}


def subject_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for entry in ANALYTES:
        for name in (entry.name, *entry.aliases):
            if re.fullmatch(r"[a-z0-9 \-]+", name):  # skip ion formulas such as "mg2+"
                table[name] = entry.name
    for name, aliases in EXTRA_SUBJECTS.items():
        table[name] = name
        for alias in aliases:
            table[alias] = name
    return table


SUBJECTS = subject_table()
SUBJECT_RE = re.compile(
    r"\b(?:" + "|".join(re.escape(k) for k in sorted(SUBJECTS, key=len, reverse=True)) + r")\b",
    re.I,
)

POPULATION_TERMS: dict[str, str] = {
    "pregnancy": r"pregnan\w*|expecting\s+mothers?",
    "breastfeeding": r"breast-?feeding|lactat\w*|nursing\s+mothers?",
    "infants": r"infants?|babies|baby|newborns?",
    "children": r"child(?:ren)?(?!-)|kids?|toddlers?|p(?:a)?ediatric",  # not "child-bearing age"
    "teens": r"teen(?:s|agers?)?|adolescen\w*",
    "older_adults": r"older\s+(?:adults|people|persons|patients)|elderly|seniors|"
                    r"(?:aged|over|older\s+than)\s+(?:6[5-9]|[7-9]\d)",
    "kidney_disease": r"kidney\s+(?:disease|problems?|failure|impairment|dysfunction)|"
                      r"renal\s+(?:disease|failure|impairment|insufficiency|dysfunction)|\bCKD\b",
    "men": r"(?-i:\b[Mm]en\b)|\bmales?\b",  # not "MEN 1" (a syndrome's acronym)
    "women": r"(?-i:\b[Ww]omen\b)|\bfemales?\b",
    "adults": r"(?<!older\s)\badults?\b",
}
POPULATION_RE = [(name, re.compile(rf"\b(?:{pat})\b", re.I)) for name, pat in
                  POPULATION_TERMS.items()]
# "particularly in people with kidney problems" names who is most at risk, not whom the
# number is for; such mentions are not given to the quantities of the sentence.
RISK_GROUP = re.compile(r"(?:particularly|especially|notably|even)\s+(?:in|for|among)?[^,.;]*$",
                         re.I)
SUPPLEMENTAL = re.compile(r"\bsupplement(?:al|s|ation)?\b", re.I)
FOOD = re.compile(r"\b(?:from\s+)?(?:food|foods|diet|dietary\s+sources)\b", re.I)
# Advice words that make "less than / no more than N mg" a limit rather than a description.
LIMIT_CUE = re.compile(r"\b(?:should|limit\w*|advis\w*|recommend\w*|keep|maximum)\b", re.I)
BULLET = re.compile(r"\s*(?:[-*\u2022\u2013]|\d+[.)])\s")
CLAUSE_END = re.compile(r"[;:()]|,\s|\band\b|\bwhile\b|\bwhereas\b|\bbut\b")
