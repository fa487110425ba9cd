"""The `medcite` command line: thin commands over the `Medcite` service object.

Each module in this package registers its commands on `main`; a command parses its options,
calls one service method and prints the result (`--json` where it makes sense).
"""

from __future__ import annotations

import importlib
import sys

import click

from ..errors import MedciteError
from ..service import Medcite
from ..settings import Settings


class _Group(click.Group):
    """Turns user errors into one clear line and exit status 2, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MedciteError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--library", "-L", type=click.Path(file_okay=False), envvar="MEDCITE_HOME",
              help="Library data directory (default: $MEDCITE_HOME or ~/.local/share/medcite).")
@click.option("--preset", type=click.Path(exists=True, dir_okay=False),
              help="A YAML file of settings (see docs/settings.md).")
@click.version_option(package_name="medcite")
@click.pass_context
def main(ctx: click.Context, library: str | None, preset: str | None) -> None:
    """medcite: cited, guideline-first health answers from a library you choose.

    \b
    Example:
        medcite ingest ~/sources/ && medcite ask "how much magnesium is too much?"
    """
    try:
        settings = Settings.load(home=library, preset=preset)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    ctx.obj = Medcite(settings)
    ctx.call_on_close(ctx.obj.close)


def app_of(ctx: click.Context) -> Medcite:
    return ctx.find_object(Medcite)


# Command modules; each registers its commands on `main` when imported.
COMMAND_MODULES = ["library", "review", "evaluate", "serve", "search", "ask", "triage", "query",
                   "handout"]

for _name in COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}")
