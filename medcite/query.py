"""Query understanding: reduce a consumer message to its question, then say what it asks.

    message --reduce--> question --vocabulary.match--> focus entities + expansions
                                 --cue rules-------> question type, population

Everything here is rules over lists written by the project (the cue phrases below and the
vocabulary in `medcite/data/vocabulary`), so an analysis is fast (well under a millisecond for a
typical message once the vocabulary is loaded) and can be explained.

>>> a = analyze("Hi, my mom has low mag. What foods are high in magnesium? Thanks!")
>>> a.question, a.focus
('What foods are high in magnesium?', ['magnesium'])
>>> a.expansions["hypomagnesemia"]  # from the back-story: weighs less
0.48
"""

from __future__ import annotations

import functools
import re

from .models import POPULATIONS, QUESTION_TYPES, QueryAnalysis
from .text import ROUGH_SENTENCE, sentence_spans
from .vocabulary import Match, Vocabulary, fold, term_key

# -- weights of expansion terms (all < 1: the reader's own words always weigh most) -----------
W_CORRECTED = 0.9  # the right spelling of a misspelt term
W_CANONICAL = 0.8  # the canonical name of a term matched by another name
W_SYNONYM = 0.5  # other project-written names of the concept
W_LIBRARY = 0.4  # names from the library's metadata (MeSH, focus synonyms): less curated
W_CONTEXT = 0.3  # names of concepts in the back-story, outside the question itself
W_NARROWER = 0.5  # kinds of the concept ("triptan" -> sumatriptan): as likely named as synonyms
W_BROADER = 0.3  # what the concept is a kind of ("zolmitriptan" -> triptan): less specific
MAX_SYNONYMS = 6  # per concept: drug classes list many members, most of them noise here

