"""Evaluation and benchmark commands: `medcite eval ...` and `medcite bench ...`.

Both are groups so other stages can add their own (``@evaluate.command("triage")``,
``@bench.command("ask")``) from their own modules.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..bench import bench_search, load_queries
from ..errors import MedciteError
from ..evaluate import EvalResult, run_liveqa, run_mediqa, run_nfcorpus
from ..service import Medcite
from . import app_of, main

_PATH = click.Path(dir_okay=False, path_type=Path)
_DIR = click.Path(file_okay=False, path_type=Path)


def _log(message: str) -> None:
    click.echo(message, err=True)


def _parse_value(text: str) -> Any:
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _pairs(pairs: tuple[str, ...], option: str = "--search-arg") -> dict[str, Any]:
    args = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise MedciteError(f"{option} {pair!r}: expected KEY=VALUE")
        args[key.strip()] = _parse_value(value.strip())
    return args


def _search(retrievers: str, pairs: tuple[str, ...]) -> dict[str, Any]:
    args = _pairs(pairs)
    if retrievers:
        args["retrievers"] = [r.strip() for r in retrievers.split(",") if r.strip()]
    return args


_common = [
    click.option("--library", type=_DIR,
                 help="Evaluation library to build or reuse (default ~/.cache/medcite/eval/NAME)."),
    click.option("--run-out", type=_PATH,
                 help="Write medcite's TREC run here, and the baseline's to RUN_OUT.bm25."),
    click.option("--retrievers", default="", metavar="LIST",
                 help="Comma list passed to Medcite.search, e.g. 'lexical' for BM25 alone."),
    click.option("--search-arg", "search_arg", multiple=True, metavar="KEY=VALUE",
                 help="Extra keyword for Medcite.search (repeatable)."),
    click.option("--set", "set_", multiple=True, metavar="KEY=VALUE",
                 help="Override a setting for this run (repeatable), e.g. --set dense=false."),
    click.option("--json", "as_json", is_flag=True, help="Print the result as JSON."),
]


def _with_common(fn):
    for option in reversed(_common):
        fn = option(fn)
    return fn


def _print_result(result: EvalResult, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    systems = list(result.metrics)
    names = list(result.metrics[systems[0]])
    click.echo(f"{result.name:<14}" + "".join(f"{s:>12}" for s in systems))
    for name in names:
        click.echo(f"{name:<14}" + "".join(f"{result.metrics[s][name]:>12g}" for s in systems))
    for key, value in result.info.items():
        click.echo(f"  {key}: {value}")


@main.group("eval")
def evaluate() -> None:
    """Run public benchmarks; print the metrics of medcite and a plain BM25 from the same run.

    \b
    Examples:
        medcite eval liveqa --run-out runs/liveqa.run
        medcite eval nfcorpus --retrievers lexical --set rerank=false
    """


@evaluate.command("liveqa")
@click.option("--questions", type=_PATH, help="LiveQA questions JSONL (default: shared data).")
@click.option("--qrels", type=_PATH, help="LiveQA judgments JSONL (default: shared data).")
@click.option("--corpus", type=_PATH, help="MedQuAD corpus JSONL (default: shared data).")
@click.option("--third-party/--no-third-party", default=True, show_default=True,
              help="Include the MedQuAD records marked third_party_text (evaluation only).")
@_with_common
def liveqa(questions, qrels, corpus, third_party, library, run_out, retrievers, search_arg,
           set_, as_json) -> None:
    """TREC LiveQA-Med 2017 questions (subject + message) over the MedQuAD library.

    \b
    Prints avgScore(0-3), succ@2+/3+/4+, prec@k+, P@1, P@5, MAP@10, MRR@10 and judged@10.
    """
    result = run_liveqa(questions, qrels, corpus, library, run_out, third_party,
                        _search(retrievers, search_arg), _pairs(set_, "--set"), log=_log)
    _print_result(result, as_json)


@evaluate.command("nfcorpus")
@click.option("--corpus", type=_PATH, help="NFCorpus corpus JSONL (default: shared data).")
@click.option("--queries", type=_PATH, help="NFCorpus queries JSONL (default: shared data).")
@click.option("--qrels", type=_PATH, help="Judgments TSV; only its queries run (default: dev).")
@_with_common
def nfcorpus(corpus, queries, qrels, library, run_out, retrievers, search_arg, set_,
             as_json) -> None:
    """NFCorpus (BEIR) dev queries over a library of its PubMed abstracts: nDCG@10, Recall@100."""
    result = run_nfcorpus(corpus, queries, qrels, library, run_out,
                          _search(retrievers, search_arg), _pairs(set_, "--set"), log=_log)
    _print_result(result, as_json)


@evaluate.command("mediqa")
@click.option("--with-medquad", "with_medquad", is_flag=True,
              help="Add the MedQuAD corpus (shared data) as unjudged distractors: a harder pool.")
@click.option("--corpus", type=_PATH,
              help="MedQuAD corpus JSONL for --with-medquad (default: shared data).")
@_with_common
def mediqa(with_medquad, corpus, library, run_out, retrievers, search_arg, set_,
           as_json) -> None:
    """MEDIQA-2019 consumer questions (Alexa + validation) over the pool of their graded answers.

    \b
    The tuning set for retrieval weights (docs/benchmarks.md); the LiveQA questions that
    MEDIQA's train_liveqa file repeats are never read. Prints the LiveQA measures.
    --with-medquad adds every answered MedQuAD record as an unjudged distractor.
    """
    medquad = None
    if with_medquad:
        from ..evaluate import datasets

        medquad = corpus or datasets.default_path("medquad", "corpus.jsonl")
    result = run_mediqa(None, library, run_out, _search(retrievers, search_arg),
                        _pairs(set_, "--set"), with_medquad=medquad, log=_log)
    _print_result(result, as_json)


@main.group()
def bench() -> None:
    """Measure speed and memory against a baseline in the same run.

    \b
    Example:
        medcite bench search --library ~/.cache/medcite/eval/medquad -n 200
    """


@bench.command("search")
@click.option("--library", type=_DIR, help="Library to search (default: the global --library).")
@click.option("--queries", type=_PATH,
              help="Queries file (text lines or JSONL); default: source titles of the library.")
@click.option("-n", "n", type=int, default=200, show_default=True, help="Timed queries.")
@click.option("-k", "k", type=int, default=10, show_default=True, help="Hits per query.")
@click.option("--no-baseline", is_flag=True, help="Skip the BM25 baseline.")
@click.option("--set", "set_", multiple=True, metavar="KEY=VALUE",
              help="Override a setting for this run (repeatable), e.g. --set dense=false.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def bench_search_command(ctx, library, queries, n, k, no_baseline, set_, as_json) -> None:
    """Warm p50/p95 latency of Medcite.search, a plain BM25 on the same passages, the ratio.

    \b
    Example:
        medcite bench search --library ~/.cache/medcite/eval/medquad -n 200 --set dense=false
    """
    overrides = _pairs(set_, "--set")
    home = Path(library) if library else app_of(ctx).settings.home
    if not (home / "library.db").exists():
        raise MedciteError(f"{home}: no medcite library here (run `medcite ingest` first)")
    opened = bool(library or overrides)
    try:
        app = (Medcite(app_of(ctx).settings.replace(home=home, **overrides)) if opened
               else app_of(ctx))
    except TypeError as exc:  # an unknown setting name
        raise MedciteError(f"--set: {exc}") from None
    try:
        report = bench_search(app, load_queries(queries) if queries else None, n=n, k=k,
                              baseline=not no_baseline, log=_log)
    finally:
        if opened:
            app.close()
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    click.echo(f"{'':<10}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}{'peak RSS MB':>13}")
    for system in ("medcite", "bm25"):
        if system in report:
            row = report[system]
            click.echo(f"{system:<10}{row['p50_ms']:>10}{row['p95_ms']:>10}{row['mean_ms']:>10}"
                       f"{row['peak_rss_mb']:>13g}")
    if "bm25" in report:
        click.echo(f"ratio medcite/bm25: p50 {report['ratio_p50']}x, p95 {report['ratio_p95']}x "
                   f"({report['passages']} passages, {report['queries']} queries, k={k})")
