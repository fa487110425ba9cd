"""`medcite triage` and `medcite eval triage` through the real click CLI."""

from __future__ import annotations

import json

from click.testing import CliRunner

from medcite.cli import main


def _run(tmp_path, *args):
    return CliRunner().invoke(main, ["--library", str(tmp_path / "lib"), *args])


def test_triage_text_puts_the_action_first(tmp_path):
    out = _run(tmp_path, "triage", "My mother takes magnesium and is having a seizure right now")
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].startswith("Call 911")
    assert lines[1] == "Level: EMERGENCY"
    assert '"seizure"' in out.output


def test_triage_json_keys(tmp_path):
    out = _run(tmp_path, "triage", "I had a seizure years ago, what foods have magnesium?",
               "--json")
    data = json.loads(out.output)
    assert set(data) >= {"level", "reasons", "message", "crisis"}
    assert data["level"] == "none" and data["crisis"] is False


def test_triage_crisis_line_first(tmp_path):
    out = _run(tmp_path, "triage", "i want to end my life")
    assert out.output.startswith("988")
    data = json.loads(_run(tmp_path, "triage", "kms", "--json").output)
    assert data["crisis"] is True and data["message"].startswith("988")


def test_triage_does_not_create_a_library(tmp_path):
    _run(tmp_path, "triage", "runny nose")
    assert not (tmp_path / "lib" / "library.db").exists()


def test_eval_triage_text_and_json(tmp_path):
    out = _run(tmp_path, "eval", "triage")
    assert out.exit_code == 0, out.output
    assert out.output.startswith("heldout")
    assert "emergency recall" in out.output and "p95" in out.output
    data = json.loads(_run(tmp_path, "eval", "triage", "--json").output)
    assert data["acceptance"]["emergency_recall"] >= 0.97
    assert set(data) >= {"heldout", "dev", "late", "blind", "late2", "blind3", "blind4", "acceptance",
                         "all"}


def test_eval_triage_bad_set_is_one_clear_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n")
    out = _run(tmp_path, "eval", "triage", "--set", str(bad))
    assert out.exit_code == 2
    assert "expected a JSON object" in out.output
    assert "Traceback" not in out.output
