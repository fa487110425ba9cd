"""The domain nouns of medcite, in one place.

Every stage of the pipeline speaks in these types:

    ParsedDocument --passages.split--> Passage[] --store.put--> Source (+ Passage rows)
    question --retrieve--> Hit[] --answer--> Answer (sections of Claim, each with Citation)

They are plain dataclasses: cheap to build, easy to turn into JSON (`to_dict`).
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import Any


class EvidenceType(enum.StrEnum):
    """What kind of evidence a source is; shown beside every reference.

    Ordered roughly from strongest to weakest for *clinical* questions (see `rank`).
    The rules that assign a type live in `medcite.evidence`.
    """

    PRACTICE_GUIDELINE = "practice_guideline"
    SYSTEMATIC_REVIEW = "systematic_review"  # includes meta-analyses
    RANDOMIZED_TRIAL = "randomized_trial"
    OBSERVATIONAL_STUDY = "observational_study"
    CASE_REPORT = "case_report"
    ANIMAL_LAB_STUDY = "animal_lab_study"
    PATIENT_EDUCATION = "patient_education"
    EXPERT_OVERVIEW = "expert_overview"  # narrative reviews, reference texts
    PROJECT_OVERVIEW = "project_overview"  # notes written by the medcite project itself
    UNREVIEWED_WEB = "unreviewed_web"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def rank(self) -> int:
        """0 = strongest. Used to prefer guidelines for the bottom line."""
        return _RANK[self]

    @classmethod
    def parse(cls, value: str | EvidenceType) -> EvidenceType:
        """Accept the enum value, its label, or a loose spelling.

        >>> EvidenceType.parse("Practice guideline")
        <EvidenceType.PRACTICE_GUIDELINE: 'practice_guideline'>
        """
        if isinstance(value, EvidenceType):
            return value
        key = value.strip().lower().replace("-", "_").replace(" ", "_").replace("/", "_")
        for member in cls:
            if key in (member.value, member.label.lower().replace(" ", "_").replace("-", "_")):
                return member
        if key in _ALIASES:
            return _ALIASES[key]
        raise ValueError(
            f"unknown evidence type {value!r}; use one of: " + ", ".join(m.value for m in cls)
        )


_LABELS = {
    EvidenceType.PRACTICE_GUIDELINE: "Practice guideline",
    EvidenceType.SYSTEMATIC_REVIEW: "Systematic review / meta-analysis",
    EvidenceType.RANDOMIZED_TRIAL: "Randomised trial",
    EvidenceType.OBSERVATIONAL_STUDY: "Observational study",
    EvidenceType.CASE_REPORT: "Case report",
    EvidenceType.ANIMAL_LAB_STUDY: "Animal or lab study",
    EvidenceType.PATIENT_EDUCATION: "Patient education",
    EvidenceType.EXPERT_OVERVIEW: "Expert overview",
    EvidenceType.PROJECT_OVERVIEW: "Project-written overview",
    EvidenceType.UNREVIEWED_WEB: "Unreviewed web article",
}
_RANK = {member: i for i, member in enumerate(EvidenceType)}
_ALIASES = {
    "guideline": EvidenceType.PRACTICE_GUIDELINE,
    "meta_analysis": EvidenceType.SYSTEMATIC_REVIEW,
    "rct": EvidenceType.RANDOMIZED_TRIAL,
    "randomised_trial": EvidenceType.RANDOMIZED_TRIAL,
    "observational": EvidenceType.OBSERVATIONAL_STUDY,
    "animal": EvidenceType.ANIMAL_LAB_STUDY,
    "patient": EvidenceType.PATIENT_EDUCATION,
    "review": EvidenceType.EXPERT_OVERVIEW,
    "web": EvidenceType.UNREVIEWED_WEB,
    "project": EvidenceType.PROJECT_OVERVIEW,
}


@dataclass
class Section:
    """A titled span of a document's text: `text[start:end]` is the body (heading excluded)."""

    heading: str
    start: int
    end: int


@dataclass
class ParsedDocument:
    """What a connector returns for one source, before it is split and stored.

    `key` is the natural identity of the source (``pubmed:29768149``, ``medquad:ADAM_0000001-1``,
    a URL, or ``file:<name>``); it becomes the source id, so re-ingesting the same thing updates
    the same source. `text` is the full stored text; `sections` index into it.
    """

    key: str
    title: str
    text: str
    sections: list[Section] = field(default_factory=list)
    publisher: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    url: str = ""
    pmid: str = ""
    doi: str = ""
    licence: str = ""
    language: str = "en"
    evidence_type: EvidenceType | None = None  # None: decided by medcite.evidence
    collection: str = ""
    origin: str = ""  # the file or URL it was read from
    metadata: dict[str, Any] = field(default_factory=dict)  # pub types, MeSH, focus, synonyms...


