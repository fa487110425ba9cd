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
class Deletion:
    """A connector's notice that the publisher deleted a source (MEDLINE `DeleteCitation`).

    The ingest withdraws the source if the library holds it (nothing is erased: a withdrawn
    source keeps its text and versions, leaves the search indexes, and flags articles citing it).
    """

    key: str
    reason: str


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
    skipped_records: int = 0  # records with no text, or third-party text left out (JSONL)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (origin, message)
    seconds: float = 0.0
    updated_ids: list[str] = field(default_factory=list)  # sources that got a new version
    withdrawn_ids: list[str] = field(default_factory=list)  # deleted by their publisher

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
    terms (lay <-> medical synonyms) with a weight each; `agents` are the focus entities a
    "does X cause Y?" question names as the cause X (a page about X answers it in its
    symptoms or complications, a page about Y in its causes); `names` are other names of each
    focus entity (the reader's own words first, then the vocabulary's), so that a page saying
    "flu" counts as being about "influenza".
    """

    original: str
    question: str
    qtype: str = "information"
    focus: list[str] = field(default_factory=list)
    population: list[str] = field(default_factory=list)
    expansions: dict[str, float] = field(default_factory=dict)
    agents: list[str] = field(default_factory=list)
    names: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


QUESTION_TYPES = (
    "definition", "symptoms", "causes", "treatment", "prevention", "diagnosis", "dose",
    "threshold", "side_effects", "interactions", "risk", "prognosis", "comparison", "information",
)
POPULATIONS = ("pregnancy", "children", "older_adults", "kidney_disease")


# -- triage (medcite.triage) -------------------------------------------------------------


class TriageLevel(enum.StrEnum):
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


@dataclass
class Guardrail:
    """A safe-answer rule a question triggered (medcite.guardrails): shown with the answer.

    `kind` is "personal_dose", "stop_treatment" or "replace_treatment"; `message` is the fixed
    "talk to your clinician" line; `quote` is the words of the question, `question[start:end]`.
    """

    kind: str
    message: str
    quote: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# -- editorial review (medcite.review) ----------------------------------------------------


class Role(enum.StrEnum):
    """Account roles, each including the rights of the ones before it where it makes sense."""

    READER = "reader"
    EDITOR = "editor"  # drafts, edits and submits articles; ingests sources
    REVIEWER = "reviewer"  # medical reviewer: reviews, approves, publishes, retires
    ADMIN = "admin"  # everything, plus accounts


class ArticleState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    PUBLISHED = "published"
    RETIRED = "retired"


@dataclass
class User:
    id: int
    username: str
    display_name: str
    role: Role
    credentials: str = ""  # e.g. "MD, FACP": shown in "Reviewed by NAME, CREDENTIALS"
    active: bool = True


@dataclass
class Article:
    """A saved answer or handout going through review. `body` is the answer/handout JSON."""

    id: int
    kind: str  # "answer" | "handout"
    title: str
    question: str
    audience: str
    state: ArticleState
    body: dict[str, Any]
    version: int
    created_by: int
    created_at: str
    updated_at: str
    needs_rereview: bool = False
    rereview_reason: str = ""
    reviewed_by: int | None = None
    reviewed_at: str = ""
    published_at: str = ""
    citations: list[dict[str, Any]] = field(default_factory=list)  # source_id, version, passage_id

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["state"] = self.state.value
        return data


@dataclass
class Comment:
    id: int
    article_id: int
    user_id: int
    username: str
    text: str
    created_at: str
    version: int


@dataclass
class AuditEntry:
    """One line of the append-only audit log: who did what to what, when."""

    id: int
    at: str
    user_id: int | None
    username: str
    action: str
    target: str
    detail: str


# -- answers (medcite.answer, medcite.compose, medcite.render) -----------------------------

ANSWER_CONTRACT_VERSION = "1.0"  # bump on any change to Answer.to_dict(); see docs/answer-contract.md


@dataclass
class Quote:
    """An exact span of a source's stored text: `source_text[start:end] == quote` always holds."""

    passage_id: str
    quote: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class Claim:
    """One answer sentence, the reference numbers it cites and the quoted spans it rests on."""

    text: str
    citations: list[int] = field(default_factory=list)  # reference numbers (1-based)
    quotes: list[Quote] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "citations": list(self.citations),
                "quotes": [q.to_dict() for q in self.quotes]}


@dataclass
class AnswerSection:
    """A titled group of claims; `id` is stable (bottom_line, guidelines, key_points, ...)."""

    id: str
    title: str
    items: list[Claim] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "items": [c.to_dict() for c in self.items]}


@dataclass
class Reference:
    """A numbered reference: the source, its evidence type and grade, and the spans quoted."""

    n: int
    source_id: str
    title: str
    evidence_type: str
    grade: str  # high | moderate | low | very_low
    year: int | None = None
    url: str = ""
    pmid: str = ""
    publisher: str = ""
    passages: list[Quote] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["passages"] = [q.to_dict() for q in self.passages]
        return data


