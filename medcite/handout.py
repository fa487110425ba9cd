"""Patient handouts: one condition, the familiar sections, every item a cited library sentence.

    condition --analyze--> focus --per-section searches--> Hit[] --on topic?--> no: abstain
              --sentences of on-topic passages, sorted into sections--> Claim[] (audience wording)
              --grounding checks (medcite.grounding)--> Handout

Sections, in the order they are shown (each present only when the library gave it content):

| id | title | where its sentences come from |
|---|---|---|
| `emergency` | Seek care immediately or call 911 if | the library's own red-flag lists at emergency level (`medcite.redflags`), sentences that say to call the emergency number, and sentences the triage rules (`medcite.triage`) read as an emergency sign |
| `what_it_is` | What it is | passages headed "What is X?" / "What it is", or sentences defining the condition |
| `risk` | What raises the risk | causes, risk factors, inheritance |
| `symptoms` | Signs and symptoms | symptom passages and sentences with symptom words |
| `diagnosis_treatment` | How it is diagnosed and treated | exams and tests, treatment |
| `self_care` | Self-care and living with it | prevention, home care, living with it |
| `follow_up` | Follow-up with your provider | sentences about follow-up visits, check-ups and monitoring |
| `call_provider` | Call your provider if | red-flag lists at routine/urgent level and "call your doctor" sentences |

The emergency section goes first so that it is on the first screen and the first printed page
(the answer's triage block follows the same rule). A sentence is used once in a handout. Items
are the sentences themselves: lay readers get long sentences cut at clause boundaries and
everyday words (`medcite.audience`), which keeps numbers, negations and citations intact; the
handout never writes advice of its own. The only project wording is the section titles, the
emergency action line (with the configured `emergency_number`) and the disclaimer.

>>> SECTION_IDS[0], SECTION_IDS[-1]
('emergency', 'call_provider')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as _date
from typing import Any

from .audience import AUDIENCES, LAY_AUDIENCES, lay_words, reading_grade, render_claim
from .compose import grade_of
from .errors import MedciteError
from .grounding import check_answer, has_evidence, numbers, stem, terms
from .models import (
    Answer,
    AnswerSection,
    Claim,
    Handout,
    HandoutSection,
    Hit,
    QueryAnalysis,
    Quote,
    Reference,
    TriageLevel,
)
from .text import sentence_spans, word_count
from .writers import DraftClaim, Span
from .writers.extractive import Candidate, jaccard, select

HANDOUT_AUDIENCES = LAY_AUDIENCES  # patient, caregiver
GRADE_TARGET = 7.0  # patient handouts aim at Flesch-Kincaid grade 7 or lower (issue 6)
K_PER_QUERY = 12  # passages read per section query


def _stems(words: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words.split())


@dataclass(frozen=True)
class SectionSpec:
    """How one content section finds its sentences.

    `queries` are searched with "{c}" replaced by the condition; a passage whose heading matches
    `heading` belongs to the section; a sentence from a passage with no section heading of its
    own counts when it holds one of the `cues` (stems).
    """

    id: str
    title: str
    queries: tuple[str, ...]
    heading: re.Pattern[str]
    cues: frozenset[str]
    limit: int = 4


CONTENT_SECTIONS = (
    SectionSpec("what_it_is", "What it is", ("What is {c}?",),
                re.compile(r"^\s*(?:what (?:is|are)\b(?!.*\b(?:symptoms?|signs?|causes?|"
                           r"treatments?|risk|outlook|complications?)\b)|what it is|overview|"
                           r"about\b|definition|description)", re.I),
                _stems("is are called means refers type kind condition disease disorder "
                       "illness happens occurs"), 3),
    SectionSpec("risk", "What raises the risk", ("What causes {c}?", "Who is at risk for {c}?"),
                re.compile(r"\bcauses?\b|\brisk\b|susceptib|inherit|genetic changes|who gets|"
                           r"who is at risk", re.I),
                _stems("cause causes caused risk risks factor factors likely increase increases "
                       "inherited gene genes mutation mutations triggers age smoking family"), 4),
    SectionSpec("symptoms", "Signs and symptoms", ("What are the symptoms of {c}?",),
                re.compile(r"symptom|\bsigns?\b", re.I),
                _stems("symptom symptoms sign signs feel feeling pain ache swelling tired "
                       "fever include"), 5),
    SectionSpec("diagnosis_treatment", "How it is diagnosed and treated",
                ("How is {c} diagnosed?", "What are the treatments for {c}?"),
                re.compile(r"diagnos|exams? and tests|\btests?\b|treat|therap|management|"
                           r"managed", re.I),
                _stems("diagnose diagnosed diagnosis test tests exam scan biopsy treat treated "
                       "treatment treatments therapy medicine medicines surgery"), 5),
    SectionSpec("self_care", "Self-care and living with it",
                ("How can {c} be prevented?", "Living with {c}: what can I do at home?"),
                re.compile(r"prevent|self[- ]care|home care|living with|lifestyle|coping|"
                           r"what (?:you|i) can do|daily life", re.I),
                _stems("prevent avoid healthy diet exercise eat drink rest quit smoking alcohol "
                       "limit weight active sleep home stretch fluids habits"), 4),
    SectionSpec("follow_up", "Follow-up with your provider",
                ("{c} follow-up visits, regular check-ups and monitoring",),
                re.compile(r"follow[- ]?up|check-?ups?|monitoring", re.I),
                _stems("follow-up followup checkup checkups check-up check-ups regular "
                       "monitor monitored monitoring visits appointments"), 3),
)
SECTION_IDS = ("emergency", *(s.id for s in CONTENT_SECTIONS), "call_provider")
HELP_QUERIES = ("When should I call 911 or seek emergency care for {c}?",
                "When to contact a medical professional about {c}?")
EMERGENCY_LIMIT = 6
PROVIDER_LIMIT = 5

# "Call 911 / go to the emergency room": a sentence that sends the reader to emergency care.
_EMERGENCY_WORDS = re.compile(
    r"\b911\b|\bemergency (?:number|room|care|department|medical|services?|help|treatment)|"
    r"\bmedical emergenc|\bcall (?:an )?ambulance\b|\b(?:seek|get) (?:immediate|emergency)\b|"
    r"\bimmediate (?:medical )?(?:care|help|attention)\b", re.I)
# "Call your doctor / contact your provider": a sentence that sends the reader to their provider.
_PROVIDER_WORDS = re.compile(
    r"\b(?:call|contact|see|tell|talk (?:to|with)|visit|check with) (?:your|a) "
    r"(?:\w+ ){0,2}(?:doctor|provider|health ?care provider|clinician|nurse|physician|"
    r"pharmacist|specialist)\b|\bwhen to contact a medical professional\b", re.I)
_BULLET = re.compile(r"[-*\u2022]\s+|\d+[.)]\s+")
_LEAD = re.compile(
    r"^(?:[-*\u2022]\s+|\d+[.)]\s+|(?:however|also|additionally|in addition|furthermore|moreover|"
    r"therefore|thus|in fact|overall|importantly|for example|for instance|in summary)\s*,\s*)",
    re.I)
_INLINE_LIST = re.compile(r"\s{2,}-\s")
# Passages about research, public-health programmes or statistics hold no advice for a reader.
_OFF_HANDOUT = re.compile(r"research|clinical trials|being done|public health|agenc|"
                          r"statistic|how many people|outlook|prognosis|life expectancy", re.I)
# "See a chart...", "Watch a video...", "call 1-800-...", URLs: pointers elsewhere, not content.
_POINTER = re.compile(r"^(?:see|watch|get more|read|learn more|click|visit|check out|for more|"
                      r"to learn more|find out)\b|www\.|https?://|\b1-8\d\d-", re.I)
EMERGENCY_MAX_WORDS = 30  # an emergency item is read at a glance
# Living with a condition is often told inside its treatment text ("Physiotherapy can help
# patients cope...", "a cane or a walker helps with daily tasks"): such a
# sentence may go to "Self-care and living with it" although its heading is about treatment.
_LIVING_WITH = _stems("cope coping everyday walker walkers wheelchair wheelchairs cane canes "
                      "independence independently")
# "Early signs and symptoms include ..." under a "What is X?" heading: symptoms told inside a
# definition may go to "Signs and symptoms".
_SYMPTOMS_TOLD = re.compile(r"\b(?:signs?(?: and symptoms)?|symptoms?) (?:may |can |often |usually )?"
                            r"(?:include|are)\b|\bpeople with (?:this|the) (?:condition|disorder|"
                            r"disease) (?:may |often |usually )?(?:experience|have|develop)\b",
                            re.I)
# Sentences about the page rather than the condition (GARD's symptom tables from the Human
# Phenotype Ontology come with such notes): "the table below", "a frequency of 25/25 means".
_ABOUT_THE_PAGE = re.compile(r"\b(?:table|list) below\b|\bthe following list\b|"
                             r"\bPhenotype Ontology\b|\bMedical Dictionary\b|\bfrequenc(?:y|ies)\b|"
                             r"\bfraction\b|\bOrphanet\b|\bmay be rare or common\b", re.I)
# Words of a condition's name that do not tell one condition from another.
_GENERIC_NAME = _stems("disease diseases disorder disorders syndrome condition illness type")


def make_handout(app: Any, condition: str, audience: str = "patient",
                 today: str | None = None) -> Handout:
    """A cited handout for `condition` from `app`'s library (see the module docstring).

    Raises `MedciteError` for bad input; a condition the library holds nothing on gives a
    handout with `abstained=True` and a notice, never an empty one.
    """
    condition = " ".join((condition or "").split())
    if not condition:
        raise MedciteError("the condition is empty")
    if len(condition) > 300:
        raise MedciteError("the condition is longer than 300 characters")
    if audience not in HANDOUT_AUDIENCES:
        choices = ", ".join(HANDOUT_AUDIENCES)
        hint = " (clinicians: use `medcite ask`)" if audience in AUDIENCES else ""
        raise MedciteError(f"unknown handout audience {audience!r}; use one of: {choices}{hint}")
    settings = app.settings
    from .answer import analyze
    from .retrieve import analyze as search_analysis

    about = analyze(f"What is {condition}?")
    hits_by_query: dict[str, list[Hit]] = {}
    for spec_id, queries in [*((s.id, s.queries) for s in CONTENT_SECTIONS),
                             ("help", HELP_QUERIES)]:
        found: list[Hit] = []
        for template in queries:
            query = template.format(c=condition)
            # Searched with the library's own names too (MedQuAD focus synonyms), so records
            # that call the condition by another name are found; what counts as on topic is
            # decided below, by the names the reader typed and the records' own focus.
            analysis = search_analysis(query, settings.home)
            if about.focus and not analysis.focus:
                analysis.focus = list(about.focus)
            found.extend(app.search(analysis.question, k=K_PER_QUERY, analysis=analysis))
        hits_by_query[spec_id] = found
    every = _unique([h for hits in hits_by_query.values() for h in hits])
    # With named entities every one must be covered; plain topic words need half of them
    # (the answers' rule), e.g. a "marine toxins" passage that names only the toxin.
    evidence = has_evidence(about.question, every, about,
                            min_coverage=1.0 if about.focus else 0.5)
    # The analyser names the focus canonically ("heart attack" -> myocardial infarction);
    # passages that use the reader's own words for it are on topic too.
    as_typed = QueryAnalysis(about.original, about.question, about.qtype, [condition])
    typed = has_evidence(about.question, every, as_typed, min_coverage=1.0)
    evidence.ok = evidence.ok or typed.ok
    evidence.supporting = list(dict.fromkeys(evidence.supporting + typed.supporting))
    evidence.topic = evidence.topic | typed.topic
    # A record that says it is about the condition (MedQuAD focus or focus synonyms: the
    # "spinocerebellar ataxia type 3" records list "Machado-Joseph disease") is on topic
    # although its text uses the other name.
    names = {_name_key(n) for n in [condition, *about.focus]}
    evidence.supporting += [h.passage.id for h in every if names & _record_names(h)
                            and h.passage.id not in evidence.supporting]
    evidence.ok = evidence.ok or bool(evidence.supporting)
    searched = sorted(evidence.topic) or [condition]
    handout = Handout(condition=condition, audience=audience, analysis=about, searched=searched,
                      emergency_number=settings.emergency_number, grade_target=GRADE_TARGET,
                      date=today or _date.today().isoformat())
    _review_status(handout)
    if not evidence.ok:
        return _abstain(handout)
    on_topic = set(evidence.supporting) - {h.passage.id for h in every
                                            if _about_another_condition(h, condition, about)}
    rank = {h.passage.id: i for i, h in enumerate(every, start=1)}

    used: list[Candidate] = []
    drafts: dict[str, list[DraftClaim]] = {}
    extra_hits: list[Hit] = []
    flag_items = _library_flags(app, condition, about, every, extra_hits)
    help_pool = _pool([h for h in every if h.passage.id in on_topic], rank)
    drafts["emergency"] = _emergency(flag_items, help_pool, used)
    drafts["call_provider"] = _call_provider(flag_items, help_pool, used)
    # Help sentences and the items of "call ... if:" lists belong to the two help sections only.
    help_spans = {(c.hit.passage.id, c.start) for c in help_pool
                  if _candidate_level(c) is not None}
    help_spans |= {(f.hit.passage.id, f.start) for f in flag_items}
    topic = evidence.topic
    for spec in CONTENT_SECTIONS:
        hits = _unique([h for h in hits_by_query[spec.id] if h.passage.id in on_topic])
        pool = [c for c in _pool(hits, rank) if (c.hit.passage.id, c.start) not in help_spans]
        chosen = _choose(spec, pool, topic, used)
        used.extend(chosen)
        drafts[spec.id] = [c.claim() for c in _reading_order(chosen)]

    hits_used = _unique(every + extra_hits)
    _fill(handout, drafts, settings.emergency_number)
    _enforce_contract(app, handout, hits_used)
    if not handout.claims():
        return _abstain(handout)
    handout.reading_grade = reading_grade([c.text for c in handout.claims()])
    return handout


# -- candidates ---------------------------------------------------------------------------------


def _name_key(name: str) -> str:
    """A name compared without case and punctuation ("Machado Joseph disease")."""
    return " ".join(re.findall(r"[a-z0-9]+", name.lower()))


def _record_names(hit: Hit) -> set[str]:
    """The topic names a record gives itself (MedQuAD `focus` and `focus_synonyms`)."""
    meta = hit.source.metadata if isinstance(hit.source.metadata, dict) else {}
    synonyms = meta.get("focus_synonyms") or []
    names = [meta.get("focus") or "", *(synonyms if isinstance(synonyms, list) else [])]
    return {_name_key(str(n)) for n in names if n}


def _about_another_condition(hit: Hit, condition: str, about: QueryAnalysis) -> bool:
    """True for a record filed under the condition whose text is about another one.

    MedQuAD has such records: a "What are the complications of Machado-Joseph Disease?" answer
    that is about Lyme disease. The heading names the condition; the text never does, opens on
    another condition and names it again.
    """
    from .redflags import _vocabulary

    p = hit.passage
    body = p.text[len(p.section):] if p.section and p.text.startswith(p.section) else p.text
    own = (terms(condition) | {t for f in about.focus for t in terms(f)}) - _GENERIC_NAME
    vocab = _vocabulary()
    spans = sentence_spans(body)
    if vocab is None or not spans or not own or own & terms(body):
        return False
    first = body[spans[0][0]:spans[0][1]]
    others = [m for m in vocab.match(first) if m.entry.category == "condition"
              and m.entry.canonical not in about.focus]
    if not others:
        return False
    said = sum(m.entry.canonical == others[0].entry.canonical for m in vocab.match(body))
    return said >= 2 or len(spans) == 1


def _unique(hits: list[Hit]) -> list[Hit]:
    seen: set[str] = set()
    out = []
    for h in hits:
        if h.passage.id not in seen:
            seen.add(h.passage.id)
            out.append(h)
    return out


def _pool(hits: list[Hit], rank: dict[str, int]) -> list[Candidate]:
    """Every usable sentence of `hits` (list items keep their lead-in's offsets)."""
    out: list[Candidate] = []
    for hit in hits:
        p = hit.passage
        lead: tuple[int, int] | None = None
        for position, (a, b) in enumerate(sentence_spans(p.text)):
            is_item = bool(_BULLET.match(p.text, a))
            new_line = a == 0 or "\n" in p.text[max(0, a - 3):a]
            a, text = _trim(p.text, a, b)
            if text.endswith(":") and not is_item:
                lead = (p.start + a, p.start + b)
                continue
            if not is_item and new_line:
                lead = None
            n_words = word_count(text)
            if n_words < 3 or n_words > 60 or text.endswith("?") or not text[:1].isalnum():
                continue
            item_lead = lead if is_item and lead and lead[1] - lead[0] <= 200 else None
            out.append(Candidate(hit, rank.get(p.id, 99), p.start + a, p.start + b, text,
                                 terms(text), position, 0.0, numbers(text), item_lead))
    return out


def _trim(passage_text: str, a: int, b: int) -> tuple[int, str]:
    text = passage_text[a:b]
    for _ in range(3):
        match = _LEAD.match(text)
        if not match or match.end() >= len(text):
            break
        a += match.end()
        text = passage_text[a:b]
    return a, text


def _lead_text(c: Candidate) -> str:
    if c.lead is None:
        return ""
    p = c.hit.passage
    return p.text[c.lead[0] - p.start:c.lead[1] - p.start]


def _plainness(text: str) -> float:
    """1.0 for a short plain sentence, less for long words and long sentences (grade-aware)."""
    from .audience import _fk

    words = word_count(text)
    grade = _fk(text)
    # 0.12 per grade over 6 was chosen on the development conditions (docs/handouts.md):
    # 0.06 left their median at 8.65, 0.12 gave 7.65 with the same sections; stronger
    # weights (0.2 from grade 4) reached 6.6 but chose trivial sentences over defining ones.
    factor = 1.0 / (1.0 + 0.12 * max(0.0, grade - 6.0))
    if words > 25:
        factor *= 0.8 if words <= 35 else 0.6
    if _INLINE_LIST.search(text):  # "include - x   - y   - z": a flattened list reads badly
        factor *= 0.7
    return factor


def _choose(spec: SectionSpec, pool: list[Candidate], topic: set[str],
            used: list[Candidate]) -> list[Candidate]:
    """Score the pool for one section and pick its sentences by MMR."""
    scored = []
    for c in pool:
        heading = c.hit.passage.section or ""
        if _OFF_HANDOUT.search(heading) or _POINTER.search(c.text) \
                or _ABOUT_THE_PAGE.search(c.text):
            continue
        own = bool(spec.heading.search(heading))
        other = not own and any(s.heading.search(heading) for s in CONTENT_SECTIONS
                                if s.id != spec.id)
        cue = len(spec.cues & c.terms)
        if spec.id == "diagnosis_treatment" and _LIVING_WITH & c.terms:
            continue  # kept for "Self-care and living with it" (chosen after this section)
        if spec.id == "self_care" and other and _LIVING_WITH & c.terms \
                and CONTENT_SECTIONS[3].heading.search(heading):
            other, cue = False, max(cue, len(_LIVING_WITH & c.terms))
        if spec.id == "symptoms" and other and _SYMPTOMS_TOLD.search(c.text) \
                and CONTENT_SECTIONS[0].heading.search(heading):
            other, cue = False, max(cue, 1)
        if not own and (other or cue == 0):
            continue
        if spec.id == "what_it_is" and not own and not (topic & c.terms):
            continue  # a definition names what it defines
        if spec.id == "follow_up" and cue == 0:
            continue  # an "outlook" or "monitoring" heading alone is not follow-up advice
        score = (1.0 if own else 0.5) + 0.15 * min(cue, 3) + 0.2 * bool(topic & c.terms)
        if spec.id == "what_it_is" and own and c.position == 0:
            score += 0.3  # the first sentence under "What is X?" is the definition
        score *= 1.0 / (1.0 + 0.04 * (c.rank - 1)) * (1.0 - 0.04 * min(c.position, 6))
        score *= _plainness(c.text)
        c.relevance = round(score, 6)
        scored.append(c)
    if not scored:
        return []
    top = max(c.relevance for c in scored)
    return select(scored, spec.limit, lam=0.7, floor=0.4 * top, chosen=used)


def _reading_order(chosen: list[Candidate]) -> list[Candidate]:
    return sorted(chosen, key=lambda c: (c.rank, c.start))


# -- emergency and "call your provider" -------------------------------------------------------


@dataclass
class _FlagItem:
    hit: Hit
    start: int
    end: int
    level: TriageLevel


def _library_flags(app: Any, condition: str, about: QueryAnalysis, hits: list[Hit],
                   extra_hits: list[Hit]) -> list[_FlagItem]:
    """The library's red-flag list items for this condition, each tied to its stored passage."""
    flags = app.red_flags()
    if flags is None or not len(flags):
        return []
    names = [condition, *about.focus]
    names += [str(h.source.metadata.get("focus")) for h in hits
              if isinstance(h.source.metadata, dict) and h.source.metadata.get("focus")
              and terms(str(h.source.metadata["focus"])) == terms(condition)]
    items = []
    seen = set()
    for name in dict.fromkeys(n for n in names if n):
        for item in flags.flags_for(name):
            if (item.source_id, item.start) not in seen and item.passage_id:
                seen.add((item.source_id, item.start))
                items.append(item)
    if not items:
        return []
    known = {h.passage.id: h for h in hits}
    missing = [i.passage_id for i in items if i.passage_id not in known]
    if missing:
        passages = {p.id: p for p in app.store.passages(list(dict.fromkeys(missing)))}
        sources = app.store.get_sources(list({p.source_id for p in passages.values()}))
        for pid, p in passages.items():
            if p.source_id in sources:
                known[pid] = Hit(p, sources[p.source_id], 0.0, {"redflags": 1})
                extra_hits.append(known[pid])
    out = []
    for item in items:
        hit = known.get(item.passage_id)
        if hit is None or not (hit.passage.start <= item.start and item.end <= hit.passage.end):
            continue
        if hit.passage.text[item.start - hit.passage.start:item.end - hit.passage.start] \
                .rstrip().endswith(":"):
            continue  # a nested lead-in ("Call 911 if the person:") is not a sign itself
        out.append(_FlagItem(hit, item.start, item.end, TriageLevel(item.level)))
    return out


def _candidate_level(c: Candidate) -> TriageLevel | None:
    """How soon a help sentence sends the reader: by its list lead-in, else its own words."""
    from .redflags import heading_level

    lead = _lead_text(c)
    if lead:
        level = heading_level(lead)
        if level is not None:
            return level
    if _EMERGENCY_WORDS.search(c.text):
        return TriageLevel.EMERGENCY
    if _PROVIDER_WORDS.search(c.text):
        return TriageLevel.ROUTINE
    return None


def _triage_emergency(c: Candidate) -> bool:
    """True when the triage rules read the sentence as an emergency sign (medcite.triage)."""
    from .triage import triage

    result = triage(c.text)
    return result.level is TriageLevel.EMERGENCY and not result.crisis


_SIGN_HEADINGS = re.compile(r"symptom|\bsigns?\b|complication|emergenc|when to|warning", re.I)
# Sentences about care or about how common a condition is describe no sign to act on.
_NOT_A_SIGN = _stems("treat treated treatment treatments therapy hospital surgery medicine "
                     "medicines prevent vaccine cases percent reported year years people "
                     "population")


def _sign_context(c: Candidate) -> bool:
    """A sentence that may describe a sign: from a symptoms (or unheaded) passage, not about care."""
    heading = c.hit.passage.section or ""
    if heading and not _SIGN_HEADINGS.search(heading):
        return False
    return not (_NOT_A_SIGN & c.terms)


def _span_claim(hit: Hit, start: int, end: int) -> DraftClaim:
    span = Span(hit, start, end)
    text = " ".join(span.text.split())
    return DraftClaim(text[:1].upper() + text[1:], [span])


def _emergency(flags: list[_FlagItem], pool: list[Candidate],
               used: list[Candidate]) -> list[DraftClaim]:
    out: list[DraftClaim] = []
    taken: set[tuple[str, int]] = set()
    for f in flags:
        if f.level is TriageLevel.EMERGENCY and len(out) < EMERGENCY_LIMIT:
            out.append(_span_claim(f.hit, f.start, f.end))
            taken.add((f.hit.passage.id, f.start))
    worded = [c for c in pool if _candidate_level(c) is TriageLevel.EMERGENCY]
    signs = [c for c in pool if c not in worded and _candidate_level(c) is None
             and _sign_context(c) and _triage_emergency(c)]
    picked: list[Candidate] = []
    for c in [*worded, *signs]:
        if len(out) >= EMERGENCY_LIMIT:
            break
        if (c.hit.passage.id, c.start) in taken or any(_overlaps(c, u) for u in used):
            continue
        if word_count(c.text) > EMERGENCY_MAX_WORDS or len(_INLINE_LIST.findall(c.text)) > 1:
            continue
        if any(jaccard(c.terms, p.terms) > 0.5 for p in picked):
            continue  # "All forms can be deadly" said twice by two sources
        picked.append(c)
        taken.add((c.hit.passage.id, c.start))
        used.append(c)
        out.append(_span_claim(c.hit, c.start, c.end))
    return out


def _call_provider(flags: list[_FlagItem], pool: list[Candidate],
                   used: list[Candidate]) -> list[DraftClaim]:
    out: list[DraftClaim] = []
    for f in flags:
        if f.level in (TriageLevel.URGENT, TriageLevel.ROUTINE) and len(out) < PROVIDER_LIMIT:
            out.append(_span_claim(f.hit, f.start, f.end))
    for c in pool:
        if len(out) >= PROVIDER_LIMIT:
            break
        level = _candidate_level(c)
        if level not in (TriageLevel.URGENT, TriageLevel.ROUTINE) or c.lead is not None:
            continue  # list items under a provider heading came in as library flags above
        if any(_overlaps(c, u) for u in used):
            continue
        used.append(c)
        out.append(_span_claim(c.hit, c.start, c.end))
    return out


def _overlaps(a: Candidate, b: Candidate) -> bool:
    return a.hit.source.id == b.hit.source.id and a.start < b.end and b.start < a.end


# -- assembling ---------------------------------------------------------------------------------


def _fill(handout: Handout, drafts: dict[str, list[DraftClaim]], emergency_number: str) -> None:
    """Audience wording, reference numbers (order of first use) and quotes, section by section."""
    numbers_of: dict[str, int] = {}
    refs: dict[int, Reference] = {}
    glossed: set[str] = set()
    titles = {s.id: s.title for s in CONTENT_SECTIONS}
    titles["emergency"] = f"Seek care immediately or call {emergency_number} if"
    titles["call_provider"] = "Call your provider if"
    intros = {"emergency": f"Call {emergency_number} (or your local emergency number) now if "
                           "you notice any of these:"}
    for section_id in SECTION_IDS:
        section = HandoutSection(section_id, titles[section_id], intro=intros.get(section_id, ""))
        seen_texts: set[str] = set()
        for draft in drafts.get(section_id, []):
            for shown in _worded(draft, handout.audience, glossed):
                if shown.text.lower() in seen_texts:
                    continue
                seen_texts.add(shown.text.lower())
                claim = Claim(shown.text)
                for span in shown.spans:
                    src = span.hit.source
                    if src.id not in numbers_of:
                        n = numbers_of[src.id] = len(numbers_of) + 1
                        refs[n] = Reference(n=n, source_id=src.id, title=src.title,
                                            evidence_type=src.evidence_type.value,
                                            grade=grade_of(src), year=src.year, url=src.url,
                                            pmid=src.pmid, publisher=src.publisher)
                    n = numbers_of[src.id]
                    quote = Quote(span.hit.passage.id, span.text, span.start, span.end)
                    claim.quotes.append(quote)
                    if not any((q.passage_id, q.start, q.end) ==
                               (quote.passage_id, quote.start, quote.end)
                               for q in refs[n].passages):
                        refs[n].passages.append(quote)
                    if n not in claim.citations:
                        claim.citations.append(n)
                section.items.append(claim)
        if section.items:
            handout.sections.append(section)
    handout.references = [refs[n] for n in sorted(refs)]


_FRAGMENT = re.compile(r"^(?:and|or|but|so|nor|then)\b", re.I)


def _worded(draft: DraftClaim, audience: str, glossed: set[str]) -> list[DraftClaim]:
    """`render_claim` for the audience, but a sentence whose cut would leave a piece starting
    "And ..." / "Or ..." (a fragment on a handout line) stays whole, with lay words only."""
    pieces = render_claim(draft, audience, set(glossed))
    if len(pieces) > 1 and any(_FRAGMENT.match(p.text) for p in pieces[1:]):
        return [DraftClaim(lay_words(draft.text, glossed), draft.spans)]
    return render_claim(draft, audience, glossed)


def _enforce_contract(app: Any, handout: Handout, hits: list[Hit]) -> None:
    """The answers' grounding checks, item by item; failing items are removed (with a notice)."""
    from .answer import source_texts

    texts = source_texts(app, hits)
    removed = 0
    for section in handout.sections:
        kept = []
        for claim in section.items:
            probe = Answer(question="", sections=[AnswerSection(section.id, "", [claim])],
                           references=handout.references)
            if check_answer(probe, hits, texts):
                removed += 1
            else:
                kept.append(claim)
        section.items = kept
    handout.sections = [s for s in handout.sections if s.items]
    if removed:
        handout.notices.append(f"{removed} item(s) failed the grounding checks and were removed.")
    cited = {n for c in handout.claims() for n in c.citations}
    if len(cited) != len(handout.references):
        _renumber(handout, cited)


def _renumber(handout: Handout, cited: set[int]) -> None:
    """Drop references no remaining item cites and number the rest 1..n again."""
    order = [r.n for r in handout.references if r.n in cited]
    new = {old: i for i, old in enumerate(order, start=1)}
    kept_quotes = {(q.passage_id, q.start, q.end) for c in handout.claims() for q in c.quotes}
    refs = []
    for r in handout.references:
        if r.n in new:
            r.n = new[r.n]
            r.passages = [q for q in r.passages if (q.passage_id, q.start, q.end) in kept_quotes]
            refs.append(r)
    handout.references = refs
    for c in handout.claims():
        c.citations = [new[n] for n in c.citations]


def _review_status(handout: Handout) -> None:
    from .guardrails import disclaimer

    handout.review_status = "unreviewed"
    handout.disclaimer = disclaimer(handout.review_status)


NO_EVIDENCE = "The library doesn't hold enough evidence to make a handout on {c!r}."


def _abstain(handout: Handout) -> Handout:
    handout.abstained = True
    handout.sections, handout.references, handout.reading_grade = [], [], None
    terms_ = ", ".join(handout.searched) or "(no search terms)"
    handout.notices.append(NO_EVIDENCE.format(c=handout.condition)
                           + f" Searched the library for: {terms_}.")
    return handout


__all__ = ["make_handout", "CONTENT_SECTIONS", "SECTION_IDS", "GRADE_TARGET", "NO_EVIDENCE"]
