"""Split a parsed document into passages with stable ids and exact character offsets.

Rules (PRODUCT capability 1, library issue item 6):
- split on sections first, so a passage never spans two headings;
- inside a section, group whole sentences into passages of roughly `min_words`..`max_words`
  words; never cut mid-sentence (a single sentence longer than `max_words` stays whole);
- a short tail is merged into the previous passage when that keeps it under `max_words`;
- `text[start:end] == passage.text` for the document's stored text, always.

Passage ids are a hash of (source id, source content hash, ordinal): the same content always
gives the same ids, in any library; changed content gives new ids (old ones are kept, superseded).
"""

from __future__ import annotations

import hashlib

from .models import ParsedDocument, Passage, Section
from .text import sentence_spans, word_count


def passage_id(source_id: str, content_hash: str, ordinal: int) -> str:
    """Stable passage id, e.g. ``p_3f9a1c0d2b7e4a51``."""
    raw = f"{source_id}\0{content_hash}\0{ordinal}".encode()
    return "p_" + hashlib.blake2b(raw, digest_size=8).hexdigest()


def split(doc: ParsedDocument, source_id: str, content_hash: str, version: int = 1,
          min_words: int = 80, max_words: int = 250) -> list[Passage]:
    """Passages of `doc`, in reading order."""
    sections = doc.sections or [Section(heading="", start=0, end=len(doc.text))]
    spans: list[tuple[str, int, int]] = []
    for section in sections:
        spans.extend(
            (section.heading, a, b)
            for a, b in _group(doc.text, section.start, section.end, min_words, max_words)
        )
    return [
        Passage(
            id=passage_id(source_id, content_hash, i),
            source_id=source_id,
            ordinal=i,
            section=heading,
            text=doc.text[a:b],
            start=a,
            end=b,
            version=version,
        )
        for i, (heading, a, b) in enumerate(spans)
    ]


def _group(text: str, start: int, end: int, min_words: int, max_words: int) -> list[tuple[int, int]]:
    sents = sentence_spans(text, start, end)
    if not sents:
        return []
    groups: list[list[int]] = []  # [start, end, words]
    current: list[int] | None = None
    for a, b in sents:
        n = word_count(text[a:b])
        if current is not None and current[2] + n > max_words and current[2] >= min_words // 2:
            groups.append(current)
            current = None
        if current is None:
            current = [a, b, n]
        else:
            current[1], current[2] = b, current[2] + n
        if current[2] >= max_words:
            groups.append(current)
            current = None
    if current is not None:
        if groups and current[2] < min_words // 2 and groups[-1][2] + current[2] <= max_words:
            groups[-1][1] = current[1]
            groups[-1][2] += current[2]
        else:
            groups.append(current)
    return [(a, b) for a, b, _ in groups]
