"""Answer a question: triage, understand, retrieve, check evidence, write, compose, verify.

    message --triage--> Triage (always first in every rendering)
            --analyze--> QueryAnalysis (merged with the conversation's last turn for follow-ups)
            --search--> Hit[] --has_evidence?--> no: abstain (what was searched, no citations)
            --writer--> Draft --compose--> Answer --check_answer--> claims that break the
                                                                      contract are removed

>>> from medcite import Medcite                                     # doctest: +SKIP
>>> answer = ask(Medcite.open("lib"), "What amount of magnesium is too much?")  # doctest: +SKIP
>>> answer.section("bottom_line").items[0].citations                 # doctest: +SKIP
[1]
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .audience import AUDIENCES
from .compose import abstention, compose, guardrail_notices
from .conversation import Conversations, merge
from .errors import MedciteError
from .grounding import check_answer, has_evidence, topic_terms
from .models import Answer, Hit, QueryAnalysis, Triage
from .writers import Draft, get_writer

DEFAULT_K = 20  # passages the writer chooses from; deeper than a search page on purpose


def ask(app: Any, question: str, audience: str = "patient", conversation_id: str | None = None,
        writer: str | None = None, k: int = DEFAULT_K, **writer_options: Any) -> Answer:
    """A structured, cited answer to `question` from `app`'s library (see the module docstring)."""
    question = (question or "").strip()
    if not question:
        raise MedciteError("the question is empty")
    if audience not in AUDIENCES:
        raise MedciteError(f"unknown audience {audience!r}; use one of: {', '.join(AUDIENCES)}")
    if k < 1:
        raise MedciteError("k must be at least 1")
    triage = _triage(app, question)
    analysis = analyze(question, app.settings.home)
    conversations = Conversations(app.store)
    if conversation_id:
        if not conversations.exists(conversation_id):
            raise MedciteError(f"no conversation with id {conversation_id!r}")
        previous = conversations.last(conversation_id)
        if previous is not None:
            analysis = merge(previous, analysis)
    else:
        conversation_id = conversations.start()

    hits = retrieve(app, analysis, k)
    evidence = has_evidence(analysis.question, hits, analysis)
    searched = sorted(evidence.topic) or [analysis.question]
    if not evidence.ok:
        answer = abstention(question, analysis, searched, audience, triage)
    else:
        supported = {pid for pid in evidence.supporting}
        # Sentences come only from passages on the topic; the rest of the hits stay unused.
        on_topic = [h for h in hits if h.passage.id in supported]
        draft = _write(writer or "extractive", analysis, on_topic, writer_options)
        answer = compose(question, analysis, on_topic, draft, audience, triage)
        answer.searched = searched
        _enforce_contract(app, answer, on_topic, strict=draft.writer == "extractive")
        if not answer.claims():
            answer = abstention(question, analysis, searched, audience, triage)
        else:
            answer.notices.extend(_not_covered(app, analysis, hits))
    answer.notices[:0] = guardrail_notices(question)
    answer.conversation_id = conversation_id
    conversations.add(conversation_id, question, analysis, answer.abstained)
    return answer


# Kinds of focus entity whose absence from the evidence the reader must be told of: asked
# "can I take ibuprofen with high blood pressure?", an answer about blood pressure alone
# must say it has nothing on ibuprofen. Symptoms and body parts of a back-story are not.
_MUST_COVER = frozenset({"drug", "condition", "procedure", "test", "nutrient"})


def _not_covered(app: Any, analysis: QueryAnalysis, hits: list[Hit]) -> list[str]:
    """A notice for each drug, condition, procedure, test or nutrient the question names that
    no retrieved passage names (the answer is silent on it: partial evidence, said plainly)."""
    from .grounding import uncovered_focus
    from .vocabulary import Vocabulary

    missing = set(uncovered_focus(hits, analysis))
    if not missing:
        return []
    said: dict[str, str] = {}
    for m in Vocabulary.load(app.settings.home).match(analysis.question):
        if m.entry.canonical in missing and m.entry.category in _MUST_COVER:
            said.setdefault(m.entry.canonical, m.text)
    return [f'The library returned nothing on "{words}", so this answer does not cover it.'
            for words in said.values()]


def _write(name: str, analysis: QueryAnalysis, hits: list[Hit], options: dict) -> Draft:
    """Run the chosen writer; an LLM writer that fails falls back to the extractive one."""
    chosen = get_writer(name, **options)
    try:
        return chosen.write(analysis.question, analysis, hits)
    except MedciteError as exc:
        if name == "extractive":
            raise
        draft = get_writer("extractive").write(analysis.question, analysis, hits)
        draft.notices.append(f"The {name} writer failed ({exc}); this answer was written by the "
                             "extractive writer instead.")
        return draft