# -- question types: (type, weight, pattern). The highest total wins; ties go to the earlier
# type in this list. "what is" alone only says definition when nothing more specific matches.
_QTYPE_RULES: list[tuple[str, int, str]] = [
    ("comparison", 5, r"\bdifferen(ce|t)s? (between|from)\b|\b(vs\.?|versus)\b"
                      r"|\b(better|worse|safer|stronger|weaker|same) (than|as)\b"
                      r"|\bcompar(e|ed|ing|ison)\b|\bwhich (one )?is (better|best|safer)\b"),
    ("interactions", 5, r"\binteract(s|ion|ions)?\b|\b(mix|mixing|combine|combining)\b"
                        r"|\b(together|at the same time)\b|\bwhile (on|taking)\b"
                        r"|\b(take|taking|took) \w+(?: \w+)? (with|and) (my|other|\w+ (pills|meds|medications?))\b"),
    ("side_effects", 5, r"\bside[- ]?effects?\b|\bside[- ]?(?:e|a)f+ec?te?s?\b|\badverse (effects?|reactions?|events?)\b"
                        r"|\breaction to\b|\b(made|makes|make|making) (me|her|him|them|you) "
                        r"(feel )?(sick|dizzy|tired|nauseous|sleepy|itchy)\b"),
    ("threshold", 4, r"\bnormal (levels?|ranges?|values?|readings?|results?)\b"
                     r"|\b(levels?|ranges?|readings?|results?|numbers?) (is|are|of) "
                     r"(normal|too|dangerous|considered|safe)\b"
                     r"|\bwhat (levels?|numbers?|readings?|values?)\b|\breference range\b"
                     r"|\bcut[- ]?off\b|\bconsidered (high|low|normal|dangerous|too)\b"
                     r"|\bat what (levels?|point|number)\b|\b(dangerously|too) (high|low)\b"
                     r"|\bnormal\b.{0,30}\b(levels?|ranges?)\b|\b(levels?|ranges?)\b.{0,20}\bnormal\b"),
    ("dose", 4, r"\bhow (much|many)\b|\bdos(e|es|age|ages|ing)\b|\bhow often should\b"
                r"|\b(daily|recommended|right) (intake|amount|allowance|requirement|dose)\b"
                r"|\b(rda|upper limit|tolerable upper)\b|\bwhat amount\b"
                r"|\b(mg|milligrams?|mcg|micrograms?|iu|grams?) (a|per) day\b"
                r"|\bhow long should (i|she|he|we) take\b"
                # how to take or stop a medicine: a drug page's "how should it be used" part
                r"|\b(stop|stopping|quit|quitting|come off|coming off|wean|weaning|taper|"
                r"tapering) (taking |using |on |off )?(it|this|the|my|his|her|these|them)\b"
                r"|\b(take|taken|taking|use) (it |them |this )?(in the (morning|evening)|at "
                r"(night|bedtime)|with (food|meals)|on an empty stomach)\b"
                r"|\b(when|how) (should|do|to) (i |you |we )?(take|use) (it|this|them)\b"),
    ("prognosis", 4, r"\bprognosis\b|\boutlook\b|\blife expectancy\b|\bsurviv(e|al|ing)\b"
                     r"|\bhow long (will|does|do|until|before|can) (it|this|they|i|she|he|the)\b"
                     r"|\b(go|goes|going|went) away\b|\brecover(y|ing)?\b|\bcurable\b"
                     r"|\b(get|getting|gets) (better|worse)\b|\bpermanent(ly)?\b"
                     r"|\b(fatal|deadly|terminal|lethal)\b|\bdie (of|from)\b"
                     r"|\b(lead|leads|led|result|results) (to|in) (death|dying)\b"
                     r"|\b(can|could|will|does|do) (it|this|that|they|\w+) (kill|be fatal)\b"
                     r"|\bwill (i|she|he|it|they) be (ok|okay|fine|normal)\b"),
    ("diagnosis", 3, r"\bdiagnos(e|is|ing|tic)\b|\bdiagnosed\b(?! with)|\btest(s|ed|ing)? (for|to|positive|negative)\b"
                     r"|\bhow (do|can|will|would) (doctors?|they) (know|tell|find out|check)\b"
                     r"|\bscreen(ed|ing)? for\b|\bwhat tests?\b|\b(checked|check) for\b"
                     r"|\bwhich tests?\b|\bconfirm(ed)? (it|that|if)\b"),
    ("prevention", 3, r"\bprevent(s|ed|ing|ion|ive)?\b|\bavoid(ing)? (getting|it|them)\b"
                      r"|\bprotect (myself|yourself|against|from|her|him)\b"
                      r"|\bstop (it|them|this) from\b|\bkeep (it|them|this) from (coming|happening)\b"
                      r"|\b(lower|reduce|cut) (my|the|your|her|his) (risk|chances?) of (getting|developing)\b"),
    ("treatment", 3, r"\btreat(s|ed|ing|ment|ments)?\b|\bcur(e|es|ed|ing)\b|\bget rid of\b"
                     r"|\bwhat (else )?(can|should|do) (i|we|she|he|they|you) (do|take|use)\b"
                     r"|\bwhat (is|are) (safe|ok|okay|good|best)( for \w+)? to (take|use)\b"
                     r"|\bremed(y|ies)\b|\btherap(y|ies)\b|\bmanag(e|ing|ement)\b"
                     r"|\breliev(e|es|ing)\b|\brelief\b|\bhelps? (with|for|to)\b|\bease\b"
                     r"|\bhow (to|do i|can i|do you|can we) (stop|fix|ease|reduce|lower|raise|"
                     r"increase|improve|heal|handle|deal with)\b|\b(medicines?|medications?|drugs?) for\b"
                     r"|\bshould i (take|use|try)\b|\bwhat to do\b"),
    # "is there a sleep apnea surgery?": a procedure asked for is a treatment, unless the
    # question asks about it in another way ("risks of surgery" scores risk higher)
    ("treatment", 2, r"\b(surgery|surgeries|operation|operations|procedure|procedures|surgical"
                     r"|implant|transplant)\b"),
    ("symptoms", 3, r"\bsymptom(s|atic)?\b|\bsigns? (of|that)\b|\bwarning signs?\b"
                    r"|\bwhat does (it|this|\w+) feel like\b|\bhow (do|would|can|will) (i|you|we) "
                    r"know if\b|\bpresent(s|ation)? (as|with)\b"),
    ("causes", 3, r"\bcaus(e|es|ed|ing)\b|\bwhy (do|does|did|am|is|are|would|can|has|have)\b"
                  r"|\breasons? (for|why)\b|\bwhat makes\b|\btrigger(s|ed)?\b|\bcome from\b"
                  r"|\bdue to\b|\blead(s)? to\b|\bresult(s)? (in|from)\b|\bto blame\b"),
    ("risk", 3, r"\brisks?\b|\bchances? of\b|\blikel(y|ihood)\b|\bsafe(ly|ty)?\b"
                r"|\bdanger(ous)?\b|\bharm(ful)?\b|\bam i at\b|\bhereditary\b|\bgenetic(ally)?\b"
                r"|\binherit(ed|able|ance)?\b|\bpass(ed|es)? (it )?(down|on) to\b|\bpassed down\b"
                r"|\bruns? in (the|my)? ?famil(y|ies)\b|\bcontagious\b|\bcatch(ing)? it\b"
                r"|\bwho (gets|is at)\b|\bok(ay)? to (take|use|have|eat|drink)\b"
                r"|\bis (that|it|this) (ok|okay|alright|all right)\b"),
    ("definition", 1, r"\bwhat (is|are|'s)\b|\bwhat does .{1,40} mean\b|\bmeaning of\b"
                      r"|\bdefin(e|ition)\b|\bexplain\b"),
]
_QTYPE_PATTERNS = [(t, w, re.compile(p)) for t, w, p in _QTYPE_RULES if p]
_CAUSE = re.compile(r"\b(can|could|does|do|did|will|would|is|might|may)\b.{0,60}\bcaus(e|ing)\b"
                    r"|\bcaus(e|ed|ing) by (my|the|her|his|taking)\b")

