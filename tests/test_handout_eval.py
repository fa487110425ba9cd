"""The handout acceptance run: the condition-choosing rule, the summary, and (slow) MedQuAD."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import shared_path

from medcite.handout_eval import choose_conditions, evaluate_handouts, summarise


def _corpus(tmp_path: Path) -> Path:
    rows = [
        ("1_A", "Alpha", "information"), ("1_A", "Alpha", "symptoms"), ("1_A", "Beta", "symptoms"),
        ("2_B", "Alpha", "information"), ("2_B", "Alpha", "treatment"),  # taken: next one
        ("2_B", "Gamma", "information"), ("2_B", "Delta", "information"),
        ("2_B", "Delta", "treatment"),
        ("11_MPlusDrugs_QA", "Aspirin", "usage"), ("3_C", "Empty", "information"),
    ]
    path = tmp_path / "corpus.jsonl"
    with path.open("w") as fh:
        for collection, focus, qtype in rows:
            answer = "" if focus == "Empty" else "text"
            fh.write(json.dumps({"collection": collection, "focus": focus, "qtype": qtype,
                                 "answer": answer}) + "\n")
    return path


def test_rule_picks_most_question_types_per_collection_and_skips_drugs(tmp_path):
    assert choose_conditions(_corpus(tmp_path)) == [("1_A", "Alpha"), ("2_B", "Delta")]


def test_dev_set_takes_the_next_condition(tmp_path):
    assert choose_conditions(_corpus(tmp_path), dev=True) == [("1_A", "Beta"), ("2_B", "Gamma")]


def test_summary_counts_the_acceptance_checks():
    rows = [{"abstained": False, "cited_sections": n, "emergency": e, "library_red_flags": f,
             "reading_grade": g, "third_party_items": 0, "items": 10, "seconds": 0.1}
            for n, e, f, g in [(6, True, {"emergency": 2}, 6.0), (5, False, {}, 9.0),
                               (7, False, {}, 7.5)]]
    s = summarise(rows)
    assert s["median_reading_grade"] == 7.5 and s["median_grade_at_most_8"]
    assert s["all_at_least_5_sections"] and s["emergency_where_library_has_flags"] == 1


def test_evaluate_on_a_small_library(tmp_path):
    from handout_fixtures import build

    app = build(tmp_path)
    try:
        result = evaluate_handouts(app, [("test", "gout"), ("test", "glioblastoma")],
                                   log=lambda m: None)
    finally:
        app.close()
    gout, none = result["rows"]
    assert gout["cited_sections"] >= 5 and gout["emergency"]
    assert gout["library_red_flags"]["emergency"] == 2 and gout["library_red_flags"]["routine"]
    assert none["abstained"] and result["summary"]["abstained"] == 1


@pytest.fixture(scope="module")
def medquad_result():
    from medcite import Medcite
    from medcite.evaluate.runner import default_library

    corpus = shared_path("data", "medquad", "corpus.jsonl")
    home = default_library("medquad")
    if not (home / "library.db").exists():
        pytest.skip(f"{home}: no MedQuAD library (run `medcite eval liveqa` first)")
    app = Medcite.open(home)
    try:
        return evaluate_handouts(app, choose_conditions(corpus), log=lambda m: None)
    finally:
        app.close()


@pytest.mark.slow
def test_medquad_handouts_acceptance(medquad_result):
    """Issue 6 on the MedQuAD library that `medcite eval liveqa` builds (slow, reads shared data)."""
    s = medquad_result["summary"]
    assert s["conditions"] == 10 and s["abstained"] == 0
    assert s["median_grade_at_most_8"]


@pytest.mark.slow
def test_medquad_emergency_section_first_where_the_library_has_red_flags(medquad_result):
    """Every handout whose condition has library red flags at emergency level opens with the
    emergency section (docs/benchmarks.md lists which of the ten have them)."""
    rows = [r for r in medquad_result["rows"] if r["library_red_flags"].get("emergency")]
    assert rows  # not vacuous: Stroke and Heart Attack have "call 9-1-1 ... signs" lists
    for r in rows:
        assert r["emergency"] and r["emergency_first"], r["condition"]
    s = medquad_result["summary"]
    assert s["emergency_first_where_library_has_emergency_flags"] == len(rows)


@pytest.mark.slow
def test_medquad_every_handout_has_five_sections(medquad_result):
    assert medquad_result["summary"]["all_at_least_5_sections"]
