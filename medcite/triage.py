"""Red-flag triage: the first thing medcite does with every message.

`triage(message)` decides how soon the reader should get care (emergency, urgent, routine,
self-care, or none for a plain information question), quotes the words of the message each
decision rests on, and writes a short action line from the settings (emergency number, crisis
line). It is deterministic: rules first, then one learned check:

1. concepts (`data/triage/redflags.yaml`) are matched with precompiled regular expressions;
2. each mention is checked in its context (`data/triage/context.yaml`): negated ("no chest
   pain", "denies"), past ("years ago", "history of"), resolved ("...but it settles down") or
   hypothetical ("what are the signs of a stroke?") mentions do not count. The trigger-window
   idea is NegEx (Chapman et al., J Biomed Inform 2001;34:301-10); the phrases are ours;
3. rules combine current mentions into findings (chest pain + sweating -> emergency), modifiers
   (pregnancy, babies, older adults, blood thinners, kidney failure, weak immune system) raise a
   routine decision, and red flags from the library's own handouts join in (`medcite.redflags`);
4. a learned detector (`medcite.triage_model`, setting `triage_detector`) reads the whole message
   and may raise a decision the rules did not make an emergency to one; it never lowers one.

>>> t = triage("My mother takes magnesium and is having a seizure right now")
>>> t.level.value, t.reasons[0].quote
('emergency', 'seizure')
>>> triage("I had a seizure years ago, what foods have magnesium?").level.value
'none'
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

from .models import Finding, Triage, TriageLevel
from .settings import Settings
from .triage_spell import red_flag_words, respell

if TYPE_CHECKING:  # imported lazily at run time: redflags imports this module
    from .redflags import LibraryRedFlags

__all__ = ["Context", "Mention", "Rules", "general_red_flags", "rules", "triage"]

_WORD = re.compile(r"[\w']+")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+|(?<=[!?])(?=\S)")
# ", now ..." starts the present after a past event ("a sore from new shoes a week ago, now the
# redness has spread"): a clause of its own for the past check (v4.13).
_CLAUSE_BREAK = re.compile(
    r"\b(?:but|however|although|though|except|whereas|and now)\b|,(?= now\b)", re.I)
_CHUNK_BREAK = re.compile(r"[,:]|\b(?:but|and then|so)\b", re.I)
# Question words that make an information question about a finding ("can X cause seizures?").
_ASKS_ABOUT = re.compile(
    r"\b(?:causes?|caused|signs? of|symptoms? of|risks? of|just wondering|normal for|recogni[sz]e|"
    r"treated|treat|prevent|mean)\b", re.I)
_MODIFIER_LABELS = {
    "pregnancy": "pregnancy", "young_infant": "a baby under 3 months", "infant": "a baby",
    "young_child": "a young child", "older_adult": "an older adult",
    "anticoagulant": "a blood thinner", "kidney_failure": "kidney failure",
    "immunosuppressed": "a weak immune system",
}
# Modifiers that raise a routine decision to urgent. Young children are left out: most of
# their routine problems (a late first word) are not more urgent for their age. Only babies
# under 3 months raise self-care to routine: a teething 9-month-old is still self-care.
_RAISE_ROUTINE = tuple(name for name in _MODIFIER_LABELS if name != "young_child")
_RAISE_SELF_CARE = ("young_infant",)
_MAX_REASONS = 5
_COMMA = re.compile(r"[,;]")
_NEW_STATEMENT = re.compile(
    r"\s*(?:and |so )?(?:he|she|i|they|we|you|his|her|my|their|our|hes|shes|im|"
    r"i'm|i've|ive|he's|she's|it's|its|there's|theres|hit|got|fell|keeps?|is|was|has|had|"
    r"have|just|then|now|started|came|(?:\w+ ){1,2}(?:looks?|seems?|feels?|went|turned|is|are))\b",
    re.I)
_NOT_NEGATED = frozenset({"persistent"})
_NOT_PAST = frozenset({"side_effect"})
# "could it be the tablets?" asks about the writer's own medicine, not about medicines in general.
_NOT_HYPOTHETICAL = frozenset({"side_effect"})


def _compile(patterns: list[str], ignore_case: bool = True) -> re.Pattern[str]:
    # Whole words only; an apostrophe inside a word counts as part of it ("can't", "don't"),
    # a quotation mark around words does not ("said he's 'sorted everything out'").
    return re.compile(r"(?<!\w)(?<!\w')(?:" + "|".join(patterns) + r")(?!\w)(?!'\w)",
                      re.I if ignore_case else 0)


# Red-flag patterns are written in lower case and matched against an ASCII-lowered copy of the
# message: about a third faster than case-insensitive matching, and the copy keeps every
# character's offset, so quotes are cut from the message as written.
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


@dataclass(frozen=True)
class _Span:
    """A match-like span (what `Near.finditer` yields); `later` is where its second word starts."""

    a: int
    b: int
    later: int = -1

    def start(self) -> int:
        return self.a

    def end(self) -> int:
        return self.b


class Near:
    r"""Two word groups in the same sentence, at most `within` words apart, in either order.

    Lay wordings vary too much for fixed phrases: "bleeding through the towel", "soaked three
    tea towels and it's still bleeding" are one finding, a bleeding word near a "lots of blood"
    word. The span runs from the first word of the pair to the last.

    >>> near = Near(["bleed\\w*"], ["towels?", "everywhere"], 4)
    >>> [(m.start(), m.end()) for m in near.finditer("it's bleeding through the towel")]
    [(5, 31)]
    >>> list(near.finditer("bleeding a bit. I put a towel on it"))
    []
    """

    def __init__(self, first: list[str], second: list[str], within: int):
        self.first, self.second = _compile(first, False), _compile(second, False)
        self.within = within

    def finditer(self, text: str):
        seconds = list(self.second.finditer(text))
        if not seconds:
            return
        ends = _sentence_breaks(text)
        for a in self.first.finditer(text):
            for b in seconds:
                lo, hi = (a, b) if a.start() <= b.start() else (b, a)
                if lo.end() > hi.start():  # overlapping words are one mention, not a pair
                    continue
                gap = text[lo.end():hi.start()]
                if len(_WORD.findall(gap)) > self.within or _crosses(lo.end(), hi.start(), ends):
                    continue
                yield _Span(lo.start(), max(a.end(), b.end()), hi.start())
                break


@lru_cache(maxsize=4)
def _sentence_breaks(text: str) -> tuple[int, ...]:
    # Shared by every near pair of a message (dozens), so each message is split once.
    return tuple(m.start() for m in _SENTENCE_END.finditer(text))


def _crosses(a: int, b: int, ends: tuple[int, ...]) -> bool:
    return any(a <= e < b for e in ends)


def _concept(spec: list[Any]) -> re.Pattern[str] | _Alternatives:
    """A concept: regular expressions, plus any `{near: [[...], [...]], within: N}` pairs."""
    plain = [p for p in spec if isinstance(p, str)]
    pairs = [Near(p["near"][0], p["near"][1], int(p.get("within", 5)))
             for p in spec if isinstance(p, dict)]
    if not pairs:
        return _compile(plain, False)
    return _Alternatives(([_compile(plain, False)] if plain else []) + pairs)


class _Alternatives:
    def __init__(self, parts: list[Any]):
        self.parts = parts

    def finditer(self, text: str):
        for part in self.parts:
            yield from part.finditer(text)


@dataclass(frozen=True)
class Rule:
    finding: str
    level: TriageLevel
    all: tuple[str, ...]
    any: tuple[str, ...] = ()
    chronic_lowers: bool = False
    unless: tuple[str, ...] = ()
    modifiers_raise: bool = True  # `modifiers: ignore` in the rules file


class Rules:
    """The compiled red-flag and context knowledge (loaded once; see `rules()`)."""

    def __init__(self, redflags: dict[str, Any], context: dict[str, Any]):
        self.concepts = {name: _concept(p) for name, p in redflags["concepts"].items()}
        self.modifiers = {name: _compile(p, False) for name, p in redflags["modifiers"].items()}
        self.rules = [
            Rule(r["finding"], TriageLevel(r["level"]), tuple(r["all"]), tuple(r.get("any", ())),
                 r.get("chronic") == "lower", tuple(r.get("unless", ())),
                 r.get("modifiers") != "ignore")
            for r in redflags["rules"]
        ]
        self.not_raised = frozenset(r.finding for r in self.rules if not r.modifiers_raise)
        known = set(self.concepts) | set(self.modifiers)
        for rule in self.rules:
            missing = set(rule.all + rule.any + rule.unless) - known
            if missing:
                raise ValueError(f"triage rule {rule.finding!r} names unknown {sorted(missing)}")
        # The patterns as written, for the speller's word list (`medcite.triage_spell`).
        self.pattern_texts = [
            text for group in ("concepts", "modifiers") for spec in redflags[group].values()
            for p in spec
            for text in ([w for words in p["near"] for w in words] if isinstance(p, dict) else [p])]
        self.messages: dict[str, str] = redflags["messages"]
        self.window = int(context["negation_window"])
        self.negation = _compile(context["negation_pre"])
        self.pseudo = _compile(context["negation_pseudo"])
        self.reported = _compile(context["reported_question"])
        self.affirmed = _compile(context["affirmed"])
        self.resolved = _compile(context["resolved_post"])
        self.historical = _compile(context["historical"])
        self.present = _compile(context["present_override"])
        self.openers = _compile(context["question_openers"])
        self.hypothetical = _compile(context["hypothetical"])
        self.personal = _compile(context["personal"])

    @cached_property
    def spelling_words(self) -> frozenset[str]:
        """The red-flag words a misspelling is repaired to (built on first use)."""
        return red_flag_words(self.pattern_texts)


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The packaged rules, compiled once per process."""
    base = resources.files("medcite") / "data" / "triage"
    load = lambda name: yaml.safe_load((base / name).read_text(encoding="utf-8"))  # noqa: E731
    return Rules(load("redflags.yaml"), load("context.yaml"))


