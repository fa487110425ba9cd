"""Query-understanding commands: `medcite analyze "MESSAGE"` and `medcite vocabulary ...`."""

from __future__ import annotations

import json

import click

from ..libvocab import LibraryVocabulary
from ..query import analyze
from ..vocabulary import Vocabulary
from . import app_of, main


@main.command("analyze")
@click.argument("message")
@click.option("--json", "as_json", is_flag=True, help="Print the analysis as JSON.")
@click.pass_context
def analyze_cmd(ctx: click.Context, message: str, as_json: bool) -> None:
    """Show how medcite reads a message: question, type, focus, population, expansions.

    \b
    Examples:
        medcite analyze "hi, my mom has low mag and her legs jump at night. is it her pills?"
        medcite analyze "how much magnesium is too much in pregnancy" --json
    """
    result = analyze(message, Vocabulary.load(app_of(ctx).settings.home))
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    click.echo(f"question:   {result.question}")
    click.echo(f"type:       {result.qtype}")
    click.echo(f"focus:      {', '.join(result.focus) or '-'}")
    click.echo(f"population: {', '.join(result.population) or '-'}")
    terms = sorted(result.expansions.items(), key=lambda kv: -kv[1])
    click.echo("expansions: " + (", ".join(f"{t} ({w:g})" for t, w in terms) or "-"))


@main.group("vocabulary")
def vocabulary_group() -> None:
    """The lay <-> medical vocabulary: look up terms, rebuild the library's part.

    \b
    Examples:
        medcite vocabulary lookup "water pill"
        medcite vocabulary rebuild
    """


@vocabulary_group.command("lookup")
@click.argument("term")
@click.pass_context
def lookup_cmd(ctx: click.Context, term: str) -> None:
    """Every concept that has TERM as a name, with its other names.

    \b
    Example:
        medcite vocabulary lookup tylenol
    """
    entries = Vocabulary.load(app_of(ctx).settings.home).lookup(term)
    if not entries:
        click.echo(f"{term!r} is not in the vocabulary.")
        return
    for e in entries:
        origin = "built-in" if e.builtin else "library"
        click.echo(f"{e.canonical} [{e.category}, {origin}]")
        if e.synonyms:
            click.echo("  names: " + ", ".join(e.synonyms))
        if e.library_synonyms:
            click.echo("  from the library: " + ", ".join(e.library_synonyms))


@vocabulary_group.command("rebuild")
@click.pass_context
def rebuild_cmd(ctx: click.Context) -> None:
    """Collect the library's names (MeSH, also-called, focus synonyms) again from zero.

    \b
    Example:
        medcite --library ~/medlib vocabulary rebuild
    """
    app = app_of(ctx)
    count = LibraryVocabulary(app.settings.home).rebuild(app.store)
    concepts = len(LibraryVocabulary(app.settings.home).entries())
    click.echo(f"{count} sources read; {concepts} library concepts.")
