"""Catalogue backends behind one protocol; `open_store` picks one from a URL."""

from __future__ import annotations

from pathlib import Path

from .base import Change, SourceFilter, Store, WriteOutcome
from .sqlite import SQLiteStore

__all__ = ["Change", "SQLiteStore", "SourceFilter", "Store", "WriteOutcome", "open_store"]


def open_store(url: str, home: Path) -> SQLiteStore:
    """Open the catalogue named by `url`.

    >>> open_store("sqlite", Path("/tmp/lib")).path    # doctest: +SKIP
    PosixPath('/tmp/lib/library.db')
    """
    if url in ("", "sqlite"):
        return SQLiteStore(Path(home) / "library.db")
    if url.startswith("sqlite:///"):
        return SQLiteStore(url[len("sqlite:///"):])
    if url == "sqlite::memory:":
        return SQLiteStore(":memory:")
    raise ValueError(
        f"unknown store URL {url!r}: the embedded 'sqlite' store is the one available here"
    )