# -- populations --------------------------------------------------------------------------------
_POPULATION_CUES = {
    "pregnancy": r"\bpregnan(t|cy|cies)\b|\bexpecting (a|my|our) baby\b|\btrimester\b"
                 r"|\b(pre|ante|post)natal\b|\bbreast ?feed(ing)?\b|\bnursing (mother|mom|my)\b"
                 r"|\blactat(ing|ion)\b|\bpostpartum\b|\bunborn\b|\bgestation(al)?\b"
                 r"|\btrying to (conceive|get pregnant)\b",
    "children": r"\b(child|children|kids?|baby|babies|infants?|toddlers?|newborns?|teens?|"
                r"teenagers?|adolescents?|pediatric|paediatric|preschooler|grandchild|grandson|"
                r"granddaughter|little one)\b|\b\d{1,2}[- ]?(months?|mo|weeks?)[- ]old\b",
    "older_adults": r"\b(elderly|older (adults?|people|persons?|patients?|women|men)|seniors?|"
                    r"geriatric|grandm(a|other)|grandf(a|ather)|grandpa|grandparents?|"
                    r"retirees?|nursing home|old age|aging (mother|father|parent|parents))\b"
                    r"|\b(over|above) (6[5-9]|[7-9]\d)\b",
    "kidney_disease": r"\bkidney (disease|failure|problems?|issues?|damage|function|transplant)\b"
                      r"|\brenal\b|\bckd\b|\bdialysis\b|\bweak kidneys\b|\bnephropathy\b"
                      r"|\begfr\b|\bbad kidneys\b",
}
_POPULATION_PATTERNS = {k: re.compile(v) for k, v in _POPULATION_CUES.items()}
_WEAK_CHILD = re.compile(r"\b(son|daughter|boy|girl)\b")
_AGE = re.compile(
    r"\b(\d{1,3})[- ]?(?:(?:years?|yrs?)[- ]old|y/?o)\b|\baged? (\d{1,3})\b"
    r"|\b(?:i am|i'm|he is|he's|she is|she's|(?:son|daughter|mother|mom|father|dad|husband|"
    r"wife|partner|brother|sister|grandson|granddaughter) is) (\d{1,3})\b"
    r"(?! ?(?:mg|%|kg|lbs?|pounds|weeks|days|months|cm|mm|mmol))")
_POPULATION_ENTITIES = {
    "pregnancy": {"pregnancy", "gestational diabetes", "preeclampsia", "eclampsia",
                  "morning sickness", "miscarriage", "preterm labor", "breastfeeding",
                  "postpartum depression"},
    "children": {"colic", "croup", "diaper rash", "febrile seizure", "bedwetting", "teething",
                 "growing pains"},
    "kidney_disease": {"chronic kidney disease", "kidney failure", "acute kidney injury",
                       "dialysis", "kidney transplant"},
}

# -- message reduction --------------------------------------------------------------------------
_GREETING = re.compile(
    r"^\s*(hi|hello|hey|hiya|greetings|good (morning|afternoon|evening|day)|dear\b[^,.!?\n]{0,40}"
    r"|to whom it may concern|sir|madam|doctor|doc)\b[\s,.!:;-]*", re.IGNORECASE)
