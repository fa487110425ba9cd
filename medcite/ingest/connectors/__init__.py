"""Connectors for the formats sources are published in; `find_connector` picks one.

Add a connector by writing a module with a class following `base.Connector` and listing it in
`CONNECTORS` (order matters: the first that accepts a file reads it).
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from .base import Connector, DocumentBuilder, IngestError
from .html import HtmlConnector
from .jsonl import JsonlConnector, MappingSidecar
from .medlineplus import MedlinePlusConnector
from .pdf import PdfConnector
from .pmc import PmcConnector
from .pubmed import PubmedConnector
from .text import MarkdownConnector, TextConnector

__all__ = ["CONNECTORS", "Connector", "DocumentBuilder", "IngestError", "find_connector", "head_of"]

CONNECTORS: list[Connector] = [MarkdownConnector(), TextConnector()]
# XML formats are recognised by their root element, before any suffix-based connector.
CONNECTORS[0:0] = [PubmedConnector(), PmcConnector(), MedlinePlusConnector()]
CONNECTORS += [HtmlConnector(), PdfConnector(), JsonlConnector(), MappingSidecar()]


def head_of(path: Path, size: int = 4096) -> bytes:
    """First bytes of a file, decompressed when it is gzip; IngestError if the gzip is broken."""
    with open(path, "rb") as fh:
        raw = fh.read(size)
    if raw[:2] == b"\x1f\x8b":
        try:
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(raw, size)
        except zlib.error:
            raise IngestError(f"{path}: gzip data is corrupt") from None
    return raw


def find_connector(path: Path) -> Connector:
    head = head_of(path)
    for connector in CONNECTORS:
        if connector.accepts(path, head):
            return connector
    raise IngestError(
        f"{path}: unknown format (supported: "
        + ", ".join(sorted({c.name for c in CONNECTORS})) + ")"
    )


def open_maybe_gzip(path: Path):
    """A binary file object, transparently decompressing `.gz`/gzip-magic files."""
    with open(path, "rb") as fh:
        magic = fh.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")
