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


def test_other_threads_read_committed_state_only(tmp_path):
    """A web server's worker thread must not read inside another thread's open write."""
    import threading

    store = SQLiteStore(tmp_path / "l.db")
    inside, checked = threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def write(conn):
        conn.execute("INSERT INTO meta VALUES ('k', 'v')")
        seen["writer"] = store.get_meta("k")  # the writing thread sees its own change
        inside.set()
        assert checked.wait(10)

    writer = threading.Thread(target=store.transaction, args=(write,))
    writer.start()
    assert inside.wait(10)
    seen["during"] = store.get_meta("k")  # main thread: the write is not committed yet
    checked.set()
    writer.join(10)
    assert seen == {"writer": "v", "during": None}
    assert store.get_meta("k") == "v"
    store.close()


def test_concurrent_reads_and_writes_do_not_fail(tmp_path):
    import threading

    store = SQLiteStore(tmp_path / "l.db")
    store.put_sources([(_source("s0"), "abc", _passages("s0", "abc", "h0"))])
    errors: list[BaseException] = []

    def reader():
        try:
            for _ in range(200):
                assert store.get_sources(["s0"])["s0"].id == "s0"
                assert store.passages(["s0-h0"])[0].text == "abc"
                store.stats()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(6)]
    for t in threads:
        t.start()
    for i in range(1, 40):
        store.put_sources([(_source(f"s{i}"), "xyz", _passages(f"s{i}", "xyz", "h"))])
    for t in threads:
        t.join(30)
    assert errors == []
    assert store.stats()["sources"] == 40
    store.close()