@dataclass(frozen=True)
class Mention:
    concept: str
    start: int
    end: int


class Context:
    """One message cut into sentences, clauses and chunks, to judge each mention in its scope.

    >>> ctx = Context("No chest pain. My son is having a seizure.")
    >>> ctx.is_current(3, 13), ctx.is_current(32, 39)
    (False, True)
    """

    def __init__(self, message: str, knowledge: Rules | None = None):
        self.text = message
        self.lowered = message.translate(_ASCII_LOWER)
        self.k = knowledge or rules()
        self.sentences = _spans(message, _SENTENCE_END, 0, len(message))

    @cached_property
    def clauses(self) -> list[tuple[int, int]]:
        return [c for a, b in self.sentences for c in _spans(self.text, _CLAUSE_BREAK, a, b)]

    @cached_property
    def chunks(self) -> list[tuple[int, int]]:
        return [c for a, b in self.clauses for c in _spans(self.text, _CHUNK_BREAK, a, b)]

    def is_current(self, start: int, end: int) -> bool:
        """True when the words at [start, end) describe something happening now, to someone."""
        return not (self.negated(start) or self.historical(start) or self.resolved(end)
                    or self.hypothetical(start))

    def negated(self, start: int) -> bool:
        a, _ = _containing(self.clauses, start)
        before = self.text[a:start]
        triggers = [(t, False) for t in self.k.negation.finditer(before)]
        triggers += [(t, True) for t in self.k.reported.finditer(before)]
        for trigger, reported in triggers:
            if self.k.pseudo.match(before, trigger.start()):
                continue
            between = before[trigger.end():]
            if len(_WORD.findall(between)) >= self.k.window:
                # A list joined by "or" keeps the negation when its first item was in the
                # window: "not having any thoughts of harming myself or ending my life".
                head, joined, tail = between.rpartition(" or ")
                if not joined or len(_WORD.findall(head)) >= self.k.window + 3 \
                        or len(_WORD.findall(tail)) > 3:
                    continue
            if reported and self._affirmed(start):
                continue
            # A negation carries over a comma into a list ("no fever, chest pain or sweating")
            # but not into a new statement ("no helmet, hit his head on the kerb").
            offset = a + trigger.end()
            if any(_NEW_STATEMENT.match(self.text, offset + m.end())
                   for m in _COMMA.finditer(between)):
                continue
            return True
        return False

    def _affirmed(self, start: int) -> bool:
        """An answer confirming a reported question, in this sentence or the next."""
        _, b = _containing(self.sentences, start)
        end = next((e for lo, e in self.sentences if lo >= b), b)
        return bool(self.k.affirmed.search(self.text, start, end))

    def historical(self, start: int) -> bool:
        a, b = _containing(self.clauses, start)
        clause = self.text[a:b]
        return bool(self.k.historical.search(clause)) and not self.k.present.search(clause)

    def resolved(self, end: int) -> bool:
        _, b = _containing(self.sentences, max(end - 1, 0))
        return bool(self.k.resolved.search(self.text, end, b))

    def hypothetical(self, start: int) -> bool:
        a, b = _containing(self.sentences, start)
        # "how do I know if someone is having a heart attack": the writer asking is not a
        # person present; only someone named after the "if someone" counts.
        for hypo in self.k.hypothetical.finditer(self.text, a, start):
            if not self.k.personal.search(self.text, hypo.end(), b):
                return True
        ca, cb = _containing(self.chunks, start)
        chunk = self.text[ca:cb].strip()
        sentence = self.text[a:b].rstrip()
        # A list inside a question ("what are the symptoms of X, seizures, and Y?").
        if self.k.openers.match(sentence.lstrip()) and _ASKS_ABOUT.search(self.text, a, start) \
                and not self.k.personal.search(self.text, a, b):
            return True
        question = sentence.endswith("?")
        # An opener counts at the start of a sentence, or anywhere in a real question: in
        # "...has been weeing a lot, is really thirsty" the "is" continues a statement.
        first = not self.text[a:ca].strip()
        asks = (bool(self.k.openers.match(chunk)) and (first or question)) or (
            question and cb >= len(self.text[:b].rstrip()))
        if not asks:
            return False
        if _ASKS_ABOUT.search(self.text, ca, start):
            return True
        return not self.k.personal.search(chunk)

    def mentions(self, patterns: dict[str, re.Pattern[str]],
                 settled: list[Mention] | None = None) -> dict[str, list[Mention]]:
        """Current mentions of each concept (negated, past and hypothetical ones dropped).

        Mentions that are current but have settled ("...stopped after 5 minutes") are left out
        too and, when `settled` is given, appended to it.
        """
        found: dict[str, list[Mention]] = {}
        for name, pattern in patterns.items():
            for m in pattern.finditer(self.lowered):
                a, b = m.start(), m.end()
                # A time phrase is not negated by a nearby "not" ("not enjoying things for
                # the past two months" still lasted two months); a medicine started "last
                # month" is still being taken.
                # A pair is negated when either of its words is ("the runs, no blood").
                later = getattr(m, "later", -1)
                if (name not in _NOT_NEGATED and (self.negated(a) or (
                        later > a and self.negated(later)))) or (
                        name not in _NOT_PAST and self.historical(a)) or (
                        name not in _NOT_HYPOTHETICAL and self.hypothetical(a)):
                    continue
                if self.resolved(b):
                    if settled is not None:
                        settled.append(Mention(name, a, b))
                    continue
                found.setdefault(name, []).append(Mention(name, a, b))
        return found


