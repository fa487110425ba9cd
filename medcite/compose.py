"""Compose an `Answer` from a writer's draft: audience wording, numbered references, grades,
conflicts, follow-up questions, reading grade, review status and disclaimer.

References are numbered in order of first use, reading the sections top to bottom; a source
cited twice keeps its number. Each reference lists the exact spans quoted from it.

Reference grade (high / moderate / low / very_low) comes from `medcite.grading` (rules in
docs/evidence-grades.md); the table below is only a fallback by evidence type, following
GRADE's starting levels (Guyatt et al., BMJ 2008;336:924).

>>> follow_up_questions(QueryAnalysis("q", "q", qtype="dose", focus=["magnesium"]), set())[:1]
['What are the signs of too much magnesium?']
"""

from __future__ import annotations

from typing import Any

from .audience import LAY_AUDIENCES, reading_grade, render_claim
from .grounding import negations, strip_citation_markers, terms
from .models import (
    Answer,
    AnswerSection,
    Claim,
    EvidenceType,
    Hit,
    QueryAnalysis,
    Quote,
    Reference,
    Source,
    Triage,
)
from .writers import Draft

_GRADE_BY_TYPE = {
    EvidenceType.PRACTICE_GUIDELINE: "high",
    EvidenceType.SYSTEMATIC_REVIEW: "high",
    EvidenceType.RANDOMIZED_TRIAL: "high",
    EvidenceType.OBSERVATIONAL_STUDY: "low",
    EvidenceType.CASE_REPORT: "very_low",
    EvidenceType.ANIMAL_LAB_STUDY: "very_low",
    EvidenceType.PATIENT_EDUCATION: "moderate",
    EvidenceType.EXPERT_OVERVIEW: "moderate",
    EvidenceType.PROJECT_OVERVIEW: "low",
    EvidenceType.UNREVIEWED_WEB: "very_low",
}
GRADES = ("high", "moderate", "low", "very_low")

ABSTAIN_TEXT = "The library doesn't hold enough evidence to answer this."
DEFAULT_DISCLAIMER = (
    "Educational information only, not medical advice. It has not been reviewed by a clinician; "
    "talk to a health professional about your own situation."
)


def grade_of(source: Source) -> str:
    """The reference grade of a source (see the module docstring)."""
    try:
        from .grading import grade_source
    except ImportError:
        return _GRADE_BY_TYPE.get(source.evidence_type, "very_low")
    return grade_source(source).level


def compose(question: str, analysis: QueryAnalysis, hits: list[Hit], draft: Draft,
            audience: str = "patient", triage: Triage | None = None) -> Answer:
    """Turn `draft` into an `Answer` for `audience` (see the module docstring)."""
    answer = Answer(question=question, audience=audience, triage=triage, analysis=analysis,
                    writer=draft.writer, notices=list(draft.notices), dropped=list(draft.dropped))
    numbers: dict[str, int] = {}  # source id -> reference number
    refs: dict[int, Reference] = {}
    glossed: set[str] = set()
    # Spans the draft shows: a plainer alternate (lay audiences) must not repeat one of them.
    taken = {(s.hit.passage.id, s.start) for d in draft.sections for c in d.items for s in c.spans}
    # ... nor restate another claim (what each drafted claim says, in words and negations).
    said = [(c, terms(c.text), negations(c.text)) for d in draft.sections for c in d.items] \
        if audience in LAY_AUDIENCES else None
    for dsec in draft.sections:
        section = AnswerSection(dsec.id, dsec.title)
        for dclaim in dsec.items:
            for shown in render_claim(dclaim, audience, glossed, taken, said):
                claim = Claim(shown.text)
                for span in shown.spans:
                    src = span.hit.source
                    if src.id not in numbers:
                        numbers[src.id] = len(numbers) + 1
                        refs[numbers[src.id]] = _reference(numbers[src.id], src)
                    quote = Quote(span.hit.passage.id, span.text, span.start, span.end)
                    claim.quotes.append(quote)
                    ref = refs[numbers[src.id]]
                    if not any((q.passage_id, q.start, q.end) == (quote.passage_id, quote.start,
                                                                  quote.end) for q in ref.passages):
                        ref.passages.append(quote)
                    if numbers[src.id] not in claim.citations:
                        claim.citations.append(numbers[src.id])
                section.items.append(claim)
        if section.items:
            answer.sections.append(section)
    answer.references = [refs[n] for n in sorted(refs)]
    answer.conflicts = find_conflicts(answer, hits)
    if answer.conflicts:
        answer.sections.insert(_after(answer, "research"), _conflict_section(answer))
        renumber_by_first_use(answer)
    answer.reading_grade = reading_grade([c.text for c in answer.claims()])
    answer.follow_ups = follow_up_questions(analysis, _covered(hits))
    apply_review_status(answer)
    return answer


