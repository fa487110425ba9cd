"""Hybrid retrieval: query analysis -> BM25 + dense -> filters -> fusion -> rerank -> Hit[].

`Retrieval` owns the two indexes and the embedding model for one library and loads each once
(the `Medcite` service keeps one `Retrieval` per instance, so warm searches pay no load time).
Before every search it checks the store's change log (one indexed SQL query) and applies any
changes another process made, so results never show a superseded or withdrawn passage.

>>> app = Medcite.open("/tmp/lib")                                  # doctest: +SKIP
>>> [h.source.title for h in app.search("magnesium leg cramps", k=2)]  # doctest: +SKIP
['Magnesium', 'Leg cramps']
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from .dense import DenseIndex, DenseUnavailable, Embedder, stderr_progress
from .errors import MedciteError
from .fuse import ranked, rrf, weighted_sum
from .lexical import LexicalIndex
from .models import EvidenceType, Hit, QueryAnalysis, Source
from .rerank import RerankWeights, evidence_prior, focus_match, qtype_match, rerank_score
from .settings import Settings

RETRIEVERS = ("lexical", "dense")
OVERFETCH = 5  # with filters on, each retriever fetches this many times more, then filters


@dataclass
class Filters:
    """Which sources a search may return; empty fields do not filter."""

    evidence_types: Sequence[str | EvidenceType] = ()
    year_min: int | None = None
    year_max: int | None = None
    publisher: str = ""
    language: str = ""

    def __post_init__(self) -> None:
        try:
            self._types = {EvidenceType.parse(t) for t in self.evidence_types}
        except ValueError as exc:
            raise MedciteError(str(exc)) from None

    @property
    def active(self) -> bool:
        return bool(self._types or self.year_min is not None or self.year_max is not None
                    or self.publisher or self.language)

    def accepts(self, source: Source) -> bool:
        """True when `source` passes every filter (a source with no year fails a year filter).

        >>> Filters(year_min=2020).accepts(Source(id="s", title="t", year=2019))
        False
        """
        if source.status != "active":
            return False
        if self._types and source.evidence_type not in self._types:
            return False
        if self.year_min is not None and (source.year is None or source.year < self.year_min):
            return False
        if self.year_max is not None and (source.year is None or source.year > self.year_max):
            return False
        if self.publisher and self.publisher.lower() not in source.publisher.lower():
            return False
        return not (self.language and source.language.lower() != self.language.lower())


def analyze(question: str, home: Path | None = None) -> QueryAnalysis:
    """The query stage's analysis (with the library's own vocabulary under `home`) when
    `medcite.query` is present; else the question as it is."""
    try:
        from .query import analyze as query_analyze
        from .vocabulary import Vocabulary
    except ImportError:  # the query stage is optional; BM25 and dense work on the raw text
        return QueryAnalysis(original=question, question=question)
    return query_analyze(question, Vocabulary.load(home) if home is not None else None)


class Retrieval:
    """The retrieval engine of one library; see the module docstring."""

    def __init__(self, store: Any, settings: Settings):
        self.store = store
        self.settings = settings
        self.root = settings.home / "index"
        self._dense_error: str | None = None  # None: not checked yet; "": dense is ready
        self._sync_lock = threading.Lock()
        self._vocabulary_seen = -1  # the store change the library vocabulary was brought to

    # -- parts, each loaded once -------------------------------------------------------

    @cached_property
    def lexical(self) -> LexicalIndex:
        boosts = {"title": self.settings.title_boost, "section": self.settings.section_boost,
                  "text": 1.0}
        return LexicalIndex(self.root / "lexical", boosts)

    @cached_property
    def dense(self) -> DenseIndex:
        return DenseIndex(self.root / "dense", self.settings.dense_ann_threshold)

    @cached_property
    def embedder(self) -> Embedder:
        return Embedder.load(self.settings.dense_model, self.settings.dense_tokenizer)

    @property
    def dense_error(self) -> str:
        """Why dense retrieval is unavailable ("" when it is ready or switched off)."""
        return "" if not self.settings.dense or self.dense_ready() else self._dense_error or ""

    def dense_ready(self) -> bool:
        """Dense is on in the settings and its model and tokenizer are installed."""
        if not self.settings.dense:
            return False
        if self._dense_error is None:
            try:
                _ = self.embedder  # loads the model once
                self._dense_error = ""
            except DenseUnavailable as exc:
                self._dense_error = str(exc)  # remembered: don't look for the model every search
        return not self._dense_error

    # -- keeping in step ---------------------------------------------------------------

    def sync(self, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
        """Apply new store changes to every index; returns passages touched per index."""
        return self._update("sync", progress)

    def rebuild(self, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
        """Rebuild every index from the store (`medcite reindex`); cached vectors are reused."""
        return self._update("rebuild", progress)

    def _update(self, how: str, progress: Callable[[int, int], None] | None) -> dict[str, int]:
        """`sync` or `rebuild` each index, one update at a time (two uploads through the API
        may both ask)."""
        with self._sync_lock:
            touched = {"lexical": getattr(self.lexical, how)(self.store),
                       "vocabulary": self._update_vocabulary(how)}
            if self.dense_ready():
                if progress is None and sys.stderr.isatty():
                    progress = stderr_progress()
                touched["dense"] = getattr(self.dense, how)(self.store, self.embedder, progress)
        return touched

    def _update_vocabulary(self, how: str) -> int:
        """Keep the library vocabulary in step too (a withdrawn source loses its names; a
        vocabulary collected by an older medcite is collected again); sources re-read."""
        from .libvocab import LibraryVocabulary

        last = self.store.last_change()
        if how == "sync" and last == self._vocabulary_seen:
            return 0
        library = LibraryVocabulary(self.settings.home)
        count = library.rebuild(self.store) if how == "rebuild" else library.refresh(self.store)
        self._vocabulary_seen = last
        return count

    def close(self) -> None:
        if "dense" in self.__dict__:
            self.dense.close()

    # -- searching ---------------------------------------------------------------------

    def search(self, query: str, k: int = 10, filters: Filters | None = None,
               analysis: QueryAnalysis | None = None,
               retrievers: Sequence[str] = RETRIEVERS) -> list[Hit]:
        """The `k` best passages for `query` as typed hits; see `Medcite.search`."""
        unknown = set(retrievers) - set(RETRIEVERS)
        if unknown:
            raise MedciteError(f"unknown retriever(s) {sorted(unknown)}; use lexical and/or dense")
        if not query.strip():
            raise MedciteError("the question is empty")
        if k <= 0:
            return []
        filters = filters or Filters()
        analysis = analysis or analyze(query, self.settings.home)
        text = analysis.question.strip() or query
        # BM25 gets the whole message: idf keeps filler words cheap, and the back-story of a
        # consumer message ("low mag", "legs jump at night") often names what the reduced
        # question only points at ("is it the pills?"). The embedding gets the reduced question,
        # since one vector of a long message is blurred by everything else in it.
        words = (analysis.original or query) if self.settings.lexical_full_message else text
        self.sync()  # cheap when nothing changed: one indexed SQL query
        depth = max(self.settings.search_candidates, k) * (OVERFETCH if filters.active else 1)

        lists: dict[str, list[tuple[str, float]]] = {}
        if "lexical" in retrievers:
            # Only the strong expansions (the medical name of the reader's words, a spelling
            # correction) by default: synonym lists and back-story names cost 0.12 avgScore on
            # the MEDIQA + MedQuAD tuning set (docs/benchmarks.md).
            least = self.settings.expansion_min_weight
            lists["lexical"] = self.lexical.search(
                words, depth, {t: w for t, w in analysis.expansions.items() if w >= least})
        vector = None
        if "dense" in retrievers and self.dense_ready() and len(self.dense):
            vector = self.embedder.encode([text])[0]
            lists["dense"] = self.dense.search(vector, depth)

        candidates = list(dict.fromkeys(pid for hits in lists.values() for pid, _ in hits))
        passages = {p.id: p for p in self.store.passages(candidates)}
        sources = self.store.get_sources([p.source_id for p in passages.values()])

        def allowed(pid: str) -> bool:
            p = passages.get(pid)
            return p is not None and p.source_id in sources and filters.accepts(
                sources[p.source_id])

        lists = {name: [(pid, s) for pid, s in hits if allowed(pid)]
                 for name, hits in lists.items()}
        fused, best_possible = self._fuse(lists)
        if self.settings.rerank:
            fused = self._rerank(fused, best_possible, analysis, passages, sources, vector)
        ranks = {name: {pid: r for r, (pid, _) in enumerate(hits, 1)}
                 for name, hits in lists.items()}
        out = []
        for pid, score in ranked(fused)[:k]:
            p = passages[pid]
            found = {name: r[pid] for name, r in ranks.items() if pid in r}
            out.append(Hit(passage=p, source=sources[p.source_id], score=score, retrievers=found))
        return out

    def _fuse(self, lists: dict[str, list[tuple[str, float]]]) -> tuple[dict[str, float], float]:
        """Fused scores, and the best score fusion could give (top of every list)."""
        names = list(lists)
        weights = [self.settings.lexical_weight if n == "lexical" else self.settings.dense_weight
                   for n in names]
        if self.settings.fusion == "rrf":
            k = self.settings.rrf_k
            return (rrf([[pid for pid, _ in lists[n]] for n in names], k, weights),
                    sum(weights) / (k + 1))
        if self.settings.fusion == "weighted":
            return weighted_sum([dict(lists[n]) for n in names], weights), sum(weights)
        raise MedciteError(f"unknown fusion {self.settings.fusion!r}; use rrf or weighted")

    def _rerank(self, fused: dict[str, float], best_possible: float, analysis: QueryAnalysis,
                passages: dict, sources: dict, vector: Any = None) -> dict[str, float]:
        weights = RerankWeights(self.settings.rerank_focus, self.settings.rerank_qtype,
                                self.settings.rerank_evidence, self.settings.rerank_pair,
                                self.settings.rerank_heading)
        focus = self._focus_names(analysis)
        heading_sim = self._heading_similarity(fused, passages, sources, vector) \
            if weights.heading else {}
        # Scaled by the best possible fused score, not min-max over the candidates: min-max
        # would stretch a 3-candidate list so that rank 2 sits at 0.5 and the features could
        # never lift it; with a fixed scale a rank keeps the same value whatever the list size.
        scale = best_possible if best_possible > 0 else 1.0
        # "Does X cause Y?": X's own page answers in its symptoms or complications, Y's in
        # its causes (analysis.agents names X).
        agents = [names for name, names in zip(analysis.focus, focus, strict=True)
                  if name in analysis.agents]
        effects = [names for name, names in zip(analysis.focus, focus, strict=True)
                   if name not in analysis.agents]
        out = {}
        seen: dict[tuple[str, str], tuple[float, str]] = {}  # one record: same title, heading
        for pid, fused_score in fused.items():
            norm = fused_score / scale
            p = passages[pid]
            source = sources[p.source_id]
            key = (p.source_id, p.section)
            if key not in seen:
                topic = _topic(source)
                qtype = analysis.qtype
                if agents and focus_match(agents, source.title, p.section, topic) \
                        and not focus_match(effects, source.title, p.section, topic):
                    qtype = "effects"
                seen[key] = (focus_match(focus, source.title, p.section, topic), qtype)
            out[pid] = rerank_score(
                norm,
                seen[key][0],
                qtype_match(seen[key][1], p.section),
                evidence_prior(source.evidence_type),
                weights,
                heading_sim.get(p.section or source.title, 0.0),
            )
        return out

    def _heading_similarity(self, fused: dict[str, float], passages: dict, sources: dict,
                            vector: Any) -> dict[str, float]:
        """Cosine (floored at 0) between the query vector and each candidate's heading alone;
        headings are embedded once and cached with the passage vectors."""
        if vector is None:
            return {}
        headings = list(dict.fromkeys(
            passages[pid].section or sources[passages[pid].source_id].title for pid in fused))
        headings = [h for h in headings if h.strip()]
        vectors = self.dense.text_vectors(headings, self.embedder)
        sims = vectors @ vector
        return {h: max(0.0, float(s)) for h, s in zip(headings, sims, strict=True)}

    def _focus_names(self, analysis: QueryAnalysis) -> list[tuple[str, ...]]:
        """Each focus entity with the names it may go by in a title: the canonical name, the
        reader's own words for it, and the vocabulary's other names (project and library)."""
        try:
            from .query import focus_names
            from .vocabulary import Vocabulary
        except ImportError:
            return [(name,) for name in analysis.focus]
        return focus_names(analysis, Vocabulary.load(self.settings.home))


def _topic(source: Source) -> str:
    """The record's own statement of its topic, when the corpus gives one (MedQuAD: `focus`
    and `focus_synonyms` metadata)."""
    meta = source.metadata or {}
    parts = [meta.get("focus")] + list(meta.get("focus_synonyms") or [])
    return " ; ".join(str(p) for p in parts if isinstance(p, str) and p)
