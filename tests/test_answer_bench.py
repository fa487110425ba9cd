"""`bench_ask`: warm percentiles in process and a cold start in a fresh process."""

from __future__ import annotations

import pytest
from answer_fixtures import open_library

from medcite.answer_bench import bench_ask
from medcite.errors import MedciteError


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    app = open_library(tmp_path_factory.mktemp("bench-ask"))
    yield app
    app.close()


def test_warm_and_cold_timings(lib):
    report = bench_ask(lib, ["How much magnesium is too much?"], n=4, warmup=1,
                       log=lambda m: None)
    assert report["questions"] == 4 and report["abstained"] == 0
    assert 0 < report["warm"]["p50_ms"] <= report["warm"]["p95_ms"] <= report["warm"]["max_ms"]
    assert report["cold_start_s"] > 0


def test_n_must_be_positive(lib):
    with pytest.raises(MedciteError):
        bench_ask(lib, ["q"], n=0, cold=False)
