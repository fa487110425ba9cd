"""Search commands: search, reindex."""

from __future__ import annotations

import json

import click

from ..models import Hit
from . import app_of, main
from .library import QUICKSTART_STEPS


@main.command()
@click.argument("question")
@click.option("-k", "k", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="How many passages to return.")
@click.option("--type", "types", multiple=True,
              help="Only this evidence type (repeatable), e.g. practice_guideline.")
@click.option("--year-min", type=int, help="Only sources published in or after this year.")
@click.option("--year-max", type=int, help="Only sources published in or before this year.")
@click.option("--publisher", default="", help="Only sources whose publisher contains this.")
@click.option("--language", default="", help="Only sources in this language (e.g. en).")
@click.option("--retriever", "retrievers", multiple=True, type=click.Choice(["lexical", "dense"]),
              help="Use only these retrievers (default: both).")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@click.pass_context
def search(ctx, question, k, types, year_min, year_max, publisher, language, retrievers,
           as_json) -> None:
    """Find the passages of the library that best answer QUESTION.

    \b
    Examples:
        medcite search "how much magnesium is too much?" -k 5
        medcite search "statins muscle pain" --type systematic_review --year-min 2015 --json
    """
    hits = app_of(ctx).search(
        question, k, evidence_types=types, year_min=year_min, year_max=year_max,
        publisher=publisher, language=language,
        retrievers=tuple(retrievers) or ("lexical", "dense"),
    )
    if as_json:
        click.echo(json.dumps([h.to_dict() for h in hits], indent=2, ensure_ascii=False))
        return
    if not hits:
        click.echo("No passages found.")
    for rank, hit in enumerate(hits, 1):
        click.echo(_format(rank, hit))


def _format(rank: int, hit: Hit) -> str:
    found = ", ".join(f"{name} #{r}" for name, r in hit.retrievers.items())
    source = hit.source
    head = f"{rank}. {source.title} ({source.evidence_type.label}, {source.year or 'n.d.'})"
    text = " ".join(hit.passage.text.split())
    snippet = text[:240] + ("..." if len(text) > 240 else "")
    return (f"{head}\n   [{hit.passage.id}] {hit.passage.section or '-'}   "
            f"score {hit.score:.3f}   {found}\n   {snippet}")


def _quickstart_search(ctx: click.Context, question: str) -> None:
    """Quickstart step: show the passages the sample question finds, before it is answered."""
    hits = app_of(ctx).search(question, k=3)
    click.echo(f"\nTop passages for: {question}")
    for rank, hit in enumerate(hits, 1):
        found = ", ".join(f"{name} #{r}" for name, r in hit.retrievers.items())
        click.echo(f"  {rank}. {hit.source.title} - {hit.passage.section or '-'} ({found})")


QUICKSTART_STEPS.append(_quickstart_search)


@main.command()
@click.pass_context
def reindex(ctx) -> None:
    """Rebuild the search indexes from the library (embeddings already made are reused).

    \b
    Example:
        medcite reindex
    """
    app = app_of(ctx)
    touched = app.reindex()
    click.echo(", ".join(f"{name}: {n} passages indexed" for name, n in touched.items()))
    if app.settings.dense and "dense" not in touched:
        click.echo(f"note: dense retrieval is off: {app.retrieval.dense_error}", err=True)