_SIGN_OFF = re.compile(
    r"^\s*(many thanks|thanks|thank you|thank u|thx|ty|regards|best regards|kind regards|"
    r"warm regards|sincerely|yours (truly|sincerely)|cheers|best wishes|best|god bless|"
    r"blessings|i appreciate|appreciate (it|any|your)|looking forward|hope to hear|"
    r"hoping to hear|have a (nice|good|great) day|sent from my)\b", re.IGNORECASE)
_ASKING = re.compile(
    r"^\s*(what|what's|whats|how|why|when|where|which|who|whom|whose|is|are|am|can|could|"
    r"should|shall|would|will|do|does|did|may|might|must|has|have|any|anyone|please)\b"
    r"|\b(i|we) (want|wanted|would like|'d like|need|needed|am trying|was wondering|"
    r"wonder|am wondering|'m wondering) (to know|to find out|to understand|information|"
    r"info|help|advice|if|whether|what|how|why)\b|\bplease (tell|let|advise|explain|help|"
    r"send|give|suggest|inform)\b|\b(looking|searching) for (information|info|help|advice|"
    r"answers?)\b|\b(wondering|curious) (if|whether|what|how|why|about)\b"
    r"|\btell me\b|\bany (advice|info|information|suggestions?|ideas?|help)\b"
    r"|\b(i am|i'm|im|we are|we're) (very |really |so )?(concerned|worried|scared|afraid|"
    r"anxious|nervous) (about|of|that)\b"
    r"|\bi (don't|do not) (know|understand) (what|how|why|if|whether)\b",
    re.IGNORECASE)
_NAME_LINE = re.compile(r"^[A-Z][a-z]+(?: [A-Z][a-z.]*){0,2}\.?$")


def reduce_message(message: str) -> str:
    """The part of a message that asks: greetings, thanks, sign-offs and back-story go.

    Back-story sentences (no question mark, no asking words) are dropped only when some
    sentence does ask; a message that never asks keeps all its content sentences. A short
    opening phrase that names a topic (a subject line) is kept in front of the question.

    >>> reduce_message("Hello doctor. My dad is 70 and takes water pills. Can they cause "
    ...                "cramps? Thank you so much. John")
    'Can they cause cramps?'
    """
    kept, asking = [], []
    subject = ""
    for sentence in _sentences(message):
        body = _strip_greeting(sentence) if not kept else sentence
        if not kept and body and _is_subject_line(body) and not _SIGN_OFF.match(body):
            subject = body  # before the name-line check: "Body Lice." is a topic, not a name
        elif not body or _SIGN_OFF.match(body) or _is_name_line(body):
            continue
        kept.append(body)
        if body.rstrip().endswith("?") or _ASKING.search(body):
            asking.append(body)
    chosen = asking or kept
    if subject and asking and subject not in asking:
        chosen = [subject, *asking]  # "Gout. Is it inherited?": the subject names the topic
    return " ".join(chosen).strip() or message.strip()


def _strip_greeting(sentence: str) -> str:
    """`sentence` without its opening greeting words ("Hi doc." -> "")."""
    body = sentence
    for _ in range(3):
        stripped = _GREETING.sub("", body, count=1).strip()
        if stripped == body:
            break
        body = stripped
    return body


_SUBJECT_MAX_WORDS = 6
_NOT_SUBJECT = re.compile(r"^\s*(i|i'm|im|my|we|our|he|she|his|her|they|their|it|this|that)\b",
                          re.IGNORECASE)


def _is_subject_line(text: str) -> bool:
    """A short opening phrase naming a topic ("Gout.", "Side effects of metformin"), as in the
    subject line of a message; a short opening sentence about the writer ("My dad is 70.") is
    back-story, not a subject.

    >>> _is_subject_line("Low magnesium."), _is_subject_line("My dad is 70.")
    (True, False)
    """
    words = text.split()
    return 0 < len(words) <= _SUBJECT_MAX_WORDS and not _NOT_SUBJECT.match(text) \
        and not text.rstrip().endswith("?")


def _sentences(message: str) -> list[str]:
    out = []
    for line in message.splitlines():
        out.extend(line[a:b] for a, b in sentence_spans(line))
    return out


def _is_name_line(text: str) -> bool:
    words = text.split()
    return len(words) <= 3 and bool(_NAME_LINE.match(text.strip())) and not _ASKING.search(text)