def abstention(question: str, analysis: QueryAnalysis, searched: list[str], audience: str,
               triage: Triage | None = None) -> Answer:
    """The honest "not enough evidence" answer: no sections from sources, no citations."""
    answer = Answer(question=question, audience=audience, abstained=True, triage=triage,
                    analysis=analysis, searched=list(searched))
    terms = ", ".join(searched) if searched else "(no search terms)"
    answer.notices.append(f"{ABSTAIN_TEXT} Searched the library for: {terms}.")
    answer.follow_ups = follow_up_questions(analysis, set())[:2]
    apply_review_status(answer)
    return answer


def _reference(n: int, src: Source) -> Reference:
    return Reference(n=n, source_id=src.id, title=src.title, evidence_type=src.evidence_type.value,
                     grade=grade_of(src), year=src.year, url=src.url, pmid=src.pmid,
                     publisher=src.publisher)


def _after(answer: Answer, prefix: str) -> int:
    """Index just after the last section whose id starts with `prefix` (else before help)."""
    ids = [s.id for s in answer.sections]
    last = max((i for i, sid in enumerate(ids) if sid.startswith(prefix)), default=None)
    if last is not None:
        return last + 1
    return ids.index("when_to_get_help") if "when_to_get_help" in ids else len(ids)


# -- conflicts ------------------------------------------------------------------------------


def find_conflicts(answer: Answer, hits: list[Hit]) -> list[dict[str, Any]]:
    """Quantities that differ between the passages read for the answer (`hits`, whether the
    writer cited them or not: a source that disagrees matters most when it was left out).

    Each conflict is the `Conflict.to_dict()` of `medcite.conflicts`, with each entry's
    `citation` turned into its reference number (a source not cited yet gets a reference) and
    the `passage_id` and sentence it came from.
    """
    try:
        from .conflicts import find_conflicts as find
        from .quantities import extract_all
    except ImportError:  # written in parallel; the section is simply absent without them
        return []
    by_id = {h.passage.id: h for h in hits}
    default = answer.analysis.focus[0] if answer.analysis and answer.analysis.focus else ""
    found = find(extract_all([(pid, h.passage.text) for pid, h in by_id.items()],
                             default_subject=default))
    out = []
    for conflict in found:
        data = conflict.to_dict()
        if len({by_id[e["citation"]].source.id for e in data["entries"]}) < 2:
            continue  # two passages of one source are not "sources that differ"
        for entry in data["entries"]:
            hit = by_id[entry["citation"]]
            entry["passage_id"] = hit.passage.id
            entry["citation"] = _reference_for(answer, hit.source).n
            a, b = _sentence_with(hit, entry["quote"])
            entry["sentence"] = {"start": a, "end": b, "text": hit.passage.text[
                a - hit.passage.start:b - hit.passage.start]}
        out.append(data)
    return out


def _reference_for(answer: Answer, src: Source) -> Reference:
    """The answer's reference for `src`, added at the end of the list when it has none."""
    for ref in answer.references:
        if ref.source_id == src.id:
            return ref
    ref = _reference(len(answer.references) + 1, src)
    answer.references.append(ref)
    return ref


def renumber_by_first_use(answer: Answer) -> None:
    """Number references in order of first use, reading the sections top to bottom (the
    conflict section can cite a source first seen there, ahead of later sections)."""
    order: dict[int, int] = {}
    for claim in answer.claims():
        for n in claim.citations:
            order.setdefault(n, len(order) + 1)
    for ref in answer.references:
        order.setdefault(ref.n, len(order) + 1)
    if all(old == new for old, new in order.items()):
        return
    for claim in answer.claims():
        claim.citations = [order[n] for n in claim.citations]
    for conflict in answer.conflicts:
        for entry in conflict["entries"]:
            entry["citation"] = order[entry["citation"]]
    for ref in answer.references:
        ref.n = order[ref.n]
    answer.references.sort(key=lambda r: r.n)


def _sentence_with(hit: Hit, needle: str) -> tuple[int, int]:
    """Source offsets of the first sentence of the hit's passage that contains `needle`."""
    from .text import sentence_spans

    p = hit.passage
    for a, b in sentence_spans(p.text):
        if needle in p.text[a:b]:
            return p.start + a, p.start + b
    return p.start, p.end


