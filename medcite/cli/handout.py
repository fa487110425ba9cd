"""Handout commands: `medcite handout CONDITION` and `medcite eval handouts`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import MedciteError
from ..handout import HANDOUT_AUDIENCES
from ..handout_render import FORMATS
from . import app_of, main
from .evaluate import evaluate


@main.command()
@click.argument("condition")
@click.option("--audience", type=click.Choice(HANDOUT_AUDIENCES), default="patient",
              show_default=True, help="Who the handout is worded for.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="md", show_default=True,
              help="html (print-ready page), md, pdf (needs the 'pdf' extra) or json.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output (required for pdf).")
@click.pass_context
def handout(ctx, condition, audience, fmt, output) -> None:
    """A patient handout for a condition: every item cited, emergency signs first.

    \b
    Examples:
        medcite handout "dehydration"
        medcite handout "low magnesium" --audience caregiver --format html -o magnesium.html
        medcite handout gout --format pdf -o gout.pdf
    Exits with status 1 and one line when the library holds no evidence on the condition.
    """
    if fmt == "pdf" and output is None:
        raise MedciteError("PDF output needs a file: add -o FILE.pdf")
    app = app_of(ctx)
    made = app.handout(condition, audience=audience)
    if made.abstained:
        click.echo(made.notices[0] if made.notices else "Not enough evidence.", err=True)
        sys.exit(1)
    body = app.render_handout(made, fmt)
    if output is None:
        text = str(body)
        click.echo(text, nl=not text.endswith("\n"))
        return
    if isinstance(body, bytes):
        output.write_bytes(body)
    else:
        output.write_text(body, encoding="utf-8")
    sections = sum(1 for s in made.sections if s.items)
    click.echo(f"wrote {output} ({sections} sections, {len(made.references)} references, "
               f"reading grade {made.reading_grade})", err=True)


@evaluate.command("handouts")
@click.option("--library", type=click.Path(file_okay=False, path_type=Path),
              help="MedQuAD library (default: the one `medcite eval liveqa` builds).")
@click.option("--corpus", type=click.Path(dir_okay=False, path_type=Path),
              help="MedQuAD corpus JSONL the conditions are chosen from (default: shared data).")
@click.option("--condition", "extra", multiple=True,
              help="Evaluate these conditions instead of the ten chosen by rule (repeatable).")
@click.option("--dev", is_flag=True,
              help="The development set (the next condition by the same rule per collection).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the per-condition rows here (JSON).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def eval_handouts(library, corpus, extra, dev, out, as_json) -> None:
    """Handouts for ten MedQuAD conditions (one per collection): sections, emergency, grade.

    \b
    Example:
        medcite eval liveqa            # builds the MedQuAD library once
        medcite eval handouts --out handouts.json
    """
    from ..evaluate import datasets
    from ..evaluate.runner import default_library
    from ..handout_eval import choose_conditions, evaluate_handouts, table
    from ..service import Medcite

    home = library or default_library("medquad")
    if not (home / "library.db").exists():
        raise MedciteError(f"{home}: no library (run `medcite eval liveqa` first)")
    if extra:
        conditions = [("(given)", c) for c in extra]
    else:
        corpus = corpus or datasets.default_path("medquad", "corpus.jsonl")
        if not Path(corpus).is_file():
            raise MedciteError(f"{corpus}: no MedQuAD corpus (pass --corpus)")
        conditions = choose_conditions(Path(corpus), dev=dev)
    app = Medcite.open(home)
    try:
        result = evaluate_handouts(app, conditions, log=lambda m: click.echo(m, err=True))
    finally:
        app.close()
    if out:
        out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    click.echo(json.dumps(result, indent=2) if as_json else table(result))
