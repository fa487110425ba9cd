"""The grounding contract, as functions used at run time (every answer) and in tests.

An answer is grounded when:

1. every sentence (Claim) cites at least one reference number;
2. every reference number points to a reference, and every quote of a claim points to a
   passage that retrieval returned for this question;
3. every quote is exact: `source_text[start:end] == quote`;
4. every number in a sentence appears in a passage it cites;
5. negation words are preserved: a sentence holds no negation that its quotes lack, and
   loses none that they hold (for the extractive writer; the LLM writer must only not add one);
6. (extractive writer) every sentence is its quotes, word for word, up to the glossary's lay
   edits: rewording the quotes with `medcite.glossary.lay` and removing the "(gloss)"
   insertions from both gives the same words (`traceable`).

Abstention (`has_evidence`): the answer abstains unless some retrieved passage covers the
question's *topic* — the focus entities from query analysis (an entity counts when all its
words occur), or else each content word of the question minus generic question words
("amount", "treatment", "cause"...). A passage supports the topic when it covers at least half
of the topic units (after stemming), and at least one of them. The generic words are excluded because every medical passage mentions
"treatment" or "symptoms"; without that rule a magnesium library "answers" a glioblastoma question.

>>> numbers("Keep it under 350 mg, or 1,000 mg in 2 doses.")
['350', '1000', '2']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from .models import Answer, Hit, QueryAnalysis


def _wordset(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# Digits with optional thousands separators and decimals; fractions such as ½ count as numbers.
_NUMBER = re.compile(r"(?<![A-Za-z])\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[½¼¾⅓⅔]")
NEGATIONS = _wordset(
    "no not never none nor neither without cannot can't won't don't doesn't didn't isn't "
    "aren't wasn't weren't shouldn't couldn't wouldn't mustn't hasn't haven't hadn't unable "
    "nothing nobody")
_WORD = re.compile(r"[a-z0-9]+(?:['\u2019][a-z]+)?")
STOPWORDS = _wordset(
    "a an the and or but if of to in on at by for with from as is are was were be been being "
    "do does did can could should would may might will shall must have has had having i me my "
    "we our you your he she it its they them their this that these those what which who whom "
    "whose when where why how about into over under than then there here so such very much many "
    "more most some any all each other also just only too get got please thank thanks hi hello "
    "dear know tell want need like im i'm ive i've am")
# Question words that name the *kind* of answer, not its topic (see module docstring).
GENERIC_TERMS = _wordset(
    "amount amounts dose doses dosage much many level levels cause causes caused causing "
    "treatment treatments treat treating cure therapy symptom symptoms sign signs risk risks "
    "prevent prevention effect effects side safe safety normal high low range take taking "
    "help helps good bad best way ways long often happen happens mean means use used "
    "information info question problem problems disease diseases condition conditions "
    "medicine medication medications drug drugs doctor test tests type types")

_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def numbers(text: str) -> list[str]:
    """Numbers in `text`, thousands separators removed, in order of appearance."""
    return [m.group(0).replace(",", "") for m in _NUMBER.finditer(text)]


def negations(text: str) -> list[str]:
    """Negation words of `text`, lower-cased ("not", "never", "don't"...), in order."""
    lowered = text.lower().replace("\u2019", "'")
    return [w for w in _WORD.findall(lowered) if w in NEGATIONS]


def terms(text: str) -> set[str]:
    """Stemmed content words of `text` (stopwords dropped)."""
    return {stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1}


def containment(a: set[str], b: set[str]) -> float:
    """|a & b| / |a| (0 when either is empty): how much of statement `a` statement `b` already
    says. Jaccard misses a short sentence inside a long one.

    >>> containment({"specific", "disease"}, {"dementia", "memory", "specific", "disease"})
    1.0
    """
    return len(a & b) / len(a) if a and b else 0.0


REPEAT_CONTAINMENT = 0.8  # a sentence this much inside another says nothing new


def restates(a_terms: set[str], a_negations: list[str], b_terms: set[str],
             b_negations: list[str]) -> bool:
    """Whether sentence a says nothing that sentence b does not: a's content words (two or
    more) are nearly all in b, with the same negations ("It is not a specific disease." after
    "Dementia is not a specific disease."). Not symmetric: a longer sentence that contains a
    short one adds to it. Different negations are different claims, however many words they
    share.

    >>> restates({"specific", "disease"}, ["not"], {"dementia", "specific", "disease"}, ["not"])
    True
    >>> restates({"dementia", "specific", "disease"}, ["not"], {"specific", "disease"}, ["not"])
    False
    >>> restates({"specific", "disease"}, [], {"dementia", "specific", "disease"}, ["not"])
    False
    """
    if len(a_terms) < 2 or sorted(a_negations) != sorted(b_negations):
        return False
    return containment(a_terms, b_terms) >= REPEAT_CONTAINMENT


def topic_terms(question: str, analysis: QueryAnalysis | None = None) -> set[str]:
    """The terms an answer must be about (focus entities, else non-generic content words)."""
    if analysis is not None and analysis.focus:
        found = set().union(*(terms(f) for f in analysis.focus)) - {stem(g) for g in GENERIC_TERMS}
        if found:
            return found
    generic = {stem(g) for g in GENERIC_TERMS}
    words = [w for w in _WORD.findall(question.lower())
             if w not in STOPWORDS and len(w) > 2 and not w.isdigit()]
    return {stem(w) for w in words} - generic


def topic_units(question: str, analysis: QueryAnalysis | None = None) -> list[set[str]]:
    """What coverage is counted over: one unit per focus entity (all its words must occur),
    else one unit per topic word.

    >>> sorted(map(sorted, topic_units("q", QueryAnalysis("q", "q", focus=["muscle twitching"]))))
    [['muscl', 'twitch']]
    """
    generic = {stem(g) for g in GENERIC_TERMS}
    if analysis is not None and analysis.focus:
        units = [terms(f) - generic for f in analysis.focus]
        units = [u for u in units if u]
        if units:
            return units
    return [{t} for t in sorted(topic_terms(question, analysis))]


def topic_names(question: str, analysis: QueryAnalysis | None = None) -> list[list[set[str]]]:
    """`topic_units`, each with the other ways of naming it: a focus entity is named by all
    the words of its canonical name or of one of its other names (`QueryAnalysis.names`: the
    reader's "flu" for "influenza"); a topic word only by itself.

    >>> a = QueryAnalysis("q", "q", focus=["influenza"], names={"influenza": ["the flu"]})
    >>> [[sorted(n) for n in unit] for unit in topic_names("q", a)]
    [[['influenza'], ['flu']]]
    """
    named = [unit for _, unit in _focus_names(analysis)]
    return named or [[{t}] for t in sorted(topic_terms(question, analysis))]


def _focus_names(analysis: QueryAnalysis | None) -> list[tuple[str, list[set[str]]]]:
    """Each focus entity with the word sets that name it: its canonical name's, then its other
    names' (generic words left out; entities with no specific word are skipped)."""
    if analysis is None:
        return []
    generic = {stem(g) for g in GENERIC_TERMS}
    out = []
    for name in analysis.focus:
        unit = terms(name) - generic
        if unit:
            others = [terms(n) - generic for n in analysis.names.get(name, [])]
            out.append((name, [unit, *[o for o in others if o and o != unit]]))
    return out


def names_any(unit: list[set[str]], have: set[str],
              short: dict[frozenset[str], str] | None = None) -> bool:
    """Whether words `have` name the topic unit by one of its names (or its initialism)."""
    return any(name <= have for name in unit) or bool(
        short and short.get(frozenset(unit[0]), "\0") in have)


def initialisms(analysis: QueryAnalysis | None) -> dict[frozenset[str], str]:
    """Topic unit -> the initialism that also names it, for focus entities of 3+ words: a page
    that says only "COPD" is about "chronic obstructive pulmonary disease".

    >>> list(initialisms(QueryAnalysis("q", "q", focus=["chronic obstructive pulmonary disease"])
    ...                  ).values())
    ['copd']
    """
    generic = {stem(g) for g in GENERIC_TERMS}
    out: dict[frozenset[str], str] = {}
    for focus in (analysis.focus if analysis is not None else []):
        words = [w for w in re.findall(r"[a-z]+", focus.lower()) if w not in STOPWORDS]
        unit = terms(focus) - generic
        if len(words) >= 3 and unit:
            out[frozenset(unit)] = stem("".join(w[0] for w in words))
    return out


def uncovered_focus(hits: Iterable[Hit], analysis: QueryAnalysis | None) -> list[str]:
    """The focus entities of the question that no passage of `hits` names (every word of the
    entity, or its initialism, in the passage, its title or heading): what an answer built
    from these hits cannot speak to ("can I take ibuprofen with high blood pressure?" against
    a library with nothing on ibuprofen).

    >>> from medcite.models import Passage, Source
    >>> hit = Hit(Passage("p", "s", 0, "", "High blood pressure often has no symptoms.", 0, 41),
    ...           Source("s", "High blood pressure"), 1.0)
    >>> uncovered_focus([hit], QueryAnalysis("q", "q", focus=["ibuprofen", "high blood pressure"]))
    ['ibuprofen']
    """
    named = _focus_names(analysis)
    if not named:
        return []
    short = initialisms(analysis)
    said = [terms(h.passage.text) | terms(h.source.title) | terms(h.passage.section)
            for h in hits]
    return [name for name, unit in named
            if not any(names_any(unit, have, short) for have in said)]


@dataclass
class EvidenceCheck:
    """Whether the hits hold evidence on the topic, and how much of it the best passage covers."""

    ok: bool
    topic: set[str]
    best_coverage: float
    supporting: list[str]  # passage ids that pass the coverage rule


MIN_TOPIC_COVERAGE = 0.5


def has_evidence(question: str, hits: list[Hit], analysis: QueryAnalysis | None = None,
                 min_coverage: float = MIN_TOPIC_COVERAGE) -> EvidenceCheck:
    """Apply the abstention rule of the module docstring to `hits`.

    >>> has_evidence("how is glioblastoma treated?", []).ok
    False
    """
    topic = topic_terms(question, analysis)
    if not hits:
        return EvidenceCheck(False, topic, 0.0, [])
    if not topic:  # nothing specific was asked; any retrieved passage is on topic
        return EvidenceCheck(True, topic, 1.0, [h.passage.id for h in hits])
    units = topic_names(question, analysis)
    short = initialisms(analysis)
    best, supporting = 0.0, []
    for hit in hits:
        have = terms(hit.passage.text) | terms(hit.source.title) | terms(hit.passage.section)
        coverage = sum(1 for unit in units if names_any(unit, have, short)) / len(units)
        best = max(best, coverage)
        if coverage >= min_coverage and coverage > 0:
            supporting.append(hit.passage.id)
    return EvidenceCheck(bool(supporting), topic, best, supporting)


def check_answer(answer: Answer, hits: Iterable[Hit], source_texts: Mapping[str, str],
                 strict_negations: bool = True) -> list[str]:
    """Every violation of the contract in `answer`, as one line each (empty list = grounded).

    `source_texts` maps source id -> the stored text the passages' offsets index into.
    """
    retrieved = {h.passage.id: h for h in hits}
    refs = {r.n: r for r in answer.references}
    problems: list[str] = []
    if answer.abstained:
        if answer.references or any(c.citations for c in answer.claims()):
            problems.append("an abstaining answer cites sources")
        return problems
    for ref in answer.references:
        for q in ref.passages:
            problems.extend(_check_quote(q, ref.source_id, retrieved, source_texts))
    for claim in answer.claims():
        label = claim.text[:60]
        if not claim.citations:
            problems.append(f"no citation: {label!r}")
            continue
        cited_passages = []
        for n in claim.citations:
            if n not in refs:
                problems.append(f"citation [{n}] has no reference: {label!r}")
                continue
            cited_passages.extend(retrieved[q.passage_id].passage.text for q in refs[n].passages
                                  if q.passage_id in retrieved)
        if not claim.quotes:
            problems.append(f"no quote: {label!r}")
        for q in claim.quotes:
            if q.passage_id not in retrieved:
                problems.append(f"quote from a passage that was not retrieved: {label!r}")
                continue
            ref_n = next((r.n for r in answer.references
                          if any(p.passage_id == q.passage_id for p in r.passages)), None)
            if ref_n not in claim.citations:
                problems.append(f"quote's reference is not cited: {label!r}")
            problems.extend(_check_quote(q, retrieved[q.passage_id].source.id, retrieved,
                                         source_texts))
        pool = " ".join(cited_passages)
        missing = [x for x in numbers(claim.text) if x not in set(numbers(pool))]
        if missing:
            problems.append(f"number(s) {missing} not in the cited passage: {label!r}")
        quoted = " ".join(q.quote for q in claim.quotes)
        said, source_said = negations(claim.text), negations(quoted if strict_negations else pool)
        if strict_negations and sorted(said) != sorted(source_said):
            problems.append(f"negation changed ({said} vs {source_said}): {label!r}")
        elif not strict_negations and not set(said) <= set(source_said):
            problems.append(f"negation added ({said}): {label!r}")
        if strict_negations and claim.quotes and not traceable(claim.text, quoted):
            problems.append(f"sentence is not its quote (with lay edits): {label!r}")
    return problems


_TOKEN = re.compile(r"[a-z0-9]+")
# Reference markers of the source's own bibliography: "[3]", "[1, 2]", "[4-6]", superscripts.
_CITATION_MARKER = re.compile(
    r"\s*\[\d+(?:\s*[,\u2013-]\s*\d+)*\]|[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+")


# Bare reference numbers that end a sentence in plain-text copies of web articles: "... may
# need more 3, 4." Only stripped when asked (`bare=True`: the writer asks for passages where
# several sentences end that way), after a word a number could not complete ("aged 6.",
# "at least 6.", "stage 4." stay), and only small whole numbers in increasing order.
_TRAILING_MARKERS = re.compile(r"(?<=[A-Za-z])(\s+)(\d{1,3}(?:\s*,\s*\d{1,3})*)(?=\s*[.;!?]?\s*$)")
# Words a list of numbers can complete ("ages 2, 3"); a single number can complete many more.
_LIST_WORDS = _wordset(
    "age ages aged grade grades stage stages type types level levels day days week weeks month "
    "months year years step steps phase chapter chapters page pages figure table group groups "
    "class classes size sizes score scores jan feb mar apr jun jul aug sep sept oct nov dec "
    "january february march april may june july august september october november december")
_NUMBER_WORDS = _LIST_WORDS | _wordset(
    "is are was were be been of to than least most about around approximately nearly almost "
    "age aged ages under over from and or by at with after before grade grades stage stages "
    "type types level levels step steps day days week weeks month months year years hour hours "
    "minute minutes phase chapter number numbers no score scores between per in on for up "
    "size sizes dose doses times class classes group groups figure table page pages version "
    "reached exceed exceeds below above within only just even factor rank category")


def strip_citation_markers(text: str, bare: bool = False) -> str:
    """`text` without the source's reference markers, which would read as our citations or
    as numbers of the answer.

    >>> strip_citation_markers("Cramps are common [3] in pregnancy [1, 2].")
    'Cramps are common in pregnancy.'
    >>> strip_citation_markers("Athletes may need more 3, 4.", bare=True)
    'Athletes may need more.'
    >>> strip_citation_markers("Start at age 6.", bare=True)
    'Start at age 6.'
    """
    text = _CITATION_MARKER.sub("", text)
    match = _TRAILING_MARKERS.search(text) if bare else None
    if match:
        before = text[:match.start()].split()
        values = [int(v) for v in re.findall(r"\d+", match.group(2))]
        words = _LIST_WORDS if len(values) > 1 else _NUMBER_WORDS
        if (before and before[-1].lower().strip("(") not in words
                and values == sorted(values) and max(values) <= 300):
            text = text[:match.start()] + text[match.end():]
    return text


def ends_with_bare_markers(sentence: str) -> bool:
    """True when `strip_citation_markers(sentence, bare=True)` would drop trailing numbers."""
    return strip_citation_markers(sentence, bare=True) != strip_citation_markers(sentence)


def traceable(text: str, quoted: str) -> bool:
    """True when `text` is `quoted`, word for word, up to the glossary's lay edits (everyday
    words for formal or medical ones, "(gloss)" insertions); case and punctuation are ignored.

    >>> traceable("High blood pressure (high blood pressure) harms kidneys.",
    ...           "Hypertension harms kidneys")
    True
    >>> traceable("Low blood pressure harms kidneys.", "Hypertension harms kidneys")
    False
    """
    try:
        from .glossary import lay, strip_glosses
    except ImportError:  # no glossary: no lay edits either
        said = _TOKEN.findall(strip_citation_markers(text).lower())
        return any(said == _TOKEN.findall(strip_citation_markers(quoted, bare).lower())
                   for bare in (False, True))
    said = _TOKEN.findall(strip_citation_markers(strip_glosses(text)).lower())
    for bare in (False, True):
        plain = strip_citation_markers(quoted, bare)
        if said in (_TOKEN.findall(strip_glosses(lay(plain)).lower()),
                    _TOKEN.findall(strip_glosses(plain).lower())):
            return True
    return False


def _check_quote(q, source_id: str, retrieved: Mapping[str, Hit],
                 source_texts: Mapping[str, str]) -> list[str]:
    if q.passage_id not in retrieved:
        return [f"reference quotes passage {q.passage_id}, which was not retrieved"]
    passage = retrieved[q.passage_id].passage
    text = source_texts.get(source_id)
    if text is None:
        return [f"no stored text for source {source_id}"]
    if text[q.start:q.end] != q.quote:
        return [f"quote offsets {q.start}-{q.end} do not match source {source_id}"]
    if not (passage.start <= q.start and q.end <= passage.end):
        return [f"quote {q.start}-{q.end} lies outside passage {q.passage_id}"]
    return []