@dataclass
class Source:
    """One stored source (a PubMed record, a web page, a QA record...), current version."""

    id: str
    title: str
    publisher: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    url: str = ""
    pmid: str = ""
    doi: str = ""
    licence: str = ""
    language: str = "en"
    evidence_type: EvidenceType = EvidenceType.UNREVIEWED_WEB
    content_hash: str = ""
    version: int = 1
    ingested_at: str = ""
    status: str = "active"  # active | withdrawn
    collection: str = ""
    origin: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["evidence_type"] = self.evidence_type.value
        return data


@dataclass
class Passage:
    """A retrievable span of a source. `source_text[start:end] == text` always holds."""

    id: str
    source_id: str
    ordinal: int
    section: str
    text: str
    start: int
    end: int
    version: int = 1

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class Hit:
    """A passage found for a query, with the source it belongs to."""

    passage: Passage
    source: Source
    score: float
    retrievers: dict[str, int] = field(default_factory=dict)  # retriever name -> rank (1-based)

    def to_dict(self) -> dict[str, Any]:
        return {
            "passage": self.passage.to_dict(),
            "source": {
                "id": self.source.id,
                "title": self.source.title,
                "evidence_type": self.source.evidence_type.value,
                "year": self.source.year,
                "publisher": self.source.publisher,
                "url": self.source.url,
            },
            "score": self.score,
            "retrievers": self.retrievers,
        }


@dataclass
class IngestReport:
    """What one ingest run did, per file and in total."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    passages: int = 0
    skipped_files: int = 0  # files already ingested with the same size and mtime
    errors: list[tuple[str, str]] = field(default_factory=list)  # (origin, message)
    seconds: float = 0.0
    updated_ids: list[str] = field(default_factory=list)  # sources that got a new version

    @property
    def failed(self) -> bool:
        return bool(self.errors)


# -- query understanding (medcite.query) --------------------------------------------------


@dataclass
class QueryAnalysis:
    """What medcite understood of a question before searching.

    `question` is the message reduced to its question (long consumer messages lose greetings and
    back-story); `qtype` is one of QUESTION_TYPES; `focus` are the medical entities asked about
    (canonical names); `population` is a subset of POPULATIONS; `expansions` are extra search
    terms (lay <-> medical synonyms) with a weight each.
    """

    original: str
    question: str
    qtype: str = "information"
    focus: list[str] = field(default_factory=list)
    population: list[str] = field(default_factory=list)
    expansions: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


QUESTION_TYPES = (
    "definition", "symptoms", "causes", "treatment", "prevention", "diagnosis", "dose",
    "threshold", "side_effects", "interactions", "risk", "prognosis", "comparison", "information",
)
POPULATIONS = ("pregnancy", "children", "older_adults", "kidney_disease")


# -- triage (medcite.triage) -------------------------------------------------------------


class TriageLevel(str, enum.Enum):
    """How soon the reader should get care. Ordered most to least urgent."""

    EMERGENCY = "emergency"  # call the local emergency number now
    URGENT = "urgent"  # same-day care
    ROUTINE = "routine"  # contact your provider
    SELF_CARE = "self_care"
    NONE = "none"  # an information question with no personal symptoms

    @property
    def rank(self) -> int:
        return list(TriageLevel).index(self)


@dataclass
class Finding:
    """One red flag matched in a message: what it is, and the words of the message it rests on."""

    finding: str  # e.g. "seizure"
    level: TriageLevel
    quote: str  # the exact words of the message
    start: int
    end: int
    source_id: str = ""  # set when the red flag comes from a library source
    passage_id: str = ""


@dataclass
class Triage:
    """The triage decision for a message; rendered first in every output."""

    level: TriageLevel
    reasons: list[Finding] = field(default_factory=list)
    message: str = ""  # the action for the reader ("Call 911 now...")
    crisis: bool = False  # self-harm / suicide language: the crisis line goes first

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level.value,
            "crisis": self.crisis,
            "message": self.message,
            "reasons": [
                {"finding": f.finding, "level": f.level.value, "quote": f.quote,
                 "start": f.start, "end": f.end, "source_id": f.source_id,
                 "passage_id": f.passage_id}
                for f in self.reasons
            ],
        }
