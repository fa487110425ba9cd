"""HTML pages: the main content only, headings kept as sections, lists as "- item" lines.

Why our own lxml walk and not trafilatura (both measured, docs/benchmarks.md): trafilatura's
Markdown escapes characters (``2\\*3``) and drops the ``#`` of a lone heading, so quotes would
not match the page; our walk is also 1.6-4x faster (0.5-2.5 ms a page). It is deterministic
and never runs anything: scripts, styles, forms and embedded objects are removed before any text
is read, attributes (event handlers, ``javascript:`` links) are never read as text, and lxml's
parser is told not to touch the network.

What is dropped as page chrome: ``nav``, ``header``/``footer``/``aside`` outside the main
content, ARIA landmarks for navigation/banner/footer/search, hidden elements, and elements whose
class or id names a cookie banner, consent box, skip link, breadcrumb, share bar, newsletter,
advert, sidebar, popup or menu. The main content is ``<main>``, ``[role=main]``, the largest
``<article>``, or else ``<body>``.

Metadata comes from ``<meta>`` (Highwire ``citation_*``, Dublin Core ``DC.*``, Open Graph, author),
``<link rel=canonical>``, ``<html lang>``; ``<meta name="medcite:evidence_type">`` overrides the
evidence type. The source key is the canonical URL, else ``file:<stem>``.

>>> doc = parse_html(b"<title>Cramps</title><nav>Menu</nav><p>Stretch first.</p>", "x.html", "file:x")
>>> doc.title, doc.text
('Cramps', 'Stretch first.')
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import lxml.html
from lxml import etree

from ...models import EvidenceType, ParsedDocument
from ...text import clean_block
from .base import DocumentBuilder, IngestError
from .text import CHROME_LINE, title_line

_DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "applet", "svg",
    "math", "canvas", "form", "button", "input", "select", "textarea", "option", "label",
    "nav", "dialog", "menu", "title", "link", "meta", "base", "audio", "video", "map",
)
_CHROME_TAGS = ("header", "footer", "aside")
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "search", "complementary", "menu",
                 "menubar", "dialog", "alertdialog"}
# Matched against the words of an element's class and id ("site-header" -> site, header).
_CHROME_WORDS = re.compile(
    r"(?:^|[-_ ])(cookies?|consent|gdpr|skip|skiplink|breadcrumbs?|share|sharing|social|"
    r"newsletter|subscribe|advert|adverts|ads|promo|sidebar|popup|modal|navbar|navigation|"
    r"menu|masthead)(?:$|[-_ ])",
    re.IGNORECASE,
)
# Class/id words that mean page chrome only outside <main>/<article> ("article-footer" inside an
# article may hold its references or date, so it stays).
_OUTER_WORDS = re.compile(r"(?:^|[-_ ])(header|footer|banner|topbar|toolbar)(?:$|[-_ ])",
                          re.IGNORECASE)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCKS = frozenset(
    ["p", "div", "section", "article", "main", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "caption", "blockquote", "pre", "figure", "figcaption", "address", "hr", "details", "summary", "li", "header", "footer", "aside", "center", "body", "html"]
)
_CELLS = frozenset(("td", "th"))
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_BR = "\u2029"  # stands for <br> until lines are squashed


class HtmlConnector:
    name = "html"
    suffixes = (".html", ".htm", ".xhtml")

    def accepts(self, path: Path, head: bytes) -> bool:
        if path.suffix.lower() in self.suffixes:
            return True
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].lower()
        return start.startswith((b"<!doctype html", b"<html"))

    def read(self, path: Path) -> Iterator[ParsedDocument]:
        yield parse_html(path.read_bytes(), str(path), f"file:{path.stem}")


def decode_html(data: bytes, origin: str) -> str:
    """Text of an HTML file: BOM, then a declared charset, then UTF-8, then Windows-1252."""
    if b"\0" in data[:8192] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise IngestError(f"{origin}: looks like a binary file, not HTML")
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name, errors="replace").lstrip("\ufeff")
    declared = _CHARSET.search(data[:4096])
    candidates = [declared.group(1).decode("ascii").lower()] if declared else []
    for name in [*candidates, "utf-8", "cp1252"]:
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    raise IngestError(f"{origin}: text is neither UTF-8 nor Windows-1252")


def parse_html(data: bytes, origin: str, key: str, url: str = "") -> ParsedDocument:
    """Parse one HTML page into a document; `url` (a fetched page's address) beats `key`."""
    text = _XML_DECL.sub("", decode_html(data, origin))
    if not text.strip():
        raise IngestError(f"{origin}: no text to ingest (the file is empty)")
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                                  default_doctype=False)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise IngestError(f"{origin}: not readable as HTML ({exc})") from None
    meta = _metadata(root)
    title_tag = _squash(root.findtext(".//title") or "")
    _strip_chrome(root)
    main = _main_content(root)
    blocks = _blocks(main)
    if not any(kind != "h" for kind, _, _ in blocks):
        raise IngestError(f"{origin}: no text to ingest (the page has no main content)")

    if CHROME_LINE.match(title_tag):
        title_tag = ""
    title = meta.get("citation_title") or meta.get("dc.title") or meta.get("og:title") or title_tag
    builder = DocumentBuilder()
    heading, body = "", []
    for kind, level, value in blocks:
        if kind == "h":
            builder.add(heading, _join(body))
            heading, body = value, []
            if level == 1 and (not title or value == title):
                title, heading = title or value, ""
        else:
            body.append((kind, value))
    builder.add(heading, _join(body))
    doc_text, sections = builder.build()
    if not doc_text:
        raise IngestError(f"{origin}: no text to ingest (the page has no main content)")
    canonical = meta.get("canonical", "")
    return ParsedDocument(
        key=canonical or url or key,
        title=title or title_line(doc_text),
        text=doc_text,
        sections=sections,
        publisher=(meta.get("citation_journal_title") or meta.get("dc.publisher")
                   or meta.get("og:site_name") or meta.get("citation_publisher") or ""),
        authors=meta.get("authors", []),
        year=_year(meta),
        url=canonical or url,
        pmid=meta.get("citation_pmid", ""),
        doi=meta.get("citation_doi", "").removeprefix("doi:"),
        licence=meta.get("dc.rights") or meta.get("license", ""),
        language=meta.get("lang", "en"),
        evidence_type=_evidence(meta, origin),
        origin=origin,
        metadata={k: meta[k] for k in ("description",) if meta.get(k)},
    )


