"""`medcite bench search` on a small real library: timings, baseline ratio, memory, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from medcite.bench import bench_search, load_queries
from medcite.cli import main
from medcite.errors import MedciteError
from medcite.service import Medcite

NOTES = {
    "magnesium.md": "# Magnesium\n\nLow magnesium can cause muscle cramps and twitching. "
                    "Kidney disease changes how much magnesium is safe.",
    "iron.md": "# Iron\n\nIron deficiency causes tiredness and pale skin. Blood tests measure "
               "ferritin to check iron stores.",
    "sleep.md": "# Sleep\n\nAdults need seven or more hours of sleep. Restless legs can keep "
                "people awake at night.",
}


@pytest.fixture
def library(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    notes.mkdir()
    for name, text in NOTES.items():
        (notes / name).write_text(text, encoding="utf-8")
    app = Medcite.open(tmp_path / "lib")
    assert not app.ingest([notes]).failed
    app.close()
    return tmp_path / "lib"


def test_load_queries_text_and_jsonl(tmp_path: Path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"subject": "cramps", "message": "is it magnesium?", "nlm_summary": "x"}\n'
                    '{"text": "iron tests"}\n\nplain line\n')
    assert load_queries(path) == ["cramps. is it magnesium?", "iron tests", "plain line"]
    (tmp_path / "empty.txt").write_text("\n\n")
    with pytest.raises(MedciteError, match="no queries"):
        load_queries(tmp_path / "empty.txt")


def test_bench_search_reports_both_systems(library: Path):
    app = Medcite.open(library)
    try:
        report = bench_search(app, ["magnesium cramps", "ferritin"], n=6, warmup=2,
                              log=lambda _: None)
    finally:
        app.close()
    assert report["queries"] == 6 and report["passages"] >= 3
    for system in ("medcite", "bm25"):
        row = report[system]
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["max_ms"]
        assert row["peak_rss_mb"] > 10
    assert report["ratio_p50"] == pytest.approx(
        report["medcite"]["p50_ms"] / report["bm25"]["p50_ms"], rel=0.01)


def test_bench_without_queries_uses_library_titles(library: Path):
    app = Medcite.open(library)
    try:
        report = bench_search(app, n=3, warmup=1, baseline=False, log=lambda _: None)
    finally:
        app.close()
    assert report["queries"] == 3 and "bm25" not in report


def test_cli_bench_search(library: Path):
    result = CliRunner().invoke(main, ["bench", "search", "--library", str(library), "-n", "4",
                                       "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["medcite"]["p95_ms"] > 0 and report["ratio_p95"] is not None


def test_cli_bench_missing_library_is_one_line(tmp_path: Path):
    result = CliRunner().invoke(main, ["bench", "search", "--library", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "no medcite library here" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "nope").exists()  # nothing created by a failed command
