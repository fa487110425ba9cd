"""Lay glosses and plain register for patient answers, from our own glossary.

Two operations, both safe by construction for the grounding contract:

* `add_glosses` only *inserts* "(gloss)" after the first use of a medical term;
* `simplify` only *swaps* formal words for everyday ones from a fixed list.

Neither touches numbers, units, negations ("not", "no", "never", "without") or hedges ("may",
"might", "can"): the glossary file is checked when it loads, and an entry whose gloss or
replacement holds a digit, a negation or a hedge is refused. Composers should call
`simplify` first, then `add_glosses`.

>>> seen: set[str] = set()
>>> add_glosses("Hypomagnesemia may cause fasciculations.", seen)
'Hypomagnesemia (low magnesium in the blood) may cause fasciculations (small muscle twitches).'
>>> add_glosses("Hypomagnesemia is common.", seen)
'Hypomagnesemia is common.'
>>> simplify("Physicians administer 2 g of magnesium; do not utilize it without advice.")
'Doctors give 2 g of magnesium; do not use it without advice.'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import MedciteError

__all__ = ["GLOSSARY_PATH", "HEDGES", "NEGATIONS", "Glossary", "add_glosses", "default", "find_terms",
           "gloss", "lay", "load", "plain_terms", "simplify", "strip_glosses"]

GLOSSARY_PATH = Path(__file__).parent / "data" / "glossary.yaml"

NEGATIONS = frozenset((
    "no", "not", "never", "none", "nor", "neither", "without", "cannot", "can't", "won't",
    "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "shouldn't",
    "couldn't", "wouldn't", "nothing", "nobody",
))
# Hedges and quantifiers: words that set how sure or how general a statement is.
HEDGES = frozenset((
    "may", "might", "can", "could", "should", "must", "would", "will", "possibly", "probably",
    "perhaps", "likely", "unlikely", "usually", "sometimes", "often", "rarely", "always",
    "frequently", "seldom", "some", "most", "all", "few",
))
PROTECTED = NEGATIONS | HEDGES
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class Glossary:
    """Terms -> lay gloss, and formal words -> everyday words (all keys lower case)."""

    terms: dict[str, str]
    register: dict[str, str]
    plain: dict[str, str] = field(default_factory=dict)  # term -> everyday drop-in word(s)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_term_re", _alternation(self.terms))
        object.__setattr__(self, "_register_re", _alternation(self.register))
        # Plain swaps and glossary terms in one pattern: the longest match wins, so a longer
        # term that merely contains a plain key ("renal cell carcinoma") is not swapped.
        object.__setattr__(self, "_plain_re", _alternation({**self.terms, **self.plain}))
        object.__setattr__(self, "_glosses", frozenset(v.lower() for v in self.terms.values()))


def _alternation(keys: dict[str, str]) -> re.Pattern[str]:
    """One pattern for every key, as a character trie: "renal" and "renal failure" share
    "renal", so the engine tries each prefix once (a flat alternation of ~400 terms ran at
    0.5 MB/s on Cochrane abstracts). Longest match wins at each position."""
    body = _trie_pattern(sorted({k.lower() for k in keys})) if keys else r"(?!)"
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.I)


def _trie_pattern(words: list[str]) -> str:
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # end of a word

    def emit(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Ending here is also allowed: make the longer continuation optional (greedy, so the
        # longest term is tried first; the boundary check backtracks to a shorter one).
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


def _check(kind: str, key: str, value: object, check_key: bool) -> str:
    if not isinstance(value, str) or not value.strip():
        raise MedciteError(f"glossary {kind} {key!r}: the gloss must be non-empty text")
    texts = (value, key) if check_key else (value,)
    for text in texts:
        bad = PROTECTED & set(_WORD.findall(text.lower()))
        if _DIGIT.search(text) or bad:
            raise MedciteError(
                f"glossary {kind} {key!r}: {text!r} holds a number, negation or hedge "
                f"({', '.join(sorted(bad)) or 'digit'}); glosses must never add or change one"
            )
    return value.strip()


def load(path: str | Path = GLOSSARY_PATH) -> Glossary:
    """Read and check a glossary file (`terms:` and `register:` mappings).

    >>> len(load().terms) > 300
    True
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        detail = " ".join(str(exc).split())  # YAML errors span lines; the CLI shows one
        raise MedciteError(f"cannot read glossary {path}: {detail}") from None
    if not isinstance(data, dict):
        raise MedciteError(f"glossary {path}: expected `terms:` and `register:` mappings")
    terms = {str(k).lower(): _check("term", str(k), v, False)
             for k, v in (data.get("terms") or {}).items()}
    register = {str(k).lower(): _check("register word", str(k), v, True)
                for k, v in (data.get("register") or {}).items()}
    plain = {str(k).lower(): _check("plain word", str(k), v, True)
             for k, v in (data.get("plain") or {}).items()}
    return Glossary(terms=terms, register=register, plain=plain)


@lru_cache(maxsize=1)
def default() -> Glossary:
    """The glossary shipped with medcite, loaded once."""
    return load()


def gloss(term: str, glossary: Glossary | None = None) -> str | None:
    """The lay gloss of a term (case-insensitive), or None.

    >>> gloss("Renal"), gloss("myocardial infarction"), gloss("banana")
    ('kidney', 'heart attack', None)
    """
    return (glossary or default()).terms.get(term.strip().lower())


