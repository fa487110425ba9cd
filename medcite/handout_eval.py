"""Handout acceptance run (issue 6) on the MedQuAD library: ten conditions, one per collection.

Conditions are chosen by a fixed rule from the corpus, before any handout is made (so the
choice cannot follow the results): for each MedQuAD collection that is about conditions (all
but the drug and herb collections, `11_MPlusDrugs_QA` and `12_MPlusHerbsSupplements_QA`), in
collection order, the focus with the most distinct question types answered in that collection;
ties go to the focus with more answered records in the whole corpus, then alphabetical; a focus
already chosen for an earlier collection is skipped. At corpus commit 577bd37 this gives Breast
Cancer (CancerGov), Langerhans cell histiocytosis (GARD), prostate cancer (GHR), Stroke
(MedlinePlus health topics), Kidney Dysplasia (NIDDK), Machado-Joseph Disease (NINDS), Heart
Failure (SeniorHealth), Heart Attack (NHLBI), Botulism (CDC), Thyroid cancer (A.D.A.M.).

Per condition: the sections with cited items, whether there is an emergency section and whether
the library holds red-flag lists for the condition, the Flesch-Kincaid grade, and how many items
quote records marked third-party (A.D.A.M. text, evaluation only: never shown in a demo). The
summary has the median grade and the issue's checks.

>>> conditions = choose_conditions(Path("../shared/data/medquad/corpus.jsonl"))  # doctest: +SKIP
>>> len(conditions)                                                               # doctest: +SKIP
10
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

NOT_CONDITIONS = ("11_MPlusDrugs_QA", "12_MPlusHerbsSupplements_QA")
MIN_SECTIONS = 5  # acceptance: every handout has at least this many cited sections
MAX_MEDIAN_GRADE = 8.0  # acceptance: median reading grade across the ten


def _collection_order(name: str) -> tuple[int, str]:
    head = name.split("_", 1)[0]
    return (int(head) if head.isdigit() else 99, name)


def choose_conditions(corpus: Path, dev: bool = False) -> list[tuple[str, str]]:
    """(collection, focus) pairs by the rule of the module docstring.

    `dev=True` gives the development set instead: the next focus by the same rule in each
    collection (what handout wording and weights were tuned on, so the ten acceptance
    conditions were only measured).
    """
    qtypes: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    records: Counter[str] = Counter()
    with open(corpus, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if not r.get("answer") or not r.get("focus"):
                continue
            qtypes[r["collection"]][r["focus"]].add(r.get("qtype", ""))
            records[r["focus"].lower()] += 1
    chosen: list[tuple[str, str]] = []
    taken: set[str] = set()
    for collection in sorted(qtypes, key=_collection_order):
        if collection in NOT_CONDITIONS:
            continue
        ranked = sorted(qtypes[collection].items(),
                        key=lambda kv: (-len(kv[1]), -records[kv[0].lower()], kv[0]))
        free = [f for f, _ in ranked if f.lower() not in taken]
        if len(free) > int(dev):
            taken.update(f.lower() for f in free[:1 + int(dev)])
            chosen.append((collection, free[int(dev)]))
    return chosen


def evaluate_handouts(app: Any, conditions: list[tuple[str, str]], audience: str = "patient",
                      log: Callable[[str], None] = print) -> dict[str, Any]:
    """Make a handout per condition and check it (see the module docstring)."""
    flags = app.red_flags()
    rows = []
    for collection, condition in conditions:
        started = time.perf_counter()
        handout = app.handout(condition, audience=audience)
        seconds = time.perf_counter() - started
        held = Counter(i.level for i in flags.flags_for(condition)) if flags else Counter()
        sources = app.store.get_sources([r.source_id for r in handout.references])
        third = {sid for sid, s in sources.items() if s.metadata.get("third_party_text")}
        third_items = sum(1 for c in handout.claims()
                          if any(handout.references[n - 1].source_id in third
                                 for n in c.citations))
        row = {
            "collection": collection, "condition": condition,
            "abstained": handout.abstained,
            "sections": [s.id for s in handout.sections],
            "cited_sections": sum(1 for s in handout.sections if s.items),
            "items": len(handout.claims()),
            "references": len(handout.references),
            "emergency": handout.section("emergency") is not None,
            "emergency_first": bool(handout.sections) and handout.sections[0].id == "emergency",
            "library_red_flags": dict(held),
            "reading_grade": handout.reading_grade,
            "third_party_items": third_items,
            "seconds": round(seconds, 2),
        }
        rows.append(row)
        log(f"  {condition}: {row['cited_sections']} sections, grade {row['reading_grade']}")
    return {"summary": summarise(rows), "rows": rows}


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    grades = [r["reading_grade"] for r in rows if r["reading_grade"] is not None]
    with_flags = [r for r in rows if r["library_red_flags"]]
    # The emergency section rests on the library's emergency-level items; urgent and routine
    # items go to "Call your provider if".
    with_emergency = [r for r in rows if r["library_red_flags"].get("emergency")]
    median = round(statistics.median(grades), 2) if grades else None
    return {
        "conditions": len(rows),
        "abstained": sum(r["abstained"] for r in rows),
        "min_cited_sections": min((r["cited_sections"] for r in rows), default=0),
        "all_at_least_5_sections": all(r["cited_sections"] >= MIN_SECTIONS for r in rows),
        "with_emergency_section": sum(r["emergency"] for r in rows),
        "library_holds_red_flags": len(with_flags),
        "emergency_where_library_has_flags": sum(r["emergency"] for r in with_flags),
        "library_holds_emergency_flags": len(with_emergency),
        "emergency_first_where_library_has_emergency_flags": sum(
            r["emergency"] and r.get("emergency_first", False) for r in with_emergency),
        "median_reading_grade": median,
        "median_grade_at_most_8": median is not None and median <= MAX_MEDIAN_GRADE,
        "at_most_grade_7": sum(g <= 7.0 for g in grades),
        "third_party_items": sum(r["third_party_items"] for r in rows),
        "items": sum(r["items"] for r in rows),
        "seconds_per_handout": round(statistics.mean(r["seconds"] for r in rows), 2)
        if rows else None,
    }


def table(result: dict[str, Any]) -> str:
    """The rows and summary as a Markdown table (as recorded in docs/benchmarks.md)."""
    lines = ["| collection | condition | cited sections | emergency section | library red flags "
             "| FK grade | items (third-party) |", "|---|---|---|---|---|---|---|"]
    for r in result["rows"]:
        held = ", ".join(f"{k} {v}" for k, v in sorted(r["library_red_flags"].items())) or "none"
        lines.append(f"| {r['collection']} | {r['condition']} | {r['cited_sections']} | "
                     f"{'yes' if r['emergency'] else 'no'} | {held} | {r['reading_grade']} | "
                     f"{r['items']} ({r['third_party_items']}) |")
    s = result["summary"]
    lines.append(f"\nmedian reading grade {s['median_reading_grade']}; at least "
                 f"{s['min_cited_sections']} cited sections per handout; emergency section in "
                 f"{s['with_emergency_section']} of {s['conditions']}")
    return "\n".join(lines)


__all__ = ["choose_conditions", "evaluate_handouts", "summarise", "table"]
