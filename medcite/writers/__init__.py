"""Answer writers: turn retrieved hits into draft sections of claims resting on exact spans.

A writer returns a `Draft`: sections of `DraftClaim`s, each tied to one or more `Span`s (a
retrieved hit plus character offsets into its source's stored text). Reference numbering,
grades, audience rendering and contract checks happen afterwards, in `medcite.compose`, so
every writer gets them the same way.

Writers: `extractive` (default, deterministic, no model) and `openai` (any OpenAI-compatible
chat endpoint, every sentence verified, unsupported ones dropped).

>>> from medcite.writers import get_writer
>>> get_writer("extractive").name
'extractive'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from ..errors import MedciteError
from ..models import Hit, QueryAnalysis


@dataclass
class Span:
    """`source_text[start:end]`, inside the passage of `hit`."""

    hit: Hit
    start: int
    end: int

    @property
    def text(self) -> str:
        p = self.hit.passage
        return p.text[self.start - p.start:self.end - p.start]


@dataclass
class DraftClaim:
    """A sentence and the spans it rests on.

    `alternates` are other sentences of the same source that say the same numbers and
    negations almost as relevantly, in plainer words: a lay rendering may show one of them
    instead (`medcite.audience`), so the facts and citations stay those of the claim.
    """

    text: str
    spans: list[Span]
    alternates: list[DraftClaim] = field(default_factory=list)


@dataclass
class DraftSection:
    id: str
    title: str
    items: list[DraftClaim] = field(default_factory=list)


@dataclass
class Draft:
    sections: list[DraftSection] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    writer: str = "extractive"


class Writer(Protocol):
    name: str

    def write(self, question: str, analysis: QueryAnalysis, hits: list[Hit]) -> Draft:
        """Draft sections for `question` from `hits` (already judged to hold evidence)."""
        ...


def get_writer(name: str, **options: Any) -> Writer:
    """A writer by name: 'extractive' or 'openai' (options: base_url, model, api_key...)."""
    if name == "extractive":
        from .extractive import ExtractiveWriter

        return ExtractiveWriter()
    if name == "openai":
        from .openai import OpenAIWriter

        return OpenAIWriter(**options)
    raise MedciteError(f"unknown writer {name!r}; use 'extractive' or 'openai'")
