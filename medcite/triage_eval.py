"""Evaluate triage on a labelled message set: `medcite eval triage`.

A set is JSON Lines, one message per line: ``{"id", "text", "level", "note"}`` where `level` is a
`TriageLevel` value. The packaged set (docs/triage.md) has twenty-nine parts, in the order
written: `heldout` (before any rule, never used to tune), `dev` (used to write rules v1), `late`
(fresh phrasings written after v1, then used to write v2), `blind` (written before v2), `late2`
(emergencies beyond the issue's list, written after v2, then used for v3), `blind3` (written after
v3), `blind4` (written by a second engineer who never read the rules or the earlier parts),
`probe4` (the rules author's probes while writing v4), `blind5` to `blind16` (a second engineer
again, scored once with v4, v4.1, v4.2, v4.3, v4.3, v4.3, v4.4, v4.4 + speller, v4.4 + speller,
v4.5, v4.6 and v4.7), `sweep5` (a second engineer's two lay wordings and one look-alike for each of
sixty can't-miss emergencies the rules author listed, used for v4.8), `blind17` (scored once with
v4.8, then used for v4.9), `blind18` (scored once with v4.9, then used for v4.10), `blind19`
(scored once with v4.10, then used for v4.11), `blind20` (scored once with v4.11, then used
for v4.12), `blind21` and `blind22` (scored once with v4.12 alone and with the learned
detector, then used for v4.13 and added to its training parts), `blind23` (scored once with
v4.13 and the detector) and `blind24` (scored once with v4.14 and the detector), both then used
for v4.14 and the detector. blind, blind3
and blind4 were scored frozen and then used to write v4; blind5 then v4.1, blind6 v4.2, blind7
v4.3, blind9 and blind10 v4.4, blind11 the speller, blind12 and blind13 v4.5, blind14 v4.6, blind15
v4.7, blind16 and sweep5 v4.8, blind17 v4.9, blind18 v4.10, blind19 v4.11, blind20 v4.12; blind8 has not been used to tune, but
its misses were shown to the rules author once, by mistake, while writing v4.8 (docs/triage.md has
the frozen scores).
Metrics are reported per part, for the issue's acceptance set (`heldout` + `dev`) and for all
parts together.

>>> result = evaluate()                                   # doctest: +SKIP
>>> result["all"]["emergency_recall"] >= 0.97             # doctest: +SKIP
True
"""

from __future__ import annotations

import json
import time
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import MedciteError
from .models import TriageLevel
from .settings import Settings
from .triage import rules, triage

LEVELS = [level.value for level in TriageLevel]
PARTS = ("heldout", "dev", "late", "blind", "late2", "blind3", "blind4", "probe4", "blind5",
         "blind6", "blind7", "blind8", "blind9", "blind10", "blind11", "blind12", "blind13",
         "blind14", "blind15", "blind16", "sweep5", "blind17", "blind18", "blind19", "blind20",
         "blind21", "blind22", "blind23", "blind24")
# The parts the learned detector (medcite.triage_model) is trained on: every packaged part but
# the two kept out of all tuning, heldout (the acceptance set's untouched half) and blind8.
UNTUNED_PARTS = ("heldout", "blind8")
TRAINING_PARTS = tuple(p for p in PARTS if p not in UNTUNED_PARTS)
ACCEPTANCE = ("heldout", "dev")  # the >= 200-message set the thresholds were set on


def default_sets() -> dict[str, Path]:
    """The packaged test set parts, by name."""
    base = resources.files("medcite") / "data" / "triage"
    return {part: Path(str(base / f"testset_{part}.jsonl")) for part in PARTS}


def load_set(path: str | Path) -> list[dict[str, Any]]:
    """Read a labelled set; a bad line is a clear `MedciteError` naming the file and line."""
    path = Path(path)
    if not path.is_file():
        raise MedciteError(f"triage set {path} does not exist")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text, level = row["text"], row["level"]
        except (json.JSONDecodeError, KeyError, TypeError):
            raise MedciteError(
                f"{path}:{number}: expected a JSON object with 'text' and 'level'") from None
        if level not in LEVELS:
            raise MedciteError(f"{path}:{number}: level {level!r} is not one of {LEVELS}")
        rows.append({"id": row.get("id", f"{path.stem}:{number}"), "text": str(text),
                     "level": level, "note": row.get("note", "")})
    if not rows:
        raise MedciteError(f"triage set {path} has no messages")
    return rows


