"""Lexical retrieval: a BM25 index (tantivy) kept in step with the store's passage change log.

The index lives in its own folder (``home/index/lexical``) next to a small ``state.json`` that
records the last change-log seq it applied. `sync` pulls ``store.changes(since)`` and, for each
passage touched, deletes it by id and re-adds it if its last change is an "add". Deleting before
adding makes a re-run idempotent, so a crash between the tantivy commit and the state write only
means the same changes are applied again on the next open.

Scoring is tantivy's BM25 (k1=1.2, b=0.75; Robertson & Zaragoza 2009, "The Probabilistic
Relevance Framework: BM25 and Beyond"), summed over three fields (title, section heading,
passage text) with English stemming, each field with its own boost.

>>> index = LexicalIndex(home / "index" / "lexical")          # doctest: +SKIP
>>> index.sync(store)                                           # doctest: +SKIP
>>> index.search("magnesium leg cramps", k=3)                   # doctest: +SKIP
[('p_3f9a1c0d2b7e4a51', 11.2), ...]
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tantivy

from .store.base import Change

SCHEMA_VERSION = 1
_WORD = re.compile(r"[a-z0-9]+")
# Words that carry no topic in a health question. BM25's idf already makes them nearly free in
# score, but in an OR-query each one still walks a long posting list, so dropping them is speed.
_STOPWORD_TEXT = (
    "a an and are as at be been being but by can could did do does doing for from had has have "
    "having he her hers him his how i if in into is it its itself me my myself no nor not of on "
    "or our ours she should so some such than that the their theirs them then there these they "
    "this those to too was we were what when where which while who whom why will with would you "
    "your yours hi hello thanks thank please dear"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def query_words(text: str) -> list[str]:
    """The searchable words of `text`: lower-cased, alphanumeric, stopwords dropped, in order.

    >>> query_words("What is (are) High Blood Pressure?")
    ['high', 'blood', 'pressure']
    """
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


def last_ops(changes: list[Change]) -> dict[str, str]:
    """The final operation per passage id over a run of changes (later entries win).

    >>> last_ops([Change(1, "add", "p1"), Change(2, "remove", "p1"), Change(3, "add", "p2")])
    {'p1': 'remove', 'p2': 'add'}
    """
    ops: dict[str, str] = {}
    for change in changes:
        ops[change.passage_id] = change.op
    return ops


class LexicalIndex:
    """A tantivy BM25 index over passages; see the module docstring."""

    name = "lexical"

    def __init__(self, path: Path, field_boosts: Mapping[str, float] | None = None):
        self.path = Path(path)
        self.boosts = dict(field_boosts or {"title": 1.0, "section": 1.0, "text": 1.0})
        self.path.mkdir(parents=True, exist_ok=True)
        state = self._read_state()
        if state.get("schema") != SCHEMA_VERSION:
            # A folder from an older layout (or a half-made one): start again from seq 0.
            self._wipe()
            state = {"schema": SCHEMA_VERSION, "applied_seq": 0}
            self._write_state(state)
        self.applied_seq: int = int(state.get("applied_seq", 0))
        self.index = tantivy.Index(_schema(), path=str(self.path / "tantivy"), reuse=True)
        self._searcher = self.index.searcher()

    # -- keeping in step ---------------------------------------------------------------

    def sync(self, store: Any, batch: int = 2000) -> int:
        """Apply the store's changes since the last applied seq; returns passages touched."""
        last = store.last_change()
        if last <= self.applied_seq:
            return 0
        ops = last_ops(store.changes(self.applied_seq))
        writer = self.index.writer(heap_size=64_000_000, num_threads=1)
        try:
            for pid in ops:
                writer.delete_documents_by_term("passage_id", pid)
            adds = [pid for pid, op in ops.items() if op == "add"]
            for i in range(0, len(adds), batch):
                self._add(writer, store, adds[i : i + batch])
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        self._write_state({"schema": SCHEMA_VERSION, "applied_seq": last})
        self.applied_seq = last
        self.index.reload()
        self._searcher = self.index.searcher()
        return len(ops)

    def rebuild(self, store: Any) -> int:
        """Drop the index and build it again from every change in the store."""
        self._wipe()
        self._write_state({"schema": SCHEMA_VERSION, "applied_seq": 0})
        self.applied_seq = 0
        self.index = tantivy.Index(_schema(), path=str(self.path / "tantivy"), reuse=False)
        return self.sync(store)

    def _add(self, writer: Any, store: Any, ids: list[str]) -> None:
        passages = store.passages(ids)
        sources = store.get_sources([p.source_id for p in passages])
        for p in passages:
            source = sources.get(p.source_id)
            writer.add_document(tantivy.Document(
                passage_id=p.id,
                title=source.title if source else "",
                section=p.section,
                text=p.text,
            ))

    # -- searching ---------------------------------------------------------------------

    def __len__(self) -> int:
        return self._searcher.num_docs

    def search(self, text: str, k: int = 10,
               expansions: Mapping[str, float] | None = None) -> list[tuple[str, float]]:
        """Top `k` passage ids for an OR-query of `text`'s words plus weighted expansion terms."""
        query = self.build_query(text, expansions or {})
        if query is None:
            return []
        searcher = self._searcher
        out = []
        for score, address in searcher.search(query, limit=k, count=False).hits:
            out.append((searcher.doc(address)["passage_id"][0], float(score)))
        return out

    def build_query(self, text: str, expansions: Mapping[str, float]) -> Any | None:
        """Main words as one OR-query; each expansion term an extra clause boosted by its weight."""
        fields = list(self.boosts)
        clauses = []
        words = query_words(text)
        if words:
            clauses.append(self.index.parse_query(" ".join(words), fields, self.boosts))
        for term, weight in expansions.items():
            term_words = query_words(term)
            if not term_words or weight <= 0:
                continue
            q = self.index.parse_query(" ".join(term_words), fields, self.boosts)
            clauses.append(tantivy.Query.boost_query(q, float(weight)))
        if not clauses:
            return None
        if len(clauses) == 1:
            return clauses[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, c) for c in clauses])

    # -- state -------------------------------------------------------------------------

    def _read_state(self) -> dict[str, Any]:
        try:
            return json.loads((self.path / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _write_state(self, state: dict[str, Any]) -> None:
        # Write-then-rename: the state file is either the old one or the new one, never half.
        tmp = self.path / "state.json.tmp"
        tmp.write_text(json.dumps(state), encoding="utf-8")
        os.replace(tmp, self.path / "state.json")

    def _wipe(self) -> None:
        shutil.rmtree(self.path / "tantivy", ignore_errors=True)
        (self.path / "tantivy").mkdir(parents=True, exist_ok=True)


def _schema() -> Any:
    builder = tantivy.SchemaBuilder()
    # "raw" keeps the id as one exact term, so delete-by-id matches it (see tantivy's docs).
    builder.add_text_field("passage_id", stored=True, tokenizer_name="raw")
    for name in ("title", "section", "text"):
        builder.add_text_field(name, stored=False, tokenizer_name="en_stem")
    return builder.build()