def question_type(question: str, matches: list[Match] | None = None) -> str:
    """One of QUESTION_TYPES, from cue phrases (and the kind of thing asked about).

    >>> question_type("How much magnesium is too much?")
    'dose'
    >>> question_type("Can metformin cause diarrhea?", Vocabulary.builtin().match("metformin"))
    'side_effects'
    """
    text = fold(question)
    scores: dict[str, int] = {}
    for qtype, weight, pattern in _QTYPE_PATTERNS:
        if pattern.search(text):
            scores[qtype] = scores.get(qtype, 0) + weight
    causal = _CAUSE.search(text) is not None
    if causal and matches and _first_kind(matches) in ("drug", "procedure"):
        # "Can <a drug> cause X?" asks about that drug's side effects, not about causes of X.
        scores["side_effects"] = scores.get("side_effects", 0) + 4
    elif causal:
        # "Can strep cause Wegener's or the symptoms of it?" asks whether one causes the other:
        # the symptoms named are the effect, not what is asked about.
        scores.pop("symptoms", None)
    if not scores and matches and _names_sign_and_condition(question, matches):
        # "Is there always a fever with appendicitis?": a sign asked about beside a condition
        # asks whether it is one of the condition's symptoms.
        return "symptoms"
    if not scores:
        return "information"
    order = {t: i for i, (t, _, _) in enumerate(_QTYPE_RULES)}
    best = max(scores.items(), key=lambda kv: (kv[1], -order[kv[0]]))[0]
    assert best in QUESTION_TYPES
    return best


_SIGN_LINK = re.compile(r"\b(with|in|during|from|after|of|associated|linked|part)\b")


def _names_sign_and_condition(question: str, matches: list[Match]) -> bool:
    """Whether the question names a sign and a condition linked by a few words ("fever with
    appendicitis", "rash in measles"); a complaint followed by a guess ("tired all the time,
    could it be anemia?") is not linked so."""
    signs = [m for m in matches if m.entry.category == "symptom"]
    conditions = [m for m in matches if m.entry.category in ("condition", "other")]
    for s in signs:
        for c in conditions:
            a, b = (s.end, c.start) if s.end <= c.start else (c.end, s.start)
            gap = fold(question[a:b]) if a <= b else ""
            if len(gap.split()) <= 4 and _SIGN_LINK.search(gap):
                return True
    return False


def _first_kind(matches: list[Match]) -> str:
    kinds = [m.entry.category for m in matches if m.entry.category != "body_part"]
    return kinds[0] if kinds else ""


def populations(message: str, matches: list[Match] | None = None) -> list[str]:
    """The populations a message is about (a subset of POPULATIONS, in that order).

    >>> populations("Is magnesium safe for my 6 year old? She has kidney disease.")
    ['children', 'kidney_disease']
    """
    text = fold(message)
    found = {name for name, pattern in _POPULATION_PATTERNS.items() if pattern.search(text)}
    ages = [int(next(g for g in groups if g)) for groups in _AGE.findall(text)]
    if any(age < 18 for age in ages) or (_WEAK_CHILD.search(text) and not ages):
        found.add("children")
    if any(age >= 65 for age in ages if age < 120):
        found.add("older_adults")
    canon = {m.entry.canonical for m in matches or []}
    for name, entities in _POPULATION_ENTITIES.items():
        if canon & entities:
            found.add(name)
    return [p for p in POPULATIONS if p in found]


