"""Condition-specific red flags read from the library's own handouts.

Patient-education (and project-written) sources often end with lists under headings such as
"Seek care immediately or call 911 if:" or "Contact your healthcare provider if:". Each list
item becomes a red flag for the source's condition, at the level its heading implies
(emergency for "immediately / 911 / emergency", urgent for "same day / right away", routine for
"contact your provider"), with the source and passage it came from so triage can cite it.

Matching a message is keyword overlap on stems: an item's key words ("numbness", "tingling",
"arms", "legs") must be present, current (not negated, past or hypothetical, judged by
`medcite.triage.Context`) and cover most of the item. Without the condition named in the
message an item needs at least three key words, all present, so a short generic item ("You have
a fever") from one handout never fires for every message.

>>> flags = LibraryRedFlags.from_store(store)                    # doctest: +SKIP
>>> [i.text for i in flags.flags_for("hypomagnesemia") if i.level == "emergency"][:1]  # doctest: +SKIP
['You have a seizure.']
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import snowballstemmer

from .models import EvidenceType, Finding, Passage, TriageLevel
from .store import SourceFilter
from .triage import Context

# Heading phrases, checked in this order (a heading that says both "call your doctor" and
# "call 911" is an emergency heading).
_HEADINGS: list[tuple[TriageLevel, re.Pattern[str]]] = [
    (TriageLevel.EMERGENCY, re.compile(
        r"\b(?:immediately|call (?:9-?1-?1|\d{3}|an ambulance)|emergency|go to the (?:er|e\.r\.)"
        r"|right now)\b", re.I)),
    (TriageLevel.URGENT, re.compile(
        r"\b(?:same[- ]day|right away|within 24 hours|urgent(?:ly)?|promptly|today)\b", re.I)),
    (TriageLevel.ROUTINE, re.compile(
        r"\b(?:contact|call|see|talk to|tell) (?:your |a )?(?:\w+ ){0,3}"
        r"(?:provider|doctor|clinician|nurse|specialist|pharmacist|physician|gp|team)\b"
        r"|\bwhen to (?:get help|see a doctor|seek (?:medical )?(?:help|care))\b"
        r"|\balso call (?:if|when)\b", re.I)),
]
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25cf\u25aa\u2023\u2043]|\d{1,2}[.)])\s*")
_WORD = re.compile(r"[a-z][a-z']+", re.I)
# Words that carry no symptom meaning in "You have ...", "Your child is ..." items.
_STOP_TEXT = (
    "a an and are as at be been become becomes being but by can could do does for from get gets "
    "had has have having he her his i if in into is it its me more much my of on or our she so "
    "than that the their them then there they this to too very was we were when which who will about "
    "with you your yours child's baby's someone feel feels normal new any also")
_STOP = frozenset(_STOP_TEXT.split())
_EVIDENCE = (EvidenceType.PATIENT_EDUCATION.value, EvidenceType.PROJECT_OVERVIEW.value)
_STEMMER = snowballstemmer.stemmer("english")
CACHE_VERSION = 5  # bump whenever parsing changes (5: side-effect items need the medicine named)


@dataclass(frozen=True)
class RedFlagItem:
    """One list item under a "call 911 if / contact your provider if" heading of a source."""

    condition: str
    text: str
    level: str  # a TriageLevel value
    heading: str
    source_id: str
    passage_id: str
    start: int  # offsets in the source's stored text
    end: int
    keys: tuple[str, ...]  # stems of the key words
    # A medicine's side-effect list ("call your doctor immediately if you have eye pain") is a
    # red flag only for someone taking that medicine: the message must name it.
    needs_name: bool = False


def stems(text: str) -> list[tuple[str, int, int]]:
    """(stem, start, end) for each content word of `text`.

    >>> [s for s, _, _ in stems("You have numbness and tingling in your arms")]
    ['numb', 'tingl', 'arm']
    """
    return [(_STEMMER.stemWord(m.group().lower().strip("'")), m.start(), m.end())
            for m in _WORD.finditer(text) if m.group().lower() not in _STOP]


def name_words(text: str) -> frozenset[str]:
    """Content words of a name, lower case, without a plural "s" (for "is it named?").

    >>> sorted(name_words("Heart attacks")), sorted(name_words("burning"))
    (['attack', 'heart'], ['burning'])
    """
    return frozenset(re.sub(r"(?:'s|s)$", "", w.lower()) for w in _WORD.findall(text)
                     if w.lower() not in _STOP)


def condition_of(title: str) -> str:
    """The condition a handout is about: its title before any subtitle or bracket.

    >>> condition_of("Hypomagnesemia (Aftercare Instructions)")
    'Hypomagnesemia'
    """
    return re.split(r"\s+[-\u2013:(|]\s*|\s*\(", title, maxsplit=1)[0].strip() or title.strip()


def heading_level(line: str, max_len: int = 120) -> TriageLevel | None:
    """The level a list heading announces, or None when it is not a red-flag heading.

    >>> heading_level("Seek care immediately or call 911 if:").value
    'emergency'
    >>> heading_level("Contact your primary healthcare provider or specialist if:").value
    'routine'
    """
    if len(line) > max_len or not re.search(r"\b(?:if|when)\b", line, re.I):
        return None
    for level, pattern in _HEADINGS:
        if pattern.search(line):
            return level
    return None


def parse_items(text: str, passages: list[Passage], source_id: str, title: str,
                condition: str = "") -> list[RedFlagItem]:
    """Red-flag items of one source's text (headings inline as "...if:" lines or as sections).

    `condition` defaults to the title before any subtitle (`condition_of`).
    """
    condition = condition or condition_of(title)
    items: list[RedFlagItem] = []
    spans = []
    seen: set[tuple[int, int]] = set()
    for heading, level, a, b in _lists(text, passages):
        for start, end in _item_spans(text, a, b):
            if (start, end) not in seen:  # a "## Call 911 if" line is also its section's name
                seen.add((start, end))
                spans.append((heading, level, start, end))
    taken = sorted(seen)
    spans += [span for span in _inline_lists(text)
              if not any(a < span[3] and span[2] < b for a, b in taken)]
    spans.sort(key=lambda s: s[2])
    for heading, level, start, end in spans:
        words = tuple(dict.fromkeys(s for s, _, _ in stems(text[start:end])))
        if not words:
            continue
        passage = next((p.id for p in passages if p.start <= start < p.end), "")
        items.append(RedFlagItem(condition, text[start:end], level.value, heading, source_id,
                                 passage, start, end, words))
    return items


# A heading line may end without a colon when its list follows: "... right away if you have".
_OPEN_END = re.compile(r"(?::|\bif(?: (?:you|he|she|they|your child) "
                       r"(?:have|has|notice|experience|develop)s?)?)$", re.I)
# Inline lists: the lead-in ends with ":" or "if you have" and the items follow on the same
# line after " - " ("Call 911 if you have: - chest pain - fainting"), or after ":" split by
# semicolons ("...any of these: severe headache; fainting; a stiff neck.").
_OPENER = re.compile(r"(?::|\b(?:have|has|notice|experience|develop|include)\b)(?=\s*-\s+\S)"
                     r"|:(?=\s+[^\n.;:]{2,}?;)", re.I)
# Where a lead-in clause starts: after a sentence, a "Section : " label, a paragraph gap
# (MedQuAD keeps paragraphs as runs of spaces) or an inline item.
_CLAUSE_START = re.compile(r"[.!?]\s+|\s:\s+|\s{3,}|(?:^|\s)-\s+")
_DASH = re.compile(r"\s*-\s+(?=\S)")
_NEXT_DASH = re.compile(r"\s+-\s+(?=\S)")
_GAP = re.compile(r"\s{3,}(?=\S)")  # a paragraph break inside a line ends the list
_SIGNS = re.compile(r"\b(?:signs?|symptoms?)\b", re.I)
_REFERS_TO_SIGNS = re.compile(r"\b(?:them|these|the following|any of|signs?|symptoms?)\b", re.I)
_LAST_BREAK = re.compile(r"(?<=[.!?])\s+(?=\S)|\s{2,}(?=[A-Z])")
_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])|\s{2,}(?=[A-Z])")  # a new sentence in an item
_OPENS_LIST = re.compile(r"(?::|\bif(?: you have)?)\s*$", re.I)
# The new list shapes are read from running text, where "Tell your doctor if you have ever had /
# are taking ...:" asks for a history and "Tell your doctor if these side effects do not go
# away:" lists common side effects: only lead-ins that send the reader somewhere count.
_SENDS = re.compile(r"\b(?:call|contact|seek|phone|911)\b|\b(?:see|get|go to) (?:a |your |the )?"
                    r"(?:\w+ )?(?:doctor|provider|medical|emergency|help|care|hospital|er)\b", re.I)
_HISTORY = re.compile(r"\b(?:ever had|have had|has had|are taking|plan to|before (?:you|the))\b",
                      re.I)
_INLINE_SEP = re.compile(r"\s{2,}-\s+(?=\S)")  # items run together on one line of a list
INLINE_ITEM_MAX = 200  # characters; past this an "item" is running text


def _inline_lists(text: str) -> Iterable[tuple[str, TriageLevel, int, int]]:
    """(heading, level, start, end) of items of lists written inside a line of text.

    >>> t = "Seek care right away if you have: - chest pain - trouble breathing"
    >>> [t[a:b] for _, _, a, b in _inline_lists(t)]
    ['chest pain', 'trouble breathing']
    """
    for line in re.finditer(r"[^\n]+", text):
        base, body = line.start(), line.group()
        pos = 0
        while (opener := _OPENER.search(body, pos)) is not None:
            pos = opener.end()
            starts = [m.end() for m in _CLAUSE_START.finditer(body, 0, opener.start())]
            head = body[starts[-1] if starts else 0:opener.end()].strip()
            level = heading_level(head)
            if level is None and _SIGNS.search(head) and len(starts) > 1:
                # "... phone 911 when you notice these. The warning signs are - ...":
                # a list of signs right after the sentences that say what to do about them.
                # ("If the person collapses, call 911. Symptoms of overdose include:" is not:
                # the call is for the collapse, not for each symptom.)
                before = body[starts[max(0, len(starts) - 3)]:starts[-1]]
                if _REFERS_TO_SIGNS.search(before):
                    head = (before + body[starts[-1]:opener.end()]).strip()
                    level = heading_level(head, max_len=240)
            if level is None or not _SENDS.search(head) or _HISTORY.search(head):
                continue
            spans = (_dash_items(body, opener.end()) if _DASH.match(body, opener.end())
                     else _semicolon_items(body, opener.end()))
            if len(spans) < 2:
                continue
            for a, b in spans:
                yield head, level, base + a, base + b
            pos = max(pos, spans[-1][1])


def _dash_items(body: str, pos: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    first = _DASH.match(body, pos)
    # Items set off by runs of spaces may hold a single-spaced dash of their own
    # ("- Chest discomfort - pressure, squeezing, or pain     - Shortness of breath").
    wide = first is not None and body[pos:first.end()].find("-") >= 2
    next_dash = _INLINE_SEP if wide else _NEXT_DASH
    while (sep := _DASH.match(body, pos)) is not None:
        start = sep.end()
        nxt = next_dash.search(body, start)
        end = nxt.start() if nxt else len(body)
        gap = _GAP.search(body, start, end)
        last = gap is not None or nxt is None
        if gap is not None:
            end = gap.start()
        brk = (_LAST_BREAK if last else _BREAK).search(body, start, end)
        if brk is not None and (last or _OPENS_LIST.search(body[brk.end():end])):
            # "- fainting. Your doctor will ...", or "- blurred vision  Some side effects are
            # serious. Call your doctor if:": the item ends at its own sentence.
            end, last = brk.start(), True
        end = start + len(body[start:end].rstrip())
        if end - start > INLINE_ITEM_MAX:
            break
        if end > start:
            spans.append((start, end))
        if last:
            break
        pos = end
    return spans


def _semicolon_items(body: str, pos: int) -> list[tuple[int, int]]:
    stop = re.compile(r"\.(?:\s|$)").search(body, pos)
    end = stop.start() + 1 if stop else len(body)
    spans = []
    for m in re.finditer(r"[^;]+", body[pos:end]):
        a, b = pos + m.start(), pos + m.end()
        lead = re.match(r"\s*(?:(?:or|and)\s+)?", body[a:b])
        a += lead.end() if lead else 0
        b = a + len(body[a:b].rstrip())
        if b - a > INLINE_ITEM_MAX:
            return []  # a semicolon inside running text, not a list
        if b > a:
            spans.append((a, b))
    return spans


def _lists(text: str, passages: list[Passage]) -> Iterable[tuple[str, TriageLevel, int, int]]:
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    heads = []
    for i, (a, b) in enumerate(lines):
        line = text[a:b].strip()
        if _OPEN_END.search(line) and not _BULLET.match(text[a:b]):
            heads.append((i, line, heading_level(line)))
    for n, (i, line, level) in enumerate(heads):
        if level is None:
            continue
        stop = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        if i + 1 < stop:
            yield line, level, lines[i + 1][0], lines[stop - 1][1]
    # Headings kept as section names (Markdown "## Call 911 if"): the section's passages.
    sections: dict[str, list[Passage]] = {}
    for p in passages:
        sections.setdefault(p.section, []).append(p)
    for name, parts in sections.items():
        level = heading_level(name.rstrip(":")) if name else None
        if level is not None:
            yield name, level, min(p.start for p in parts), max(p.end for p in parts)


def _looks_like_heading(line: str) -> bool:
    """A short Title Case line without final punctuation ("Older Adults", "Lung Function Test").

    >>> _looks_like_heading("Older Adults"), _looks_like_heading("Have shaking chills")
    (True, False)
    """
    words = line.split()
    if not words or len(words) > 8 or line[-1] in ".!?;:,":
        return False
    if len(words) <= 2:
        return all(w[0].isupper() or len(w) <= 3 for w in words)
    long_words = [w for w in words if len(w) > 3]
    return len(long_words) > 1 and sum(w[0].isupper() for w in long_words) >= 0.6 * len(long_words)


def _item_spans(text: str, a: int, b: int) -> Iterable[tuple[int, int]]:
    # Bulleted lines are items; a plain line after the list has started ends it (a closing
    # paragraph such as a copyright notice is not a red flag). Lists without bullets (one item
    # per line, as in MedQuAD) end at a heading-like line or a long paragraph.
    started = False
    count = 0
    for m in re.finditer(r"[^\n]+", text[a:b]):
        line = m.group()
        stripped = line.strip()
        if not stripped:
            continue
        bullet = _BULLET.match(line)
        if not bullet and (started or len(stripped) > 160 or _looks_like_heading(stripped)):
            break
        count += 1
        if count > 15:  # a real red-flag list is short; past this we are in running text
            break
        started = started or bool(bullet)
        start = a + m.start() + (bullet.end() if bullet else 0)
        end = a + m.end()
        # "- pain  - large clots  - very red urine": several items run together on one line.
        for sep in [*_INLINE_SEP.finditer(text, start, end), None]:
            stop = sep.start() if sep else end
            while stop > start and text[stop - 1].isspace():
                stop -= 1
            if stop > start:
                yield start, stop
            if sep:
                start = sep.end()


class LibraryRedFlags:
    """All red-flag items of a library, indexed by stem for matching and by condition."""

    def __init__(self, items: Iterable[RedFlagItem] = ()):
        self.items = list(items)
        self._by_stem: dict[str, list[int]] = {}
        self._by_condition: dict[str, list[int]] = {}
        self._condition_stems: dict[str, frozenset[str]] = {}
        self._condition_words: dict[str, frozenset[str]] = {}
        for i, item in enumerate(self.items):
            for key in item.keys:
                self._by_stem.setdefault(key, []).append(i)
            name = item.condition.lower()
            self._by_condition.setdefault(name, []).append(i)
            if name not in self._condition_stems:
                # The name without its subtitle ("Low back pain - acute" -> low, back, pain).
                self._condition_stems[name] = frozenset(
                    s for s, _, _ in stems(condition_of(item.condition)))
                self._condition_words[name] = name_words(condition_of(item.condition))

    def __len__(self) -> int:
        return len(self.items)

    @classmethod
    def from_store(cls, store: Any, cache: Path | None = None) -> LibraryRedFlags:
        """Read every patient-education / project-overview source of `store`.

        With `cache` (a JSON file), the items are stored there with the store's change stamp and
        reused until the library changes, so opening is one file read.
        """
        stamp = change_stamp(store)
        if cache is not None and cache.is_file():
            try:
                data = json.loads(cache.read_text(encoding="utf-8"))
                if data.get("version") == CACHE_VERSION and data.get("stamp") == stamp:
                    return cls(RedFlagItem(**{**d, "keys": tuple(d["keys"])})
                               for d in data["items"])
            except (ValueError, KeyError, TypeError):
                pass  # a damaged cache is rebuilt below
        items: list[RedFlagItem] = []
        for source in store.list_sources(SourceFilter(evidence_types=_EVIDENCE)):
            text = store.source_text(source.id)
            # Cheap first look: a red-flag heading always says "if" or "when".
            if not text or not re.search(r"\b(?:if|when)\b", text, re.I):
                continue
            # MedQuAD-style records name their topic ("focus"); their titles are questions.
            meta = source.metadata if isinstance(source.metadata, dict) else {}
            found = parse_items(text, store.source_passages(source.id), source.id,
                                source.title, str(meta.get("focus") or ""))
            if _side_effect_source(source.title, meta):
                found = [replace(item, needs_name=True) for item in found]
            items.extend(found)
        if cache is not None:
            try:
                cache.parent.mkdir(parents=True, exist_ok=True)
                tmp = cache.with_suffix(".tmp")
                tmp.write_text(json.dumps({"version": CACHE_VERSION, "stamp": stamp,
                                           "items": [asdict(i) for i in items]}),
                               encoding="utf-8")
                tmp.replace(cache)  # atomic: a reader never sees half a file
            except OSError:
                pass  # a read-only library still triages; it just rebuilds next time
        return cls(items)

    def conditions(self) -> list[str]:
        return sorted({item.condition for item in self.items})

    def flags_for(self, condition: str) -> list[RedFlagItem]:
        """The items for a condition (case-insensitive; a title word match also counts)."""
        name = condition.strip().lower()
        if name in self._by_condition:
            return [self.items[i] for i in self._by_condition[name]]
        wanted = {s for s, _, _ in stems(condition)}
        return [self.items[i] for cond, ids in self._by_condition.items()
                if wanted and wanted <= self._condition_stems[cond] for i in ids]

    def match(self, ctx: Context) -> list[Finding]:
        """Findings for the items a message matches (one per item, best level first)."""
        words = [(s, a, b) for s, a, b in stems(ctx.text) if ctx.is_current(a, b)]
        present = {s for s, _, _ in words}
        said = name_words(" ".join(ctx.text[a:b] for _, a, b in words))
        candidates = {i for s in present for i in self._by_stem.get(s, ())}
        out = []
        aliases: set[str] | None = None
        for i in sorted(candidates):
            item = self.items[i]
            hit = [w for w in words if w[0] in item.keys]
            covered = len({w[0] for w in hit})
            # Every word of the condition's name, as a word (a plural counts, a stem does not):
            # "burning when I pee" is not about "Burns", "my legs" not about "Foot, leg, and
            # ankle swelling".
            cond = self._condition_words[item.condition.lower()]
            named = bool(cond) and cond <= said
            if not named and covered < len(item.keys):
                if aliases is None:
                    aliases = _named_conditions(ctx.text)
                named = item.condition.lower() in aliases
            if item.needs_name and not named:
                continue
            if named:
                ok = covered / len(item.keys) >= 0.6
            else:
                ok = covered == len(item.keys) and covered >= 3
            if not ok:
                continue
            start, end = min(a for _, a, _ in hit), max(b for _, _, b in hit)
            if end - start > 160:  # words scattered over the message: quote the first one
                end = hit[0][2]
            out.append(Finding(f"{item.condition}: {item.text.rstrip('.')}", TriageLevel(item.level),
                               ctx.text[start:end], start, end, item.source_id, item.passage_id))
        out.sort(key=lambda f: f.level.rank)
        return out


def _side_effect_source(title: str, metadata: dict[str, Any]) -> bool:
    """A medicine leaflet's side-effect section (MedQuAD qtype, or the title says so)."""
    qtype = str(metadata.get("qtype") or "")
    return bool(re.search(r"side[- ]effects?", f"{qtype} {title}", re.I))


@lru_cache(maxsize=1)
def _vocabulary() -> Any:
    try:
        from .vocabulary import Vocabulary
        return Vocabulary.builtin()
    except Exception:  # the vocabulary is an optional helper here: plain words still match
        return None


def _named_conditions(text: str) -> set[str]:
    """Canonical names of conditions the message names in lay words ("low mag" -> hypomagnesemia)."""
    vocab = _vocabulary()
    if vocab is None:
        return set()
    return {m.entry.canonical.lower() for m in vocab.match(text)}


def change_stamp(store: Any) -> str:
    """A value that changes whenever the library's passages change (cache key)."""
    last = getattr(store, "last_change", None)
    if callable(last):
        return f"seq:{last()}"
    stats = store.stats()
    return f"stats:{stats.get('sources')}:{stats.get('passages')}"
