"""`medcite ask`, `medcite chat`, `medcite bench ask`, `medcite eval answers` through the CLI."""

from __future__ import annotations

import json

import pytest
from answer_fixtures import open_library
from click.testing import CliRunner

from medcite.cli import main


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli-ask")
    open_library(folder).close()
    return str(folder / "library")


def _run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def test_ask_json(home):
    result = _run("-L", home, "ask", "How much magnesium is too much?", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["sections"][0]["id"] == "bottom_line" and data["references"]


def test_ask_markdown_for_clinician(home):
    result = _run("-L", home, "ask", "How much magnesium is too much?", "--format", "md",
                  "--audience", "clinician")
    assert result.exit_code == 0 and "## Bottom line" in result.output
    assert "Flesch-Kincaid grade" in result.output


def test_ask_abstains_out_of_scope(home):
    result = _run("-L", home, "ask", "glioblastoma treatment options", "--format", "json")
    assert json.loads(result.output)["abstained"] is True


def test_bad_audience_is_a_usage_error(home):
    result = _run("-L", home, "ask", "magnesium", "--audience", "robot")
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_openai_writer_without_model_is_one_line_error(home, monkeypatch):
    monkeypatch.delenv("MEDCITE_LLM_MODEL", raising=False)
    result = _run("-L", home, "ask", "magnesium", "--writer", "openai")
    assert result.exit_code == 2 and "--model" in result.output and "Traceback" not in result.output


def test_chat_follow_up(home):
    result = _run("-L", home, "chat", input="How much magnesium is too much?\n"
                                            "what about during pregnancy?\n\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("Bottom line") == 2


def test_bench_ask_reports_warm_percentiles(home):
    result = _run("bench", "ask", "--library", home, "-n", "3", "--no-cold", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{"):])
    assert report["questions"] == 3 and report["warm"]["p95_ms"] > 0


def test_eval_answers_needs_a_library(tmp_path):
    result = _run("eval", "answers", "--library", str(tmp_path / "none"))
    assert result.exit_code == 2 and "no library" in result.output
