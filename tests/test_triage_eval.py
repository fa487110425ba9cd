"""The triage test set and its evaluation: the acceptance thresholds of issue 5, measured."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from medcite.errors import MedciteError
from medcite.triage_eval import LEVELS, default_sets, evaluate, load_set, scores


@pytest.fixture(scope="module")
def result():
    return evaluate()


def test_the_set_has_the_promised_shape():
    rows = [row for path in default_sets().values() for row in load_set(path)]
    assert set(default_sets()) == {"heldout", "dev", "late", "blind", "late2", "blind3",
                                  "blind4", "probe4", "blind5", "blind6", "blind7", "blind8",
                                  "blind9", "blind10", "blind11", "blind12", "blind13",
                                  "blind14", "blind15", "blind16", "sweep5", "blind17",
                                  "blind18", "blind19", "blind20", "blind21",
                                  "blind22", "blind23", "blind24"}
    levels = Counter(row["level"] for row in rows)
    assert len(rows) >= 200
    assert levels["emergency"] >= 60
    assert set(levels) == set(LEVELS)
    assert len({row["id"] for row in rows}) == len(rows)
    for path in default_sets().values():
        part = load_set(path)
        assert len({row["text"].lower() for row in part}) == len(part), path.name
    # Across parts one message repeats: the two second-engineer parts blind4 and blind6 both
    # ask "what temperature counts as a fever in a baby?" (written independently).
    assert len(rows) - len({row["text"].lower() for row in rows}) <= 1
    assert all(row["note"] for row in rows)
    assert len(load_set(default_sets()["heldout"])) >= 80


def test_acceptance_thresholds_on_the_acceptance_set(result):
    # heldout + dev: the 215 messages written before any rule (docs/triage.md).
    total = result["acceptance"]
    assert total["messages"] >= 200
    assert total["emergency_recall"] >= 0.97
    assert total["accuracy"] >= 0.85
    assert total["over_triage_self_care"] <= 0.10


def test_used_parts_do_not_regress(result):
    # Parts written after the acceptance set and later used to tune (blind, blind3 and blind4
    # up to rules v4, then blind5 ... blind18, each after it was scored once, and sweep5): floors against
    # regressions, not claims of quality. Their once-only frozen scores are in docs/triage.md.
    for part in ("late", "blind", "late2", "blind3", "blind4", "blind5", "blind6", "blind7",
                 "blind9", "blind10", "blind11", "blind12", "blind13", "blind14", "blind15",
                 "blind16", "blind17", "blind18"):
        scored = result[part]
        assert scored["emergency_recall"] >= 0.95, part
        assert scored["accuracy"] >= 0.90, part
        assert scored["over_triage_self_care"] <= 0.10, part
    assert result["blind4"]["messages"] == result["blind5"]["messages"] == 80
    assert result["blind6"]["messages"] == result["blind7"]["messages"] == 80
    # sweep5: two thirds emergencies, its look-alikes mostly mild symptoms (self-care vs none).
    # blind19 and blind20 (written to be hard: understated emergencies, carers, buried
    # details), used for v4.11 and v4.12 on their emergencies and the clearest same-day
    # misses; their remaining routine / self-care confusions were left, hence a lower floor.
    for part in ("blind19", "blind20"):
        scored = result[part]
        assert scored["messages"] == 80, part
        assert scored["emergency_recall"] >= 0.95, part
        assert scored["accuracy"] >= 0.85, part
        assert scored["over_triage_self_care"] <= 0.10, part
    # blind21 to blind24 (same brief), each scored once with the rules of the day alone and with
    # the learned detector, then used for v4.13 / v4.14 and the detector's training parts.
    for part in ("blind21", "blind22", "blind23", "blind24"):
        scored = result[part]
        assert scored["messages"] == 80, part
        assert scored["emergency_recall"] >= 0.95, part
        assert scored["accuracy"] >= 0.80, part
        assert scored["over_triage_self_care"] <= 0.10, part
    sweep = result["sweep5"]
    assert sweep["messages"] == 186
    assert sweep["emergency_recall"] >= 0.97
    assert sweep["accuracy"] >= 0.85
    assert sweep["over_triage_self_care"] <= 0.10
    # probe4: the rules author's own probes for v4, look-alikes included; the look-alikes it
    # still gets wrong are listed in docs/triage.md.
    probe = result["probe4"]
    assert probe["emergency_recall"] >= 0.97
    assert probe["accuracy"] >= 0.90
    assert probe["over_triage_self_care"] <= 0.10


# Parts written blind to the rules, scored once and not used to tune. The acceptance thresholds
# do NOT hold on fresh wordings; these are floors, not claims.
# blind8: rules v4.3, 0.725 accuracy, emergency recall 0.600 (18 of 30), over-triage 1 of 12
# (its misses were shown to the rules author once, by mistake, while writing v4.8; not used).
# It is not among the learned detector's training parts either: rules v4.12 alone 0.775 / 0.700,
# with the detector 0.863 / 0.933.
# (Scored once, then used: blind12 with v4.4 + speller 0.887 / 0.933, blind13 with v4.4 +
# speller 0.787 / 0.800, blind14 with v4.5 0.875 / 0.900, blind15 with v4.6 0.825 / 0.867,
# blind16 with v4.7 0.838 / 0.767, blind17 with v4.8 0.850 / 0.800, blind18 with v4.9
# 0.863 / 0.833, blind19 with v4.10 0.650 / 0.667, blind20 with v4.11 0.713 / 0.600;
# docs/triage.md.)
@pytest.mark.parametrize(("part", "recall", "accuracy"), [
    ("blind8", 0.90, 0.85),
])
def test_the_unused_blind_parts_are_reported(result, part, recall, accuracy):
    scored = result[part]
    assert scored["messages"] == 80
    assert scored["emergency_recall"] >= recall
    assert scored["accuracy"] >= accuracy
    assert scored["over_triage_self_care"] <= 0.10


def test_held_back_part_scored_on_its_own(result):
    # Never used to tune the rules: its numbers are the honest estimate (docs/triage.md).
    held = result["heldout"]
    assert held["messages"] >= 80
    assert held["accuracy"] >= 0.85
    assert held["emergency_recall"] >= 0.95
    assert held["over_triage_self_care"] <= 0.10


def test_result_carries_matrix_errors_and_timing(result):
    total = result["all"]
    assert sum(sum(row.values()) for row in total["confusion"].values()) == total["messages"]
    assert set(total["per_level"]) == set(LEVELS)
    assert len(result["errors"]) == total["messages"] - round(total["accuracy"]
                                                             * total["messages"])
    assert result["cpu_ms"]["p95"] < 5.0
    json.dumps(result)  # the CLI prints it as JSON


def test_scores_by_hand():
    gold = ["emergency", "emergency", "self_care", "self_care", "none"]
    pred = ["emergency", "urgent", "emergency", "self_care", "none"]
    s = scores(gold, pred)
    assert s["accuracy"] == 0.6
    assert s["emergency_recall"] == 0.5
    assert s["per_level"]["emergency"]["precision"] == 0.5
    assert s["over_triage_self_care"] == 0.5
    assert s["missed_emergencies"] == 1


def test_custom_set_and_bad_sets(tmp_path):
    good = tmp_path / "mine.jsonl"
    good.write_text('{"text": "my dad is not breathing", "level": "emergency"}\n\n'
                    '{"text": "what is gout?", "level": "none"}\n')
    out = evaluate(good)
    assert out["set"]["accuracy"] == 1.0 and out["all"]["messages"] == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "level": "critical"}\n')
    with pytest.raises(MedciteError, match=r"bad.jsonl:1: level 'critical'"):
        load_set(bad)
    bad.write_text("not json\n")
    with pytest.raises(MedciteError, match=r"bad.jsonl:1: expected a JSON object"):
        load_set(bad)
    with pytest.raises(MedciteError, match="does not exist"):
        load_set(tmp_path / "absent.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(MedciteError, match="no messages"):
        load_set(tmp_path / "empty.jsonl")


def test_docstring_examples_run():
    import doctest

    import medcite.triage_eval

    assert doctest.testmod(medcite.triage_eval).failed == 0
