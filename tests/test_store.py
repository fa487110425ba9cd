import contextlib
import os
import subprocess
import sys

from medcite.models import EvidenceType, Passage, Source
from medcite.store import SourceFilter
from medcite.store.sqlite import SQLiteStore


def _source(sid="s1", digest="h1", **kw):
    return Source(id=sid, title="T", evidence_type=EvidenceType.PATIENT_EDUCATION,
                  content_hash=digest, **kw)


def _passages(sid, text, digest):
    return [Passage(id=f"{sid}-{digest}", source_id=sid, ordinal=0, section="", text=text,
                    start=0, end=len(text))]


def test_wal_and_migrations_recorded(tmp_path):
    store = SQLiteStore(tmp_path / "l.db")
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    rows = store.conn.execute("SELECT component, version FROM schema_migrations").fetchall()
    assert [tuple(r) for r in rows] == [("catalogue", 1)]
    SQLiteStore(tmp_path / "l.db")  # reopening applies nothing twice


def test_idempotent_then_versioned(tmp_path):
    store = SQLiteStore(tmp_path / "l.db")
    assert store.put_sources([(_source(), "abc", _passages("s1", "abc", "h1"))]) == ["added"]
    assert store.put_sources([(_source(), "abc", _passages("s1", "abc", "h1"))]) == ["unchanged"]
    assert store.put_sources([(_source(digest="h2"), "xyz", _passages("s1", "xyz", "h2"))]) == [
        "updated"]
    assert store.get_source("s1").version == 2
    assert [p.text for p in store.source_passages("s1")] == ["xyz"]
    assert store.source_text("s1", version=1) == "abc"  # old version kept, never deleted
    ops = [(c.op, c.passage_id) for c in store.changes()]
    assert ops == [("add", "s1-h1"), ("remove", "s1-h1"), ("add", "s1-h2")]


def test_bad_source_rolls_back_alone(tmp_path):
    store = SQLiteStore(tmp_path / "l.db")
    bad = [Passage(id="x", source_id="s2", ordinal=0, section="", text="nope", start=0, end=4)]
    with contextlib.suppress(ValueError):
        store.put_sources([(_source("s1"), "abc", _passages("s1", "abc", "h1")),
                           (_source("s2"), "wrong", bad)])
    assert store.get_source("s1") is None and store.get_source("s2") is None


def test_filters_and_withdraw(tmp_path):
    store = SQLiteStore(tmp_path / "l.db")
    store.put_sources([(_source("a", year=2010), "t", _passages("a", "t", "h")),
                       (_source("b", year=2020), "t", _passages("b", "t", "h"))])
    assert [s.id for s in store.list_sources(SourceFilter(year_min=2015))] == ["b"]
    assert store.withdraw_source("a")
    assert [s.id for s in store.list_sources()] == ["b"]
    assert store.stats()["withdrawn"] == 1


def test_killed_writer_leaves_whole_sources(tmp_path):
    """SIGKILL during a long write transaction: the file opens and holds no partial source."""
    db = tmp_path / "l.db"
    SQLiteStore(db).put_sources([(_source("keep"), "k", _passages("keep", "k", "h"))])
    script = f"""
import os, signal
from medcite.models import EvidenceType, Passage, Source
from medcite.store.sqlite import SQLiteStore
s = SQLiteStore({str(db)!r})
def items():
    for i in range(100000):
        if i == 500:
            os.kill(os.getpid(), signal.SIGKILL)
        t = "x" * 10
        yield (Source(id=f"n{{i}}", title="T", content_hash="h"), t,
               [Passage(id=f"p{{i}}", source_id=f"n{{i}}", ordinal=0, section="", text=t,
                        start=0, end=10)])
s.put_sources(items())
"""
    proc = subprocess.run([sys.executable, "-c", script], env=os.environ.copy())
    assert proc.returncode == -9
    store = SQLiteStore(db)
    assert [s.id for s in store.list_sources()] == ["keep"]
    assert store.stats()["passages"] == 1
