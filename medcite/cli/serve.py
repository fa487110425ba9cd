"""`medcite serve`: the HTTP API and web app on the embedded default, nothing else to start."""

from __future__ import annotations

import click

from . import app_of, main


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on (use 0.0.0.0 only behind a TLS proxy).")
@click.option("--port", default=8000, show_default=True, type=int)
@click.pass_context
def serve(ctx, host: str, port: int) -> None:
    """Serve the HTTP API (/api, OpenAPI at /docs) and the web app.

    \b
    Example:
        medcite --library ~/medlib serve --port 8000
    """
    try:
        import uvicorn

        from ..api import create_app
    except ImportError:
        raise click.ClickException(
            "the web parts are not installed: pip install 'medcite[web]'") from None
    uvicorn.run(create_app(app_of(ctx)), host=host, port=port, log_level="info")
