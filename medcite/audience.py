"""Audience rendering: the same claims and citations, worded for a patient, caregiver or clinician.

What changes, and what never does:

- patient / caregiver: a long sentence is cut at a main-clause boundary ("; ", ", but ...",
  ", and ..." followed by a verb; never before "when", "if", "which"..., never inside a list)
  into shorter sentences, and an inline list ("Signs include: - Fever - Chills") into its
  items, each cut piece still an exact quoted span of the source;
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

from .grounding import negations, restates, strip_citation_markers, terms
from .text import list_points, word_count
from .writers import DraftClaim, Span

AUDIENCES = ("patient", "caregiver", "clinician")
LAY_AUDIENCES = ("patient", "caregiver")
SPLIT_OVER_WORDS = 10  # sentences longer than this are cut for lay readers
_MIN_PIECE_WORDS = 4
# Only boundaries after which a full clause follows: "; " or ", but/and/or/so" + a finite verb
# within a few words. Subordinate clauses (", or when ...", ", although ...", ", which ...")
# and list items (", and fatigue are ...", "had a heart attack; stroke; or coma") would be
# fragments, so no cut there.
_VERB = (r"(?:is|are|was|were|can|cannot|can't|may|might|will|won't|should|could|would|must|"
         r"has|have|had|does|do|did|doesn't|don't|isn't|aren't|"
         r"causes?|helps?|makes?|needs?|includes?|becomes?|leads?|affects?|occurs?|develops?|"
         r"gets?|takes?|usually|often|also|rarely)")
_BOUNDARY = re.compile(
    rf";\s+(?!(?:or|and|but)?\s*(?:when|if|because|although|though|while|which|who|whom|"
    rf"whose|where|that|unless|until|as)\b)(?=(?:[\w'(),-]+\s+){{0,5}}?{_VERB}\b|(?:however|"
    rf"therefore|thus|instead|otherwise|consequently|in addition|as a result|for example|"
    rf"for instance)\b)|"
    rf",\s+(?=(?:but|and|or|so)\s+(?:[\w'-]+\s+){{0,3}}?{_VERB}\b)",
    re.IGNORECASE)
_SUBORDINATE_START = re.compile(
    r"\s*(?:(?:or|and|but)\s+)?(?:when|if|because|although|though|while|which|who|whom|whose|"
    r"where|that|unless|until|whereas|since)\b", re.IGNORECASE)


def split_points(text: str) -> list[int]:
    """Offsets in `text` where a lay rendering may start a new sentence (after the boundary)."""
    points = []
    for m in _BOUNDARY.finditer(text):
        # A comma before the boundary in the same clause marks a list ("fever, aches, and
        # fatigue are ..."): cutting there would leave "And fatigue are ..." as a fragment.
        clause = text[(points[-1] if points else 0):m.start()]
        if m.group(0).startswith(",") and "," in clause:
            continue
        if _SUBORDINATE_START.match(text, m.end()):
            continue
        points.append(m.end())
    return points


def render_claim(claim: DraftClaim, audience: str, seen: set[str] | None = None,
                 taken: set[tuple[str, int]] | None = None,
                 said: list[tuple[DraftClaim, set[str], list[str]]] | None = None,
                 ) -> list[DraftClaim]:
    """The claim as one or more claims for `audience` (see the module docstring).

    `seen` collects the terms already glossed in this answer (each is glossed once); `taken`
    the (passage id, start) of every span shown so far, so a plainer alternate is never shown
    twice; `said` what the answer's other claims state (see `plainest`).
    """
    if audience not in LAY_AUDIENCES:
        return [claim]
    claim = plainest(claim, taken if taken is not None else set(), said)
    pieces = _split(claim) if len(claim.spans) == 1 else [claim]
    seen = set() if seen is None else seen
    return [DraftClaim(lay_words(p.text, seen), p.spans) for p in pieces]


def plainest(claim: DraftClaim, taken: set[tuple[str, int]],
             said: list[tuple[DraftClaim, set[str], list[str]]] | None = None) -> DraftClaim:
    """The claim, or its plainest alternate not shown yet (the writer vouches that both state
    the same numbers and negations from the same source; see `DraftClaim.alternates`).

    `said` holds (claim, terms, negations) for every claim of the answer: an alternate that
    restates another claim ("It is not a specific disease." where a key point already says
    "Dementia is not a specific disease.") is passed over, and a chosen one joins `said`.
    """
    for alt in claim.alternates:
        key = (alt.spans[-1].hit.passage.id, alt.spans[-1].start)
        if key in taken:
            continue
        words, nots = terms(alt.text), negations(alt.text)
        if said is not None and any(restates(words, nots, t, n) or restates(t, n, words, nots)
                                    for owner, t, n in said if owner is not claim):
            continue
        taken.add(key)
        if said is not None:
            said.append((claim, words, nots))
        return alt
    return claim


_QUALIFIER = re.compile(r"\s*(?:if|unless|when|except|in|for|among|during|after|before|although|"
                        r"while|with|without|once|until)\b", re.IGNORECASE)
_ITEM_TAIL = re.compile(r"(?:[;,]\s*(?:and|or))?[\s;,-]*$")


def _split(claim: DraftClaim) -> list[DraftClaim]:
    span = claim.spans[0]
    text = span.text
    if word_count(text) <= SPLIT_OVER_WORDS:
        return [claim]
    # The claim is its span, maybe without the source's reference markers (bare ones too).
    bare = next((b for b in (False, True) if claim.text.split()
                 == _capital(" ".join(strip_citation_markers(text, b).split())).split()), None)
    if bare is None:
        return [claim]
    # A leading qualifier ("In people with kidney disease, ...", "If ...") may govern every
    # clause: cutting would leave later pieces without it, so such sentences stay whole, but
    # for the items of a list its lead introduces ("If you have any of these, call your
    # doctor: chest pain; fainting"): the lead is shown first and the items under it.
    qualified = bool(_QUALIFIER.match(text))
    cuts, last = [], 0
    items = list_points(text)
    for point in sorted(set(items) if qualified else {*split_points(text), *items}):
        head, tail = text[last:point], text[point:]
        if point in items or (word_count(head) >= _MIN_PIECE_WORDS
                              and word_count(tail) >= _MIN_PIECE_WORDS):
            cuts.append(point)
            last = point
    if not cuts:
        return [claim]
    out, a = [], 0
    for b in [*cuts, len(text)]:
        piece = text[a:b]
        # the separator before the next item goes with it ("...; or" of "a; or b")
        stripped = _ITEM_TAIL.sub("", piece)
        lead = len(piece) - len(piece.lstrip())
        start = span.start + a + lead
        end = span.start + a + len(stripped)
        quote_text = text[a + lead:a + len(stripped)]
        shown = _capital(" ".join(strip_citation_markers(quote_text, bare).split()))
        if not shown.endswith((".", "!", "?", ":")):
            shown += "."
        out.append(DraftClaim(shown, [Span(span.hit, start, end)]))
        a = b
    return out


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def lay_words(text: str, seen: set[str]) -> str:
    """Everyday words for formal ones and for medical terms that have one, then a lay gloss
    after a remaining medical term's first use (`medcite.glossary`: never touches numbers,
    units, negations or hedges)."""
    try:
        from .glossary import add_glosses, lay
    except ImportError:  # the glossary is optional
        return text
    return add_glosses(lay(text), seen)


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
