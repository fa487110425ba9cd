"""Forward-chained evaluation of triage: each fresh part scored as it was on the day it was written.

Usage: .venv/bin/python benchmarks/triage_forward.py [PART ...] [--thresholds 0.4,0.5,0.6]
(each threshold T is used with T + 0.1 for messages the rules found nothing in, as shipped)

For each part (default: blind5 to the newest blindN, in the order of `triage_eval.PARTS`):
- the red-flag rules are those of the commit that added the part (every part was committed
  before any rule was written from it), run from a git worktree of that commit;
- the learned detector (medcite.triage_model, today's code and settings) is trained only on the
  parts written before it (less heldout and blind8, which no tuning sees).
So neither half has seen the part it is scored on. Prints, per part and in total, emergency
recall of the rules alone and of rules + detector, and the non-emergencies each calls an
emergency. Needs the git history (a full clone) and a few minutes; not part of the test suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from medcite import triage_model
from medcite.triage_eval import PARTS, UNTUNED_PARTS, default_sets, load_set

ROOT = Path(__file__).resolve().parents[1]
_RUN_OLD_RULES = """
import json, sys
sys.path.insert(0, sys.argv[1])
import medcite, medcite.triage as t
from medcite.settings import Settings
assert medcite.__file__.startswith(sys.argv[1]), medcite.__file__
fields = getattr(Settings, "__dataclass_fields__", {})
settings = Settings(triage_detector=False) if "triage_detector" in fields else Settings()
rows = [json.loads(line) for line in open(sys.argv[2]) if line.strip()]
print(json.dumps({r["id"]: t.triage(r["text"], settings).level.value for r in rows}))
"""


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout.strip()


def rules_of_the_day(part: str, work: Path) -> dict[str, str]:
    """Levels the rules gave `part` in the commit that added it (id -> level)."""
    rel = f"medcite/data/triage/testset_{part}.jsonl"
    added = _git("log", "--diff-filter=A", "--format=%H", "--", rel).splitlines()
    if not added:
        raise SystemExit(f"{part}: no commit adds {rel} (is this a full clone?)")
    commit = added[-1]
    tree = work / commit[:12]
    if not tree.exists():
        _git("worktree", "add", "--detach", "-f", str(tree), commit)
    out = subprocess.run([sys.executable, "-c", _RUN_OLD_RULES, str(tree), str(tree / rel)],
                         check=True, capture_output=True, text=True, cwd=tree).stdout
    return json.loads(out)


def main(argv: list[str]) -> None:
    thresholds = [triage_model.THRESHOLD]
    if "--thresholds" in argv:
        i = argv.index("--thresholds")
        thresholds = [float(x) for x in argv[i + 1].split(",")]
        argv = argv[:i] + argv[i + 2:]
    first = PARTS.index("blind5")
    parts = argv or [p for p in PARTS[first:] if p.startswith("blind")]
    sets = default_sets()
    totals: dict[float, dict[str, int]] = {t: {} for t in thresholds}
    with tempfile.TemporaryDirectory(prefix="medcite-forward-") as tmp:
        try:
            for part in parts:
                rows = load_set(sets[part])
                earlier = [p for p in PARTS[:PARTS.index(part)] if p not in UNTUNED_PARTS]
                model = triage_model.train(
                    [r for p in earlier for r in load_set(sets[p])], earlier)
                old = rules_of_the_day(part, Path(tmp))
                gap = triage_model.THRESHOLD_NO_FINDING - triage_model.THRESHOLD
                for t in thresholds:
                    tuned = replace(model, threshold=t, threshold_no_finding=t + gap)
                    c = _count(rows, old, tuned)
                    for k, v in c.items():
                        totals[t][k] = totals[t].get(k, 0) + v
                    print(_line(part, t, c))
        finally:
            _git("worktree", "prune")
    for t in thresholds:
        print(_line("total", t, totals[t]))


def _count(rows: list[dict], old: dict[str, str],
           model: triage_model.Detector) -> dict[str, int]:
    c = {"emergencies": 0, "rules_hit": 0, "both_hit": 0, "others": 0, "rules_fp": 0,
         "both_fp": 0, "light": 0, "rules_light_fp": 0, "both_light_fp": 0}
    for r in rows:
        by_rules = old[r["id"]] == "emergency"
        both = by_rules or model.raises(r["text"], old[r["id"]] == "none") is not None
        if r["level"] == "emergency":
            c["emergencies"] += 1
            c["rules_hit"] += by_rules
            c["both_hit"] += both
        else:
            c["others"] += 1
            c["rules_fp"] += by_rules
            c["both_fp"] += both
            if r["level"] in ("self_care", "none"):
                c["light"] += 1
                c["rules_light_fp"] += by_rules
                c["both_light_fp"] += both
    return c


def _line(name: str, t: float, c: dict[str, int]) -> str:
    e = max(c["emergencies"], 1)
    return (f"{name:8} t={t:.2f} emergency recall rules {c['rules_hit'] / e:.3f} -> "
            f"with detector {c['both_hit'] / e:.3f} ({c['both_hit']}/{c['emergencies']}); "
            f"non-emergencies called emergency {c['rules_fp']} -> {c['both_fp']} of "
            f"{c['others']} (self-care/none {c['rules_light_fp']} -> {c['both_light_fp']} "
            f"of {c['light']})")


if __name__ == "__main__":
    main(sys.argv[1:])
