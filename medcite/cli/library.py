"""Library commands: ingest, sources, show, stats, settings."""

from __future__ import annotations

import json
import sys

import click

from ..models import IngestReport
from ..store import SourceFilter
from . import app_of, main


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--force", is_flag=True, help="Re-read files even if unchanged since the last run.")
@click.option("--max", "max_results", type=int, default=None,
              help="For pubmed:QUERY inputs, how many records to fetch "
                   "[default: the pubmed_max setting, 100 unless changed].")
@click.option("--quiet", "-q", is_flag=True, help="No progress output.")
@click.pass_context
def ingest(ctx: click.Context, inputs: tuple[str, ...], force: bool, max_results: int | None,
           quiet: bool) -> None:
    """Ingest files, folders, URLs or pubmed:"QUERY" into the library.

    \b
    Examples:
        medcite ingest notes/ papers/pubmed_result.xml
        medcite ingest pubmed:"magnesium muscle cramps" --max 200
    Exit status 1 if any input failed (each failure is listed; good inputs are still ingested).
    """
    app = app_of(ctx)
    if max_results is not None:
        app.settings.pubmed_max = max_results  # read by the pubmed: resolver
    progress = None if quiet or not sys.stderr.isatty() else _progress_line
    report = app.ingest(inputs, progress=progress, force=force)
    if progress:
        click.echo("", err=True)
    _print_report(report)
    if report.failed:
        sys.exit(1)


def _progress_line(origin: str, count: int, report: IngestReport) -> None:
    done = report.added + report.updated + report.unchanged
    click.echo(f"\r  {origin[-50:]:<50} {count:>7} records | total {done} sources, "
               f"{report.passages} passages", nl=False, err=True)


def _print_report(report: IngestReport) -> None:
    rate = report.passages / report.seconds if report.seconds > 0 else 0.0
    click.echo(
        f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.skipped_files} files skipped (unchanged since last run); "
        + (f"{report.skipped_records} records skipped (no text or third-party); "
           if report.skipped_records else "")
        + (f"{len(report.withdrawn_ids)} withdrawn (deleted by the publisher); "
           if report.withdrawn_ids else "")
        + f"{report.passages} passages in {report.seconds:.1f} s ({rate:,.0f} passages/s)"
    )
    for origin, message in report.errors:
        click.echo(f"FAILED {origin}: {message}", err=True)
    if report.errors:
        click.echo(f"{len(report.errors)} input(s) failed.", err=True)


@main.command()
@click.option("--type", "types", multiple=True, help="Evidence type (repeatable).")
@click.option("--year-min", type=int)
@click.option("--year-max", type=int)
@click.option("--publisher", default="", help="Substring of the publisher or journal.")
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def sources(ctx, types, year_min, year_max, publisher, limit, as_json) -> None:
    """List sources, optionally filtered.

    \b
    Example:
        medcite sources --type practice_guideline --year-min 2015
    """
    flt = SourceFilter(evidence_types=types, year_min=year_min, year_max=year_max,
                       publisher=publisher, limit=limit)
    try:
        rows = app_of(ctx).sources(flt)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--type") from None
    if as_json:
        click.echo(json.dumps([s.to_dict() for s in rows], indent=2, ensure_ascii=False))
        return
    for s in rows:
        click.echo(f"{s.id:<32} {s.evidence_type.label:<34} {s.year or '':<5} {s.title[:70]}")


@main.command()
@click.argument("source_id")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def show(ctx, source_id: str, as_json: bool) -> None:
    """Show one source and its passages."""
    app = app_of(ctx)
    source = app.source(source_id)
    parts = app.source_passages(source_id)
    if as_json:
        data = source.to_dict() | {"passages": [p.to_dict() for p in parts]}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"{source.title}\n  id: {source.id}   version {source.version}   {source.status}")
    click.echo(f"  evidence: {source.evidence_type.label}   year: {source.year or '-'}   "
               f"publisher: {source.publisher or '-'}")
    for label, value in (("url", source.url), ("pmid", source.pmid), ("doi", source.doi),
                         ("licence", source.licence)):
        if value:
            click.echo(f"  {label}: {value}")
    for p in parts:
        click.echo(f"\n[{p.id}] {p.section}  ({p.start}-{p.end})\n{p.text}")


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def stats(ctx, as_json: bool) -> None:
    """Counts of sources and passages by evidence type."""
    data = app_of(ctx).stats()
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"library: {data['path']}")
    click.echo(f"sources: {data['sources']} ({data['withdrawn']} withdrawn)")
    click.echo(f"passages: {data['passages']} ({data['superseded_passages']} superseded)")
    for etype, n in data["by_evidence_type"].items():
        click.echo(f"  {etype:<24} {n}")


@main.command("settings")
@click.pass_context
def settings_cmd(ctx) -> None:
    """Print every setting with its current value and description."""
    for name, value, doc in app_of(ctx).settings.describe():
        click.echo(f"{name} = {value}\n    {doc}")


STARTER_QUESTION = "What amount of magnesium can cause muscle twitching?"


@main.command()
@click.argument("question", required=False, default=STARTER_QUESTION)
@click.pass_context
def quickstart(ctx, question: str) -> None:
    """Build the starter library (shipped with medcite) and answer a sample question, offline."""
    from importlib import resources

    app = app_of(ctx)
    starter = resources.files("medcite") / "data" / "starter"
    report = app.ingest([str(starter)])
    click.echo(f"Starter library at {app.settings.home}:")
    _print_report(report)
    if report.failed:
        sys.exit(1)
    for hook in QUICKSTART_STEPS:
        hook(ctx, question)


# Later stages append steps here (search, then answer the sample question).
QUICKSTART_STEPS: list = []