@dataclass
class Answer:
    """A structured, cited answer; `to_dict()` is the versioned JSON contract."""

    question: str
    audience: str = "patient"
    abstained: bool = False
    triage: Triage | None = None
    sections: list[AnswerSection] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    reading_grade: float | None = None
    review_status: str = "unreviewed"
    disclaimer: str = ""
    follow_ups: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)  # unsupported writer sentences
    analysis: QueryAnalysis | None = None
    conversation_id: str = ""
    writer: str = "extractive"
    searched: list[str] = field(default_factory=list)  # what was searched (shown on abstention)

    def section(self, section_id: str) -> AnswerSection | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def claims(self) -> list[Claim]:
        return [c for s in self.sections for c in s.items]

    def to_dict(self) -> dict[str, Any]:
        triage = self.triage.to_dict() if self.triage else {
            "level": TriageLevel.NONE.value, "crisis": False, "message": "", "reasons": []}
        return {
            "contract": ANSWER_CONTRACT_VERSION,
            "question": self.question,
            "audience": self.audience,
            "abstained": self.abstained,
            "triage": triage,
            "sections": [s.to_dict() for s in self.sections],
            "references": [r.to_dict() for r in self.references],
            "conflicts": list(self.conflicts),
            "reading_grade": self.reading_grade,
            "review_status": self.review_status,
            "disclaimer": self.disclaimer,
            "follow_ups": list(self.follow_ups),
            "notices": list(self.notices),
            "dropped": list(self.dropped),
            "analysis": self.analysis.to_dict() if self.analysis else None,
            "conversation_id": self.conversation_id,
            "writer": self.writer,
            "searched": list(self.searched),
        }


# -- numbers and conflicts (medcite.quantities, medcite.units, medcite.conflicts) -----------

QUANTITY_MEASURES = (
    "intake", "upper_limit", "dose", "threshold", "normal_range", "level", "percentage", "risk",
    "other",
)


@dataclass
class Quantity:
    """A number claim found in a text: `text[start:end] == quote` of the text it was read from.

    `low`/`high` are the numbers as written (in `unit`): equal for a single value, both set for a
    range, one of them None for a bound ("below 1.8 mg/dL": high=1.8, comparator "<").
    `measure` is one of QUANTITY_MEASURES; `subject` the nutrient, drug or analyte it is about
    ("" when none is named); `population` a sorted list drawn from adults, children, pregnancy,
    breastfeeding, older_adults, men, women, kidney_disease, infants, teens; `citation` is set by
    the caller (a passage id or reference number) when the quantity comes from a cited passage.
    """

    quote: str  # the exact characters of the number and its unit, e.g. "310-420 mg"
    start: int
    end: int
    low: float | None
    high: float | None
    comparator: str  # "=", "<", "<=", ">", ">=", "range", "~"
    unit: str  # canonical spelling (medcite.units.canonical_unit), "" when unitless
    per: str = ""  # "day" for daily amounts ("350 mg/day", "350 mg daily")
    measure: str = "other"
    subject: str = ""
    population: list[str] = field(default_factory=list)
    qualifier: str = ""  # e.g. "supplemental" (from supplements, not food)
    citation: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class ConflictEntry:
    """One source's value in a conflict, as written and normalised for comparison."""

    quote: str  # the number as the source wrote it ("350 mg")
    low: float | None  # normalised, in `unit`
    high: float | None
    unit: str  # the reference unit shared by every entry of the conflict
    citation: str
    comparator: str = "="

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class Conflict:
    """Sources that give different values for the same quantity and population, side by side.

    Never averaged: the reader sees each value with its citation. `what` is a short label
    ("magnesium upper limit (supplemental)"), `reason` why they count as different.
    """

    what: str
    subject: str
    measure: str
    population: list[str]
    entries: list[ConflictEntry]
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"what": self.what, "subject": self.subject, "measure": self.measure,
                "population": list(self.population), "reason": self.reason,
                "entries": [e.to_dict() for e in self.entries]}


# -- handouts (medcite.handout, medcite.handout_render) ------------------------------------

HANDOUT_CONTRACT_VERSION = "1.0"  # bump on any change to Handout.to_dict(); see docs/handouts.md


@dataclass
class HandoutSection:
    """One handout section ("What it is", "Call your provider if"...); `id` is stable.

    Items are `Claim`s under the same grounding contract as answer sentences: each cites a
    reference and quotes the exact span it rests on. `intro` is fixed project wording shown
    before the items (never about the condition itself), e.g. the emergency action line.
    """

    id: str
    title: str
    items: list[Claim] = field(default_factory=list)
    intro: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "intro": self.intro,
                "items": [c.to_dict() for c in self.items]}


@dataclass
class Handout:
    """A patient handout for one condition; `to_dict()` is its versioned JSON contract.

    `abstained` is True when the library holds no evidence on the condition: then `sections`
    and `references` are empty and `notices` says what was searched.
    """

    condition: str
    audience: str = "patient"
    abstained: bool = False
    sections: list[HandoutSection] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    reading_grade: float | None = None
    grade_target: float = 7.0  # what patient handouts aim at (Flesch-Kincaid)
    review_status: str = "unreviewed"
    disclaimer: str = ""
    emergency_number: str = "911"
    date: str = ""  # ISO date the handout was made
    notices: list[str] = field(default_factory=list)
    searched: list[str] = field(default_factory=list)
    analysis: QueryAnalysis | None = None

    def section(self, section_id: str) -> HandoutSection | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def claims(self) -> list[Claim]:
        return [c for s in self.sections for c in s.items]

    def to_dict(self) -> dict[str, Any]:
        return {
            "contract": HANDOUT_CONTRACT_VERSION,
            "kind": "handout",
            "condition": self.condition,
            "audience": self.audience,
            "abstained": self.abstained,
            "sections": [s.to_dict() for s in self.sections],
            "references": [r.to_dict() for r in self.references],
            "reading_grade": self.reading_grade,
            "grade_target": self.grade_target,
            "review_status": self.review_status,
            "disclaimer": self.disclaimer,
            "emergency_number": self.emergency_number,
            "date": self.date,
            "notices": list(self.notices),
            "searched": list(self.searched),
            "analysis": self.analysis.to_dict() if self.analysis else None,
        }
