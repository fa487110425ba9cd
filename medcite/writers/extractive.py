"""The default writer: picks sentences from retrieved passages; never writes a word of its own.

Each sentence of each retrieved passage is a candidate, scored by (weights below, kept small and
round on purpose — they were set by reading answers on the seed and starter libraries, never on
benchmark questions):

- term overlap with the question (topic terms count double; query expansions count with their
  weight), plus a little credit for the overlap of the whole passage (a sentence saying "It can
  cause..." inherits its passage's subject);
- cue words of the question type (dose questions want "mg", "daily", "limit"...);
- a number with a unit, when the question asks for an amount or a threshold (and a sentence
  without one counts for 0.6 of its score then: "how much" is not answered without a number);
- how many of the question's focus entities it names (itself or through its source's title);
- the retrieval rank of its passage, and its position in the passage (first sentences define);
- the evidence type of its source (for the bottom line and guidelines).

Sentences are then chosen by Maximal Marginal Relevance (Carbonell & Goldstein, "The use of MMR,
diversity-based reranking for reordering documents and producing summaries", SIGIR 1998):
next = argmax over candidates of  lambda * relevance - (1 - lambda) * max similarity to those chosen.
A candidate that restates a chosen sentence (word-set Jaccard over 0.6, or its own words nearly
all inside the chosen one with the same negations: `repeats`) is never chosen.

Allowed edits: a bullet marker or a leading discourse word ("However,", "In addition,") is trimmed
from the quoted span, the source's reference markers ("[3]") are dropped from the text, and the
first letter capitalised. Numbers, negations and qualifiers are
never touched: the claim text is the quote itself.

>>> mmr_score(0.9, 0.5, lam=0.7)
0.48
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..grounding import (
    STOPWORDS,
    ends_with_bare_markers,
    initialisms,
    names_any,
    negations,
    numbers,
    restates,
    stem,
    strip_citation_markers,
    terms,
    topic_names,
    topic_terms,
)
from ..models import EvidenceType, Hit, QueryAnalysis
from ..text import list_words, seam_spans, sentence_spans, word_count
from . import Draft, DraftClaim, DraftSection, Span

# Evidence types whose sentences may appear under "From the guidelines": practice guidelines
# (which, by medcite.evidence, include consensus-conference statements). Patient-education pages
# are authoritative but are not guidelines; they lead "Key points" instead.
GUIDELINE_TYPES = frozenset({EvidenceType.PRACTICE_GUIDELINE})
# Evidence types grouped under "From the research".
RESEARCH_TYPES = frozenset({
    EvidenceType.SYSTEMATIC_REVIEW, EvidenceType.RANDOMIZED_TRIAL,
    EvidenceType.OBSERVATIONAL_STUDY, EvidenceType.CASE_REPORT, EvidenceType.ANIMAL_LAB_STUDY,
})

# Stems of words that signal a sentence answers a question of this type.
QTYPE_CUES: dict[str, frozenset[str]] = {k: frozenset(stem(w) for w in v.split()) for k, v in {
    "dose": "mg mcg µg gram grams dose doses dosage intake daily day allowance limit upper "
            "amount supplement supplements take taking recommended maximum rda",
    "threshold": "level levels below above exceed exceeds blood serum normal range mg/dl "
                 "mmol/l meq/l concentration high low",
    "symptoms": "symptom symptoms sign signs feel feeling pain may include experience",
    "causes": "cause causes caused due result results lead leads trigger because factor",
    "treatment": "treat treatment treated therapy medication medicine drug surgery manage "
                 "management relieve options",
    "prevention": "prevent prevention avoid reduce lower risk vaccine screening protect",
    "diagnosis": "diagnose diagnosis diagnosed test tests exam imaging blood scan biopsy",
    "side_effects": "side effect effects adverse reaction reactions toxicity risk",
    "interactions": "interact interaction interactions combined together alongside",
    "risk": "risk risks chance likely factor factors increase inherit inherited inheritance "
            "hereditary genetic gene genes family families familial",
    "prognosis": "outlook prognosis survival life expectancy recover recovery",
    "definition": "is are called refers means defined type condition disorder",
    "comparison": "than compared versus differ difference better",
}.items()}
# "When to get help": a sentence that tells the reader to get care (an action), or says to act
# "right away" about care. "Emergency Use Authorization" or "throw used tissues away right
# away" are not help.
_HELP = re.compile(
    r"\b(call (?:911|9-1-1|an ambulance|your (?:doctor|provider|health ?care|nurse))|"
    r"(?:go to|visit) (?:the|an) (?:emergency|hospital|er\b)|emergency (?:room|department|care|"
    r"services|number|medical|help|treatment)|medical emergency|seek (?:immediate |prompt |urgent "
    r")?(?:medical )?(?:care|help|attention|treatment)|(?:see|contact|call) (?:a|your) (?:doctor|"
    r"provider|health ?care|nurse|physician)|talk (?:to|with) (?:a|your) (?:doctor|provider|"
    r"health ?care|nurse|physician)|get (?:medical|emergency) (?:help|care|attention)|"
    r"urgent care)\b", re.IGNORECASE)
_HELP_SOON = re.compile(r"\b(?:right away|immediately|at once|as soon as possible|urgent(?:ly)?)\b",
                        re.IGNORECASE)
_CARE_WORD = re.compile(r"\b(?:call|doctor|provider|nurse|physician|911|hospital|emergency|"
                        r"medical (?:care|help|attention|treatment)|clinic)\b", re.IGNORECASE)


def is_help(text: str) -> bool:
    """Whether `text` tells the reader when or how to get care.

    >>> is_help("Call your doctor right away if the rash spreads.")
    True
    >>> is_help("Throw used tissues in the bin right away.")
    False
    >>> is_help("Emergency Use Authorization of medical products")
    False
    """
    return bool(_HELP.search(text) or (_HELP_SOON.search(text) and _CARE_WORD.search(text)))
_LEAD = re.compile(
    r"^(?:[-*\u2022]\s+|\d+[.)]\s+|(?:however|also|additionally|in addition|furthermore|moreover|"
    r"on the other hand|therefore|thus|in fact|overall|importantly|notably|for example|"
    r"for instance|in summary|in conclusion)\s*,\s*)", re.IGNORECASE)
_NUMBER_QTYPES = {"dose", "threshold"}
_BULLET = re.compile(r"[-*\u2022]\s+|\d+[.)]\s+")


def mmr_score(relevance: float, max_similarity: float, lam: float = 0.7) -> float:
    """Maximal Marginal Relevance (Carbonell & Goldstein 1998): lam*rel - (1-lam)*max_sim."""
    return round(lam * relevance - (1 - lam) * max_similarity, 6)


def jaccard(a: set[str], b: set[str]) -> float:
    """|a & b| / |a | b| (0 for two empty sets)."""
    return len(a & b) / len(a | b) if a or b else 0.0


def repeats(a: Candidate, b: Candidate) -> bool:
    """`restates` for two candidate sentences: a says nothing b has not."""
    return restates(a.terms, negations(a.text), b.terms, negations(b.text))


@dataclass
class Candidate:
    """One sentence of a retrieved passage, with its score features."""

    hit: Hit
    rank: int  # 1-based retrieval rank of its passage
    start: int  # offsets into the source text
    end: int
    text: str
    terms: set[str]
    position: int  # sentence index inside the passage
    relevance: float = 0.0
    numbers: list[str] = field(default_factory=list)
    lead: tuple[int, int] | None = None  # source offsets of a list lead-in ("Call 911 if:")
    bare_markers: bool = False  # its passage ends sentences with bare reference numbers

    @property
    def etype(self) -> EvidenceType:
        return self.hit.source.evidence_type

    def span(self) -> Span:
        return Span(self.hit, self.start, self.end)

    def claim(self) -> DraftClaim:
        text = self.text[0].upper() + self.text[1:] if self.text[0].islower() else self.text
        # Line breaks inside a quoted sentence read as spaces; the source's own reference
        # markers ("[3]") would read as our citations, so they go (the quote keeps them).
        text = " ".join(strip_citation_markers(text, self.bare_markers).split())
        if self.lead is None:
            return DraftClaim(text, [self.span()])
        # A list item read with its lead-in: "Seek care immediately if: You have a seizure."
        lead = Span(self.hit, *self.lead)
        return DraftClaim(" ".join(f"{lead.text} {text}".split()), [lead, self.span()])


def query_weights(question: str, analysis: QueryAnalysis) -> dict[str, float]:
    """Stem -> weight of what the answer should talk about."""
    weights: dict[str, float] = {t: 1.0 for t in terms(analysis.question or question)}
    for t in topic_terms(question, analysis):
        weights[t] = 2.0
    for phrase, w in analysis.expansions.items():
        for t in terms(phrase):
            weights[t] = max(weights.get(t, 0.0), min(float(w), 1.0))
    return weights


def candidates(question: str, analysis: QueryAnalysis, hits: list[Hit]) -> list[Candidate]:
    """Every usable sentence of `hits`, scored (see the module docstring)."""
    weights = query_weights(question, analysis)
    total = sum(weights.values()) or 1.0
    cues = QTYPE_CUES.get(analysis.qtype, frozenset())
    wants_numbers = analysis.qtype in _NUMBER_QTYPES
    units = topic_names(question, analysis) or [[set()]]
    short = [(init, set(unit)) for unit, init in initialisms(analysis).items()]

    def named(found: set[str]) -> set[str]:  # "COPD" names all of its full name's words
        return found.union(*(unit for init, unit in short if init in found))

    out: list[Candidate] = []
    for rank, hit in enumerate(hits, start=1):
        p = hit.passage
        title_terms = terms(hit.source.title)
        passage_terms = named(terms(p.text))
        passage_overlap = sum(w for t, w in weights.items() if t in passage_terms) / total
        rank_weight = 1.0 / (1.0 + 0.05 * (rank - 1))
        lead: tuple[int, int] | None = None
        # Sentences, cut where a page flattened to one line glued a heading between two
        # ("... Sore throat When to see a doctor Most people ..."); the headings themselves
        # state nothing and end any list before them.
        spans = [piece for x, y in sentence_spans(p.text) for piece in seam_spans(p.text, x, y)]
        # "... may need more 3, 4." twice or more in a passage: a numbered-reference style.
        bare = sum(ends_with_bare_markers(p.text[x:y]) for x, y, _ in spans) >= 2
        for position, (a, b, heading) in enumerate(spans):
            if heading:
                lead = None
                continue
            is_item = bool(_BULLET.match(p.text, a))
            new_line = a == 0 or "\n" in p.text[max(0, a - 3):a]
            a, text = _trim(p.text, a, b)
            if text.endswith(":") and not is_item:
                lead = (p.start + a, p.start + b)
            elif not is_item and new_line:  # a new paragraph ends the list
                lead = None
            n_words = word_count(text)
            if n_words < 4 or n_words > 70 or text.endswith((":", "?")) or not text[0].isalnum():
                continue
            if is_navigation(text):  # links, listings and page furniture answer nothing
                continue
            item_lead = lead if is_item and lead and lead[1] - lead[0] <= 200 else None
            help_text = text if item_lead is None else p.text[item_lead[0] - p.start:b]
            sent_terms = named(terms(text))
            overlap = sum(w for t, w in weights.items() if t in sent_terms) / total
            if overlap == 0 and not is_help(help_text):  # "seek care" lines stay for help
                continue
            cue = len(cues & sent_terms) / 3 if cues else 0.0
            nums = numbers(text)
            covered = sum(1 for u in units if names_any(u, sent_terms | title_terms)) / len(units)
            quantity = bool(wants_numbers and nums and has_quantity(text))
            score = (overlap + 0.3 * passage_overlap + 0.25 * min(cue, 1.0) + 0.3 * covered
                     + (0.3 if quantity else 0.0))
            if wants_numbers and not quantity:  # "what amount" is not answered without one
                score *= 0.6
            score *= rank_weight * (1.0 - 0.03 * min(position, 5))
            # Long sentences read badly in an answer (and raise its grade); an inline list
            # reads as its lead and items, each on its own line for lay readers.
            read_words = list_words(text)
            if read_words > 25:
                score *= 0.85 if read_words <= 35 else 0.7
            out.append(Candidate(hit, rank, p.start + a, p.start + b, text, sent_terms,
                                 position, score, nums, item_lead, bare))
    return out


_NAV_WORDS = re.compile(
    r"\b(?:click (?:here|on)|following links?|links? below|see (?:the|a) list of|visit (?:our|the)"
    r" (?:web ?site|page)|web ?(?:page|site)s?|download|subscribe|podcast|webinar|back to top|"
    r"share this|print this|"
    r"sign up|e-?mail updates|skip to|table of contents)\b|https?://|www\.|"
    r"\b[a-z][\w-]*\.(?:gov|org|com|net|edu)\b", re.IGNORECASE)
# A sentence about the page rather than the health topic: where its information comes from,
# a table or list "below", a dictionary to look words up in, when the page was updated.
_SELF_REFERENCE = re.compile(
    r"\b(?:(?:much of )?(?:this|the) information (?:on this page |here )?(?:comes|came|is taken|"
    r"was taken|is adapted|was adapted|is drawn|was drawn)|the (?:table|list|chart) (?:below|above)"
    r" (?:includes|shows|lists|gives)|look up the (?:meaning|definitions?) of|medical dictionary|"
    r"this (?:page|article|fact sheet|summary|section) (?:was|is|has been) (?:last )?(?:updated|"
    r"reviewed|written|produced|adapted)|last (?:updated|reviewed) (?:on|in)|provides? the "
    r"following (?:list|table)|these resources "
    r"(?:address|provide|offer|include|list|may|can)\b)", re.IGNORECASE)
# A listing's date stamp at the end of a line: "... Influenza Season Oct 19".
_DATE_STAMP = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\.? \d{1,2}"
                         r"(?:, \d{4})?\W*$", re.IGNORECASE)


def is_navigation(text: str) -> bool:
    """True for page furniture rather than prose: links, listings of titles, navigation.

    A line is furniture when it points elsewhere ("click here", a web address, "Podcast"),
    talks about the page itself ("this information comes from...", "the table below shows"),
    ends in a listing's date stamp, or reads as run-together titles: most of its words
    capitalised and few function words.

    >>> is_navigation("Radio Show: Three Ways to Beat the Flu Nov 2")
    True
    >>> is_navigation("Most adults with a cold get better within ten days.")
    False
    >>> is_navigation("Much of this information comes from a national registry.")
    True
    """
    if _NAV_WORDS.search(text) or _DATE_STAMP.search(text) or _SELF_REFERENCE.search(text):
        return True
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", text)]
    if len(words) < 6:
        return False
    capitalised = sum(w[0].isupper() for w in words) / len(words)
    function = sum(w.lower() in STOPWORDS for w in words) / len(words)
    return capitalised >= 0.6 and function <= 0.2


def _trim(passage_text: str, a: int, b: int) -> tuple[int, str]:
    """Drop bullet markers and leading discourse words; returns (new start, text)."""
    text = passage_text[a:b]
    for _ in range(3):  # "- However, ..." has two leads
        match = _LEAD.match(text)
        if not match or match.end() >= len(text):
            break
        a += match.end()
        text = passage_text[a:b]
    return a, text


_QUANTITY_FALLBACK = re.compile(
    r"\d(?:[\d.,]*)\s*(?:-|to)?\s*[\d.,]*\s*(?:mg|mcg|µg|g|mmol|meq|iu|units?|ml|%|percent)\b",
    re.IGNORECASE)


def has_quantity(text: str) -> bool:
    """True when `text` states a number with a unit (not a year, count or citation marker)."""
    try:
        from ..quantities import extract
    except ImportError:
        return bool(_QUANTITY_FALLBACK.search(text))
    return bool(extract(text))


def select(pool: list[Candidate], k: int, lam: float = 0.7, floor: float = 0.0,
           chosen: list[Candidate] | None = None, bonus=None) -> list[Candidate]:
    """Up to `k` candidates by MMR; `chosen` are already used (they count for redundancy)."""
    used = list(chosen or [])
    used_spans = {(c.hit.passage.id, c.start) for c in used}
    picked: list[Candidate] = []
    remaining = [c for c in pool if (c.hit.passage.id, c.start) not in used_spans]
    while remaining and len(picked) < k:
        def gain(c: Candidate) -> float:
            sim = max((jaccard(c.terms, u.terms) for u in used), default=0.0)
            rel = c.relevance + (bonus(c) if bonus else 0.0)
            return mmr_score(rel, sim, lam)

        best = max(remaining, key=gain)
        if best.relevance < floor or any(jaccard(best.terms, u.terms) > 0.6 or repeats(best, u)
                                         for u in used):
            remaining.remove(best)
            if best.relevance < floor:
                break
            continue
        picked.append(best)
        used.append(best)
        remaining.remove(best)
    return picked


_URGENT = re.compile(r"\b(?:911|emergency|immediately|right away|urgent)", re.IGNORECASE)


def _urgency(c: Candidate) -> float:
    """+0.2 for emergency wording (in the sentence or its list lead-in): it goes first."""
    p = c.hit.passage
    lead = p.text[c.lead[0] - p.start:c.lead[1] - p.start] if c.lead else ""
    return 0.2 if _URGENT.search(c.text) or _URGENT.search(lead) else 0.0


def evidence_bonus(c: Candidate) -> float:
    """Up to +0.15 for the strongest evidence types (guidelines first), 0 for web articles."""
    n = len(EvidenceType)
    return 0.15 * (n - 1 - c.etype.rank) / (n - 1)


# Set on MEDIQA-2019 Alexa + validation questions (`medcite eval answers --mediqa`), never on
# the LiveQA dev questions: the bottom line leads with the best-ranked passage whose best
# sentence keeps LEAD_SHARE of the best sentence's score (0.7 -> 0.3: 85 -> 88 of 127 top-cited
# grade >= 3 on eval/mediqa-medquad, 98 -> 102 of 126 on eval/mediqa; flat below 0.3), and its
# other sentences prefer that passage by SAME_PASSAGE, so the passage the bottom line rests on
# is the one retrieval ranked first among those that answer.
LEAD_SHARE = 0.3
SAME_PASSAGE = 0.15


def bottom_line(pool: list[Candidate], k: int, top: float, share: float | None = None,
                same: float | None = None) -> list[Candidate]:
    """The bottom line: a lead sentence from the best-ranked passage that answers well, then up
    to `k - 1` more by MMR (preferring the lead's passage), in reading order."""
    share = LEAD_SHARE if share is None else share
    same = SAME_PASSAGE if same is None else same
    floor = 0.45 * top
    scored = [(c.relevance + evidence_bonus(c), c) for c in pool
              if c.relevance >= min(floor, share * top)]
    if not scored:
        return []
    best = max(s for s, _ in scored)
    lead = min((c for s, c in scored if s >= share * best),
               key=lambda c: (c.rank, -(c.relevance + evidence_bonus(c))))

    def bonus(c: Candidate) -> float:
        return evidence_bonus(c) + (same if c.hit.passage.id == lead.hit.passage.id else 0.0)

    # No other passage may be quoted more often in the bottom line than the lead's own
    # passage (a list item read with its lead-in quotes its passage twice).
    picked, own = [lead], lead.hit.passage.id
    quotes: Counter[str] = Counter({own: 2 if lead.lead else 1})
    for c in select(pool, 2 * k, floor=floor, chosen=[lead], bonus=bonus):
        if len(picked) >= k:
            break
        n = 2 if c.lead else 1
        if c.hit.passage.id == own or quotes[c.hit.passage.id] + n <= quotes[own]:
            picked.append(c)
            quotes[c.hit.passage.id] += n
    return _readable_order(picked)


class ExtractiveWriter:
    """Deterministic sentence selection (see the module docstring)."""

    name = "extractive"

    def __init__(self, bottom_line: int = 4, key_points: int = 4, guidelines: int = 3,
                 themes: int = 3, per_theme: int = 2, help_items: int = 3):
        self.limits = dict(bottom_line=bottom_line, key_points=key_points, guidelines=guidelines,
                           themes=themes, per_theme=per_theme, help_items=help_items)

    def write(self, question: str, analysis: QueryAnalysis, hits: list[Hit]) -> Draft:
        pool = candidates(question, analysis, hits)
        top = max((c.relevance for c in pool), default=0.0)
        if top <= 0:  # nothing in the hits is about the question
            return Draft(writer=self.name)
        lim = self.limits
        sections: list[DraftSection] = []

        bottom = bottom_line(pool, lim["bottom_line"], top)
        sections.append(DraftSection("bottom_line", "Bottom line", [c.claim() for c in bottom]))
        used = list(bottom)

        guide_pool = [c for c in pool if c.etype in GUIDELINE_TYPES]
        guide = select(guide_pool, lim["guidelines"], floor=0.3 * top, chosen=used)
        used += guide
        sections.append(DraftSection("guidelines", "From the guidelines",
                                     [c.claim() for c in _readable_order(guide)]))

        key_pool = [c for c in pool if c.etype not in RESEARCH_TYPES]
        key = select(key_pool, lim["key_points"], floor=0.35 * top, chosen=used)
        used += key
        sections.append(DraftSection("key_points", "Key points",
                                     [c.claim() for c in _readable_order(key)]))

        research_sections, research_used = self._research(pool, used, 0.25 * top)
        sections.extend(research_sections)
        used += research_used

        help_pool = [c for c in pool if is_help(c.text) or (
            c.lead and is_help(c.hit.passage.text[c.lead[0] - c.hit.passage.start:
                                                  c.lead[1] - c.hit.passage.start]))]
        help_items = select(help_pool, lim["help_items"], lam=0.9, chosen=used, bonus=_urgency)
        sections.append(DraftSection("when_to_get_help", "When to get help",
                                     [c.claim() for c in _readable_order(help_items)]))
        add_plainer_alternates(sections, pool, used + help_items)
        return Draft(sections=[s for s in sections if s.items], writer=self.name)

    def _research(self, pool: list[Candidate], used: list[Candidate],
                  floor: float) -> tuple[list[DraftSection], list[Candidate]]:
        """'From the research', one titled group per theme (passage heading, else source title)."""
        research = [c for c in pool if c.etype in RESEARCH_TYPES]
        picked = select(research, self.limits["themes"] * self.limits["per_theme"] * 2,
                        floor=floor, chosen=used)
        themes: dict[str, list[Candidate]] = {}
        for c in picked:
            title = c.hit.passage.section.strip() or c.hit.source.title.strip() or "Studies"
            group = themes.setdefault(_theme_title(title), [])
            if len(group) < self.limits["per_theme"]:
                group.append(c)
        out, kept = [], []
        for i, (title, items) in enumerate(list(themes.items())[: self.limits["themes"]], 1):
            out.append(DraftSection(f"research_{i}", title,
                                    [c.claim() for c in _readable_order(items)]))
            kept.extend(items)
        return out, kept


# Set on MEDIQA-2019 Alexa + validation questions (never on the LiveQA dev questions;
# ALTERNATE_RELEVANCE 0.6 -> 0.5: patient median FK 9.4 -> 9.1, top-cited grade >= 3 101 -> 100
# of 127 on `medcite eval answers --mediqa`):
PLAINER_BY = 1.0  # an alternate must read at least 1 Flesch-Kincaid grade lower
ALTERNATE_RELEVANCE = 0.5  # ... and keep half the chosen sentence's relevance


def add_plainer_alternates(sections: list[DraftSection], pool: list[Candidate],
                           used: list[Candidate], limit: int = 2) -> None:
    """Attach to each chosen claim up to `limit` plainer sentences a lay reader may see instead.

    An alternate comes from the same source (so the citation stays), is not chosen elsewhere,
    states exactly the same numbers and negations (so no fact differs between audiences),
    still tells the reader to get care when the claim does (`is_help`),
    keeps `ALTERNATE_RELEVANCE` of the claim's relevance and reads `PLAINER_BY` grades lower.
    """
    from ..grounding import negations
    from ..readability import grade

    taken = {(c.hit.passage.id, c.start) for c in used}
    by_span = {(c.hit.passage.id, c.start): c for c in used}
    by_source: dict[str, list[Candidate]] = {}
    for c in pool:
        if c.lead is None and (c.hit.passage.id, c.start) not in taken:
            by_source.setdefault(c.hit.source.id, []).append(c)
    graded: dict[tuple[str, int], float] = {}

    def fk(c: Candidate) -> float:
        key = (c.hit.passage.id, c.start)
        if key not in graded:
            graded[key] = float(grade(c.text))
        return graded[key]

    for section in sections:
        for claim in section.items:
            span = claim.spans[-1]
            chosen = by_span.get((span.hit.passage.id, span.start))
            if chosen is None or chosen.lead is not None:
                continue
            facts = (sorted(numbers(chosen.text)), sorted(negations(chosen.text)))
            # A sentence that says when to get care keeps saying it: "Call your doctor right
            # away if symptoms suddenly worsen" must not become "Symptoms may suddenly worsen".
            must_help = section.id == "when_to_get_help" or is_help(chosen.text)
            options = [c for c in by_source.get(chosen.hit.source.id, [])
                       if c.relevance >= ALTERNATE_RELEVANCE * chosen.relevance
                       and (sorted(numbers(c.text)), sorted(negations(c.text))) == facts
                       and (not must_help or is_help(c.text))]
            if not options:
                continue
            bar = fk(chosen) - PLAINER_BY
            plainer = sorted((c for c in options if fk(c) <= bar), key=fk)[:limit]
            claim.alternates = [c.claim() for c in plainer]


def _theme_title(title: str) -> str:
    title = re.sub(r"\s+", " ", title).strip().rstrip(".")
    return title if len(title) <= 80 else title[:77].rsplit(" ", 1)[0] + "..."


def _readable_order(chosen: list[Candidate]) -> list[Candidate]:
    """The best sentence first, then the rest grouped by passage in reading order."""
    if len(chosen) <= 1:
        return chosen
    first, rest = chosen[0], chosen[1:]
    rest.sort(key=lambda c: (c.rank, c.start))
    return [first, *rest]


__all__ = ["ExtractiveWriter", "Candidate", "candidates", "select", "mmr_score", "jaccard",
           "repeats",
           "GUIDELINE_TYPES", "RESEARCH_TYPES", "QTYPE_CUES", "STOPWORDS"]
