"""Where sources differ: group quantities that measure the same thing and report disagreements.

Two quantities measure the same thing when they share a subject (magnesium), a measure (upper
limit), a direction for thresholds (below / above), a qualifier (supplemental / food) and a
population (men, pregnancy...; "adults" counts as the general population), and their units
convert to one reference unit (medcite.units.normalise). Within such a group, two values
disagree when the gap between them is more than `tolerance` (10%) of the larger one; ranges
that overlap never disagree. Values are never averaged: each is shown with its citation.

Doses, measured levels and percentages are not compared by default: a dose depends on what it
treats, a level on whom it was measured in, and a percentage on what it is a percentage of.

>>> from medcite.quantities import extract_all
>>> qs = extract_all([("1", "The upper limit for supplemental magnesium is 350 mg."),
...                   ("2", "The upper limit for supplemental magnesium is 400 mg.")])
>>> [(c.what, [e.quote for e in c.entries]) for c in find_conflicts(qs)]
[('magnesium upper limit (supplemental)', ['350 mg', '400 mg'])]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .models import Conflict, ConflictEntry, Quantity
from .units import UnitError, canonical_unit, convert, normalise

__all__ = ["COMPARED_MEASURES", "DEFAULT_TOLERANCE", "direction", "disagree", "find_conflicts",
           "group_key", "interval"]

# Measured levels ("her potassium was 3.1 mEq/L", a study group's mean) differ legitimately
# between sources, so only recommendations, limits, thresholds and normal ranges are compared.
COMPARED_MEASURES = ("intake", "upper_limit", "threshold", "normal_range")
DEFAULT_TOLERANCE = 0.10  # values within 10% of each other agree (rounding, unit conversion)

_MEASURE_LABELS = {
    "intake": "recommended intake", "upper_limit": "upper limit", "threshold": "threshold",
    "normal_range": "normal range", "level": "level", "dose": "dose",
    "percentage": "percentage", "risk": "risk",
}
_GENERAL = {"adults"}  # populations that mean "everyone the source addresses"

GroupKey = tuple[str, str, str, str, tuple[str, ...], str]


def group_key(q: Quantity) -> GroupKey | None:
    """What a quantity measures, as a hashable key, or None when it cannot be compared.

    >>> from medcite.quantities import extract
    >>> group_key(extract("Magnesium levels below 1.8 mg/dL are low.")[0])
    ('magnesium', 'threshold', 'below', '', (), 'mmol/L')
    """
    if not q.subject or not q.unit:
        return None
    try:
        _, unit = normalise(1.0, q.unit, q.subject)
    except UnitError:
        try:
            unit = canonical_unit(q.unit)
        except UnitError:
            return None
    unit = unit.removesuffix("/day")
    population = tuple(sorted(set(q.population) - _GENERAL))
    return (q.subject, q.measure, direction(q.comparator), q.qualifier, population, unit)


def direction(comparator: str) -> str:
    """"below" for upper bounds, "above" for lower bounds, "" for values and ranges.

    >>> direction("<="), direction(">"), direction("range")
    ('below', 'above', '')
    """
    return {"<": "below", "<=": "below", ">": "above", ">=": "above"}.get(comparator, "")


def interval(q: Quantity, unit: str) -> tuple[float, float]:
    """The quantity's numbers as a closed interval in `unit`; a bound is its own value.

    >>> from medcite.quantities import extract
    >>> [round(v, 3) for v in interval(extract("below 1.8 mg/dL of magnesium")[0], "mmol/L")]
    [0.741, 0.741]
    """
    values = [v for v in (q.low, q.high) if v is not None]
    converted = [convert(v, q.unit, unit, q.subject) for v in values]
    return min(converted), max(converted)


def disagree(a: tuple[float, float], b: tuple[float, float],
             tolerance: float = DEFAULT_TOLERANCE) -> bool:
    """True when the gap between two intervals is more than `tolerance` of the larger value.

    >>> disagree((350, 350), (400, 400)), disagree((310, 420), (400, 420))
    (True, False)
    >>> disagree((0.74, 0.74), (0.75, 0.75))
    False
    """
    gap = max(0.0, b[0] - a[1], a[0] - b[1])
    scale = max(abs(a[1]), abs(b[1]), abs(a[0]), abs(b[0]))
    return gap > tolerance * scale


def find_conflicts(quantities: Iterable[Quantity], tolerance: float = DEFAULT_TOLERANCE,
                   measures: Iterable[str] = COMPARED_MEASURES) -> list[Conflict]:
    """Conflicts among quantities from different citations, largest disagreement first.

    Only quantities with a `citation` take part (an uncited number cannot be shown side by
    side), and a conflict needs at least two citations that disagree: one source listing two
    values is not a disagreement between sources.
    """
    wanted = set(measures)
    groups: dict[GroupKey, list[Quantity]] = defaultdict(list)
    for q in quantities:
        key = group_key(q) if q.measure in wanted and q.citation else None
        if key is not None:
            groups[key].append(q)
    conflicts: list[tuple[float, Conflict]] = []
    for key, members in groups.items():
        found = _conflict(key, members, tolerance)
        if found is not None:
            conflicts.append(found)
    conflicts.sort(key=lambda pair: -pair[0])
    return [c for _, c in conflicts]


def _conflict(key: GroupKey, members: list[Quantity],
              tolerance: float) -> tuple[float, Conflict] | None:
    subject, measure, way, qualifier, population, unit = key
    entries: list[ConflictEntry] = []
    seen: set[tuple[str, float, float]] = set()
    for q in members:
        lo, hi = interval(q, unit)
        if (q.citation, round(lo, 6), round(hi, 6)) in seen:
            continue
        seen.add((q.citation, round(lo, 6), round(hi, 6)))
        entries.append(ConflictEntry(quote=q.quote, low=_round(lo), high=_round(hi), unit=unit,
                                     citation=q.citation, comparator=q.comparator))
    worst = 0.0
    for i, a in enumerate(entries):
        for b in entries[i + 1:]:
            if a.citation != b.citation and disagree(_pair(a), _pair(b), tolerance):
                worst = max(worst, _relative_gap(_pair(a), _pair(b)))
    if worst == 0.0:
        return None
    entries.sort(key=lambda e: (_pair(e), e.citation))
    label = f"{subject} {_MEASURE_LABELS.get(measure, measure)}"
    if way:
        label += f" ({way})"
    if qualifier:
        label += f" ({qualifier})"
    reason = f"values differ by up to {worst:.0%} after converting to {unit}"  # gap / larger
    return worst, Conflict(what=label, subject=subject, measure=measure,
                           population=list(population), entries=entries, reason=reason)


def _pair(e: ConflictEntry) -> tuple[float, float]:
    return (e.low if e.low is not None else 0.0, e.high if e.high is not None else 0.0)


def _relative_gap(a: tuple[float, float], b: tuple[float, float]) -> float:
    gap = max(0.0, b[0] - a[1], a[0] - b[1])
    return gap / max(abs(a[1]), abs(b[1]), 1e-12)


def _round(value: float) -> float:
    """Round to 4 significant figures: enough to compare, short enough to show."""
    return float(f"{value:.4g}")
