"""The ingest pipeline: inputs -> connectors -> parsed documents -> passages -> store.

Guarantees (library issue, item 7):
- idempotent: a source whose content hash is unchanged is not rewritten; a file whose size and
  mtime match a finished earlier run is not even parsed (so a repeated command is near-instant);
- whole sources only: sources are written in batches, one transaction per batch and a savepoint
  per source; a kill at any moment leaves only whole sources, and re-running completes the work;
- bad input never stops the batch: each failing file or record gives one `IngestReport.errors`
  line, and every good file is still ingested.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .. import evidence, passages
from ..models import Deletion, IngestReport, ParsedDocument, Source
from ..settings import Settings
from ..store.sqlite import SQLiteStore
from ..text import content_hash
from .connectors import IngestError, find_connector

# Called with (origin, sources_so_far_in_this_input, report) after each batch and each file.
ProgressFn = Callable[[str, int, IngestReport], None]

_HIDDEN_PREFIXES = (".", "_")


@dataclass
class _Pending:
    source: Source
    doc: ParsedDocument


class Ingestor:
    """Ingest files, folders, URLs and `pubmed:QUERY` inputs into a store."""

    def __init__(self, store: SQLiteStore, settings: Settings,
                 progress: ProgressFn | None = None):
        self.store = store
        self.settings = settings
        self.progress = progress
        # Extra input kinds (URL, pubmed:QUERY) register here: prefix -> fn(input) -> documents.
        self.resolvers: dict[str, Callable[[str], Iterator[ParsedDocument]]] = {}

    def ingest(self, inputs: Iterable[str | Path], force: bool = False) -> IngestReport:
        report = IngestReport()
        started = time.perf_counter()
        for item in inputs:
            text = str(item)
            resolver = next((fn for prefix, fn in self.resolvers.items()
                             if text.startswith(prefix)), None)
            if resolver is not None:
                self._ingest_documents(text, resolver(text), report)
                continue
            path = Path(text).expanduser()
            if not path.exists():
                report.errors.append((text, "no such file or folder"))
                continue
            for file in self._files(path):
                self._ingest_file(file, report, force)
        report.seconds = time.perf_counter() - started
        return report

    def _files(self, path: Path) -> Iterator[Path]:
        if path.is_file():
            yield path
            return
        for file in sorted(path.rglob("*")):
            rel = file.relative_to(path).parts
            if file.is_file() and not any(p.startswith(_HIDDEN_PREFIXES) for p in rel):
                yield file

    def _ingest_file(self, file: Path, report: IngestReport, force: bool) -> None:
        origin = str(file.resolve())
        stat = file.stat()
        if stat.st_size > self.settings.max_file_mb * 1024 * 1024:
            report.errors.append((str(file), f"file is {stat.st_size / 2**20:.1f} MB, over the "
                                  f"{self.settings.max_file_mb:g} MB limit (setting max_file_mb)"))
            return
        if stat.st_size == 0:
            report.errors.append((str(file), "file is empty"))
            return
        if not force and self.store.file_done(origin, stat.st_size, stat.st_mtime_ns):
            report.skipped_files += 1
            self._notify(str(file), 0, report)
            return
        try:
            connector = find_connector(file)
        except IngestError as exc:
            report.errors.append((str(file), _strip_origin(str(exc), file)))
            return
        except OSError as exc:
            report.errors.append((str(file), f"cannot read: {exc.strerror or exc}"))
            return
        # Connectors that need settings or report per-record problems (JSONL) offer read_with.
        read_with = getattr(connector, "read_with", None)
        docs = read_with(file, self.settings, report) if read_with else connector.read(file)
        errors_before = len(report.errors)
        count = self._ingest_documents(str(file), docs, report)
        # A file with bad records is not marked done, so a re-run reports them again.
        if count is not None and len(report.errors) == errors_before:
            self.store.mark_file(origin, stat.st_size, stat.st_mtime_ns, count)

    def _ingest_documents(self, origin: str, docs: Iterator[ParsedDocument | Deletion],
                          report: IngestReport) -> int | None:
        """Store documents from one input; returns how many, or None if the input failed."""
        batch: list[_Pending] = []
        count = 0
        try:
            for doc in docs:
                if isinstance(doc, Deletion):
                    # In file order: what came before is stored first, then the deletion applies.
                    self._flush(batch, report)
                    batch = []
                    if self.store.withdraw_source(doc.key, doc.reason):
                        report.withdrawn_ids.append(doc.key)
                    continue
                batch.append(self._prepare(doc, origin))
                count += 1
                if len(batch) >= self.settings.ingest_batch:
                    self._flush(batch, report)
                    batch = []
                    self._notify(origin, count, report)
        except IngestError as exc:
            self._flush(batch, report)
            report.errors.append((origin, _strip_origin(str(exc), origin)))
            return None
        except (OSError, EOFError, ValueError, UnicodeError) as exc:
            # Truncated gzip, unreadable file, a parser's value error: the file is bad input.
            self._flush(batch, report)
            report.errors.append((origin, _describe(exc)))
            return None
        self._flush(batch, report)
        self._notify(origin, count, report)
        return count

    def _prepare(self, doc: ParsedDocument, origin: str) -> _Pending:
        if not doc.key:
            raise IngestError("a record has no identifier")
        if not doc.text.strip():
            raise IngestError(f"record {doc.key} has no text")
        etype = evidence.classify(doc)
        digest = content_hash(doc.title, doc.text, etype.value)
        source = Source(
            id=doc.key, title=doc.title or doc.key, publisher=doc.publisher, authors=doc.authors,
            year=doc.year, url=doc.url, pmid=doc.pmid, doi=doc.doi, licence=doc.licence,
            language=doc.language, evidence_type=etype, content_hash=digest,
            collection=doc.collection, origin=doc.origin or origin, metadata=doc.metadata,
        )
        return _Pending(source=source, doc=doc)

    def _flush(self, batch: list[_Pending], report: IngestReport) -> None:
        if not batch:
            return
        # Skip unchanged sources before splitting them: a re-run costs one indexed lookup each.
        known = self.store.source_hashes([p.source.id for p in batch])
        todo = []
        seen: set[str] = set()
        for item in batch:
            if known.get(item.source.id) == item.source.content_hash or item.source.id in seen:
                report.unchanged += 1
                continue
            seen.add(item.source.id)
            parts = passages.split(
                item.doc, item.source.id, item.source.content_hash,
                min_words=self.settings.passage_min_words,
                max_words=self.settings.passage_max_words,
            )
            todo.append((item.source, item.doc.text, parts))
        if not todo:
            return
        for outcome, (source, _, parts) in zip(self.store.put_sources(todo), todo, strict=True):
            if outcome == "added":
                report.added += 1
                report.passages += len(parts)
            elif outcome == "updated":
                report.updated += 1
                report.updated_ids.append(source.id)
                report.passages += len(parts)
            else:
                report.unchanged += 1

    def _notify(self, origin: str, count: int, report: IngestReport) -> None:
        if self.progress is not None:
            self.progress(origin, count, report)


def _strip_origin(message: str, origin: object) -> str:
    prefix = f"{origin}: "
    return message[len(prefix):] if message.startswith(prefix) else message


def _describe(exc: BaseException) -> str:
    name = type(exc).__name__
    text = str(exc) or name
    if name in ("BadGzipFile", "EOFError") or "gzip" in text.lower() or "end-of-stream" in text:
        return f"compressed data is truncated or corrupt ({text})"
    return text
