"""The connector protocol: turn one input (a file or a fetched response) into parsed documents.

A connector is chosen by `medcite.ingest.connectors.find_connector` from the file name and its
first bytes. It yields `ParsedDocument`s and raises `IngestError` with a one-line, human message
for bad input; it never writes to the store (the pipeline does, one whole source at a time).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from ...models import ParsedDocument, Section


class IngestError(Exception):
    """Bad input: the message is shown to the user as one line, without a traceback."""


class Connector(Protocol):
    name: str

    def accepts(self, path: Path, head: bytes) -> bool:
        """True if this connector reads the file (`head` is its first 4 KiB, decompressed)."""

    def read(self, path: Path) -> Iterator[ParsedDocument]:
        """Parsed documents of the file, in order; raise IngestError for bad input."""


class DocumentBuilder:
    """Assemble a document's stored text from (heading, body) blocks, recording section offsets.

    The stored text is ``heading\\n\\nbody\\n\\nheading\\n\\nbody``; each `Section` spans only its
    body, so passages never include a heading but carry it as context.

    >>> b = DocumentBuilder(); b.add("Causes", "Too little magnesium."); t, s = b.build()
    >>> t[s[0].start:s[0].end]
    'Too little magnesium.'
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.sections: list[Section] = []
        self.length = 0

    def _write(self, text: str) -> None:
        if self.parts:
            self.parts.append("\n\n")
            self.length += 2
        self.parts.append(text)
        self.length += len(text)

    def add(self, heading: str, body: str) -> None:
        heading, body = heading.strip(), body.strip()
        if not body:
            return
        if heading:
            self._write(heading)
        self._write(body)
        self.sections.append(Section(heading=heading, start=self.length - len(body), end=self.length))

    def build(self) -> tuple[str, list[Section]]:
        return "".join(self.parts), self.sections
