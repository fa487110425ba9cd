"""The library vocabulary: names the library's own sources give their topics.

Sources carry names for what they are about: MeSH headings (`metadata["mesh"]`, PubMed),
"also called" names (`metadata["also_called"]`, MedlinePlus topics) and MedQuAD focus names with
their synonyms (`metadata["focus"]`, `metadata["focus_synonyms"]`). Two more kinds are read from
the sources themselves:

- abbreviations a source defines for its own topic ("Normal pressure hydrocephalus (NPH) is ..."
  makes NPH a name of that topic), found with our implementation of the Schwartz & Hearst
  algorithm (`defined_abbreviations`);
- the short eponym readers use for a named disease ("Wegener's" for "Wegener's granulomatosis"),
  when one concept of the library owns it (`eponym_names`).

After every ingest the names are collected into `vocabulary.db` under the library home, so that
`Vocabulary.load(home)` can merge them with the built-in list.

The update is incremental: it reads the store's passage change log since the last update, re-reads
only the sources whose passages changed, and replaces their rows in one transaction (a withdrawn
or superseded source loses its names). A crash mid-update leaves the previous state.

>>> entries_of_source(Source(id="x", title="Leg cramps", metadata={
...     "focus": "Leg cramps", "focus_synonyms": ["Nocturnal leg cramps"]}))[0][0].library_synonyms
['Nocturnal leg cramps']
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .models import Source
from .vocabulary import LIBRARY_CATEGORY, Entry, term_key

FILENAME = "vocabulary.db"
# Bumped whenever the names collected from a source change (a new kind of name, a cleaning
# rule): a library whose file was written by another version is collected again on its next sync.
VERSION = "2"

# MeSH "check tags" and other headings that describe the study, not its topic.
_MESH_SKIP_NAMES = frozenset({
    "humans", "animals", "male", "female", "adult", "aged", "middle aged", "young adult",
    "adolescent", "child", "child, preschool", "infant", "infant, newborn", "aged, 80 and over",
    "mice", "rats", "retrospective studies", "prospective studies", "cohort studies",
    "follow-up studies", "cross-sectional studies", "case-control studies", "treatment outcome",
    "risk factors", "time factors", "surveys and questionnaires", "questionnaires",
    "reproducibility of results", "incidence", "prevalence", "united states",
})
_SCHEMA = """
CREATE TABLE IF NOT EXISTS terms (
    source_id TEXT NOT NULL,
    canonical TEXT NOT NULL,
    synonyms TEXT NOT NULL DEFAULT '[]',
    origin TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS terms_source ON terms(source_id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


# Labels some catalogues put in front of a name ("Formerly: Wegener's granulomatosis").
_NAME_LABEL = re.compile(r"^(formerly|previously|also (called|known as)|old name|"
                         r"other names?|synonyms?)\s*:\s*", re.IGNORECASE)


def _names(value: Any) -> list[str]:
    """A metadata value (a string, or a list of strings) as clean names.

    >>> _names(["Formerly: Wegener's granulomatosis", "GPA"])
    ["Wegener's granulomatosis", 'GPA']
    """
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        return []
    out = []
    for item in value:
        if isinstance(item, dict):  # {"descriptor": ..., "qualifiers": [...]} style headings
            item = item.get("descriptor") or item.get("name") or item.get("term") or ""
        name = re.sub(r"\s+", " ", str(item)).strip().strip("*").split("/")[0].strip()
        name = _NAME_LABEL.sub("", name)
        if 2 <= len(name) <= 120:
            out.append(name)
    return out


def uninvert(heading: str) -> str:
    """MeSH writes some headings inverted ("Diabetes Mellitus, Type 2"); people do not.

    >>> uninvert("Diabetes Mellitus, Type 2")
    'Type 2 Diabetes Mellitus'
    >>> uninvert("Magnesium Deficiency")
    'Magnesium Deficiency'
    """
    head, sep, tail = heading.partition(", ")
    if not sep or "," in tail:
        return heading
    return f"{tail} {head}"


# -- abbreviations a source defines ---------------------------------------------------------
# A parenthesised short form: 2-10 characters, starting with a letter, at least two capitals
# ("NPH", "CVID", "HbA1c"), so that "(see below)" or "(a)" are not read as abbreviations.
_SHORT_FORM = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9-]{1,9})\s*\)")
_CLAUSE_END = re.compile(r"[.;:!?()\[\]]\s")
_WORDS = re.compile(r"[A-Za-z0-9][A-Za-z0-9'-]*")
# Abbreviations are defined at first use: the opening of a source is enough to find them.
_TEXT_READ = 20_000