def expansions(question_matches: list[Match], context_matches: list[Match] = (),
               vocabulary: Vocabulary | None = None) -> dict[str, float]:
    """Extra search terms with weights < 1: other names of the concepts in the question, their
    narrower and broader concepts (with `vocabulary`), and (weighing less) the concepts of the
    back-story.

    >>> expansions(Vocabulary.builtin().match("water pill"))["diuretic"]
    0.8
    """
    out: dict[str, float] = {}

    def put(term: str, weight: float, skip: set[str]) -> None:
        key = term_key(term)
        if key and key not in skip and weight > out.get(term.lower(), 0.0):
            out[term.lower()] = round(weight, 3)

    asked = {term_key(m.text) for m in question_matches}
    for matches, scale in ((question_matches, 1.0), (context_matches, W_CONTEXT / W_SYNONYM)):
        for m in matches:
            entry, said = m.entry, term_key(m.text)
            skip = asked | {said}
            if scale < 1.0:
                put(m.text, W_CONTEXT * 2, asked)
            if m.how != "exact":
                # Unscaled even in the back-story: the correction stands for words the reader
                # wrote, which reach BM25 as they are but, misspelt, match nothing.
                put(m.corrected or entry.canonical, W_CORRECTED, skip)
            if entry.category == "body_part":
                # "tummy" -> "stomach" helps a little; "legs" -> "thigh" helps nobody.
                put(entry.canonical, W_SYNONYM * scale, skip)
                continue
            put(entry.canonical, W_CANONICAL * scale, skip)
            for name in entry.synonyms[:MAX_SYNONYMS]:
                put(name, W_SYNONYM * scale, skip)
            for name in _useful_library_names(entry.library_synonyms, said, entry.canonical):
                put(name, W_LIBRARY * scale, skip)
            if vocabulary is not None:
                # Only relatives that bring new words: "breast cancer" already finds "cancer".
                own = set(term_key(entry.canonical).split())
                kinds = [k.canonical for k in vocabulary.narrower(entry)
                         if not own <= set(term_key(k.canonical).split())]
                for name in kinds[:MAX_SYNONYMS]:
                    put(name, W_NARROWER * scale, skip)
                for broader in vocabulary.broader(entry):
                    if not set(term_key(broader.canonical).split()) <= own:
                        put(broader.canonical, W_BROADER * scale, skip)
    return out


def _useful_library_names(names: list[str], said: str, canonical: str) -> list[str]:
    """Library names worth searching for: not catalogue variants of a name already searched
    ("Restless legs syndrome, susceptibility to, 1" adds nothing to "restless legs syndrome")."""
    known = (said, term_key(canonical))
    useful = [n for n in names if "," not in n and len(n) > 4
              and not any(k and k in term_key(n) for k in known)]
    return useful[:MAX_SYNONYMS]


@functools.cache
def _default_vocabulary() -> Vocabulary:
    return Vocabulary.builtin()


def analyze(message: str, vocabulary: Vocabulary | None = None) -> QueryAnalysis:
    """Understand one message: its question, type, focus, population and expansion terms.

    Pass `Vocabulary.load(settings.home)` to include the library's own names; without it the
    built-in vocabulary is used.

    >>> a = analyze("what amount of magnesium can cause muscle twitching in pregnancy?")
    >>> a.qtype, a.focus, a.population
    ('dose', ['magnesium', 'muscle twitching', 'pregnancy'], ['pregnancy'])
    """
    vocab = vocabulary if vocabulary is not None else _default_vocabulary()
    question = reduce_message(message)
    q_matches = vocab.match(question)
    all_matches = vocab.match(message) if question != message.strip() else q_matches
    asked = {(m.entry.canonical, term_key(m.text)) for m in q_matches}
    context = [m for m in all_matches if (m.entry.canonical, term_key(m.text)) not in asked]
    qtype = question_type(question, q_matches)
    if qtype == "information" and question != message.strip():
        qtype = question_type(message, all_matches)
    focus = _focus(q_matches) or _focus(all_matches)
    if qtype == "side_effects":
        # "Can metformin cause high blood pressure?" is about metformin (its side effects);
        # the effect named is what to look for on that page, not a second topic.
        kinds = {m.entry.canonical: m.entry.category for m in all_matches}
        drugs = [f for f in focus if kinds.get(f) in ("drug", "procedure")]
        focus = drugs or focus
    return QueryAnalysis(
        original=message,
        question=question,
        qtype=qtype,
        focus=focus,
        population=populations(message, all_matches),
        expansions=expansions(q_matches, context, vocab),
        agents=cause_agents(question, q_matches, focus) if qtype == "causes" else [],
        names=_other_names(focus, all_matches),
    )


MAX_OTHER_NAMES = 6


def _other_names(focus: list[str], matches: list[Match]) -> dict[str, list[str]]:
    """Each focus entity's other names: the words the reader used for it (and their spelling
    correction), then its vocabulary synonyms; at least 3 letters, at most MAX_OTHER_NAMES.

    >>> _other_names(["influenza"], Vocabulary.builtin().match("how long does the flu last"))
    {'influenza': ['the flu', 'flu', 'grippe']}
    """
    out: dict[str, list[str]] = {}
    for name in focus:
        found = [m for m in matches if m.entry.canonical == name]
        said = [w for m in found for w in (m.text.lower(), m.corrected.lower())]
        synonyms = [s.lower() for m in found[:1] for s in m.entry.synonyms]
        names = [n for n in dict.fromkeys([*said, *synonyms])
                 if n and len(n) >= 3 and n != name.lower()]
        if names:
            out[name] = names[:MAX_OTHER_NAMES]
    return out


