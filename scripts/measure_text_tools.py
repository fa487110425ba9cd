"""Measure the text tools of issue 4 on the shared data (read at run time, never copied).

    .venv/bin/python scripts/measure_text_tools.py [--shared ../shared]

Prints: quantity extraction speed and counts on MedQuAD answers; Flesch-Kincaid medians of
Cochrane technical abstracts vs their plain-language summaries (ours and textstat's own
sentence count); the effect of `simplify` and `add_glosses` on grade; glossary speed.
The numbers recorded in docs/benchmarks.md came from this script.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from pathlib import Path


def _medquad_answers(path: Path, limit: int) -> list[str]:
    out: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record.get("answer") and not record.get("third_party_text"):
                out.append(record["answer"])
            if len(out) >= limit:
                break
    return out


def quantities(shared: Path, limit: int) -> None:
    from medcite.quantities import extract

    texts = _medquad_answers(shared / "data" / "medquad" / "corpus.jsonl", limit)
    extract("warm up 2 mg")
    started = time.perf_counter()
    found = [extract(t) for t in texts]
    seconds = time.perf_counter() - started
    flat = [q for qs in found for q in qs]
    exact = all(t[q.start:q.end] == q.quote for t, qs in zip(texts, found, strict=True)
                for q in qs)
    print(f"quantities: {len(texts)} MedQuAD answers ({sum(map(len, texts)) / 1e6:.2f} MB), "
          f"{len(flat)} quantities, {1000 * seconds / len(texts):.2f} ms/answer, "
          f"spans exact: {exact}")
    print("  measures:", dict(Counter(q.measure for q in flat).most_common()))


def readability(shared: Path) -> None:
    import textstat

    from medcite.glossary import add_glosses, simplify
    from medcite.readability import grade

    rows = [json.loads(line) for line in
            (shared / "data" / "cochrane_pls" / "val.jsonl").open(encoding="utf-8")]
    tech = [r["technical_abstract"] for r in rows]
    plain = [r["plain_language_summary"] for r in rows]
    grade("warm up")
    started = time.perf_counter()
    g_tech = [grade(t) for t in tech]
    per_text = 1000 * (time.perf_counter() - started) / len(tech)
    g_plain = [grade(t) for t in plain]
    med = statistics.median
    print(f"readability: {len(rows)} Cochrane pairs, {per_text:.1f} ms per abstract")
    print(f"  median FK, our sentence count: abstracts {med(g_tech):.2f}, "
          f"plain-language summaries {med(g_plain):.2f}; summary lower in "
          f"{sum(p < t for p, t in zip(g_plain, g_tech, strict=True))} of {len(rows)} pairs")
    print(f"  median FK, textstat's own count: abstracts "
          f"{med(textstat.flesch_kincaid_grade(t) for t in tech):.2f}, summaries "
          f"{med(textstat.flesch_kincaid_grade(t) for t in plain):.2f}")
    started = time.perf_counter()
    simple = [simplify(t) for t in tech]
    glossed = [add_glosses(t, set()) for t in simple]
    rate = sum(map(len, tech)) / 1e6 / (time.perf_counter() - started)
    print(f"  abstracts after simplify: {med(grade(t) for t in simple):.2f}; after simplify + "
          f"glosses: {med(grade(t) for t in glossed):.2f}; glossary at {rate:.1f} MB/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--answers", type=int, default=3000)
    args = parser.parse_args()
    quantities(args.shared, args.answers)
    readability(args.shared)


if __name__ == "__main__":
    main()