def defined_abbreviations(text: str) -> list[tuple[str, str]]:
    """(short form, long form) pairs that `text` defines as "long form (SHORT)".

    Our implementation of the algorithm of Schwartz & Hearst (2003, "A simple algorithm for
    identifying abbreviation definitions in biomedical text", Pacific Symposium on
    Biocomputing 8:451-462): the long form is found among the at most min(|S| + 5, 2|S|) words
    before the parenthesis, by matching the short form's letters right to left, the first
    letter at the start of a word.

    >>> defined_abbreviations("Normal pressure hydrocephalus (NPH) is a buildup of fluid.")
    [('NPH', 'Normal pressure hydrocephalus')]
    >>> defined_abbreviations("It is common (see below) in adults (OK).")
    []
    """
    pairs = []
    for m in _SHORT_FORM.finditer(text):
        short = m.group(1)
        if sum(c.isupper() for c in short) < 2:
            continue
        clause = _CLAUSE_END.split(text[max(0, m.start() - 300):m.start()])[-1]
        words = _WORDS.findall(clause)
        long_form = _long_form(short, words[-min(len(short) + 5, 2 * len(short)):])
        if long_form and len(long_form.split()) >= 2:
            pairs.append((short, long_form))
    return pairs


def _long_form(short: str, words: list[str]) -> str:
    """The shortest tail of `words` that spells `short` (Schwartz & Hearst's matching), or ""."""
    phrase = " ".join(words)
    low = phrase.lower()
    letters = [c.lower() for c in short if c.isalnum()]
    at = len(low) - 1
    for n in range(len(letters) - 1, -1, -1):
        first = n == 0
        while at >= 0 and (low[at] != letters[n]
                           or (first and at > 0 and low[at - 1].isalnum())):
            at -= 1
        if at < 0:
            return ""
        if not first:
            at -= 1
    long_form = phrase[at:].strip()
    return "" if short.lower() in long_form.lower().split() else long_form


# -- short eponyms ------------------------------------------------------------------------------
# "Wegener's granulomatosis" -> "Wegener's": readers name many diseases by the eponym alone.
_EPONYM = re.compile(r"^([A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?:['\u2019]s|s['\u2019]) [A-Za-z]+$")


def eponym_names(entries: Iterable[Entry]) -> dict[str, str]:
    """Short eponym -> the canonical name of the one concept whose names include "<Name>'s
    <word>"; an eponym two concepts share ("Parkinson's disease", "Parkinson's dementia")
    names neither.

    >>> eponym_names([Entry("Granulomatosis with polyangiitis", "other",
    ...                     library_synonyms=["Wegener's granulomatosis"])])
    {"Wegener's": 'Granulomatosis with polyangiitis'}
    """
    owners: dict[str, set[str]] = {}
    shown: dict[str, str] = {}
    for entry in entries:
        for name in entry.names():
            m = _EPONYM.match(name.strip())
            if m:
                key = term_key(m.group(1))
                owners.setdefault(key, set()).add(term_key(entry.canonical))
                shown.setdefault(key, (m.group(1) + "'s", entry.canonical))
    return dict(shown[k] for k, who in owners.items() if len(who) == 1)


def entries_of_source(source: Source, text: str = "") -> list[tuple[Entry, str]]:
    """(entry, origin) pairs named by one source's metadata; origin says which field.

    With the source's `text`, abbreviations it defines for its own topic join that topic's
    names ("Normal pressure hydrocephalus (NPH)" in a page about normal pressure hydrocephalus).
    """
    meta = source.metadata or {}
    found: list[tuple[Entry, str]] = []
    focus = _names(meta.get("focus"))
    if focus:
        synonyms = [s for s in _names(meta.get("focus_synonyms")) if s.lower() != focus[0].lower()]
        found.append((Entry(focus[0], LIBRARY_CATEGORY, library_synonyms=synonyms,
                            builtin=False), "focus"))
    also = _names(meta.get("also_called"))
    if also:
        found.append((Entry(source.title, LIBRARY_CATEGORY, library_synonyms=also, builtin=False),
                      "also_called"))
    if text:
        topic = found[0][0] if found else Entry(source.title, LIBRARY_CATEGORY, builtin=False)
        own = {term_key(n) for n in (*topic.names(), source.title)}
        shorts = [short for short, long_form in defined_abbreviations(text[:_TEXT_READ])
                  if term_key(long_form) in own and term_key(short) not in own]
        shorts = list(dict.fromkeys(shorts))
        if shorts and found:
            topic.library_synonyms.extend(shorts)
        elif shorts and source.title.strip():
            found.append((Entry(source.title, LIBRARY_CATEGORY, library_synonyms=shorts,
                                builtin=False), "abbreviation"))
    for heading in _names(meta.get("mesh")):
        if heading.lower() in _MESH_SKIP_NAMES:
            continue
        plain = uninvert(heading)
        synonyms = [plain] if plain != heading else []
        found.append((Entry(heading, LIBRARY_CATEGORY, library_synonyms=synonyms,
                            builtin=False), "mesh"))
    return found


