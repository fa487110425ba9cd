"""Audience rendering: the same claims and citations, worded for a patient, caregiver or clinician.

What changes, and what never does:

- patient / caregiver: a long sentence is cut at a clause boundary ("; ", ", but ", ", and ",
  ", which ") into shorter sentences, each cut piece still an exact quoted span of the source;
  formal words are swapped for everyday ones and medical terms get a lay gloss on first use,
  both from our glossary (`medcite.glossary.simplify` and `add_glosses`). Numbers, negations and qualifiers are never touched;
- clinician: the quoted sentences as written (technical terms, units and study designs kept).

Sentence *selection* does not depend on the audience, so the facts, numbers and citations of the
answers are the same for every reader (the issue's acceptance check compares them).

Reading grade is Flesch-Kincaid (Kincaid et al. 1975): 0.39 x words/sentence + 11.8 x
syllables/word - 15.59, measured by `medcite.readability` (textstat, offline) when available,
else by the same formula with pyphen's syllable counts.

>>> split_points("Magnesium helps nerves work; too much can upset the stomach.")
[29]
"""

from __future__ import annotations

import re
from functools import lru_cache

from .text import word_count
from .writers import DraftClaim, Span

AUDIENCES = ("patient", "caregiver", "clinician")
LAY_AUDIENCES = ("patient", "caregiver")
SPLIT_OVER_WORDS = 12  # sentences longer than this are cut for lay readers
_MIN_PIECE_WORDS = 5
# Only boundaries after which a full clause follows: "; " or ", but/and" + a finite verb soon
# after. Subordinate clauses (", although ...", ", which ...") would be fragments, so no cut.
_BOUNDARY = re.compile(
    r";\s+|,\s+(?=(?:but|and|or|so)\s+(?:\w+\s+){0,4}?(?:is|are|was|were|can|may|might|will|"
    r"should|could|has|have|had|does|do|did|causes?|helps?|makes?|needs?|includes?|"
    r"becomes?|leads?|affects?|occurs?|develops?)\b)")


def split_points(text: str) -> list[int]:
    """Offsets in `text` where a lay rendering may start a new sentence (after the boundary)."""
    return [m.end() for m in _BOUNDARY.finditer(text)]


def render_claim(claim: DraftClaim, audience: str,
                 seen: set[str] | None = None) -> list[DraftClaim]:
    """The claim as one or more claims for `audience` (see the module docstring).

    `seen` collects the terms already glossed in this answer (each is glossed once).
    """
    if audience not in LAY_AUDIENCES:
        return [claim]
    pieces = _split(claim) if len(claim.spans) == 1 else [claim]
    seen = set() if seen is None else seen
    return [DraftClaim(lay_words(p.text, seen), p.spans) for p in pieces]


def _split(claim: DraftClaim) -> list[DraftClaim]:
    span = claim.spans[0]
    text = span.text
    if word_count(text) <= SPLIT_OVER_WORDS or claim.text.split() != _capital(text).split():
        return [claim]
    # A leading qualifier ("In people with kidney disease, ...", "If ...") may govern every
    # clause: cutting would leave later pieces without it, so such sentences stay whole.
    cuts, last = [], 0
    for point in split_points(text):
        head, tail = text[last:point], text[point:]
        if word_count(head) >= _MIN_PIECE_WORDS and word_count(tail) >= _MIN_PIECE_WORDS:
            cuts.append(point)
            last = point
    if not cuts or re.match(r"\s*(?:if|unless|when|except|in|for|among|during|after|before|although|while|"
                                r"with|without|once|until)\b", text, re.IGNORECASE):
        return [claim]
    out, a = [], 0
    for b in [*cuts, len(text)]:
        piece = text[a:b]
        stripped = piece.rstrip(" ;,")
        lead = len(piece) - len(piece.lstrip())
        start = span.start + a + lead
        end = span.start + a + len(stripped)
        quote_text = text[a + lead:a + len(stripped)]
        shown = _capital(quote_text)
        if not shown.endswith((".", "!", "?")):
            shown += "."
        out.append(DraftClaim(shown, [Span(span.hit, start, end)]))
        a = b
    return out


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def lay_words(text: str, seen: set[str]) -> str:
    """Everyday words for formal ones, then a lay gloss after a medical term's first use
    (`medcite.glossary`: never touches numbers, units, negations or hedges)."""
    try:
        from .glossary import add_glosses, simplify
    except ImportError:  # the glossary is optional
        return text
    return add_glosses(simplify(text), seen)


def reading_grade(texts: list[str]) -> float | None:
    """Flesch-Kincaid grade of the texts read as one document (None for no text)."""
    body = " ".join(t.strip() for t in texts if t.strip())
    if not body:
        return None
    try:
        from .readability import grade
    except ImportError:
        return round(_fk(body), 1)
    return round(float(grade(body)), 1)


def _fk(text: str) -> float:
    """Flesch-Kincaid grade with pyphen syllables (fallback; see the module docstring)."""
    sentences = max(1, len(re.findall(r"[.!?]+(?:\s|$)", text)))
    words = re.findall(r"[A-Za-z]+(?:'[a-z]+)?|\d+(?:\.\d+)?", text)
    if not words:
        return 0.0
    syllables = sum(_syllables(w) for w in words)
    return 0.39 * len(words) / sentences + 11.8 * syllables / len(words) - 15.59


@lru_cache(maxsize=65536)
def _syllables(word: str) -> int:
    if word[0].isdigit():
        return 1
    return max(1, len(_pyphen().positions(word.lower())) + 1)


@lru_cache(maxsize=1)
def _pyphen():
    import pyphen

    return pyphen.Pyphen(lang="en_US")
