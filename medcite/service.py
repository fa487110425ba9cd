"""`Medcite`: the one service object that the CLI, the HTTP API and the web app all call.

>>> from medcite import Medcite
>>> app = Medcite.open("/tmp/medcite-doc")          # doctest: +SKIP
>>> app.ingest(["notes/"]).added                    # doctest: +SKIP
12
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import guardrails
from .errors import NotFound
from .ingest.eutils import register_pubmed_resolver
from .ingest.fetch import register_url_resolver
from .ingest.pipeline import Ingestor, ProgressFn
from .models import (
    Answer,
    Article,
    Handout,
    Hit,
    IngestReport,
    Passage,
    QueryAnalysis,
    Source,
    User,
)
from .review import Accounts, Editorial
from .settings import Settings
from .store import SourceFilter, open_store
from .store.sqlite import SQLiteStore

if TYPE_CHECKING:
    from .models import Triage
    from .redflags import LibraryRedFlags
    from .retrieve import Retrieval


class Medcite:
    """A library and the services that read it, built from one `Settings`."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings.load()

    @classmethod
    def open(cls, home: str | Path | None = None, **overrides: Any) -> Medcite:
        return cls(Settings.load(home=home, **overrides))

    @cached_property
    def store(self) -> SQLiteStore:
        self.settings.home.mkdir(parents=True, exist_ok=True)
        return open_store(self.settings.store_url, self.settings.home)

    def close(self) -> None:
        for name in ("accounts", "editorial"):
            self.__dict__.pop(name, None)
        if "retrieval" in self.__dict__:
            self.__dict__.pop("retrieval").close()
        if "store" in self.__dict__:
            self.store.close()
            del self.__dict__["store"]

    # -- library -------------------------------------------------------------------------

    def ingestor(self, progress: ProgressFn | None = None) -> Ingestor:
        ingestor = Ingestor(self.store, self.settings, progress)
        for hook in INGEST_HOOKS:
            hook(self, ingestor)
        return ingestor

    def ingest(self, inputs: Iterable[str | Path], progress: ProgressFn | None = None,
               force: bool = False) -> IngestReport:
        """Ingest files, folders, URLs or `pubmed:QUERY` inputs; see `medcite.ingest`."""
        report = self.ingestor(progress).ingest(inputs, force=force)
        for hook in AFTER_INGEST:
            hook(self, report)
        return report

    def sources(self, flt: SourceFilter | None = None) -> list[Source]:
        return self.store.list_sources(flt)

    def source(self, source_id: str) -> Source:
        source = self.store.get_source(source_id)
        if source is None:
            raise NotFound(f"no source with id {source_id!r} (see `medcite sources`)")
        return source

    def source_passages(self, source_id: str) -> list[Passage]:
        self.source(source_id)
        return self.store.source_passages(source_id)

    def stats(self) -> dict[str, object]:
        return self.store.stats()

    def withdraw(self, source_id: str, reason: str = "") -> list[int]:
        """Withdraw a source; returns the ids of the articles now flagged for re-review."""
        self.source(source_id)
        self.store.withdraw_source(source_id, reason)
        return self.editorial.flag_changed_sources(
            [source_id], f"cited source withdrawn: {source_id}" + (f" ({reason})" if reason else ""))

    # -- retrieval (medcite.retrieve) ----------------------------------------------------

    @cached_property
    def retrieval(self) -> Retrieval:
        """The indexes and embedding model of this library, loaded once per instance."""
        from .retrieve import Retrieval

        return Retrieval(self.store, self.settings)

    def search(self, query: str, k: int = 10, *, evidence_types: Sequence[str] = (),
               year_min: int | None = None, year_max: int | None = None, publisher: str = "",
               language: str = "", analysis: QueryAnalysis | None = None,
               retrievers: Sequence[str] = ("lexical", "dense")) -> list[Hit]:
        """The `k` best passages for a question: BM25 + dense, fused, reranked, filtered.

        >>> [h.source.title for h in app.search("gout treatment", k=2)]   # doctest: +SKIP
        ['Gout', 'Gout']
        """
        from .retrieve import Filters

        filters = Filters(evidence_types, year_min, year_max, publisher, language)
        return self.retrieval.search(query, k, filters, analysis, retrievers)

    def reindex(self) -> dict[str, int]:
        """Rebuild the search indexes from the store; returns passages indexed per index."""
        return self.retrieval.rebuild()

    # -- triage (medcite.triage) ---------------------------------------------------------

    def triage(self, message: str) -> Triage:
        """Red-flag triage of a message, with this library's handout red flags when it has any.

        >>> app.triage("my dad is having a seizure right now").level.value  # doctest: +SKIP
        'emergency'
        """
        from .triage import triage

        return triage(message, self.settings, self.red_flags())

    def red_flags(self) -> LibraryRedFlags | None:
        """The library's condition-specific red flags (None when there is no library yet).

        Rebuilt only when the library changed (cached in memory and in home/triage/).
        """
        from .redflags import LibraryRedFlags, change_stamp

        if "store" not in self.__dict__ and self.settings.store_url in ("", "sqlite") and \
                not (self.settings.home / "library.db").exists():
            return None  # triage must not create an empty library as a side effect
        stamp = change_stamp(self.store)
        cached = self.__dict__.get("_red_flags")
        if cached is None or cached[0] != stamp:
            cache = self.settings.home / "triage" / "redflags.json"
            cached = (stamp, LibraryRedFlags.from_store(self.store, cache))
            self.__dict__["_red_flags"] = cached
        return cached[1]

    # -- answers (medcite.answer) --------------------------------------------------------

    def ask(self, question: str, audience: str = "patient", conversation_id: str | None = None,
            writer: str | None = None, k: int = 20, **writer_options: Any) -> Answer:
        """A structured answer, every sentence cited to a quoted passage (or an abstention).

        >>> app.ask("What amount of magnesium is too much?").sections[0].id  # doctest: +SKIP
        'bottom_line'
        """
        from .answer import ask

        return ask(self, question, audience, conversation_id, writer, k, **writer_options)

    # -- handouts (medcite.handout) ------------------------------------------------------

    def handout(self, condition: str, audience: str = "patient") -> Handout:
        """A patient handout for a condition: cited sections, emergency signs first.

        >>> app.handout("gout").sections[0].id                              # doctest: +SKIP
        'emergency'
        """
        from .handout import make_handout

        return make_handout(self, condition, audience)

    def render_handout(self, handout: Handout, fmt: str = "html") -> str | bytes:
        """`handout` as html, md or json text, or pdf bytes (the `pdf` extra)."""
        from .handout_render import render_handout

        return render_handout(handout, fmt)

    # -- editorial -----------------------------------------------------------------------

    @cached_property
    def accounts(self) -> Accounts:
        return Accounts(self.store)

    @cached_property
    def editorial(self) -> Editorial:
        return Editorial(self.store, self.settings.reviewed_match_threshold)

    def save_article(self, user: User | None, kind: str, question: str, audience: str,
                     body: dict[str, Any] | None = None, title: str = "") -> Article:
        """Save an answer or handout as a draft article; made fresh when `body` is None."""
        if body is None:
            made = self.handout(question, audience=audience) if kind == "handout" else \
                self.ask(question, audience=audience)
            body = made.to_dict()
        return self.editorial.create(user, kind, question, audience, body, title)

    def article_json(self, article: Article) -> dict[str, Any]:
        """An article's body as served to readers, with its review banner facts."""
        body = dict(article.body)
        reviewer = self.editorial.reviewer_of(article)
        body["article"] = {
            "id": article.id, "state": article.state.value, "version": article.version,
            "needs_rereview": article.needs_rereview,
            "reviewed_by": None if reviewer is None else {
                "name": reviewer.display_name, "credentials": reviewer.credentials,
                "date": article.reviewed_at[:10]},
        }
        body["disclaimer"] = guardrails.disclaimer(article.state)
        if article.state.value == "published" and reviewer is not None:
            body["review_status"] = "published"
            body["review_banner"] = (
                f"Reviewed by {reviewer.display_name}"
                + (f", {reviewer.credentials}" if reviewer.credentials else "")
                + f" on {article.reviewed_at[:10]}")
        if article.needs_rereview:
            body["review_notice"] = (
                "A source this page cites has changed since it was reviewed; "
                "a reviewer is checking it again.")
        return body

    def ask_json(self, question: str, audience: str = "patient",
                 conversation_id: str | None = None) -> dict[str, Any]:
        """The reviewed article for a closely matching question, else a fresh answer (JSON).

        Triage always runs on the reader's own words, even when a reviewed article is served.
        """
        article = self.editorial.match_published(question, audience)
        if article is None:
            return self.ask(question, audience=audience,
                            conversation_id=conversation_id).to_dict()
        body = self.article_json(article)
        body["triage"] = self.triage(question).to_dict()
        body["served_from_article"] = True
        return body


