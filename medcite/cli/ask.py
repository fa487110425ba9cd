"""Answer commands: `medcite ask`, `medcite chat`, `medcite bench ask`, and the quickstart step."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..audience import AUDIENCES
from ..errors import MedciteError
from ..render import FORMATS, render
from . import app_of, main
from .library import QUICKSTART_STEPS

_WRITERS = ("extractive", "openai")


def _writer_options(writer: str, base_url: str | None, model: str | None) -> dict:
    if writer != "openai":
        return {}
    return {k: v for k, v in (("base_url", base_url), ("model", model)) if v}


def _answer_options(fn):
    fn = click.option("--audience", type=click.Choice(AUDIENCES), default="patient",
                      show_default=True, help="Who the answer is worded for.")(fn)
    fn = click.option("--writer", type=click.Choice(_WRITERS), default="extractive",
                      show_default=True,
                      help="extractive (no model) or openai (an OpenAI-compatible endpoint).")(fn)
    fn = click.option("--base-url", help="Chat endpoint base URL for --writer openai "
                                         "(e.g. http://127.0.0.1:8080/v1).")(fn)
    fn = click.option("--model", help="Model name for --writer openai.")(fn)
    fn = click.option("-k", "k", type=click.IntRange(1, 100), default=20, show_default=True,
                      help="Passages retrieved to answer from.")(fn)
    return fn


@main.command()
@click.argument("question")
@_answer_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="terminal",
              show_default=True, help="Output format (json is the versioned contract).")
@click.option("--conversation", "conversation_id", help="Continue this conversation id.")
@click.pass_context
def ask(ctx, question, audience, writer, base_url, model, k, fmt, conversation_id) -> None:
    """Answer a health question from the library; every sentence cites a quoted passage.

    \b
    Examples:
        medcite ask "What amount of magnesium can cause muscle twitching?"
        medcite ask "gout diet" --audience clinician --format json
        medcite ask "..." --writer openai --base-url http://127.0.0.1:8080/v1 --model local
    The key for --writer openai is read from OPENAI_API_KEY or MEDCITE_LLM_KEY.
    """
    app = app_of(ctx)
    answer = app.ask(question, audience=audience, conversation_id=conversation_id,
                     writer=writer, k=k, **_writer_options(writer, base_url, model))
    text = render(answer, fmt, crisis_line=app.settings.crisis_line)
    click.echo(text, nl=not text.endswith("\n"))
    if fmt != "json" and answer.conversation_id:
        click.echo(f"(conversation {answer.conversation_id}: continue with "
                   f"--conversation {answer.conversation_id})", err=True)


@main.command()
@_answer_options
@click.pass_context
def chat(ctx, audience, writer, base_url, model, k) -> None:
    """Ask questions one after another; follow-ups keep the conversation's topic.

    \b
    Example:
        medcite chat
        > What amount of magnesium can cause muscle twitching?
        > what about during pregnancy?
    An empty line, "exit" or Ctrl-D ends the chat.
    """
    app = app_of(ctx)
    conversation_id = None
    options = _writer_options(writer, base_url, model)
    while True:
        try:
            question = click.prompt(">", prompt_suffix=" ", default="", show_default=False)
        except (EOFError, click.Abort):
            break
        if question.strip().lower() in ("", "exit", "quit"):
            break
        try:
            answer = app.ask(question, audience=audience, conversation_id=conversation_id,
                             writer=writer, k=k, **options)
        except MedciteError as exc:  # a bad question should not end the chat
            click.echo(f"Error: {exc}", err=True)
            continue
        conversation_id = answer.conversation_id
        click.echo(render(answer, "terminal", crisis_line=app.settings.crisis_line))


def _register_bench() -> None:
    from .evaluate import bench, evaluate

    @evaluate.command("answers")
    @click.option("--library", type=click.Path(file_okay=False),
                  help="MedQuAD library (default: the one `medcite eval liveqa` builds).")
    @click.option("--limit", type=int, help="Only the first N questions.")
    @click.option("-k", "k", type=int, default=20, show_default=True)
    @click.option("--out", type=click.Path(dir_okay=False), help="Write per-question rows here.")
    @click.option("--mediqa", is_flag=True,
                  help="Tuning set instead: MEDIQA-2019 Alexa + validation questions on the "
                       "library of their graded answers (built by `medcite eval mediqa`).")
    def eval_answers_command(library, limit, k, out, mediqa) -> None:
        """LiveQA dev questions on MedQuAD: contract, numbers, top-cited grade, FK, latency.

        \b
        Example:
            medcite eval liveqa          # builds the MedQuAD library once
            medcite eval answers --out answers.json
            medcite eval answers --mediqa   # tuning set (after `medcite eval mediqa`)
        """
        from ..answer_eval import evaluate_answers, evaluate_answers_mediqa
        from ..evaluate.runner import default_library
        from ..service import Medcite

        name, builder = ("mediqa", "mediqa") if mediqa else ("medquad", "liveqa")
        home = Path(library) if library else default_library(name)
        if not (home / "library.db").exists():
            raise MedciteError(f"{home}: no library (run `medcite eval {builder}` first)")
        app = Medcite.open(home)
        run = evaluate_answers_mediqa if mediqa else evaluate_answers
        try:
            result = run(app, limit=limit, k=k, log=lambda m: click.echo(m, err=True))
        finally:
            app.close()
        if out:
            Path(out).write_text(json.dumps(result, indent=2), encoding="utf-8")
        click.echo(json.dumps(result["summary"], indent=2))

    @bench.command("ask")
    @click.option("--library", type=click.Path(file_okay=False),
                  help="Library to answer from (default: the global --library).")
    @click.option("--queries", type=click.Path(exists=True, dir_okay=False),
                  help="Questions file (text lines or JSONL); default: source titles.")
    @click.option("-n", "n", type=int, default=50, show_default=True, help="Timed questions.")
    @click.option("--audience", type=click.Choice(AUDIENCES), default="patient")
    @click.option("--no-cold", is_flag=True, help="Skip the cold-start subprocess run.")
    @click.option("--json", "as_json", is_flag=True)
    @click.pass_context
    def bench_ask_command(ctx, library, queries, n, audience, no_cold, as_json) -> None:
        """Warm p50/p95 of `ask` (extractive writer) and the cold start of a fresh process.

        \b
        Example:
            medcite bench ask --library ~/.cache/medcite/eval/medquad -n 100
        """
        from ..answer_bench import bench_ask
        from ..bench import load_queries
        from ..service import Medcite

        if library and not (Path(library) / "library.db").exists():
            raise MedciteError(f"{library}: no medcite library here (run `medcite ingest` first)")
        app = Medcite.open(library) if library else app_of(ctx)
        try:
            report = bench_ask(app, load_queries(Path(queries)) if queries else None, n=n,
                               audience=audience, cold=not no_cold,
                               log=lambda m: click.echo(m, err=True))
        finally:
            if library:
                app.close()
        if as_json:
            click.echo(json.dumps(report, indent=2))
            return
        warm = report["warm"]
        click.echo(f"ask (warm, {report['questions']} questions): p50 {warm['p50_ms']} ms, "
                   f"p95 {warm['p95_ms']} ms, max {warm['max_ms']} ms; "
                   f"{report['abstained']} abstained; peak RSS {report['peak_rss_mb']:g} MB")
        if "cold_start_s" in report:
            click.echo(f"cold start (new process, import + open + first answer): "
                       f"{report['cold_start_s']} s")


def _quickstart_answer(ctx: click.Context, question: str) -> None:
    """Quickstart's last step: answer the sample question from the starter library."""
    app = app_of(ctx)
    answer = app.ask(question)
    click.echo("")
    click.echo(render(answer, "terminal", crisis_line=app.settings.crisis_line))
    if answer.abstained:
        sys.exit(1)


_register_bench()
QUICKSTART_STEPS.append(_quickstart_answer)