def entries_of_sources(sources: Iterable[Source]) -> list[Entry]:
    """Library entries of some sources, merged by canonical name (without a database)."""
    return _merge((e.canonical, e.library_synonyms) for s in sources
                  for e, _ in entries_of_source(s))


def _merge(rows: Iterable[tuple[str, list[str]]]) -> list[Entry]:
    merged: dict[str, Entry] = {}
    for canonical, synonyms in rows:
        key = term_key(canonical)
        if not key:
            continue
        entry = merged.get(key)
        if entry is None:
            entry = merged[key] = Entry(canonical, LIBRARY_CATEGORY, builtin=False)
        known = {term_key(n) for n in entry.names()}
        for syn in synonyms:
            k = term_key(syn)
            if k and k not in known:
                entry.library_synonyms.append(syn)
                known.add(k)
    return list(merged.values())


class LibraryVocabulary:
    """The `vocabulary.db` file of one library home."""

    def __init__(self, home: Path):
        self.path = Path(home) / FILENAME

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(_SCHEMA)
        return conn

    def stamp(self) -> tuple:
        """Changes whenever the vocabulary file does (SQLite in WAL mode writes to -wal first)."""
        out = []
        for path in (self.path, Path(str(self.path) + "-wal")):
            try:
                st = path.stat()
                out.append((st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                out.append(None)
        return tuple(out)

    def since(self) -> int:
        """The last change-log sequence number already applied."""
        if not self.path.exists():
            return 0
        conn = self._connect()
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'since'").fetchone()
        finally:
            conn.close()
        return int(row[0]) if row else 0

    def _version(self) -> str:
        conn = self._connect()
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        finally:
            conn.close()
        return row[0] if row else ""

    def refresh(self, store: Any) -> int:
        """Bring the vocabulary in step with the store; returns how many sources were re-read.

        `store` is any catalogue with `changes(since)`, `passages(ids)`, `get_sources(ids)` and
        `source_text(id)` (the text is read for the abbreviations a source defines).
        """
        if self.path.exists() and self._version() != VERSION:
            self._forget()  # collected by another version: collect everything again
        since = self.since()
        changes = store.changes(since)
        if not changes:
            return 0
        passage_ids = list(dict.fromkeys(c.passage_id for c in changes))
        source_ids = list(dict.fromkeys(p.source_id for p in store.passages(passage_ids)))
        sources = store.get_sources(source_ids)
        rows = []
        for sid in source_ids:
            source = sources.get(sid)
            if source is None or source.status != "active":
                continue
            for entry, origin in entries_of_source(source, store.source_text(sid) or ""):
                rows.append((sid, entry.canonical, json.dumps(entry.library_synonyms), origin))
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany("DELETE FROM terms WHERE source_id = ?", [(s,) for s in source_ids])
                conn.executemany("INSERT INTO terms VALUES (?, ?, ?, ?)", rows)
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('since', ?)",
                             (str(max(c.seq for c in changes)),))
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (VERSION,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()
        return len(source_ids)

    def rebuild(self, store: Any) -> int:
        """Forget everything and read the whole change log again."""
        self._forget()
        return self.refresh(store)

    def _forget(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)

    def entries(self) -> list[Entry]:
        """Library entries merged by canonical name (empty when nothing was collected yet)."""
        if not self.path.exists():
            return []
        conn = self._connect()
        try:
            rows = conn.execute("SELECT DISTINCT canonical, synonyms FROM terms").fetchall()
        finally:
            conn.close()
        entries = _merge((canonical, json.loads(synonyms)) for canonical, synonyms in rows)
        by_name = {term_key(e.canonical): e for e in entries}
        for short, canonical in eponym_names(entries).items():
            entry = by_name[term_key(canonical)]
            if term_key(short) not in {term_key(n) for n in entry.names()}:
                entry.library_synonyms.append(short)
        return entries


def after_ingest(app: Any, report: Any) -> None:
    """`Medcite.ingest` hook: keep the library vocabulary in step with what was ingested."""
    LibraryVocabulary(app.settings.home).refresh(app.store)