def scores(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    """Per-level precision/recall, accuracy, emergency recall, over-triage, confusion matrix.

    Over-triage is the share of messages labelled self-care that were called an emergency.

    >>> scores(["emergency", "self_care"], ["emergency", "emergency"])["over_triage_self_care"]
    1.0
    """
    confusion = {g: dict.fromkeys(LEVELS, 0) for g in LEVELS}
    for g, p in zip(gold, predicted, strict=True):
        confusion[g][p] += 1
    per_level = {}
    for level in LEVELS:
        tp = confusion[level][level]
        n_pred = sum(confusion[g][level] for g in LEVELS)
        n_gold = sum(confusion[level].values())
        per_level[level] = {
            "precision": _ratio(tp, n_pred), "recall": _ratio(tp, n_gold), "support": n_gold}
    n = len(gold)
    self_care = sum(confusion["self_care"].values())
    return {
        "messages": n,
        "accuracy": _ratio(sum(confusion[lv][lv] for lv in LEVELS), n),
        "emergency_recall": per_level["emergency"]["recall"],
        "over_triage_self_care": _ratio(confusion["self_care"]["emergency"], self_care),
        # Under-triage of emergencies is the dangerous error: count them separately.
        "missed_emergencies": n_gold_minus_tp(confusion, "emergency"),
        "per_level": per_level,
        "confusion": confusion,
    }


def n_gold_minus_tp(confusion: dict[str, dict[str, int]], level: str) -> int:
    return sum(confusion[level].values()) - confusion[level][level]


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def evaluate(path: str | Path | None = None, settings: Settings | None = None) -> dict[str, Any]:
    """Run triage over a set (default: the packaged set, both parts) and score it.

    Returns ``{"<part>": scores..., "acceptance": scores (heldout + dev), "all": scores,
    "errors": [...], "timing_ms": {...},
    "cpu_ms": {...}}``: wall-clock and CPU time per message (on a shared machine the wall clock
    also counts time spent waiting for a core).
    """
    parts = {"set": Path(path)} if path else default_sets()
    result: dict[str, Any] = {"sets": {k: str(v) for k, v in parts.items()}, "errors": []}
    # Rules are compiled once per process; time that apart from the per-message cost.
    t0 = time.perf_counter()
    rules()
    load_ms = (time.perf_counter() - t0) * 1000
    gold_all: list[str] = []
    pred_all: list[str] = []
    gold_acc: list[str] = []
    pred_acc: list[str] = []
    times: list[float] = []  # wall clock: includes waiting for a busy CPU
    cpu: list[float] = []  # CPU time of this thread: the work triage itself does
    for part, part_path in parts.items():
        rows = load_set(part_path)
        gold, pred = [], []
        for row in rows:
            t0, c0 = time.perf_counter(), time.thread_time()
            decision = triage(row["text"], settings)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.thread_time() - c0) * 1000)
            gold.append(row["level"])
            pred.append(decision.level.value)
            if decision.level.value != row["level"]:
                result["errors"].append({
                    "id": row["id"], "text": row["text"], "expected": row["level"],
                    "got": decision.level.value, "note": row["note"],
                    "reasons": [f.finding for f in decision.reasons]})
        result[part] = scores(gold, pred)
        gold_all += gold
        pred_all += pred
        if part in ACCEPTANCE:
            gold_acc += gold
            pred_acc += pred
    if gold_acc and len(parts) > 1:
        result["acceptance"] = scores(gold_acc, pred_acc)
    result["all"] = scores(gold_all, pred_all)
    result["timing_ms"] = {**_percentiles(times), "rules_load": round(load_ms, 1)}
    result["cpu_ms"] = _percentiles(cpu)
    return result


def _percentiles(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    return {"p50": round(values[len(values) // 2], 3),
            "p95": round(values[min(len(values) - 1, int(len(values) * 0.95))], 3),
            "max": round(values[-1], 3)}