def _enforce_contract(app: Any, answer: Answer, hits: list[Hit], strict: bool) -> None:
    """Run the grounding checks; remove any claim that fails them and say so in a notice."""
    texts = source_texts(app, hits)
    if not check_answer(answer, hits, texts, strict_negations=strict):
        return
    removed = 0
    for section in answer.sections:
        kept = []
        for claim in section.items:
            probe = Answer(question="", sections=[type(section)(section.id, "", [claim])],
                           references=answer.references)
            if check_answer(probe, hits, texts, strict_negations=strict):
                removed += 1
            else:
                kept.append(claim)
        section.items = kept
    answer.sections = [s for s in answer.sections if s.items]
    if removed:
        answer.notices.append(f"{removed} sentence(s) failed the grounding checks and were removed.")


def source_texts(app: Any, hits: list[Hit]) -> dict[str, str]:
    """Stored text (at the passage's version) of each source behind `hits`."""
    out: dict[str, str] = {}
    for h in hits:
        if h.source.id not in out:
            out[h.source.id] = app.store.source_text(h.source.id, h.passage.version) or ""
    return out


# -- the stages this module builds on, with fallbacks while they are being written --------------


def _triage(app: Any, question: str) -> Triage | None:
    fn = getattr(app, "triage", None)
    if fn is None:
        return None
    result = fn(question)
    return result if isinstance(result, Triage) else None


def analyze(question: str, home: Path | None = None) -> QueryAnalysis:
    """`medcite.query.analyze` with the library's own vocabulary under `home` (the names search
    understands, e.g. a misspelt drug or syndrome a library page is about) when installed, else
    a small rule-based fallback."""
    try:
        from .query import analyze as real_analyze
        from .vocabulary import Vocabulary
    except ImportError:
        return _fallback_analysis(question)
    return real_analyze(question, Vocabulary.load(home) if home is not None else None)


_QTYPE_RULES = [
    ("side_effects", r"side effects?|adverse"),
    ("interactions", r"interact|together with|mix(?:ed)? with"),
    ("dose", r"how much|what amount|amount of|\bdose|dosage|\bmg\b|how many"),
    ("threshold", r"\blevels?\b|threshold|normal range"),
    ("symptoms", r"symptom|signs? of"),
    ("causes", r"\bcause|\bwhy\b"),
    ("treatment", r"treat|cure|therapy|get rid"),
    ("prevention", r"prevent|avoid"),
    ("diagnosis", r"diagnos|test for"),
    ("prognosis", r"outlook|prognosis|life expectancy"),
    ("definition", r"^\s*what (?:is|are)\b"),
]
_POPULATION_RULES = [
    ("pregnancy", r"pregnan|breastfeed"),
    ("children", r"\bchild|\bkids?\b|infant|baby|toddler"),
    ("older_adults", r"elderly|older adults?|seniors?"),
    ("kidney_disease", r"kidney|renal"),
]


def _fallback_analysis(question: str) -> QueryAnalysis:
    lowered = question.lower()
    qtype = next((name for name, rx in _QTYPE_RULES if re.search(rx, lowered)), "information")
    population = [name for name, rx in _POPULATION_RULES if re.search(rx, lowered)]
    return QueryAnalysis(original=question, question=question, qtype=qtype, population=population)


def retrieve(app: Any, analysis: QueryAnalysis, k: int) -> list[Hit]:
    """`Medcite.search` when installed, else the lexical index directly."""
    search = getattr(app, "search", None)
    if search is not None:
        try:
            return search(analysis.question, k=k, analysis=analysis)
        except TypeError:
            return search(analysis.question, k=k)
    from .lexical import LexicalIndex

    index = LexicalIndex(app.settings.home / "index" / "lexical")
    index.sync(app.store)
    found = index.search(analysis.question, k=k, expansions=analysis.expansions)
    passages = {p.id: p for p in app.store.passages([pid for pid, _ in found])}
    sources = app.store.get_sources([p.source_id for p in passages.values()])
    return [Hit(passages[pid], sources[passages[pid].source_id], score, {"lexical": i})
            for i, (pid, score) in enumerate(found, start=1)
            if pid in passages and passages[pid].source_id in sources]


__all__ = ["ask", "analyze", "retrieve", "source_texts", "topic_terms"]