def _conflict_section(answer: Answer) -> AnswerSection:
    """'Where sources differ': each side of each conflict as its cited sentence."""
    section = AnswerSection("where_sources_differ", "Where sources differ")
    refs = {r.n: r for r in answer.references}
    seen = set()
    for conflict in answer.conflicts:
        for entry in conflict["entries"]:
            sent = entry["sentence"]
            key = (entry["passage_id"], sent["start"])
            if key in seen:
                continue
            seen.add(key)
            quote = Quote(entry["passage_id"], sent["text"], sent["start"], sent["end"])
            ref = refs[entry["citation"]]
            if not any((q.passage_id, q.start) == key for q in ref.passages):
                ref.passages.append(quote)
            text = " ".join(strip_citation_markers(sent["text"]).split())
            section.items.append(Claim(text, [ref.n], [quote]))
    return section


# -- follow-ups -------------------------------------------------------------------------------

_FACET_QUESTIONS = {
    "symptoms": "What symptoms are linked to {f}?",
    "causes": "What causes {f}?",
    "treatment": "How is {f} treated?",
    "prevention": "How can {f} be prevented?",
    "side_effects": "What are the side effects of {f}?",
    "dose": "How much {f} is safe?",
    "diagnosis": "How is {f} diagnosed?",
    "interactions": "Does {f} interact with other medicines?",
}
# A nutrient, drug or blood analyte is not a condition: "What causes magnesium?" is no question.
# Condition facets go to a condition among the focus entities; a substance gets these instead.
_SUBSTANCE_QUESTIONS = {
    "symptoms": "What are the signs of too much {f}?",
    "side_effects": "What are the side effects of {f}?",
    "dose": "How much {f} is safe?",
    "interactions": "Does {f} interact with other medicines?",
}
_POPULATION_QUESTIONS = {
    "pregnancy": "What about {f} during pregnancy?",
    "children": "What about {f} in children?",
    "older_adults": "What about {f} in older adults?",
    "kidney_disease": "What about {f} with kidney disease?",
}


def is_substance(name: str) -> bool:
    """True for a nutrient, drug or blood analyte of `medcite.quantity_vocab` ("magnesium",
    "warfarin"), False for a condition ("hypomagnesemia", "muscle twitching")."""
    try:
        from .quantity_vocab import SUBJECTS
    except ImportError:
        return False
    return name.strip().lower() in set(SUBJECTS.values())


def follow_up_questions(analysis: QueryAnalysis, covered: set[str], limit: int = 4) -> list[str]:
    """Questions on facets the answer did not ask about, then populations not yet asked about.

    Condition facets (causes, treatment...) are asked about a condition of the focus; a
    nutrient or drug only gets the questions that fit it (`_SUBSTANCE_QUESTIONS`).
    """
    focus = list(analysis.focus) or [_topic_phrase(analysis.question)]
    focus = [f for f in focus if f]
    if not focus:
        return []
    conditions = [f for f in focus if not is_substance(f)]
    substances = [f for f in focus if is_substance(f)]
    out = []
    for facet, question in _FACET_QUESTIONS.items():
        if facet == analysis.qtype or (covered and facet not in covered):
            continue
        if conditions:
            out.append(question.format(f=conditions[0]))
        elif facet in _SUBSTANCE_QUESTIONS:
            out.append(_SUBSTANCE_QUESTIONS[facet].format(f=substances[0]))
    out = out[:2]
    out += [q.format(f=focus[0]) for pop, q in _POPULATION_QUESTIONS.items()
            if pop not in analysis.population][: limit - len(out)]
    return out[:limit]


def _topic_phrase(question: str) -> str:
    from .grounding import GENERIC_TERMS, STOPWORDS, stem

    generic = {stem(g) for g in GENERIC_TERMS}
    words = [w.strip(",.?!") for w in question.lower().split()]
    words = [w for w in words if w and w not in STOPWORDS and stem(w) not in generic]
    return " ".join(words[:3])


def _covered(hits: list[Hit]) -> set[str]:
    """Facets whose cue words occur in the retrieved passages (so a follow-up can be answered)."""
    from .grounding import terms
    from .writers.extractive import QTYPE_CUES

    have = set().union(*(terms(h.passage.text) for h in hits)) if hits else set()
    return {facet for facet, cues in QTYPE_CUES.items() if len(cues & have) >= 2}


# -- review status and disclaimer ---------------------------------------------------------------


def apply_review_status(answer: Answer, status: str = "unreviewed") -> None:
    """Set the review status and the disclaimer that goes with it (`medcite.guardrails`)."""
    answer.review_status = status
    try:
        from .guardrails import disclaimer
    except ImportError:
        answer.disclaimer = DEFAULT_DISCLAIMER
        return
    answer.disclaimer = disclaimer(status)


def guardrail_notices(question: str) -> list[str]:
    """The fixed "talk to your clinician" lines for personal-dose or stop/replace questions."""
    try:
        from .guardrails import check
    except ImportError:
        return []
    return [g.message for g in check(question)]