def _spans(text: str, breaks: re.Pattern[str], start: int, end: int) -> list[tuple[int, int]]:
    spans, a = [], start
    for m in breaks.finditer(text, start, end):
        if m.start() > a:
            spans.append((a, m.start()))
        a = m.end() if m.end() > m.start() else m.start()
    if end > a:
        spans.append((a, end))
    return spans or [(start, end)]


def _containing(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for a, b in spans:
        if a <= pos < b:
            return a, b
    return (spans[-1] if spans and pos >= spans[-1][0] else (0, pos + 1))


def _finding(ctx: Context, rule: Rule, level: TriageLevel,
             found: dict[str, list[Mention]]) -> Finding:
    primary = found[rule.all[0]][0]
    start, end = primary.start, primary.end
    sentence = _containing(ctx.sentences, primary.start)
    # Quote the supporting words too when they sit in the same sentence, so the reason shows
    # the combination that made it a red flag ("chest pain ... sweating").
    for name in rule.all[1:] + rule.any:
        for m in found.get(name, ()):
            if sentence[0] <= m.start < sentence[1] and abs(m.start - primary.start) < 120:
                start, end = min(start, m.start), max(end, m.end)
                break
    return Finding(rule.finding, level, ctx.text[start:end], start, end)


def _fire(ctx: Context, found: dict[str, list[Mention]]) -> list[Finding]:
    k, out = ctx.k, []
    for rule in k.rules:
        if not all(name in found for name in rule.all):
            continue
        if rule.any and not any(name in found for name in rule.any):
            continue
        if any(name in found for name in rule.unless):
            continue
        level = rule.level
        if rule.chronic_lowers and "persistent" in found:
            level = TriageLevel.ROUTINE
        out.append(_finding(ctx, rule, level, found))
    return out


# A red flag that has passed still needs a check, one step less soon ("chest pain last week
# that went away" -> see your provider); a minor one that settled is self-care.
_SETTLED = {TriageLevel.EMERGENCY: TriageLevel.URGENT, TriageLevel.URGENT: TriageLevel.ROUTINE}


def _settled(ctx: Context, settled: list[Mention],
             found: dict[str, list[Mention]]) -> list[Finding]:
    if not settled:
        return []
    gone: dict[str, list[Mention]] = {}
    for m in settled:
        gone.setdefault(m.concept, []).append(m)
    out = []
    for f in _fire(ctx, {**found, **gone}):
        if any(m.start <= f.start < m.end or f.start <= m.start < f.end for m in settled):
            level = _SETTLED.get(f.level, TriageLevel.SELF_CARE)
            out.append(Finding(f"{f.finding} (has settled)", level, f.quote, f.start, f.end))
    return out


def _raise(level: TriageLevel, found: dict[str, list[Mention]],
           ctx: Context) -> tuple[TriageLevel, list[Finding]]:
    # Who is affected changes how soon: the same symptom is more worrying in pregnancy, in a
    # baby, in an older adult, or with a blood thinner, kidney failure or a weak immune system.
    raisers = (_RAISE_ROUTINE if level is TriageLevel.ROUTINE
               else _RAISE_SELF_CARE if level is TriageLevel.SELF_CARE else ())
    for name in raisers:
        if name in found:
            new = TriageLevel.URGENT if level is TriageLevel.ROUTINE else TriageLevel.ROUTINE
            m = found[name][0]
            label = f"{_MODIFIER_LABELS[name]} raises the level"
            return new, [Finding(label, new, ctx.text[m.start:m.end], m.start, m.end)]
    return level, []


def _action(level: TriageLevel, crisis: bool, settings: Settings, messages: dict[str, str]) -> str:
    key = "crisis" if crisis else level.value
    return messages[key].format(emergency=settings.emergency_number, crisis=settings.crisis_line)


def triage(message: str, settings: Settings | None = None,
           library_flags: LibraryRedFlags | None = None) -> Triage:
    """Triage one free-text message. Never raises on odd input; an empty message is `none`.

    >>> triage("i cant breath and my lips are turning blue").level.value
    'emergency'
    >>> triage("what are the warning signs of a stroke?").level.value
    'none'

    Misspelt red-flag words are read as meant (`medcite.triage_spell`); the reasons still quote
    the message as written:

    >>> [r.quote for r in triage("my brother is having a seizur right now").reasons]
    ['seizur']
    """
    settings = settings or Settings()
    result = _respelt(message or "", settings, library_flags)
    if settings.triage_detector:
        result = _second_opinion(message or "", result, settings)
    return result


def _respelt(message: str, settings: Settings,
             library_flags: LibraryRedFlags | None) -> Triage:
    """The rules' decision, read again with misspelt red-flag words put right."""
    result = _triage(message, settings, library_flags)
    repaired = respell(message, rules().spelling_words)
    if not repaired.changed:
        return result
    second = _triage(repaired.text, settings, library_flags)
    if second.level.rank >= result.level.rank and not (second.crisis and not result.crisis):
        return result
    for reason in second.reasons:
        start, end = repaired.original_span(reason.start, reason.end)
        reason.start, reason.end, reason.quote = start, end, repaired.original[start:end]
    return second


def _second_opinion(message: str, result: Triage, settings: Settings) -> Triage:
    """Raise to emergency when the learned detector (`medcite.triage_model`) reads one.

    The detector only raises: a rules emergency stays as it is. Its reason quotes the sentence
    that weighed most toward an emergency; the rules' own reasons follow it.
    """
    if result.level is TriageLevel.EMERGENCY or not message.strip():
        return result
    from .triage_model import detector  # loaded on first use, like the rules

    model = detector()
    p = model.raises(message, rules_found_nothing=result.level is TriageLevel.NONE)
    if p is None:
        return result
    start, end = model.emergency.strongest_span(message)
    crisis = result.crisis or model.crisis.score(message) >= model.threshold
    finding = Finding(f"reads as an emergency as a whole (learned detector, {p:.2f})",
                      TriageLevel.EMERGENCY, message[start:end], start, end)
    return Triage(TriageLevel.EMERGENCY, [finding, *result.reasons][:_MAX_REASONS],
                  _action(TriageLevel.EMERGENCY, crisis, settings, rules().messages),
                  crisis=crisis)


def _triage(message: str, settings: Settings,
            library_flags: LibraryRedFlags | None) -> Triage:
    k = rules()
    ctx = Context(message, k)
    settled: list[Mention] = []
    found = ctx.mentions(k.concepts, settled)
    found.update(ctx.mentions(k.modifiers))
    findings = _fire(ctx, found)
    if library_flags is not None:
        findings.extend(library_flags.match(ctx))
    findings.extend(_settled(ctx, settled, found))
    crisis = any(f.finding.startswith("crisis") for f in findings)
    if not findings:
        return Triage(TriageLevel.NONE, [], _action(TriageLevel.NONE, False, settings, k.messages))
    level = min((f.level for f in findings), key=lambda lv: lv.rank)
    reasons = _top_reasons(findings, level)
    # Months of heartburn in pregnancy, or a year of slowly worsening memory at 77, are not made
    # same-day by who has them (rules marked `modifiers: ignore`, v4.14).
    if not all(f.finding in k.not_raised for f in reasons):
        level, raised = _raise(level, found, ctx)
        reasons = raised + reasons
    return Triage(level, reasons, _action(level, crisis, settings, k.messages), crisis=crisis)


def general_red_flags(level: TriageLevel | str = TriageLevel.EMERGENCY) -> list[str]:
    """The general findings at one level, in rule order (for handouts' "get help" lists).

    >>> "signs of a stroke" in general_red_flags("emergency")
    True
    """
    wanted = TriageLevel(level)
    return list(dict.fromkeys(r.finding for r in rules().rules if r.level is wanted))


def _top_reasons(findings: list[Finding], level: TriageLevel) -> list[Finding]:
    """Findings at the decided level, one per quoted span, crisis first, at most five."""
    top = [f for f in findings if f.level is level]
    top.sort(key=lambda f: (not f.finding.startswith("crisis"), f.start))
    seen: set[tuple[int, int]] = set()
    kept: list[Finding] = []
    for f in top:
        if (f.start, f.end) in seen:
            continue
        seen.add((f.start, f.end))
        kept.append(f)
    return kept[:_MAX_REASONS]
