"""MedlinePlus health-topic XML: the `<health-topics>` feed NLM publishes for download
(https://medlineplus.gov/xml.html; structure per its DTD, `mplus_topics.dtd`).

Each `<health-topic title= url= id= language=>` becomes one source, keyed ``medlineplus:<id>``,
evidence type patient education, publisher "MedlinePlus (NLM)". Its `<full-summary>` holds
HTML escaped as text; it is parsed with lxml.html (scripts, styles and comments dropped) and
turned into sections at each heading, with list items as "- item" lines. Names that help query
understanding learn lay words go into metadata: ``also_called`` (synonyms), ``mesh`` (MeSH
descriptor names), ``see_references``, ``groups``, ``related_topics``, ``primary_institute``.
A topic with an empty summary is skipped and counted in the report (`skipped_records`).

>>> summary_sections("<h3>Causes</h3><p>Too little <b>magnesium</b>.</p><ul><li>Diet</li></ul>")
[('Causes', 'Too little magnesium.\\n\\n- Diet')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import lxml.html
from lxml import etree

from ...models import EvidenceType, IngestReport, ParsedDocument
from ...settings import Settings
from .base import DocumentBuilder
from .xmlsafe import iter_records, root_tag, text_of

PUBLISHER = "MedlinePlus (NLM)"
_LANGUAGES = {"english": "en", "spanish": "es"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_DROP = ("script", "style", "noscript", "template", "iframe", "object", "embed", "form")
_BLOCKS = {"p", "div", "section", "blockquote", "pre", "table", "dl", "figure", "address"}
_SPACE = re.compile(r"[ \t\r\f\v]+")


def _inline(element: lxml.html.HtmlElement) -> str:
    return _SPACE.sub(" ", " ".join(element.text_content().split())).strip()


def summary_sections(html: str) -> list[tuple[str, str]]:
    """(heading, body) blocks of a summary's HTML; text before the first heading has heading ""."""
    if not html.strip():
        return []
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    for bad in root.xpath("|".join(f"//{tag}" for tag in _DROP)):
        bad.drop_tree()  # keeps the tail text, drops the element and what it holds
    for br in root.iter("br"):
        br.tail = " " + (br.tail or "")  # a line break separates words
    blocks: list[tuple[str, list[str]]] = [("", [])]
    loose: list[str] = []  # inline text and tails sitting directly in the container

    def flush_loose() -> None:
        text = _SPACE.sub(" ", " ".join("".join(loose).split())).strip()
        if text:
            blocks[-1][1].append(text)
        loose.clear()

    def visit(container: lxml.html.HtmlElement) -> None:
        if container.text:
            loose.append(container.text)
        for child in container:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in _HEADINGS:
                flush_loose()
                blocks.append((_inline(child), []))
            elif tag in ("ul", "ol"):
                flush_loose()
                items = [_inline(li) for li in child if getattr(li, "tag", "") == "li"]
                lines = "\n".join(f"- {i}" for i in items if i)
                if lines:
                    blocks[-1][1].append(lines)
            elif tag in _BLOCKS:
                flush_loose()
                if any(getattr(c, "tag", "") in _HEADINGS | {"ul", "ol"} | _BLOCKS
                       for c in child):
                    visit(child)
                    flush_loose()
                else:
                    text = _inline(child)
                    if text:
                        blocks[-1][1].append(text)
            elif tag:
                loose.append(child.text_content())
            if child.tail:
                loose.append(child.tail)

    visit(root)
    flush_loose()
    return [(heading, "\n\n".join(parts)) for heading, parts in blocks if parts]


def _topic(topic: etree._Element, origin: str) -> ParsedDocument | None:
    topic_id = (topic.get("id") or "").strip()
    title = (topic.get("title") or "").strip()
    summary = topic.find("full-summary")
    builder = DocumentBuilder()
    # text_of, not .text: an unresolved entity would end .text early (HTML ignores the spaces).
    for heading, body in summary_sections(text_of(summary) if summary is not None else ""):
        builder.add(heading, body)
    if not builder.sections or not topic_id:
        return None
    text, sections = builder.build()

    def names(path: str) -> list[str]:
        return [n for n in (text_of(e) for e in topic.findall(path)) if n]

    institute = topic.find("primary-institute")
    metadata = {
        "also_called": names("also-called"),
        "see_references": names("see-reference"),
        "mesh": names("mesh-heading/descriptor"),
        "groups": names("group"),
        "related_topics": names("related-topic"),
        "primary_institute": text_of(institute) if institute is not None else "",
        "meta_description": topic.get("meta-desc", ""),
        "date_created": topic.get("date-created", ""),
        "medlineplus_id": topic_id,
    }
    return ParsedDocument(
        key=f"medlineplus:{topic_id}",
        title=title or text.split("\n", 1)[0][:120],
        text=text,
        sections=sections,
        publisher=PUBLISHER,
        url=(topic.get("url") or "").strip(),
        language=_LANGUAGES.get((topic.get("language") or "English").strip().lower(), "en"),
        evidence_type=EvidenceType.PATIENT_EDUCATION,
        collection="medlineplus",
        origin=origin,
        metadata=metadata,
    )


def iter_topics(stream: IO[bytes], origin: str,
                skipped: list[str] | None = None) -> Iterator[ParsedDocument]:
    """Parsed documents of a `<health-topics>` XML stream; ids of empty topics go to `skipped`."""
    for topic in iter_records(stream, origin, {"health-topic"}):
        doc = _topic(topic, origin)
        if doc is None:
            if skipped is not None:
                skipped.append(topic.get("id") or topic.get("title") or "?")
            continue
        yield doc


class MedlinePlusConnector:
    """Reads the MedlinePlus health-topics XML feed (plain or .gz)."""

    name = "medlineplus-xml"

    def accepts(self, path: Path, head: bytes) -> bool:
        return root_tag(head) == "health-topics"

    def read(self, path: Path) -> Iterator[ParsedDocument]:
        return self.read_with(path, None, None)

    def read_with(self, path: Path, settings: Settings | None,
                  report: IngestReport | None) -> Iterator[ParsedDocument]:
        """Documents of the file; records with no text are counted in `report.skipped_records`."""
        from . import open_maybe_gzip

        skipped: list[str] = []
        try:
            with open_maybe_gzip(path) as stream:
                yield from iter_topics(stream, str(path), skipped)
        finally:
            if report is not None:
                report.skipped_records += len(skipped)