def _metadata(root: lxml.html.HtmlElement) -> dict:
    meta: dict = {}
    authors: list[str] = []
    for el in root.iter("meta"):
        name = (el.get("name") or el.get("property") or "").strip().lower()
        value = _squash(el.get("content") or "")
        if not name or not value:
            continue
        if name in ("citation_author", "dc.creator", "author"):
            if value not in authors:
                authors.append(value)
        else:
            meta.setdefault(name, value)
    for el in root.iter("link"):
        rel = (el.get("rel") or "").lower().split()
        href = (el.get("href") or "").strip()
        if "canonical" in rel and urlparse(href).scheme in ("http", "https"):
            meta.setdefault("canonical", href)
        if "license" in rel and href:
            meta.setdefault("license", href)
    lang = (root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "")
    if lang.strip():
        meta["lang"] = lang.strip().split("-")[0].lower()
    meta["authors"] = authors
    return meta


def _year(meta: dict) -> int | None:
    for name in ("citation_publication_date", "citation_date", "publication_date",
                 "dc.date", "article:published_time", "citation_online_date"):
        found = _YEAR.search(meta.get(name, ""))
        if found:
            return int(found.group(1))
    return None


def _evidence(meta: dict, origin: str) -> EvidenceType | None:
    value = meta.get("medcite:evidence_type")
    if not value:
        return None
    try:
        return EvidenceType.parse(value)
    except ValueError as exc:
        raise IngestError(f"{origin}: <meta name=\"medcite:evidence_type\">: {exc}") from None


def _is_chrome(el: lxml.html.HtmlElement) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    if (el.get("role") or "").lower() in _CHROME_ROLES:
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    return bool(names.strip()) and bool(_CHROME_WORDS.search(names))


