"""Triage commands: `medcite triage "MESSAGE"` and `medcite eval triage`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..models import Triage
from . import app_of, main
from .evaluate import evaluate as eval_group

_LABELS = {"emergency": "EMERGENCY", "urgent": "URGENT (same day)",
           "routine": "ROUTINE (contact your provider)", "self_care": "SELF-CARE",
           "none": "NO RED FLAGS (information question)"}


def format_triage(result: Triage) -> str:
    """The plain-text triage block: the action first, then the level and the quoted reasons."""
    lines = [result.message, f"Level: {_LABELS[result.level.value]}"]
    for f in result.reasons:
        cite = f"  [{f.source_id} {f.passage_id}]" if f.source_id else ""
        lines.append(f'  - {f.finding}: "{f.quote}"{cite}')
    return "\n".join(lines)


@main.command("triage")
@click.argument("message")
@click.option("--json", "as_json", is_flag=True, help="Print level, reasons, message and crisis.")
@click.pass_context
def triage_cmd(ctx: click.Context, message: str, as_json: bool) -> None:
    """Triage a message on its own: level, quoted reasons and the action to take.

    \b
    Examples:
        medcite triage "my mother is having a seizure right now"
        medcite triage "I had a seizure years ago, what foods have magnesium?" --json
    """
    result = app_of(ctx).triage(message)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(format_triage(result))


@eval_group.command("triage")
@click.option("--set", "set_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A JSONL set of {text, level} messages (default: the packaged test set).")
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@click.option("--errors", "show_errors", is_flag=True, help="List the messages triaged wrongly.")
@click.option("--rules-only", is_flag=True,
              help="Score the red-flag rules without the learned emergency detector.")
@click.pass_context
def eval_triage(ctx: click.Context, set_path: Path | None, as_json: bool,
                show_errors: bool, rules_only: bool) -> None:
    """Score triage on a labelled message set (per-level precision/recall, over-triage).

    \b
    Example:
        medcite eval triage --json
        medcite eval triage --rules-only --errors
    """
    from dataclasses import replace

    from ..triage_eval import evaluate

    settings = app_of(ctx).settings
    if rules_only:
        settings = replace(settings, triage_detector=False)
    result = evaluate(set_path, settings)
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    for part in [p for p in result if p not in ("sets", "errors", "timing_ms", "cpu_ms")]:
        s = result[part]
        click.echo(f"{part:<10} {s['messages']:>4} messages  accuracy {s['accuracy']:.3f}  "
                   f"emergency recall {s['emergency_recall']:.3f}  "
                   f"over-triage self-care->emergency {s['over_triage_self_care']:.3f}")
    click.echo("\nlevel        precision  recall  support   (all messages)")
    for level, m in result["all"]["per_level"].items():
        click.echo(f"{level:<12} {m['precision']:>9.3f} {m['recall']:>7.3f} {m['support']:>8}")
    t, c = result["timing_ms"], result["cpu_ms"]
    click.echo(f"\ntriage time per message: wall p50 {t['p50']} ms, p95 {t['p95']} ms; "
               f"CPU p50 {c['p50']} ms, p95 {c['p95']} ms (rules load once: {t['rules_load']} ms)")
    if show_errors:
        for e in result["errors"]:
            click.echo(f"{e['id']}: expected {e['expected']}, got {e['got']}: {e['text']}")