# Extension points filled by other stages without editing this file's core:
# INGEST_HOOKS: fn(app, ingestor) to register input resolvers (URLs, pubmed:QUERY).
# AFTER_INGEST: fn(app, report) to bring indexes in step after an ingest.
INGEST_HOOKS: list = []
INGEST_HOOKS.append(register_pubmed_resolver)  # pubmed:QUERY inputs
INGEST_HOOKS.append(register_url_resolver)  # http(s):// inputs
AFTER_INGEST: list = []


def _flag_articles(app: Medcite, report: IngestReport) -> None:
    """A re-ingested source with new content, or one its publisher deleted, flags the articles
    citing it."""
    if report.updated_ids:
        app.editorial.flag_changed_sources(report.updated_ids)
    if report.withdrawn_ids:
        app.editorial.flag_changed_sources(
            report.withdrawn_ids, "cited source deleted by its publisher (withdrawn at ingest)")


AFTER_INGEST.append(_flag_articles)


def _sync_indexes(app: Medcite, report: IngestReport) -> None:
    """Bring the lexical and dense indexes in step with what the ingest changed."""
    app.retrieval.sync()


AFTER_INGEST.append(_sync_indexes)


def _refresh_vocabulary(app: Medcite, report: IngestReport) -> None:
    """Collect the names (MeSH, also-called, MedQuAD focus) of what the ingest changed."""
    from .libvocab import after_ingest

    after_ingest(app, report)


AFTER_INGEST.append(_refresh_vocabulary)
