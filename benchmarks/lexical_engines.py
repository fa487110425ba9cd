"""Compare lexical engines on the passages of a real medcite library: index time and query latency.

Usage: .venv/bin/python benchmarks/lexical_engines.py LIBRARY_DIR [N_QUERIES]

Engines: tantivy (what medcite.lexical uses), bm25s, SQLite FTS5 with bm25() and an OR query.
Queries are the section headings of a random sample of the library's own passages (a stand-in
for user questions; no benchmark questions), run as OR-queries of their non-stopwords, top 10.
"""

from __future__ import annotations

import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

from medcite import Medcite
from medcite.lexical import LexicalIndex, query_words


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed_queries(fn, queries: list[str]) -> tuple[float, float]:
    for q in queries[:20]:  # warm up caches
        fn(q)
    seconds = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        seconds.append(time.perf_counter() - t)
    return median(seconds) * 1000, pct(seconds, 0.95) * 1000


def main() -> None:
    library, n = Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 300
    app = Medcite.open(library, dense=False)
    passages = [p for batch in app.store.iter_passages() for p in batch]
    sources = app.store.get_sources([p.source_id for p in passages])
    rng = random.Random(7)
    queries = [p.section or p.text[:80] for p in rng.sample(passages, n)]
    queries = [q for q in queries if query_words(q)]
    docs = [(p.id, sources[p.source_id].title, p.section, p.text) for p in passages]
    print(f"{len(docs)} passages, {len(queries)} queries")
    rows = []

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        index = LexicalIndex(Path(tmp) / "lexical")
        index.sync(app.store)
        build = time.perf_counter() - t
        rows.append(("tantivy (medcite.lexical)", build,
                     *timed_queries(lambda q: index.search(q, 10), queries)))

    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    t = time.perf_counter()
    corpus = bm25s.tokenize([f"{a} {b} {c}" for _, a, b, c in docs], stopwords="en",
                            stemmer=stemmer, show_progress=False)
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    build = time.perf_counter() - t

    def bm25s_search(q: str):
        tokens = bm25s.tokenize([q], stopwords="en", stemmer=stemmer, show_progress=False)
        return retriever.retrieve(tokens, k=10, show_progress=False, n_threads=1)

    rows.append(("bm25s 0.3.16", build, *timed_queries(bm25s_search, queries)))

    conn = sqlite3.connect(":memory:")
    t = time.perf_counter()
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(pid UNINDEXED, title, section, text, "
                 "tokenize='porter')")
    conn.executemany("INSERT INTO f VALUES (?, ?, ?, ?)", docs)
    build = time.perf_counter() - t

    def fts_search(q: str):
        match = " OR ".join(f'"{w}"' for w in query_words(q))
        return conn.execute("SELECT pid FROM f WHERE f MATCH ? ORDER BY bm25(f) LIMIT 10",
                            (match,)).fetchall()

    rows.append((f"SQLite {sqlite3.sqlite_version} FTS5 bm25(), OR", build,
                 *timed_queries(fts_search, queries)))

    print("| engine | index time (s) | query p50 (ms) | query p95 (ms) |\n|---|---|---|---|")
    for name, build, p50, p95 in rows:
        print(f"| {name} | {build:.1f} | {p50:.2f} | {p95:.2f} |")


if __name__ == "__main__":
    main()
