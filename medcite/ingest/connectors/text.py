"""Markdown and plain text, with optional YAML front matter for metadata.

Front matter keys (all optional): title, publisher, authors, year, url, pmid, doi, licence,
language, evidence_type, collection, id (the source key), and anything else (kept as metadata).
Markdown headings (`#`..`######`) become sections; inline markup (emphasis, links, code ticks)
is reduced to its text so quotes read cleanly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import yaml

from ...models import EvidenceType, ParsedDocument
from ...text import clean_block
from .base import DocumentBuilder, IngestError

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.MULTILINE)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPH = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
# Page chrome a saved web page starts with ("Skip to Content"): never a document's title.
CHROME_LINE = re.compile(
    r"^\s*(?:skip(?: to)?(?: the)? (?:main )?(?:content|navigation|nav|main)|jump to (?:main )?"
    r"(?:content|navigation)|toggle navigation|main menu|menu|search|home|print|share)\s*$",
    re.IGNORECASE)
_KNOWN = {"title", "publisher", "authors", "year", "url", "pmid", "doi", "licence", "license",
          "language", "evidence_type", "collection", "id"}


def split_front_matter(raw: str, origin: str) -> tuple[dict, str]:
    """(front matter mapping, body) of a text that may start with a `---` YAML block."""
    if not raw.startswith("---"):
        return {}, raw
    match = re.match(r"---[ \t]*\n(.*?)\n---[ \t]*(?:\n|$)", raw, re.DOTALL)
    if not match:
        raise IngestError(f"{origin}: front matter starts with '---' but never closes")
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f" (line {line + 2})" if line is not None else ""
        raise IngestError(f"{origin}: front matter is not valid YAML{where}") from None
    if not isinstance(meta, dict):
        raise IngestError(f"{origin}: front matter must be a mapping of key: value")
    return meta, raw[match.end():]


def inline_text(markdown: str) -> str:
    """Markdown inline markup reduced to text.

    >>> inline_text("Take **400 mg** ([NIH](https://ods.od.nih.gov)).")
    'Take 400 mg (NIH).'
    """
    text = _LINK.sub(r"\1", markdown)
    for _ in range(2):
        text = _EMPH.sub(r"\2", text)
    return text


def title_line(text: str, limit: int = 120) -> str:
    """A title for a text without one: its first line that is not page chrome, cut to its
    first sentence when longer than `limit` characters.

    >>> title_line("Skip to Content\\n\\nHypomagnesemia is low magnesium. It can cause cramps.")
    'Hypomagnesemia is low magnesium. It can cause cramps.'
    """
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    first = next((ln for ln in lines if not CHROME_LINE.match(ln)), lines[0] if lines else "")
    if len(first) <= limit:
        return first
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    return sentence if len(sentence) <= limit else first[:limit - 3].rsplit(" ", 1)[0] + "..."


def document_from_text(raw: str, origin: str, key: str, markdown: bool) -> ParsedDocument:
    """Build a document from Markdown/plain text already in memory (also used by other connectors)."""
    meta, body = split_front_matter(raw, origin)
    builder = DocumentBuilder()
    title = str(meta.get("title") or "")
    if markdown:
        pieces = _HEADING.split(body)
        # pieces = [preamble, hashes, heading, body, hashes, heading, body, ...]
        builder.add("", clean_block(inline_text(pieces[0])))
        for i in range(1, len(pieces), 3):
            heading = inline_text(pieces[i + 1]).strip()
            if not title and len(pieces[i]) == 1:
                title = heading
                heading = ""
            builder.add(heading, clean_block(inline_text(pieces[i + 2])))
    else:
        builder.add("", clean_block(body))
    text, sections = builder.build()
    if not text.strip():
        raise IngestError(f"{origin}: no text to ingest (the file is empty or only front matter)")
    if not title:
        title = title_line(text)
    etype = meta.get("evidence_type")
    try:
        evidence = EvidenceType.parse(str(etype)) if etype else None
    except ValueError as exc:
        raise IngestError(f"{origin}: {exc}") from None
    year = meta.get("year")
    try:
        year = int(str(year)[:4]) if year not in (None, "") else None
    except ValueError:
        raise IngestError(f"{origin}: year {year!r} is not a year") from None
    authors = meta.get("authors") or []
    if isinstance(authors, str):
        authors = [a.strip() for a in authors.split(";") if a.strip()]
    return ParsedDocument(
        key=str(meta.get("id") or key),
        title=title.strip(),
        text=text,
        sections=sections,
        publisher=str(meta.get("publisher") or ""),
        authors=[str(a) for a in authors],
        year=year,
        url=str(meta.get("url") or ""),
        pmid=str(meta.get("pmid") or ""),
        doi=str(meta.get("doi") or ""),
        licence=str(meta.get("licence") or meta.get("license") or ""),
        language=str(meta.get("language") or "en"),
        evidence_type=evidence,
        collection=str(meta.get("collection") or ""),
        origin=origin,
        metadata={k: v for k, v in meta.items() if k not in _KNOWN},
    )


def decode(data: bytes, origin: str) -> str:
    """UTF-8 (with or without BOM), falling back to cp1252; binary data is refused."""
    if b"\0" in data[:8192]:
        raise IngestError(f"{origin}: looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise IngestError(f"{origin}: text is neither UTF-8 nor Windows-1252") from None


class MarkdownConnector:
    name = "markdown"
    suffixes = (".md", ".markdown")

    def accepts(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in self.suffixes

    def read(self, path: Path) -> Iterator[ParsedDocument]:
        yield document_from_text(decode(path.read_bytes(), str(path)), str(path),
                                 f"file:{path.stem}", markdown=True)


class TextConnector:
    name = "text"
    suffixes = (".txt", ".text")

    def accepts(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in self.suffixes

    def read(self, path: Path) -> Iterator[ParsedDocument]:
        yield document_from_text(decode(path.read_bytes(), str(path)), str(path),
                                 f"file:{path.stem}", markdown=False)
