"""`medcite search` and `medcite reindex` through the real CLI on a tiny library."""

import json

from click.testing import CliRunner

from medcite.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_search_reindex_and_json(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDCITE_DENSE", "false")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "gout.md").write_text("---\nyear: 2021\nevidence_type: guideline\n---\n# Gout\n\n"
                                  "## How is gout treated?\n\nColchicine eases a flare.\n")
    (docs / "iron.md").write_text("# Iron\n\nIron deficiency causes tiredness.\n")
    lib = str(tmp_path / "lib")
    assert run("-L", lib, "ingest", str(docs), "-q").exit_code == 0

    result = run("-L", lib, "search", "gout flare colchicine", "-k", "1")
    assert result.exit_code == 0
    assert result.output.startswith("1. Gout (Practice guideline, 2021)")
    assert "How is gout treated?" in result.output and "lexical #1" in result.output

    data = json.loads(run("-L", lib, "search", "tiredness", "--json").output)
    assert [h["source"]["title"] for h in data] == ["Iron"]
    assert data[0]["retrievers"] == {"lexical": 1}

    filtered = run("-L", lib, "search", "gout", "--type", "patient_education")
    assert filtered.output.strip() == "No passages found."
    assert run("-L", lib, "search", "gout", "--year-min", "2022").output.strip() == (
        "No passages found.")

    blank = run("-L", lib, "search", "   ")
    assert blank.exit_code == 2 and "the question is empty" in blank.output
    assert "Traceback" not in blank.output

    reindexed = run("-L", lib, "reindex")
    assert reindexed.exit_code == 0 and "lexical: 2 passages indexed" in reindexed.output


def test_bad_type_is_one_line(tmp_path):
    result = CliRunner().invoke(main, ["-L", str(tmp_path / "lib"), "search", "x", "--type",
                                       "horoscope"])
    assert result.exit_code == 2
    assert result.output.strip().startswith("Error: unknown evidence type 'horoscope'")
    assert "Traceback" not in result.output


def test_quickstart_shows_the_passages_it_found(tmp_path):
    result = CliRunner().invoke(main, ["-L", str(tmp_path / "lib"), "quickstart"])
    assert "Top passages for: What amount of magnesium" in result.output
    assert "  1. " in result.output


def test_reindex_says_when_dense_is_unavailable(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDCITE_DENSE_MODEL", str(tmp_path / "missing.onnx"))
    result = run("-L", str(tmp_path / "lib"), "reindex")
    assert result.exit_code == 0
    assert "lexical: 0 passages indexed" in result.output
    assert "note: dense retrieval is off: dense_model" in result.output
