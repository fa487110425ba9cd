"""The embedded catalogue: one SQLite file in WAL mode, the reference `Store`.

- WAL + synchronous=NORMAL: readers never block the writer; a crash loses at most the last
  uncommitted transaction, never half of one (SQLite's atomic commit).
- One writer: writes go through one lock; each `put_sources` batch is one transaction, and each
  source inside it is wrapped in a savepoint, so a bad source rolls back alone.
- Schema migrations are numbered, applied in order and recorded in `schema_migrations`
  (other components, such as the editorial workflow, record theirs under their own name).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ..models import EvidenceType, Passage, Source
from .base import Change, SourceFilter, WriteOutcome

MIGRATIONS: list[tuple[str, str]] = [
    (
        "sources, versions, passages and the change log",
        """
        CREATE TABLE sources (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            publisher TEXT NOT NULL DEFAULT '',
            authors TEXT NOT NULL DEFAULT '[]',
            year INTEGER,
            url TEXT NOT NULL DEFAULT '',
            pmid TEXT NOT NULL DEFAULT '',
            doi TEXT NOT NULL DEFAULT '',
            licence TEXT NOT NULL DEFAULT '',
            language TEXT NOT NULL DEFAULT 'en',
            evidence_type TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            version INTEGER NOT NULL,
            ingested_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'active',
            collection TEXT NOT NULL DEFAULT '',
            origin TEXT NOT NULL DEFAULT '',
            metadata TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX sources_type ON sources(evidence_type);
        CREATE INDEX sources_year ON sources(year);
        CREATE INDEX sources_pmid ON sources(pmid) WHERE pmid != '';
        CREATE TABLE source_versions (
            source_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            content_hash TEXT NOT NULL,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            ingested_at TEXT NOT NULL,
            PRIMARY KEY (source_id, version)
        );
        CREATE TABLE passages (
            id TEXT PRIMARY KEY,
            source_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            ordinal INTEGER NOT NULL,
            section TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            superseded INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX passages_source ON passages(source_id, version, ordinal);
        CREATE TABLE passage_changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            op TEXT NOT NULL CHECK (op IN ('add', 'remove')),
            passage_id TEXT NOT NULL
        );
        CREATE TABLE ingested_files (
            origin TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            sources INTEGER NOT NULL,
            finished_at TEXT NOT NULL
        );
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
    ),
]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection with the pragmas every medcite database uses."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def migrate(conn: sqlite3.Connection, component: str, migrations: list[tuple[str, str]]) -> int:
    """Apply the migrations of `component` that are not recorded yet; returns the version."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT NOT NULL, "
        "version INTEGER NOT NULL, description TEXT NOT NULL, applied_at TEXT NOT NULL, "
        "PRIMARY KEY (component, version))"
    )
    row = conn.execute(
        "SELECT MAX(version) FROM schema_migrations WHERE component = ?", (component,)
    ).fetchone()
    current = row[0] or 0
    for number, (description, sql) in enumerate(migrations, start=1):
        if number <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?, ?)",
                (component, number, description, now()),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        current = number
    return current


def _statements(sql: str) -> list[str]:
    """Split a script into whole statements (trigger bodies contain ';' too)."""
    out, buf = [], ""
    for piece in sql.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n;"):
                out.append(buf)
            buf = ""
    if buf.strip(" \n;"):
        out.append(buf)
    return out


class SQLiteStore:
    """`Store` on one SQLite file. Thread-safe: one writer at a time on `conn` (under `lock`),
    and each thread reads through its own connection (`read`), so a web server's worker threads
    never read inside another thread's open write transaction and never share a cursor. WAL
    lets those readers run while a write is in progress; each sees the last committed state.
    """

    def __init__(self, path: Path | str):
        self.path = path
        self.conn = connect(path)
        self.lock = threading.RLock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        migrate(self.conn, "catalogue", MIGRATIONS)

    @property
    def read(self) -> sqlite3.Connection:
        """The connection this thread reads with: the writer's own inside a write (so a
        transaction sees its own changes) and for an in-memory database (one per connection),
        else a per-thread connection opened on first use."""
        if str(self.path) == ":memory:" or getattr(self._local, "writing", 0):
            return self.conn
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """Hold the write lock, and mark this thread as the writer for `read`."""
        with self.lock:
            self._local.writing = getattr(self._local, "writing", 0) + 1
            try:
                yield self.conn
            finally:
                self._local.writing -= 1

    # -- writing -------------------------------------------------------------------------

    def put_sources(
        self, items: Iterable[tuple[Source, str, list[Passage]]]
    ) -> list[WriteOutcome]:
        outcomes: list[WriteOutcome] = []
        with self._writing():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                for source, text, passages in items:
                    outcomes.append(self._put_one(source, text, passages))
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
        return outcomes

    def _put_one(self, source: Source, text: str, passages: list[Passage]) -> WriteOutcome:
        for p in passages:
            if text[p.start : p.end] != p.text:
                raise ValueError(f"passage {p.id} does not match its offsets in {source.id}")
        row = self.conn.execute(
            "SELECT content_hash, version, status FROM sources WHERE id = ?", (source.id,)
        ).fetchone()
        if row and row["content_hash"] == source.content_hash and row["status"] == "active":
            return "unchanged"
        version = (row["version"] + 1) if row else 1
        source.version = version
        source.ingested_at = source.ingested_at or now()
        for p in passages:
            p.version = version
        c = self.conn
        c.execute("SAVEPOINT source")
        try:
            if row:
                old = [r[0] for r in c.execute(
                    "SELECT id FROM passages WHERE source_id = ? AND superseded = 0", (source.id,)
                )]
                c.execute(
                    "UPDATE passages SET superseded = 1 WHERE source_id = ? AND superseded = 0",
                    (source.id,),
                )
                c.executemany(
                    "INSERT INTO passage_changes (op, passage_id) VALUES ('remove', ?)",
                    [(pid,) for pid in old],
                )
            c.execute(
                "INSERT OR REPLACE INTO sources VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)",
                (
                    source.id, source.title, source.publisher, json.dumps(source.authors),
                    source.year, source.url, source.pmid, source.doi, source.licence,
                    source.language, source.evidence_type.value, source.content_hash, version,
                    source.ingested_at, source.collection, source.origin,
                    json.dumps(source.metadata, ensure_ascii=False),
                ),
            )
            c.execute(
                "INSERT OR REPLACE INTO source_versions VALUES (?, ?, ?, ?, ?, ?)",
                (source.id, version, source.content_hash, source.title, text, source.ingested_at),
            )
            c.executemany(
                'INSERT OR REPLACE INTO passages (id, source_id, version, ordinal, section, text,'
                ' start, "end", superseded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)',
                [(p.id, source.id, version, p.ordinal, p.section, p.text, p.start, p.end)
                 for p in passages],
            )
            c.executemany(
                "INSERT INTO passage_changes (op, passage_id) VALUES ('add', ?)",
                [(p.id,) for p in passages],
            )
            c.execute("RELEASE source")
        except BaseException:
            c.execute("ROLLBACK TO source")
            c.execute("RELEASE source")
            raise
        source.status = "active"
        return "updated" if row else "added"

    def withdraw_source(self, source_id: str, reason: str = "") -> bool:
        with self._writing():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                cur = self.conn.execute(
                    "UPDATE sources SET status = 'withdrawn', metadata = json_set(metadata, "
                    "'$.withdrawn_reason', ?) WHERE id = ? AND status = 'active'",
                    (reason, source_id),
                )
                if cur.rowcount:
                    old = [r[0] for r in self.conn.execute(
                        "SELECT id FROM passages WHERE source_id = ? AND superseded = 0",
                        (source_id,),
                    )]
                    self.conn.execute(
                        "UPDATE passages SET superseded = 1 WHERE source_id = ?", (source_id,)
                    )
                    self.conn.executemany(
                        "INSERT INTO passage_changes (op, passage_id) VALUES ('remove', ?)",
                        [(pid,) for pid in old],
                    )
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
        return bool(cur.rowcount)

    # -- ingest bookkeeping (resumable, fast no-op re-runs) -------------------------------

    def file_done(self, origin: str, size: int, mtime_ns: int) -> bool:
        row = self.read.execute(
            "SELECT size, mtime_ns FROM ingested_files WHERE origin = ?", (origin,)
        ).fetchone()
        return bool(row) and row["size"] == size and row["mtime_ns"] == mtime_ns

    def mark_file(self, origin: str, size: int, mtime_ns: int, sources: int) -> None:
        with self._writing():
            self.read.execute(
                "INSERT OR REPLACE INTO ingested_files VALUES (?, ?, ?, ?, ?)",
                (origin, size, mtime_ns, sources, now()),
            )

    def source_hashes(self, ids: Sequence[str]) -> dict[str, str]:
        """Current content hash of each of `ids` that exists and is active."""
        out: dict[str, str] = {}
        for chunk in _chunks(list(ids), 900):
            marks = ",".join("?" * len(chunk))
            for r in self.read.execute(
                f"SELECT id, content_hash FROM sources WHERE status = 'active' AND id IN ({marks})",
                chunk,
            ):
                out[r[0]] = r[1]
        return out

    # -- reading -------------------------------------------------------------------------

    def get_source(self, source_id: str) -> Source | None:
        row = self.read.execute("SELECT * FROM sources WHERE id = ?", (source_id,)).fetchone()
        return _source(row) if row else None

    def get_sources(self, ids: Sequence[str]) -> dict[str, Source]:
        out: dict[str, Source] = {}
        for chunk in _chunks(list(dict.fromkeys(ids)), 900):
            marks = ",".join("?" * len(chunk))
            for row in self.read.execute(f"SELECT * FROM sources WHERE id IN ({marks})", chunk):
                out[row["id"]] = _source(row)
        return out

    def source_text(self, source_id: str, version: int | None = None) -> str | None:
        if version is None:
            row = self.read.execute(
                "SELECT text FROM source_versions WHERE source_id = ? ORDER BY version DESC "
                "LIMIT 1", (source_id,),
            ).fetchone()
        else:
            row = self.read.execute(
                "SELECT text FROM source_versions WHERE source_id = ? AND version = ?",
                (source_id, version),
            ).fetchone()
        return row[0] if row else None

    def passages(self, ids: Sequence[str]) -> list[Passage]:
        found: dict[str, Passage] = {}
        for chunk in _chunks(list(ids), 900):
            marks = ",".join("?" * len(chunk))
            for row in self.read.execute(f"SELECT * FROM passages WHERE id IN ({marks})", chunk):
                found[row["id"]] = _passage(row)
        return [found[i] for i in ids if i in found]

    def source_passages(self, source_id: str, version: int | None = None) -> list[Passage]:
        if version is None:
            rows = self.read.execute(
                "SELECT * FROM passages WHERE source_id = ? AND superseded = 0 ORDER BY ordinal",
                (source_id,),
            )
        else:
            rows = self.read.execute(
                "SELECT * FROM passages WHERE source_id = ? AND version = ? ORDER BY ordinal",
                (source_id, version),
            )
        return [_passage(r) for r in rows]

    def iter_passages(self, batch: int = 5000) -> Iterator[list[Passage]]:
        last = ""
        while True:
            rows = self.read.execute(
                "SELECT * FROM passages WHERE superseded = 0 AND id > ? ORDER BY id LIMIT ?",
                (last, batch),
            ).fetchall()
            if not rows:
                return
            yield [_passage(r) for r in rows]
            last = rows[-1]["id"]

    def changes(self, since: int = 0) -> list[Change]:
        return [
            Change(seq=r[0], op=r[1], passage_id=r[2])
            for r in self.read.execute(
                "SELECT seq, op, passage_id FROM passage_changes WHERE seq > ? ORDER BY seq",
                (since,),
            )
        ]

    def last_change(self) -> int:
        return self.read.execute("SELECT COALESCE(MAX(seq), 0) FROM passage_changes").fetchone()[0]

    def list_sources(self, flt: SourceFilter | None = None) -> list[Source]:
        flt = flt or SourceFilter()
        where, args = ["1 = 1"], []
        if flt.status:
            where.append("status = ?")
            args.append(flt.status)
        if flt.evidence_types:
            where.append(f"evidence_type IN ({','.join('?' * len(flt.evidence_types))})")
            args.extend(EvidenceType.parse(t).value for t in flt.evidence_types)
        if flt.year_min is not None:
            where.append("year >= ?")
            args.append(flt.year_min)
        if flt.year_max is not None:
            where.append("year <= ?")
            args.append(flt.year_max)
        if flt.publisher:
            where.append("publisher LIKE ?")
            args.append(f"%{flt.publisher}%")
        if flt.collection:
            where.append("collection = ?")
            args.append(flt.collection)
        if flt.language:
            where.append("language = ?")
            args.append(flt.language)
        sql = f"SELECT * FROM sources WHERE {' AND '.join(where)} ORDER BY id"
        if flt.limit is not None:
            sql += f" LIMIT {int(flt.limit)} OFFSET {int(flt.offset)}"
        return [_source(r) for r in self.read.execute(sql, args)]

    def stats(self) -> dict[str, object]:
        c = self.read
        by_type = dict(c.execute(
            "SELECT evidence_type, COUNT(*) FROM sources WHERE status = 'active' "
            "GROUP BY evidence_type ORDER BY 2 DESC"
        ).fetchall())
        return {
            "sources": c.execute("SELECT COUNT(*) FROM sources WHERE status='active'").fetchone()[0],
            "withdrawn": c.execute(
                "SELECT COUNT(*) FROM sources WHERE status='withdrawn'").fetchone()[0],
            "passages": c.execute(
                "SELECT COUNT(*) FROM passages WHERE superseded = 0").fetchone()[0],
            "superseded_passages": c.execute(
                "SELECT COUNT(*) FROM passages WHERE superseded = 1").fetchone()[0],
            "by_evidence_type": by_type,
            "path": str(self.path),
        }

    def get_meta(self, key: str) -> str | None:
        row = self.read.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._writing():
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def transaction(self, fn: Callable[[sqlite3.Connection], object]) -> object:
        """Run `fn(conn)` in one write transaction (used by components with their own tables)."""
        with self._writing():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(self.conn)
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
        return result

    def close(self) -> None:
        with self._readers_lock:
            readers, self._readers = self._readers, []
        for conn in readers:
            conn.close()
        self.conn.close()


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _source(row: sqlite3.Row) -> Source:
    return Source(
        id=row["id"], title=row["title"], publisher=row["publisher"],
        authors=json.loads(row["authors"]), year=row["year"], url=row["url"], pmid=row["pmid"],
        doi=row["doi"], licence=row["licence"], language=row["language"],
        evidence_type=EvidenceType(row["evidence_type"]), content_hash=row["content_hash"],
        version=row["version"], ingested_at=row["ingested_at"], status=row["status"],
        collection=row["collection"], origin=row["origin"], metadata=json.loads(row["metadata"]),
    )


def _passage(row: sqlite3.Row) -> Passage:
    return Passage(
        id=row["id"], source_id=row["source_id"], ordinal=row["ordinal"], section=row["section"],
        text=row["text"], start=row["start"], end=row["end"], version=row["version"],
    )
