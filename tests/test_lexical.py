"""The BM25 index: query words, incremental sync from the change log, crash-safe re-application."""

import json

from medcite import Medcite
from medcite.lexical import LexicalIndex, last_ops, query_words
from medcite.store.base import Change

GOUT = "# Gout\n\n## How is gout treated?\n\nColchicine and rest ease an attack of gout.\n"
IRON = "# Iron\n\n## What is iron deficiency?\n\nLow iron causes tiredness and pale skin.\n"


def library(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "gout.md").write_text(GOUT)
    (docs / "iron.md").write_text(IRON)
    app = Medcite.open(tmp_path / "lib", dense=False)
    app.ingest([docs])
    return app, docs


def ids(index, text):
    return [pid for pid, _ in index.search(text, k=10)]


def test_query_words_drop_stopwords_and_punctuation():
    assert query_words("What is (are) High Blood Pressure?") == ["high", "blood", "pressure"]
    assert query_words("?!") == []


def test_last_ops_keeps_the_final_operation():
    changes = [Change(1, "add", "p1"), Change(2, "remove", "p1"), Change(3, "add", "p2"),
               Change(4, "remove", "p2"), Change(5, "add", "p2")]
    assert last_ops(changes) == {"p1": "remove", "p2": "add"}


def test_sync_indexes_new_passages_with_stemming(tmp_path):
    app, _ = library(tmp_path)
    index = LexicalIndex(tmp_path / "idx")
    assert index.sync(app.store) == 2
    gout = [p.id for p in app.source_passages("file:gout")]
    assert ids(index, "treating gouty attacks")[:1] == gout  # "treating" stems to "treat"
    assert ids(index, "colchicine") == gout
    assert index.search("", k=5) == []
    assert index.sync(app.store) == 0  # nothing new
    app.close()


def test_changed_source_replaces_old_passages(tmp_path):
    app, docs = library(tmp_path)
    index = LexicalIndex(tmp_path / "idx")
    index.sync(app.store)
    (docs / "gout.md").write_text(GOUT.replace("Colchicine", "Allopurinol"))
    app.ingest([docs])
    index.sync(app.store)
    new = [p.id for p in app.source_passages("file:gout")]
    assert ids(index, "colchicine") == []
    assert ids(index, "allopurinol") == new
    assert len(index) == 2
    app.close()


def test_withdrawn_source_disappears(tmp_path):
    app, _ = library(tmp_path)
    index = LexicalIndex(tmp_path / "idx")
    index.sync(app.store)
    app.store.withdraw_source("file:iron", "test")
    index.sync(app.store)
    assert ids(index, "iron tiredness") == []
    assert len(index) == 1
    app.close()


def test_state_survives_reopen_and_reapplying_is_idempotent(tmp_path):
    app, _ = library(tmp_path)
    index = LexicalIndex(tmp_path / "idx")
    index.sync(app.store)
    reopened = LexicalIndex(tmp_path / "idx")
    assert reopened.applied_seq == app.store.last_change()
    assert reopened.sync(app.store) == 0
    # A crash after the tantivy commit but before the state write: the seq on disk is old.
    (tmp_path / "idx" / "state.json").write_text(json.dumps({"schema": 1, "applied_seq": 0}))
    again = LexicalIndex(tmp_path / "idx")
    assert again.sync(app.store) == 2
    assert len(again) == 2  # deleted by id before re-adding: no duplicates
    assert len(ids(again, "gout")) == 1
    app.close()


def test_rebuild_from_the_store(tmp_path):
    app, _ = library(tmp_path)
    index = LexicalIndex(tmp_path / "idx")
    index.sync(app.store)
    assert index.rebuild(app.store) == 2
    assert len(index) == 2
    app.close()


def test_expansions_find_passages_the_words_miss(tmp_path):
    app, _ = library(tmp_path)
    index = LexicalIndex(tmp_path / "idx")
    index.sync(app.store)
    assert ids(index, "anaemia") == []
    found = index.search("anaemia", k=5, expansions={"iron deficiency": 0.5})
    assert [pid for pid, _ in found] == [p.id for p in app.source_passages("file:iron")]
    app.close()
