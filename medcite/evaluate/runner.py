"""Benchmark runners: build or reuse a library of the corpus, search every query, score the run.

The library is built with `Medcite.ingest`, so the pipeline being measured is the one users run,
and searched with `Medcite.search`. Passage hits are rolled up to documents (the best passage
score of each source) because the judgments are per document. A plain BM25 baseline
(`baseline.Bm25Baseline`) runs on the same documents in the same process, so the two columns of
every report come from one run on one machine state.

>>> result = run_nfcorpus(library=Path("/tmp/nf"))          # doctest: +SKIP
>>> result.metrics["medcite"]["nDCG@10"]                     # doctest: +SKIP
0.31
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ..errors import MedciteError
from ..metrics import best_possible_avg_score, liveqa_measures, percentile, ranking_measures
from ..models import Hit
from ..service import Medcite
from ..settings import Settings
from . import datasets
from .baseline import Bm25Baseline
from .runfile import Ranked, doc_ids, write_run

Log = Callable[[str], None]


def default_library(name: str) -> Path:
    """Where an evaluation library is cached between runs: ``$XDG_CACHE_HOME/medcite/eval/NAME``."""
    import os

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "medcite" / "eval" / name


@dataclass
class EvalResult:
    """Metrics per system ("medcite", "bm25") and what the run was made of."""

    name: str
    metrics: dict[str, dict[str, float]]
    info: dict[str, Any] = field(default_factory=dict)
    runs: dict[str, dict[str, list[tuple[str, float]]]] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"benchmark": self.name, "metrics": self.metrics, "info": self.info}


def open_library(library: Path, corpus: Path | Sequence[Path],
                 build: Mapping[str, Any] | None = None,
                 settings: Mapping[str, Any] | None = None, log: Log = print) -> Medcite:
    """Open (or build) the evaluation library at `library` holding `corpus` (one file or several).

    Ingest is idempotent, so a second run only checks the file. When the settings that shape
    what is ingested (`build`) differ from the ones the library was built with, the corpus is
    re-read; `settings` are other overrides (e.g. ``dense=False``) that do not force that.
    """
    known = {f.name for f in fields(Settings)}
    wanted = {k: v for k, v in (build or {}).items() if k in known}
    missing = sorted(set(build or {}) - known)
    if missing:
        log(f"note: this build has no setting(s) {', '.join(missing)}; running without them")
    try:
        app = Medcite.open(library, **{**dict(settings or {}), **wanted})
    except ValueError as exc:  # an unknown or malformed setting named with --set
        raise MedciteError(str(exc)) from None
    corpora = [Path(corpus)] if isinstance(corpus, (str, Path)) else [Path(c) for c in corpus]
    key = "eval:build_settings"
    named = str(corpora[0].resolve()) if len(corpora) == 1 else [str(c.resolve()) for c in corpora]
    signature = json.dumps({"corpus": named, **wanted}, sort_keys=True, default=str)
    force = app.store.get_meta(key) not in (None, signature)
    log(f"library {library}: ingesting {', '.join(map(str, corpora))}"
        + (" (settings changed: re-reading)" if force else ""))
    report = app.ingest(corpora, force=force)
    if report.failed:
        app.close()
        origin, message = report.errors[0]
        raise MedciteError(f"building the evaluation library failed: {origin}: {message}")
    app.store.set_meta(key, signature)
    log(f"  {report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.passages} passages in {report.seconds:.1f} s")
    return app


def hits_to_documents(hits: Sequence[Hit], depth: int) -> list[tuple[str, float]]:
    """Roll passage hits up to documents: best passage score per source, the benchmark's own id.

    Source ids of corpus records are ``<corpus>:<record id>`` (``nfcorpus:MED-10``,
    ``medquad:ADAM_0000001-1``); the judgments use the record id, so the prefix is dropped.

    >>> from medcite.models import Passage, Source
    >>> def hit(src, score):
    ...     return Hit(Passage("p", src, 0, "", "", 0, 0), Source(src, ""), score)
    >>> hits_to_documents([hit("nf:A", 3.0), hit("nf:B", 2.0), hit("nf:A", 1.0)], 10)
    [('A', 3.0), ('B', 2.0)]
    """
    best: dict[str, float] = {}
    for hit in hits:
        doc = hit.source.id.split(":", 1)[-1]
        best[doc] = max(best.get(doc, float("-inf")), hit.score)
    # sorted() is stable, so equal scores keep the order the engine returned them in.
    return sorted(best.items(), key=lambda item: -item[1])[:depth]


def search_all(app: Medcite, queries: Sequence[datasets.Query], depth: int,
               passages: int, search_args: Mapping[str, Any] | None = None,
               log: Log = print) -> tuple[dict[str, list[tuple[str, float]]], dict[str, Any]]:
    """Run every query through `Medcite.search`: the document run, and timing plus how many
    queries each retriever contributed hits to (a dense index that is not ready shows as 0)."""
    search = getattr(app, "search", None)
    if search is None:
        raise MedciteError("this build has no Medcite.search yet (the retrieval engine)")
    run: dict[str, list[tuple[str, float]]] = {}
    seconds = []
    seen: dict[str, int] = {}
    for number, query in enumerate(queries, start=1):
        started = time.perf_counter()
        hits = search(query.text, k=passages, **dict(search_args or {}))
        seconds.append(time.perf_counter() - started)
        run[query.qid] = hits_to_documents(hits, depth)
        for name in {name for hit in hits for name in hit.retrievers}:
            seen[name] = seen.get(name, 0) + 1
        if number % 50 == 0:
            log(f"  {number}/{len(queries)} queries")
    return run, {**_timing(seconds), "queries_with_hits_from": seen}


def baseline_run(documents: Mapping[str, str], queries: Sequence[datasets.Query],
                 depth: int) -> tuple[dict[str, list[tuple[str, float]]], Bm25Baseline]:
    bm25 = Bm25Baseline(documents)
    return {q.qid: bm25.search(q.text, depth) for q in queries}, bm25


def _write_runs(run_out: Path | None, runs: Mapping[str, Mapping[str, Ranked]]) -> list[str]:
    """Write medcite's run to `run_out` and the baseline's beside it (``NAME.bm25``)."""
    if run_out is None:
        return []
    written = []
    for system, run in runs.items():
        path = run_out if system == "medcite" else run_out.with_name(f"{run_out.name}.{system}")
        write_run(run, path, tag=f"{system}")
        written.append(str(path))
    return written


def _timing(seconds: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {"search_ms_p50": round(percentile(ms, 50), 1),
            "search_ms_p95": round(percentile(ms, 95), 1)}


def run_liveqa(questions: Path | None = None, qrels: Path | None = None,
               corpus: Path | None = None, library: Path | None = None,
               run_out: Path | None = None, include_third_party: bool = True,
               search_args: Mapping[str, Any] | None = None,
               settings: Mapping[str, Any] | None = None, depth: int = 10,
               passages: int = 50, log: Log = print) -> EvalResult:
    """LiveQA-Med 2017 questions (subject + message) against the MedQuAD library."""
    questions = questions or datasets.default_path("medquad", "liveqa_dev_questions.jsonl")
    qrels = qrels or datasets.default_path("medquad", "liveqa_dev_qrels.jsonl")
    corpus = corpus or datasets.default_path("medquad", "corpus.jsonl")
    library = library or default_library("medquad")
    queries = datasets.load_liveqa_questions(questions)
    judgments = datasets.load_liveqa_qrels(qrels)
    qids = [q.qid for q in queries]
    app = open_library(library, corpus, {"include_third_party": include_third_party},
                       settings, log)
    try:
        log(f"searching {len(queries)} questions")
        run, searched = search_all(app, queries, depth, passages, search_args, log)
    finally:
        app.close()
    documents = datasets.load_medquad_documents(corpus, include_third_party)
    base, bm25 = baseline_run(documents, queries, depth)
    runs = {"medcite": run, "bm25": base}
    metrics = {name: liveqa_measures(doc_ids(r), judgments, qids) for name, r in runs.items()}
    info = {
        "library": str(library), "corpus": str(corpus), "questions": str(questions),
        "qrels": str(qrels), "include_third_party": include_third_party,
        "baseline_documents": len(documents), "baseline_index_s": round(bm25.index_seconds, 1),
        "best_possible_avgScore": best_possible_avg_score(judgments, qids),
        "search_args": dict(search_args or {}), "settings": dict(settings or {}),
        "passages_per_query": passages,
        **searched, "run_files": _write_runs(run_out, runs),
    }
    return EvalResult("liveqa", metrics, info, runs)


def write_mediqa_corpus(answers: Sequence[dict[str, str]], folder: Path) -> Path:
    """The MEDIQA answers as a JSONL corpus with its field mapping (rewritten only on change, so
    ingest stays a no-op on the next run). The heading "Title (Section)" plays the part of a
    MedQuAD question: title and section heading of the one passage group."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / "mediqa.jsonl"
    body = "".join(json.dumps(a, sort_keys=True) + "\n" for a in answers)
    mapping = ("flavour: custom\nprefix: mediqa\nid: id\ntitle: title\nheading: title\n"
               "text: text\nurl: url\n")
    for path, text in ((corpus, body), (folder / "mediqa.jsonl.mapping.yaml", mapping)):
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return corpus