_CAUSE_WORD = re.compile(r"\bcaus(?:e|es|ed|ing)\b( by\b)?")


def cause_agents(question: str, matches: list[Match], focus: list[str]) -> list[str]:
    """The focus entities a "does X cause Y?" question names as the cause X: those before the
    verb, or after it in "is Y caused by X?". Cause and effect must be named in the sentence
    of the verb: a subject line naming Y, then "what are the causes of Y?", names no cause.
    Empty when no sentence names both a cause and an effect ("what causes gout?" asks about
    gout's causes, nothing else).

    >>> v = Vocabulary.builtin()
    >>> q = "Can diabetes cause hair loss?"
    >>> cause_agents(q, v.match(q), ["diabetes", "hair loss"])
    ['diabetes']
    >>> q = "Is my hair loss caused by diabetes?"
    >>> cause_agents(q, v.match(q), ["hair loss", "diabetes"])
    ['diabetes']
    >>> q = "Gout. What are the causes of gout? Will he get kidney stones?"
    >>> cause_agents(q, v.match(q), ["gout", "kidney stones"])
    []
    """
    folded = fold(question)
    for sentence in ROUGH_SENTENCE.finditer(folded):
        verb = _CAUSE_WORD.search(folded, sentence.start(), sentence.end())
        if verb is None:
            continue
        by = bool(verb.group(1))
        agents, effects = [], []
        for m in matches:
            name = m.entry.canonical
            if name not in focus or m.start < sentence.start() or m.end > sentence.end():
                continue
            before = m.end <= verb.start()
            (agents if before != by else effects).append(name)
        agents = list(dict.fromkeys(agents))
        effects = [e for e in dict.fromkeys(effects) if e not in agents]
        if agents and effects:
            return agents
    return []


def focus_names(analysis: QueryAnalysis, vocabulary: Vocabulary | None = None,
                limit: int = MAX_SYNONYMS) -> list[tuple[str, ...]]:
    """Each focus entity of `analysis` with every name worth looking for in a title: the
    canonical name, the words the reader used for it, and up to `limit` other project-written
    names and narrower concepts ("statin" -> atorvastatin...; library names are left out: the record side brings its own, e.g. MedQuAD's focus
    synonyms; so are names under 3 letters, where "MI" would match any heading saying "mi").

    >>> focus_names(analyze("Can a heart attack be prevented?"))[0][:2]
    ('myocardial infarction', 'heart attack')
    """
    vocab = vocabulary if vocabulary is not None else _default_vocabulary()
    said: dict[str, list[str]] = {}
    for m in vocab.match(analysis.original or analysis.question):
        # the reader's words, and their correction when misspelt ("hydrocodene" ->
        # "hydrocodone": a drug class entry lists the drug, the page is titled with it)
        said.setdefault(m.entry.canonical, []).extend([m.text.lower(), m.corrected])
    out = []
    for canonical in analysis.focus:
        entry = vocab.entry(canonical)
        others = ([*entry.synonyms, *(k.canonical for k in vocab.narrower(entry))][:limit]
                  if entry else [])
        names = [canonical, *said.get(canonical, []), *others]
        out.append(tuple(dict.fromkeys(n for n in names if n and len(n) >= 3)))
    return out


# Concepts too general to be what a question is about when it names something more specific:
# "Medicines" in "mixing medications: dicyclomine and phentermine", "surgery" in "is there a
# sleep apnea surgery". Alone they stay the focus ("what vaccines does a baby need?").
_GENERIC_WORDS = (
    "medicine medication drug pill tablet surgery operation vaccine vaccination shot "
    "exercise pain invasive health therapy treatment test doctor hospital emergency care "
    "diet nutrition supplement symptom disease condition disorder infection")
_GENERIC_FOCUS = frozenset(
    [term_key(w) for w in _GENERIC_WORDS.split()] + ["emergency care", "emergency room"])


def _focus(matches: list[Match]) -> list[str]:
    names = [m.entry.canonical for m in matches if m.entry.category != "body_part"]
    names = names or [m.entry.canonical for m in matches]
    specific = [n for n in names if term_key(n) not in _GENERIC_FOCUS]
    return list(dict.fromkeys(specific or names))
