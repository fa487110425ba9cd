"""Speed of `Medcite.ask`: warm p50/p95 in this process, cold start in a fresh one.

Warm: after a few untimed warm-up questions (embedding model, indexes and caches loaded), each
question is answered once and timed end to end (triage, analysis, search, writing, composition,
grounding checks, conversation write). Cold start: a new Python process imports medcite, opens
the library and answers one question; its wall time is what a user waits for on the first
`medcite ask`.

>>> report = bench_ask(Medcite.open("/tmp/lib"), ["how much magnesium is too much?"], n=20)  # doctest: +SKIP
>>> report["warm"]["p95_ms"] <= 300                                          # doctest: +SKIP
True
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from .bench import library_queries, peak_rss_mb
from .errors import MedciteError
from .metrics import percentile

COLD_SCRIPT = (
    "import sys, time; t = time.perf_counter(); "
    "from medcite import Medcite; app = Medcite.open(sys.argv[1]); "
    "a = app.ask(sys.argv[2], writer=sys.argv[3]); "
    "print(time.perf_counter() - t, a.abstained)"
)


def bench_ask(app: Any, queries: Sequence[str] | None = None, n: int = 50, warmup: int = 3,
              audience: str = "patient", writer: str = "extractive", cold: bool = True,
              log: Callable[[str], None] = print) -> dict[str, Any]:
    """Time `app.ask` warm over `n` questions (cycled), and one cold start in a subprocess."""
    if n < 1:
        raise MedciteError("-n must be at least 1")
    todo = list(queries or library_queries(app, n))
    todo = [todo[i % len(todo)] for i in range(n)]
    started = time.perf_counter()
    for q in todo[:warmup]:
        app.ask(q, audience=audience, writer=writer)
    log(f"warm-up: {min(warmup, n)} questions in {time.perf_counter() - started:.1f} s; "
        f"timing {n}")
    seconds, abstained = [], 0
    for q in todo:
        t = time.perf_counter()
        answer = app.ask(q, audience=audience, writer=writer)
        seconds.append(time.perf_counter() - t)
        abstained += answer.abstained
    ms = [s * 1000 for s in seconds]
    report: dict[str, Any] = {
        "library": str(app.settings.home), "questions": n, "audience": audience,
        "writer": writer, "abstained": abstained,
        "warm": {"p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1),
                 "max_ms": round(max(ms), 1)},
        "peak_rss_mb": round(peak_rss_mb(), 0),
    }
    if cold:
        report["cold_start_s"] = cold_start(str(app.settings.home), todo[0], writer)
    return report


def cold_start(library: str, question: str, writer: str = "extractive") -> float:
    """Seconds for a fresh Python process to import medcite, open `library` and answer once."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", COLD_SCRIPT, library, question, writer],
                          capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise MedciteError(f"cold-start run failed: {last}")
    return round(wall, 2)
