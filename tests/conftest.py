"""Shared fixtures: a fresh library in a temp folder, paths to ../shared data (skip if absent),
and the web app served over real HTTP on loopback."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from medcite import Medcite

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = SHARED / "data"
SEEDS = SHARED / "seeds"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with a clear reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: this test reads the shared benchmark data at run time")
    return path


@pytest.fixture
def app(tmp_path: Path):
    """A Medcite over an empty library in a temporary folder (real SQLite, real files)."""
    instance = Medcite.open(tmp_path / "library")
    yield instance
    instance.close()


@contextlib.contextmanager
def loopback_server(instance: Medcite) -> Iterator[str]:
    """Serve `instance`'s web app and API with uvicorn on a free 127.0.0.1 port, in a thread;
    yields the base URL and stops the server on exit."""
    import uvicorn

    from medcite.api import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(instance), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