def find_terms(sentence: str, glossary: Glossary | None = None) -> list[tuple[int, int, str]]:
    """Spans of glossary terms in a sentence: (start, end, term in lower case).

    >>> find_terms("Renal failure and edema.")
    [(0, 13, 'renal failure'), (18, 23, 'edema')]
    """
    g = glossary or default()
    return [(m.start(), m.end(), m.group(0).lower()) for m in g._term_re.finditer(sentence)]


NEARBY = 40  # characters after a term in which the source's own explanation would stand


def add_glosses(sentence: str, seen: set[str], glossary: Glossary | None = None) -> str:
    """Expand the first use of each term as "term (gloss)"; `seen` carries across sentences.

    Terms already explained in the sentence (inside or right before parentheses, or whose
    gloss is already written there, or every content word of it just after the term) are left
    alone.

    >>> add_glosses("Diuretic medicines (water pills) treat swelling.", set())
    'Diuretic medicines (water pills) treat swelling.'
    >>> add_glosses("Diuretics treat swelling.", set())
    'Diuretics (water pills) treat swelling.'

    Only insertions happen: every character of `sentence` is kept, in order.
    """
    from .grounding import terms

    g = glossary or default()
    out: list[str] = []
    cursor = 0
    lowered = sentence.lower()
    for start, end, term in find_terms(sentence, g):
        meaning = g.terms[term]
        if term in seen or meaning.lower() in seen:
            continue
        if _in_a_name(sentence, start):
            continue
        if _inside_parentheses(sentence, start) or sentence[end:].lstrip().startswith("("):
            continue
        # the gloss already written, or all its words just after the term ("Diuretic
        # medicines (water pills)" needs no "(a water pill)")
        if meaning.lower() in lowered or terms(meaning) <= terms(sentence[end:end + NEARBY]):
            seen.update((term, meaning.lower()))
            continue
        out.append(sentence[cursor:end])
        out.append(f" ({meaning})")
        cursor = end
        seen.update((term, meaning.lower()))
    out.append(sentence[cursor:])
    return "".join(out)


def _in_a_name(sentence: str, index: int) -> bool:
    """A capitalised term right after a word is part of a name ("National Institute of
    Neurological Disorders and Stroke"): glossing it would break the name."""
    if not sentence[index:index + 1].isupper():
        return False
    before = sentence[:index].rstrip()
    return bool(before) and (before[-1].isalnum() or before[-1] in ",'")


def _inside_parentheses(sentence: str, index: int) -> bool:
    before = sentence[:index]
    return before.count("(") > before.count(")")


def simplify(sentence: str, glossary: Glossary | None = None) -> str:
    """Swap formal words for everyday ones ("utilize" -> "use"), keeping a leading capital.

    >>> simplify("Prior to surgery, consult with your physician.")
    'Before surgery, talk to your doctor.'
    """
    g = glossary or default()

    def swap(m: re.Match[str]) -> str:
        plain = g.register[m.group(0).lower()]
        return plain[:1].upper() + plain[1:] if m.group(0)[:1].isupper() else plain

    return g._register_re.sub(swap, sentence)


def plain_terms(sentence: str, glossary: Glossary | None = None) -> str:
    """Swap medical terms that have an everyday drop-in ("plain" entries) for it, keeping a
    leading capital; other glossary terms are left for `add_glosses`.

    >>> plain_terms("Hypertension harms renal arteries and can lead to renal failure.")
    'High blood pressure harms kidney arteries and can lead to renal failure.'
    >>> plain_terms("Hypertension, also called high blood pressure, often has no symptoms.")
    'Hypertension, also called high blood pressure, often has no symptoms.'
    """
    g = glossary or default()

    def swap(m: re.Match[str]) -> str:
        plain = g.plain.get(m.group(0).lower())
        # Inside parentheses the term is the source's own explanation ("a heart attack
        # (myocardial infarction)"): swapping it would only repeat the words before it. So
        # would a term the sentence names beside its everyday words ("X, also called Y").
        if plain is None or _inside_parentheses(m.string, m.start()) or \
                _named_beside(m.string, m.start(), m.end(), plain):
            return m.group(0)
        return plain[:1].upper() + plain[1:] if m.group(0)[:1].isupper() else plain

    return g._plain_re.sub(swap, sentence)


_APPOSITION = r"\s*,?\s*(?:(?:also |sometimes |often |commonly )?(?:called|known as)|or|i\.e\.)\s+"


def _named_beside(sentence: str, start: int, end: int, plain: str) -> bool:
    """Whether the term at sentence[start:end] is paired with its everyday words `plain` by an
    apposition: "hypertension, also called high blood pressure", "heart attack, or myocardial
    infarction"."""
    words = re.escape(plain.lower())
    after = re.match(_APPOSITION + words + r"\b", sentence[end:].lower())
    before = re.search(r"\b" + words + _APPOSITION + r"$", sentence[:start].lower())
    return bool(after or before)


def lay(sentence: str, glossary: Glossary | None = None) -> str:
    """`simplify` then `plain_terms`: the everyday wording of a quoted sentence, before glosses.
    The grounding check rebuilds a lay sentence from its quote with this function."""
    return plain_terms(simplify(sentence, glossary), glossary)


def strip_glosses(sentence: str, glossary: Glossary | None = None) -> str:
    """The sentence without the " (gloss)" insertions `add_glosses` makes (any parenthesis whose
    text is a gloss of the glossary).

    >>> strip_glosses("Hypomagnesemia (low magnesium in the blood) is rare.")
    'Hypomagnesemia is rare.'
    """
    g = glossary or default()
    known = g._glosses
    return re.sub(r"\s*\(([^()]*)\)",
                  lambda m: "" if m.group(1).strip().lower() in known else m.group(0), sentence)

