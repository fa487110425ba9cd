"""The catalogue protocol: what the pipeline needs from wherever sources and passages live.

The embedded SQLite store (`medcite.store.sqlite`) is the reference implementation; a server
database implements the same protocol and runs the same tests (tests/test_store.py).

Indexes (lexical, dense) do not read the store's tables: they pull `changes(since)` and apply
each added/removed passage, so they can be kept in step incrementally or rebuilt from zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from ..models import Passage, Source

WriteOutcome = Literal["added", "updated", "unchanged"]


@dataclass
class Change:
    """One entry of the passage change log, in commit order."""

    seq: int
    op: Literal["add", "remove"]
    passage_id: str


@dataclass
class SourceFilter:
    evidence_types: Sequence[str] = ()
    year_min: int | None = None
    year_max: int | None = None
    publisher: str = ""
    collection: str = ""
    language: str = ""
    status: str = "active"
    limit: int | None = None
    offset: int = 0


class Store(Protocol):
    def put_sources(
        self, items: Iterable[tuple[Source, str, list[Passage]]]
    ) -> list[WriteOutcome]:
        """Write sources (with their full text and passages) in one transaction.

        Each source is all-or-nothing. Same content hash as stored -> "unchanged" and nothing is
        written; different -> a new version, old passages superseded (kept, never deleted).
        """

    def get_source(self, source_id: str) -> Source | None: ...

    def source_text(self, source_id: str, version: int | None = None) -> str | None: ...

    def passages(self, ids: Sequence[str]) -> list[Passage]:
        """Passages by id (superseded ones included), in the order asked."""

    def source_passages(self, source_id: str, version: int | None = None) -> list[Passage]: ...

    def iter_passages(self, batch: int = 5000) -> Iterator[list[Passage]]:
        """All current passages, in batches."""

    def changes(self, since: int = 0) -> list[Change]:
        """Passage changes with seq > since."""

    def last_change(self) -> int:
        """The sequence number of the newest passage change (0 for an empty library)."""

    def list_sources(self, flt: SourceFilter | None = None) -> list[Source]: ...

    def withdraw_source(self, source_id: str, reason: str = "") -> bool: ...

    def stats(self) -> dict[str, object]: ...

    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...

    def close(self) -> None: ...
