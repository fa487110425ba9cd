"""Reference grades: high / moderate / low / very low, from evidence type and metadata.

GRADE-inspired (Guyatt et al., "GRADE: an emerging consensus on rating quality of evidence and
strength of recommendations", BMJ 2008;336:924): evidence from randomised trials starts high,
observational evidence starts low, and reasons to doubt a body of evidence move it down.
GRADE rates a body of evidence for one outcome; medcite rates one reference from what the
library knows about it, so these are our simplified rules (docs/evidence-grades.md):

1. Retracted or withdrawn -> very low, whatever else is true (rule "retracted").
2. Start by evidence type (rule "type"):
   practice guideline, systematic review, randomised trial -> high;
   patient education -> moderate (written from guidelines and reviews by health agencies; a
   summary cannot be stronger than what it summarises, and its sources are not shown);
   expert overview, project-written overview, observational study -> low;
   case report, animal or lab study, unreviewed web article -> very low.
3. Older than 15 years -> one step down (rule "age"): doses, thresholds and advice change.
   No year -> no change (unknown age is not evidence of old age).

>>> grade("randomized_trial", year=2020, today=2026).level
'high'
>>> g = grade("systematic_review", year=2002, today=2026); (g.level, g.reasons[-1])
('moderate', 'published 2002, more than 15 years ago: one step down')
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .models import EvidenceType, Source

__all__ = ["GRADES", "GRADE_LABELS", "MAX_AGE_YEARS", "STARTING_GRADE", "Grade", "grade", "grade_source",
           "is_retracted", "step_down"]

GRADES = ("high", "moderate", "low", "very_low")  # strongest first; values of Reference.grade
GRADE_LABELS = {"high": "High", "moderate": "Moderate", "low": "Low", "very_low": "Very low"}
MAX_AGE_YEARS = 15

STARTING_GRADE: dict[EvidenceType, str] = {
    EvidenceType.PRACTICE_GUIDELINE: "high",
    EvidenceType.SYSTEMATIC_REVIEW: "high",
    EvidenceType.RANDOMIZED_TRIAL: "high",
    EvidenceType.PATIENT_EDUCATION: "moderate",
    EvidenceType.EXPERT_OVERVIEW: "low",
    EvidenceType.PROJECT_OVERVIEW: "low",
    EvidenceType.OBSERVATIONAL_STUDY: "low",
    EvidenceType.CASE_REPORT: "very_low",
    EvidenceType.ANIMAL_LAB_STUDY: "very_low",
    EvidenceType.UNREVIEWED_WEB: "very_low",
}
# NLM publication types that mark a retracted article or the retraction notice itself.
RETRACTION_TYPES = frozenset({"retracted publication", "retraction of publication"})


@dataclass(frozen=True)
class Grade:
    """A reference grade and the rules that produced it, in the order they applied."""

    level: str  # one of GRADES
    reasons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return GRADE_LABELS[self.level]


def step_down(level: str, steps: int = 1) -> str:
    """Move down the scale, stopping at very low.

    >>> step_down("high"), step_down("low", 2)
    ('moderate', 'very_low')
    """
    return GRADES[min(GRADES.index(level) + steps, len(GRADES) - 1)]


def grade(evidence_type: EvidenceType | str, year: int | None = None, *, retracted: bool = False,
          today: int | None = None) -> Grade:
    """Grade one reference from its evidence type, year and retraction status (rules above).

    >>> grade("case_report").level, grade("guideline", retracted=True).level
    ('very_low', 'very_low')
    """
    kind = EvidenceType.parse(evidence_type)
    if retracted:
        return Grade("very_low", ["retracted or withdrawn: very low whatever its design"])
    level = STARTING_GRADE[kind]
    reasons = [f"{kind.label.lower()}: starts {GRADE_LABELS[level].lower()}"]
    this_year = today if today is not None else datetime.date.today().year
    if year is not None and this_year - year > MAX_AGE_YEARS:
        level = step_down(level)
        reasons.append(f"published {year}, more than {MAX_AGE_YEARS} years ago: one step down")
    return Grade(level, reasons)


def is_retracted(source: Source) -> bool:
    """Withdrawn from the library, flagged `retracted` in its metadata, or typed as retracted
    by PubMed.

    >>> is_retracted(Source(id="x", title="t", metadata={"publication_types": [
    ...     "Journal Article", "Retracted Publication"]}))
    True
    """
    if source.status == "withdrawn" or source.metadata.get("retracted") in (True, "true", "yes"):
        return True
    types = source.metadata.get("publication_types") or []
    return any(str(t).strip().lower() in RETRACTION_TYPES for t in types)


def grade_source(source: Source, today: int | None = None) -> Grade:
    """Grade a stored source (what `Reference.grade` holds is `grade_source(s).level`).

    >>> grade_source(Source(id="x", title="t", evidence_type=EvidenceType.PATIENT_EDUCATION,
    ...                     year=2024), today=2026).level
    'moderate'
    """
    return grade(source.evidence_type, source.year, retracted=is_retracted(source), today=today)
