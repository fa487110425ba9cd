"""The `medcite analyze` and `medcite vocabulary` commands, on a real library folder."""

from __future__ import annotations

import json

from click.testing import CliRunner

from medcite.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_analyze_prints_the_analysis(tmp_path):
    result = run("--library", str(tmp_path / "lib"), "analyze",
                 "Hello. My dad is 75. Can his water pill cause leg cramps? Thanks")
    assert result.exit_code == 0
    assert "question:   Can his water pill cause leg cramps?" in result.output
    assert "type:       side_effects" in result.output
    assert "population: older_adults" in result.output
    assert "diuretic (0.8)" in result.output
    assert not (tmp_path / "lib").exists()  # reading a message creates no library


def test_analyze_json(tmp_path):
    result = run("--library", str(tmp_path / "lib"), "analyze", "how much magnesium?", "--json")
    data = json.loads(result.output)
    assert data["qtype"] == "dose" and data["focus"] == ["magnesium"]


def test_vocabulary_lookup_and_rebuild(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "t.md").write_text('---\ntitle: "Glimmer palsy"\nalso_called: ["Glimmer spasm"]\n---\n'
                                "Glimmer palsy is a made-up note for this test.\n", encoding="utf-8")
    lib = str(tmp_path / "lib")
    assert run("--library", lib, "ingest", "-q", str(notes)).exit_code == 0
    out = run("--library", lib, "vocabulary", "lookup", "glimmer spasm").output
    assert out.startswith("Glimmer palsy [other, library]")
    assert "1 sources read; 1 library concepts." in run("--library", lib, "vocabulary",
                                                        "rebuild").output
    assert "acetaminophen [drug, built-in]" in run("--library", lib, "vocabulary", "lookup",
                                                   "Tylenol").output
    assert "not in the vocabulary" in run("--library", lib, "vocabulary", "lookup",
                                          "zzzz").output
