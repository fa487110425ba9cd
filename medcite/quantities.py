"""Quantity extraction: the numbers of a passage, with their unit, meaning, subject and population.

A quantity is a number (or range, or bound) followed by a unit we know ("310-420 mg",
"below 1.8 mg/dL", "0.7 to 1.0 mmol/L", "1,000 IU", "5%"). Numbers without a unit (years,
counts, reference markers) are not quantity claims and are skipped. Everything is rule-based
and keeps exact character offsets, so `text[q.start:q.end] == q.quote` always holds.

>>> [(q.quote, q.comparator, q.measure, q.subject) for q in extract(
...     "Magnesium deficiency can cause twitching when levels fall below 1.8 mg/dL.")]
[('below 1.8 mg/dL', '<', 'threshold', 'magnesium')]
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from functools import lru_cache

from .models import Quantity
from .quantity_vocab import (
    BULLET,
    CLAUSE_END,
    FOOD,
    LIMIT_CUE,
    MEASURE_CUES,
    POPULATION_RE,
    POPULATION_TERMS,
    RISK_GROUP,
    SUBJECT_RE,
    SUBJECTS,
    SUPPLEMENTAL,
)
from .text import sentence_spans
from .units import UnitError, canonical_unit, dimension

__all__ = ["POPULATION_TERMS", "extract", "extract_all"]

# -- numbers, units, comparators ----------------------------------------------------------

_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_UNIT_NUM = (
    r"(?:milligrams?|micrograms?|nanograms?|grams?|kilograms?|millimoles?|micromoles?|"
    r"milliequivalents?|international\s+units?|percent|per\s+cent|units?|"
    r"mEq|meq|mmol|\u00b5mol|\u03bcmol|umol|nmol|pmol|mol|mcg|\u00b5g|\u03bcg|ug|mg|ng|pg|kg|gm|g|"
    r"IU|mmHg|mL|ml|dL|L|liters?|litres?|milliliters?|millilitres?|%)"
)
_UNIT_DEN = (
    r"(?:\s*/\s*(?:dL|dl|L|l|mL|ml|kg)(?![A-Za-z])|"
    r"\s+per\s+(?:deciliter|decilitre|liter|litre|milliliter|millilitre|kilogram)s?)"
)
_PER_DAY = r"(?:\s*/\s*(?:day|d)(?![A-Za-z])|\s+(?:per|a|each|every)\s+day|\s+daily)"
_RANGE_SEP = r"\s*(?:-|\u2013|\u2014|to)\s*"
# "70 mg/dL or above", "100 mg or less": a bound written after the number.
_POSTFIX = (r"\s+or\s+(?:(?P<ge>more|above|higher|greater|over)|"
            r"(?P<le>less|below|lower|fewer|under))\b")
_TAIL = (rf"\s*(?P<unit>{_UNIT_NUM}{_UNIT_DEN}?)(?![A-Za-z0-9])(?P<day>{_PER_DAY})?"
         rf"(?P<post>{_POSTFIX})?")
# A sign only when attached and not after a word ("MD -1.09 mmol/L", never "310-420 mg").
_SIGNED = rf"(?:[-\u2212](?=\d))?{_NUM}"
_HEAD = rf"(?<![\w.,/])(?P<a>{_SIGNED})(?:\s*(?P<unit_a>{_UNIT_NUM}{_UNIT_DEN}?)(?![A-Za-z]))?"
# number [unit] (- | to) number unit [per-volume] [per-day]; the unit is required.
_QUANTITY = re.compile(rf"{_HEAD}(?:{_RANGE_SEP}(?P<b>{_SIGNED}))?{_TAIL}")
# "between 0.7 and 1.0 mmol/L" (the only place where "and" joins a range).
_BETWEEN_QUANTITY = re.compile(rf"\bbetween\s+{_HEAD}\s+and\s+(?P<b>{_SIGNED}){_TAIL}", re.I)
# Words right before the number that bound it. Longest phrases first.
_COMPARATORS: list[tuple[str, str]] = [
    (r"(?:should\s+)?not\s+(?:to\s+)?exceed(?:ing)?|no\s+more\s+than|not\s+more\s+than|"
     r"up\s+to|at\s+most|a\s+maximum\s+of|maximum\s+of|\u2264|<=|=<", "<="),
    (r"at\s+least|no\s+less\s+than|a\s+minimum\s+of|\u2265|>=|=>", ">="),
    (r"less\s+than|lower\s+than|fewer\s+than|below|under|beneath|<", "<"),
    (r"more\s+than|greater\s+than|higher\s+than|larger\s+than|above|over|exceeds?|exceeding|"
     r"in\s+excess\s+of|>", ">"),
    (r"about|around|approximately|roughly|nearly|almost|~|\u2248", "~"),
]
_COMPARATOR_RE = [(re.compile(rf"(?:^|(?<=\W))(?:{pat})\s*$", re.I), op)
                  for pat, op in _COMPARATORS]



def extract(text: str, default_subject: str = "", citation: str = "") -> list[Quantity]:
    """Every quantity claim of `text`, in order, with offsets into `text`.

    `default_subject` is used when a sentence names no nutrient, drug or analyte (callers pass
    the question's focus or the passage's topic); `citation` is copied onto each quantity.

    >>> [(q.quote, q.low, q.high, q.unit, q.per, q.measure, q.population) for q in extract(
    ...     "The recommended daily allowance for adults is 310-420 mg.")]
    [('310-420 mg', 310.0, 420.0, 'mg', '', 'intake', ['adults'])]
    """
    found: list[Quantity] = []
    if not _QUANTITY.search(text):  # most passages state no quantity: skip sentence splitting
        return found
    intro = ""  # the sentence that introduces a list ("In general:"); bullets inherit its context
    for s_start, s_end in sentence_spans(text):
        sentence = text[s_start:s_end]
        is_item = bool(BULLET.match(sentence))
        context = intro if is_item else ""
        subject = _nearest_subject(context, len(context), len(context)) or default_subject
        found.extend(_extract_sentence(text, s_start, s_end, subject, citation, context))
        if sentence.rstrip().endswith(":"):
            intro = _last_sentences(text, s_start, s_end)
        elif not is_item:
            intro = ""
    return found


def _last_sentences(text: str, s_start: int, s_end: int) -> str:
    """A list intro and the sentence before it ("The RDA depends on age. In general:")."""
    return text[max(0, s_start - 200):s_end]


def extract_all(passages: Iterable[tuple[str, str]], default_subject: str = "") -> list[Quantity]:
    """Quantities of many (citation, text) pairs; offsets are into each passage's own text.

    >>> [q.citation for q in extract_all([("p1", "Take 2 g."), ("p2", "No numbers.")])]
    ['p1']
    """
    out: list[Quantity] = []
    for cite, passage in passages:
        out.extend(extract(passage, default_subject, citation=cite))
    return out


def _extract_sentence(text: str, s_start: int, s_end: int, default_subject: str,
                      citation: str, context: str = "") -> list[Quantity]:
    sentence = text[s_start:s_end]
    quantities: list[Quantity] = []
    prev_end = 0
    for m in _matches(sentence):
        q = _build(sentence, m, prev_end)
        q.start += s_start
        q.end += s_start
        q.citation = citation
        q.subject = _nearest_subject(sentence, m.start(), m.end()) or default_subject.lower()
        q.qualifier = _qualifier(sentence, m.start(), m.end())
        quantities.append(q)
        prev_end = m.end()
    if not quantities:
        return quantities
    _assign_measures(sentence, s_start, quantities, context)
    _assign_populations(sentence, s_start, quantities)
    return quantities


def _matches(sentence: str) -> list[re.Match[str]]:
    """"between X and Y unit" ranges first, then plain quantities that do not overlap them."""
    taken = [m for m in _BETWEEN_QUANTITY.finditer(sentence) if _valid(m)]
    for m in _QUANTITY.finditer(sentence):
        if _valid(m) and not any(m.start() < t.end() and t.start() < m.end() for t in taken):
            taken.append(m)
    return sorted(taken, key=lambda m: m.start())


def _valid(m: re.Match[str]) -> bool:
    """Reject matches whose unit cannot be spelled canonically (defensive; the regex is wide)."""
    try:
        canonical_unit(_unit_text(m.group("unit")))
    except UnitError:
        return False
    return True


def _unit_text(raw: str) -> str:
    raw = re.sub(r"\s+per\s+", "/", raw.strip(), flags=re.I)
    raw = re.sub(r"\s*/\s*", "/", raw)
    return re.sub(r"(?i)^(?:per\s+cent)$", "%", raw)


def _number(raw: str) -> float:
    return float(raw.replace(",", "").replace("\u2212", "-"))


def _build(sentence: str, m: re.Match[str], floor: int) -> Quantity:
    start = m.start()
    low = high = _number(m.group("a"))
    comparator = "="
    if m.group("b") is not None:
        second = _number(m.group("b"))
        low, high, comparator = min(low, second), max(low, second), "range"
    prefix = sentence[max(floor, start - 30):start]
    for pattern, op in _COMPARATOR_RE:
        hit = pattern.search(prefix)
        if hit:
            start = start - len(prefix) + hit.start()
            start += len(sentence[start:]) - len(sentence[start:].lstrip())
            if comparator != "range":  # else "more than 350-400 mg": a bound that is a range
                low, high = (None, high) if op in ("<", "<=") else (low, high)
                low, high = (low, None) if op in (">", ">=") else (low, high)
            comparator = op
            break
    end = m.end("unit")
    per = ""
    if m.group("day"):
        per, end = "day", m.end("day")
    if m.group("post") and comparator in ("=", "range"):
        op = ">=" if m.group("ge") else "<="
        if comparator == "=":
            low, high = (low, None) if op == ">=" else (None, high)
        comparator, end = op, m.end("post")
    unit = canonical_unit(_unit_text(m.group("unit")))
    return Quantity(quote=sentence[start:end], start=start, end=end, low=low, high=high,
                    comparator=comparator, unit=unit, per=per)


def _nearest_subject(sentence: str, a: int, b: int) -> str:
    """The named nutrient/drug/analyte closest to the span; ties go to the earlier mention."""
    best, best_dist = "", 10**9
    for start, end, name in _scan(sentence)[0]:
        dist = a - end if end <= a else start - b if start >= b else 0
        if dist < best_dist:
            best, best_dist = name, dist
    return best


@lru_cache(maxsize=512)
def _scan(sentence: str) -> tuple[list[tuple[int, int, str]], list[int], list[int]]:
    """Per sentence, once: subject mentions, and the starts and ends of clause breaks.

    Long list-like sentences (rare-disease pages list dozens of "90%" findings) would otherwise
    be rescanned for every quantity they hold.
    """
    subjects = [(m.start(), m.end(), SUBJECTS[m.group(0).lower()])
                for m in SUBJECT_RE.finditer(sentence)]
    # "HDL (good) cholesterol": the specific analyte names the whole phrase.
    subjects = [hit for i, hit in enumerate(subjects)
                if not (hit[2] == "cholesterol" and i
                        and subjects[i - 1][2].endswith(" cholesterol")
                        and hit[0] - subjects[i - 1][1] <= 12)]
    breaks = [(m.start(), m.end()) for m in CLAUSE_END.finditer(sentence)]
    return subjects, [a for a, _ in breaks], [b for _, b in breaks]


def _clause(sentence: str, a: int, b: int) -> tuple[int, int]:
    """The clause around a span: from the previous clause break to the next one."""
    _, starts, ends = _scan(sentence)
    i = bisect.bisect_right(ends, a)  # breaks that end at or before `a`
    left = ends[i - 1] if i else 0
    j = bisect.bisect_left(starts, b)  # first break that starts at or after `b`
    return left, starts[j] if j < len(starts) else len(sentence)


def _qualifier(sentence: str, a: int, b: int) -> str:
    left, right = _clause(sentence, a, b)
    window = sentence[left:right]
    if SUPPLEMENTAL.search(window):
        return "supplemental"
    if FOOD.search(window):
        return "food"
    return ""


def _assign_measures(sentence: str, offset: int, quantities: list[Quantity],
                     context: str = "") -> None:
    prev_local = 0
    previous: Quantity | None = None
    for q in quantities:
        a, b = q.start - offset, q.end - offset
        before = sentence[prev_local:a]
        after = sentence[b:_clause(sentence, a, b)[1]]
        q.measure = _measure(q, before, after, previous)
        if q.measure == "other" and context:  # a list item: the intro says what it measures
            q.measure = _measure(q, context, "", None)
        previous, prev_local = q, b


# A negated intake verb right before the amount: a ceiling, not a dose someone takes.
_NEGATED_MAXIMUM = re.compile(
    r"\b(?:not|never|n't)\s+(?:(?:to|be|ever)\s+)?(?:take|taking|taken|use|using|have|having|"
    r"consume|consuming|get|getting|eat|eating|drink|drinking|exceed|exceeding|go\s+over|"
    r"go\s+above)\b[\s\w-]{0,25}?$", re.IGNORECASE)
_TAKE_AT_MOST = re.compile(r"\b(?:take|use|have|consume|get|eat|drink|give)\b[\s\w-]{0,25}?$",
                           re.IGNORECASE)


def _measure(q: Quantity, before: str, after: str, previous: Quantity | None) -> str:
    kind = dimension(q.unit) if q.unit else ""
    if q.unit == "%":
        return "risk" if _cue("risk", before + after) else "percentage"
    said_before = before + re.split(r"\d", q.quote, maxsplit=1)[0]  # "... not exceed " + "350"
    if q.comparator != "<" and _NEGATED_MAXIMUM.search(said_before):
        return "upper_limit"  # "do not take more than 350 mg", "should not exceed 350 mg"
    if q.comparator == "<=" and _TAKE_AT_MOST.search(before):
        return "upper_limit"  # "take no more than 350 mg"
    for name in ("upper_limit", "intake"):
        if _cue(name, before):
            return name
    if kind.endswith("_conc") or q.unit == "mmHg":  # normal ranges are of blood levels
        if _cue("normal_range", before):
            return "normal_range"
        if q.comparator in ("<", "<=", ">", ">="):
            return "threshold"
        if q.comparator == "range" and _cue("normal_range", before + after):
            return "normal_range"
        return "level"
    if q.unit == "kg":  # body weight ("children under 45 kg"), never a dose on its own
        return "other"
    if kind == "mass" and q.comparator in ("<", "<=") and LIMIT_CUE.search(before):
        return "upper_limit"  # "should limit sodium to no more than 2,300 mg"
    if q.unit.endswith("/kg") or _cue("dose", before) or _cue("dose", after):
        return "dose"
    if previous is not None and previous.unit == q.unit and not before.strip(" ;,()").strip():
        return previous.measure  # "350 mg daily for women; 420 mg daily for men"
    if previous is not None and previous.unit == q.unit and len(before) < 25:
        return previous.measure
    return "other"


def _cue(name: str, window: str) -> bool:
    return any(pattern.search(window) for cue, pattern in MEASURE_CUES if cue == name)


def _populations(sentence: str, left: int = 0, right: int | None = None) -> list[str]:
    """Populations named in sentence[left:right], minus "particularly in ..." risk groups."""
    right = len(sentence) if right is None else right
    return sorted({name for start, end, name in _population_hits(sentence)
                   if start >= left and end <= right})


@lru_cache(maxsize=512)
def _population_hits(sentence: str) -> list[tuple[int, int, str]]:
    """Every population mention of a sentence, scanned once (see `_scan`)."""
    return [(hit.start(), hit.end(), name) for name, pattern in POPULATION_RE
            for hit in pattern.finditer(sentence)
            if not RISK_GROUP.search(sentence[max(0, hit.start() - 60):hit.start()])]


def _assign_populations(sentence: str, offset: int, quantities: list[Quantity]) -> None:
    """A population named in the quantity's own clause wins; otherwise the sentence's, except
    those claimed by another quantity's clause and "particularly in ..." risk groups."""
    local: list[list[str]] = []
    for q in quantities:
        a, b = q.start - offset, q.end - offset
        left, right = _clause(sentence, a, b)
        local.append(_populations(sentence, left, right))
    claimed = {p for pops in local for p in pops}
    general = set(_populations(sentence))
    for q, pops in zip(quantities, local, strict=True):
        q.population = pops or sorted(general - claimed)
