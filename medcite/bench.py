"""Speed benchmarks: warm query latency of `Medcite.search` against a plain BM25 on the same passages.

Both systems are timed in the same process, on the same queries, one query at a time, after a
warm-up (model and index loading are excluded from the timings and reported on their own).
Peak resident memory is read from the kernel (``ru_maxrss``) after each phase; it only grows, so
the second figure includes the first.

>>> report = bench_search(Medcite.open("/tmp/lib"), n=200)      # doctest: +SKIP
>>> report["medcite"]["p95_ms"] <= 50                           # doctest: +SKIP
True
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .errors import MedciteError
from .evaluate.baseline import Bm25Baseline
from .evaluate.datasets import liveqa_query_text
from .metrics import percentile
from .service import Medcite
from .store import SourceFilter

Log = Callable[[str], None]


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def load_queries(path: Path) -> list[str]:
    """Queries from a file: JSONL (`subject`+`message`, `query`, `question` or `text`) or one
    query per line of plain text.

    >>> import tempfile, os
    >>> f = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
    >>> _ = f.write("low magnesium\\n\\nstatins and grapefruit\\n"); f.close()
    >>> load_queries(Path(f.name)); os.unlink(f.name)
    ['low magnesium', 'statins and grapefruit']
    """
    path = Path(path)
    if not path.is_file():
        raise MedciteError(f"{path}: no such queries file")
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                raise MedciteError(f"{path}:{number}: a line starting with '{{' is not JSON")\
                    from None
            text = (liveqa_query_text(record) if "message" in record or "subject" in record
                    else str(record.get("query") or record.get("question")
                             or record.get("text") or ""))
            if text:
                queries.append(text)
        else:
            queries.append(line)
    if not queries:
        raise MedciteError(f"{path}: no queries")
    return queries


def library_queries(app: Medcite, n: int) -> list[str]:
    """`n` source titles spread evenly over the library: queries any library can supply."""
    titles = [s.title for s in app.store.list_sources(SourceFilter()) if s.title.strip()]
    if not titles:
        raise MedciteError(f"the library at {app.settings.home} is empty: nothing to search")
    step = max(1, len(titles) // n)
    return titles[::step][:n]


def _time_each(fn: Callable[[str], object], queries: Sequence[str]) -> list[float]:
    seconds = []
    for query in queries:
        started = time.perf_counter()
        fn(query)
        seconds.append(time.perf_counter() - started)
    return seconds


def _summary(seconds: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {"p50_ms": round(percentile(ms, 50), 2), "p95_ms": round(percentile(ms, 95), 2),
            "mean_ms": round(sum(ms) / len(ms), 2), "max_ms": round(max(ms), 2)}


def bench_search(app: Medcite, queries: Sequence[str] | None = None, n: int = 200, k: int = 10,
                 warmup: int = 5, baseline: bool = True, log: Log = print) -> dict[str, Any]:
    """Time `app.search` (warm) and, in the same run, BM25 on the library's passages."""
    search = getattr(app, "search", None)
    if search is None:
        raise MedciteError("this build has no Medcite.search yet (the retrieval engine)")
    if n < 1:
        raise MedciteError("-n must be at least 1")
    todo = list(queries or library_queries(app, n))
    # Cycle a short query list up to n so both systems see the same n calls.
    todo = [todo[i % len(todo)] for i in range(n)]
    started = time.perf_counter()
    for query in todo[:warmup]:
        search(query, k=k)  # loads the embedding model and indexes; not timed
    warm_s = time.perf_counter() - started
    log(f"warm-up: {min(warmup, n)} queries in {warm_s:.1f} s; timing {n} queries")
    report: dict[str, Any] = {
        "library": str(app.settings.home), "queries": n, "k": k,
        "warmup_s": round(warm_s, 2),
        "medcite": {**_summary(_time_each(lambda q: search(q, k=k), todo)),
                    "peak_rss_mb": round(peak_rss_mb(), 0)},
    }
    if baseline:
        passages = {p.id: p.text for batch in app.store.iter_passages() for p in batch}
        bm25 = Bm25Baseline(passages)
        log(f"BM25 baseline: {len(passages)} passages indexed in {bm25.index_seconds:.1f} s")
        bm25.search(todo[0], k)
        report["bm25"] = {**_summary(_time_each(lambda q: bm25.search(q, k), todo)),
                          "index_s": round(bm25.index_seconds, 1),
                          "peak_rss_mb": round(peak_rss_mb(), 0)}
        report["passages"] = len(passages)
        for stat in ("p50", "p95"):
            base = report["bm25"][f"{stat}_ms"]
            # A tiny library can time BM25 under 0.01 ms: no meaningful ratio then.
            report[f"ratio_{stat}"] = (round(report["medcite"][f"{stat}_ms"] / base, 2)
                                       if base > 0 else None)
    return report