def seed_vector_cache(library: Path, donors: Sequence[Path]) -> int:
    """Copy the cached vectors of other evaluation libraries into `library`'s dense cache.

    The cache is keyed by sha256(model id + text), so a vector copied for the same text is the
    vector our own ingest would compute; this only saves embedding ~25k passages again
    (~15 min on the 2-core box). Returns the number of vectors added.
    """
    import sqlite3

    target = library / "index" / "dense" / "cache.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(target))
    try:
        db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB)")
        before = db.execute("SELECT count(*) FROM vectors").fetchone()[0]
        for donor in donors:
            path = donor / "index" / "dense" / "cache.db"
            if path.is_file() and path.resolve() != target.resolve():
                db.execute("ATTACH DATABASE ? AS donor", (str(path),))
                with db:
                    db.execute("INSERT OR IGNORE INTO vectors SELECT key, vec FROM donor.vectors")
                db.execute("DETACH DATABASE donor")
        return db.execute("SELECT count(*) FROM vectors").fetchone()[0] - before
    finally:
        db.close()


def run_mediqa(files: Sequence[Path] | None = None, library: Path | None = None,
               run_out: Path | None = None, search_args: Mapping[str, Any] | None = None,
               settings: Mapping[str, Any] | None = None, depth: int = 10,
               passages: int = 50, with_medquad: Path | None = None,
               log: Log = print) -> EvalResult:
    """MEDIQA-2019 task 3 consumer questions (Alexa + validation; never `train_liveqa`, which
    holds the LiveQA test questions) searching the pool of every question's graded answers.

    This is the tuning set for retrieval weights: answers to the other questions stand in as
    distractors and count as unjudged, the LiveQA measures are computed as for LiveQA.

    `with_medquad` (a MedQuAD corpus JSONL) adds every answered MedQuAD record, third-party ones
    included, to the library as distractors (unjudged, so they score 0): a harder pool, closer
    to LiveQA's, where a question must find its few graded answers among ~18k QA records. Its
    library defaults to ``eval/mediqa-medquad``, seeded with the vectors already cached by the
    ``medquad`` and ``mediqa`` evaluation libraries.
    """
    files = list(files or [datasets.default_path("mediqa2019", name)
                           for name in datasets.MEDIQA_TUNING_FILES])
    name = "mediqa-medquad" if with_medquad else "mediqa"
    library = library or default_library(name)
    queries, judgments, answers = datasets.load_mediqa(files)
    qids = [q.qid for q in queries]
    corpora = [write_mediqa_corpus(answers, library / "corpus")]
    build: dict[str, Any] | None = None
    if with_medquad:
        corpora.append(Path(with_medquad))
        build = {"include_third_party": True}
        added = seed_vector_cache(library, [default_library("medquad"), default_library("mediqa")])
        if added:
            log(f"  seeded {added} cached vectors from the medquad and mediqa libraries")
    app = open_library(library, corpora if with_medquad else corpora[0], build, settings, log)
    try:
        log(f"searching {len(queries)} questions")
        run, searched = search_all(app, queries, depth, passages, search_args, log)
    finally:
        app.close()
    documents = {a["id"]: f"{a['title']}\n{a['text']}" for a in answers}
    twins: dict[str, list[str]] = {}
    if with_medquad:
        documents.update(datasets.load_medquad_documents(Path(with_medquad), True))
        # A MedQuAD record with a graded answer's text is that answer: it takes the grade.
        twins = datasets.medquad_twins(answers, Path(with_medquad))
        judgments = datasets.grade_twins(judgments, twins)
    base, bm25 = baseline_run(documents, queries, depth)
    runs = {"medcite": run, "bm25": base}
    metrics = {name: liveqa_measures(doc_ids(r), judgments, qids) for name, r in runs.items()}
    # Per file: Alexa questions are short MedQuAD-style ones, validation ones are consumer
    # messages with a subject line, like LiveQA's.
    splits: dict[str, list[str]] = {}
    for qid in qids:
        splits.setdefault(qid.rsplit("-", 1)[0], []).append(qid)
    by_split = {
        split: {name: {m: round(v, 4) for m, v in liveqa_measures(
            doc_ids(r), judgments, ids).items() if m in ("avgScore", "MRR@10", "questions")}
            for name, r in runs.items()}
        for split, ids in splits.items()
    }
    info = {
        "library": str(library), "files": [str(f) for f in files],
        "with_medquad": str(with_medquad or ""), "by_split": by_split,
        "medquad_twins": sum(len(ids) for ids in twins.values()),
        "baseline_documents": len(documents),
        "best_possible_avgScore": best_possible_avg_score(judgments, qids),
        "search_args": dict(search_args or {}), "settings": dict(settings or {}),
        "passages_per_query": passages, **searched, "run_files": _write_runs(run_out, runs),
    }
    return EvalResult(name, metrics, info, runs)