def _is_skip_link(el: lxml.html.HtmlElement) -> bool:
    """An in-page "Skip to Content" link (accessibility chrome, often the page's first text)."""
    return (el.tag == "a" and (el.get("href") or "").startswith("#")
            and bool(CHROME_LINE.match(_squash(el.text_content()))))


def _strip_chrome(root: lxml.html.HtmlElement) -> None:
    doomed = list(root.iter(*_DROP_TAGS))
    dropped = set(doomed)
    for el in root.iter(etree.Element):
        if el.tag in ("html", "body", "main") or el in dropped:
            continue
        if _is_skip_link(el) or _is_chrome(el) or ((el.tag in _CHROME_TAGS or _OUTER_WORDS.search(
                f"{el.get('class') or ''} {el.get('id') or ''}")) and _outside_content(el)):
            doomed.append(el)
    for el in doomed:
        # drop_tree keeps the element's tail text, which belongs to its parent.
        if el.getparent() is not None:
            el.drop_tree()


def _outside_content(el: lxml.html.HtmlElement) -> bool:
    return not any(a.tag in ("main", "article") or a.get("role") == "main"
                   for a in el.iterancestors())


def _main_content(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    for path in (".//main", ".//*[@role='main']"):
        found = root.find(path) if "@" not in path else next(iter(root.xpath(path)), None)
        if found is not None and _squash(found.text_content()):
            return found
    articles = [a for a in root.iter("article") if a.getparent() is not None]
    if articles:
        best = max(articles, key=lambda a: len(a.text_content()))
        if len(best.text_content()) > 200:
            return best
    # The whole document, not <body>: libxml2 knows no HTML5 tags and, on a page without
    # <body>, leaves <main>/<article> inside <head> (whose metadata tags are already dropped).
    return root


def _blocks(main: lxml.html.HtmlElement) -> list[tuple[str, int, str]]:
    """(kind, heading level, text) in reading order: 'h' heading, 'p' paragraph, 'li' list
    item, 'tr' table row (cells joined by " | ").

    Iterative (start/end events), so 10,000-deep nesting cannot exhaust the Python stack.
    """
    out: list[tuple[str, int, str]] = []
    buf: list[str] = []
    kinds: list[str] = []  # "li" while inside a list item

    def flush() -> None:
        value = _squash("".join(buf))
        buf.clear()
        if value:
            kind = kinds[-1] if kinds and kinds[-1] in ("li", "tr") else "p"
            out.append((kind, 0, value))

    skipping: object | None = None  # a heading whose text is already taken
    for event, el in etree.iterwalk(main, events=("start", "end")):
        if skipping is not None:
            if event == "end" and el is skipping:
                skipping = None
                if el.tail:
                    buf.append(el.tail)
            continue
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _HEADINGS:
                flush()
                value = _squash(el.text_content())
                if value:
                    out.append(("h", _HEADINGS[tag], value))
                skipping = el
                continue
            if tag in _BLOCKS:
                flush()
                kinds.append(tag if tag in ("li", "tr") else "block")
            elif tag == "br":
                buf.append(_BR)
            elif tag in _CELLS and buf and buf[-1].strip():
                buf.append(" | ")
            if el.text:
                buf.append(el.text)
        else:
            if tag in _BLOCKS:
                flush()
                kinds.pop()
            if el is not main and el.tail:
                buf.append(el.tail)
    flush()
    return out


def _join(body: list[tuple[str, str]]) -> str:
    """List items ("- item") and table rows one per line; paragraphs split by a blank line."""
    parts: list[str] = []
    previous = ""
    for kind, value in body:
        line = "- " + value if kind == "li" else value
        if parts:
            parts.append("\n" if kind == previous and kind in ("li", "tr") else "\n\n")
        parts.append(line)
        previous = kind
    return clean_block("".join(parts))


def _squash(text: str) -> str:
    """Collapse runs of whitespace (source line breaks too; only <br> breaks a line) and trim."""
    lines = [line.strip() for line in _SPACES.sub(" ", text).split(_BR)]
    return "\n".join(line for line in lines if line)
