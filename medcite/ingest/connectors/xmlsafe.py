"""Safe, streaming XML reading shared by the XML connectors (PubMed, PMC, MedlinePlus).

Sources come from anywhere, so every parser here is locked down: entities are never resolved
(an external `<!ENTITY x SYSTEM "file:///etc/passwd">` stays an unresolved reference and its
text is dropped), the network is never touched, the DTD is not loaded, and libxml2's default
limits on depth and text size stay on (`huge_tree=False`), which stops "billion laughs" and
deeply nested bombs. Large files are streamed with `iterparse`, clearing each record once read.

>>> from io import BytesIO
>>> [text_of(e) for e in iter_records(BytesIO(b"<a><r>x<b>y</b></r><r>z</r></a>"), "t", {"r"})]
['xy', 'z']
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator
from typing import IO

from lxml import etree

from .base import IngestError

# Keyword arguments for every lxml parser the connectors create.
SAFE_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
    "load_dtd": False,
    "remove_comments": True,
    "remove_pis": True,
}

_SPACE = re.compile(r"\s+")
_ROOT_TAG = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)[\s>/]")


def root_tag(head: bytes) -> str:
    """Local name of the first element in the first bytes of an XML file, or "".

    The XML declaration, comments, processing instructions and the DOCTYPE are skipped.

    >>> root_tag(b'<?xml version="1.0"?>\\n<!DOCTYPE x>\\n<!-- hi -->\\n<health-topics total="3">')
    'health-topics'
    """
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith(b"<"):
        return ""
    # Drop the declaration, PIs, comments and a DOCTYPE (with or without an internal subset).
    text = re.sub(rb"<\?.*?\?>", b"", text, flags=re.DOTALL)
    text = re.sub(rb"<!--.*?-->", b"", text, flags=re.DOTALL)
    text = re.sub(rb"<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", b"", text, flags=re.DOTALL)
    match = _ROOT_TAG.search(text)
    return match.group(2).decode("ascii", "replace") if match else ""


def text_of(element: etree._Element, skip: Iterable[str] = ()) -> str:
    """The text inside an element, whitespace collapsed; unresolved entities are dropped.

    Children whose tag is in `skip` are left out (their tails are kept).

    >>> text_of(etree.fromstring("<p>Mg <i>low</i> <x>ref</x>here</p>"), skip={"x"})
    'Mg low here'
    """
    skip = frozenset(skip)
    parts: list[str] = []
    _collect(element, skip, parts)
    return _SPACE.sub(" ", "".join(parts)).strip()


def _collect(element: etree._Element, skip: frozenset[str], parts: list[str]) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        # Entities, comments and PIs have a non-string tag; only their tail is document text.
        if isinstance(child.tag, str) and etree.QName(child).localname not in skip:
            _collect(child, skip, parts)
        if child.tail:
            parts.append(child.tail)


def iter_records(stream: IO[bytes], origin: str, tags: set[str]) -> Iterator[etree._Element]:
    """Stream the direct children of the root element whose tag is in `tags`.

    Each record is yielded once complete and cleared after the caller is done with it, so memory
    stays flat however large the file. Malformed XML raises IngestError naming the line; records
    completed before the break have already been yielded.
    """
    parser = etree.iterparse(stream, events=("end",), tag=tuple(tags), **SAFE_PARSER_OPTIONS)
    try:
        for _, element in parser:
            parent = element.getparent()
            if parent is None or parent.getparent() is not None:
                continue  # a nested element of the same name (e.g. PubmedArticle/MedlineCitation)
            # Drop what came before (handled records, other elements) so the tree never grows.
            while element.getprevious() is not None:
                del parent[0]
            yield element
            element.clear(keep_tail=False)
    except etree.XMLSyntaxError as exc:
        raise IngestError(f"{origin}: {describe_syntax_error(exc)}") from None
    except (EOFError, zlib.error, OSError) as exc:
        raise IngestError(f"{origin}: compressed data is truncated or corrupt ({exc})") from None


def parse_document(stream: IO[bytes], origin: str) -> etree._Element:
    """Parse a whole (small) XML document safely; IngestError with the line if malformed."""
    parser = etree.XMLParser(**SAFE_PARSER_OPTIONS)
    try:
        return etree.parse(stream, parser).getroot()
    except etree.XMLSyntaxError as exc:
        raise IngestError(f"{origin}: {describe_syntax_error(exc)}") from None
    except (EOFError, zlib.error, OSError) as exc:
        raise IngestError(f"{origin}: compressed data is truncated or corrupt ({exc})") from None


def describe_syntax_error(exc: etree.XMLSyntaxError) -> str:
    """One line for a parse error: 'malformed XML at line N: what libxml2 said'."""
    line = getattr(exc, "lineno", None) or (exc.position[0] if exc.position else None)
    message = (exc.msg or str(exc)).split(", line ")[0].strip()
    return f"malformed XML at line {line}: {message}" if line else f"malformed XML: {message}"