def run_nfcorpus(corpus: Path | None = None, queries: Path | None = None,
                 qrels: Path | None = None, library: Path | None = None,
                 run_out: Path | None = None, search_args: Mapping[str, Any] | None = None,
                 settings: Mapping[str, Any] | None = None, depth: int = 100,
                 passages: int = 300, log: Log = print) -> EvalResult:
    """NFCorpus dev queries (the ids in qrels/dev.tsv) against a library of its abstracts."""
    corpus = corpus or datasets.default_path("nfcorpus", "corpus.jsonl")
    queries = queries or datasets.default_path("nfcorpus", "queries.jsonl")
    qrels = qrels or datasets.default_path("nfcorpus", "qrels", "dev.tsv")
    library = library or default_library("nfcorpus")
    judgments = datasets.load_nfcorpus_qrels(qrels)
    # queries.jsonl holds train and dev queries: keep only the judged dev ones.
    todo = datasets.load_beir_queries(queries, set(judgments))
    qids = [q.qid for q in todo]
    app = open_library(library, corpus, None, settings, log)
    try:
        log(f"searching {len(todo)} queries")
        run, searched = search_all(app, todo, depth, passages, search_args, log)
    finally:
        app.close()
    documents = datasets.load_beir_documents(corpus)
    base, bm25 = baseline_run(documents, todo, depth)
    runs = {"medcite": run, "bm25": base}
    metrics = {name: ranking_measures(doc_ids(r), judgments, qids) for name, r in runs.items()}
    info = {
        "library": str(library), "corpus": str(corpus), "queries": str(queries),
        "qrels": str(qrels), "baseline_documents": len(documents),
        "baseline_index_s": round(bm25.index_seconds, 1),
        "search_args": dict(search_args or {}), "settings": dict(settings or {}),
        "passages_per_query": passages,
        **searched, "run_files": _write_runs(run_out, runs),
    }
    return EvalResult("nfcorpus", metrics, info, runs)
