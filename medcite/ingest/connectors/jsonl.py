"""JSONL corpora (one JSON object a line, plain or gzip) read through a field mapping.

Two flavours are known and sniffed from the first record's keys:

- ``beir`` (``_id``, ``title``, ``text``; BEIR benchmark corpora): key ``<corpus>:<_id>``, where
  the corpus is the file's stem, or its folder's name when the stem is generic
  (``nfcorpus/corpus.jsonl`` -> ``nfcorpus:MED-10``). A PubMed URL in ``metadata.url`` gives the
  PMID.
- ``medquad`` (``question``, ``answer``, ``id``; MedQuAD-style QA records): key
  ``medquad:<id>``, the question is the section heading and the answer the text; focus,
  synonyms, CUIs, question type, collection, source, url and doc id are kept as metadata; the
  publisher is named from ``source`` (all MedQuAD collections are NIH consumer sites, so the
  evidence rules make them patient education).

Any other shape needs a mapping: a sidecar ``<file>.mapping.yaml`` (or the file named by the
setting ``jsonl_mapping``) with the keys of `Mapping`, e.g.::

    flavour: custom        # or beir / medquad to start from a known flavour
    prefix: mycorpus       # key prefix
    id: doc_id
    title: headline
    text: body
    metadata: [topic]

Record rules: records with no text (empty answers) are skipped and counted, not errors;
records flagged ``third_party_text: true`` are skipped unless the setting
``include_third_party`` is on, and then carry ``third_party_text: true`` in their metadata so
front ends never display them. A broken line (not JSON, not an object, no id) gives one error
line naming its line number and the rest of the file is still ingested: one bad line in a
50,000-record corpus should not cost the other 49,999.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from ...models import EvidenceType, IngestReport, ParsedDocument, Section
from ...settings import Settings
from .base import IngestError

_PUBMED_URL = re.compile(r"ncbi\.nlm\.nih\.gov/pubmed/(\d+)|pubmed\.ncbi\.nlm\.nih\.gov/(\d+)")
_GENERIC_STEMS = {"corpus", "docs", "documents", "data", "collection", "records", "passages"}
MAPPING_SUFFIXES = (".mapping.yaml", ".mapping.yml")

# MedQuAD `source` codes -> the site that published the answer (Ben Abacha & Demner-Fushman,
# BMC Bioinformatics 2019, table 1). The names feed medcite.evidence's publisher rule.
MEDQUAD_PUBLISHERS = {
    "CancerGov": "National Cancer Institute (cancer.gov)",
    "GARD": "Genetic and Rare Diseases Information Center (NIH)",
    "GHR": "Genetics Home Reference (NLM)",
    "MPlusHealthTopics": "MedlinePlus Health Topics (NLM)",
    "NIDDK": "National Institute of Diabetes and Digestive and Kidney Diseases (NIH)",
    "NINDS": "National Institute of Neurological Disorders and Stroke (NIH)",
    "NIHSeniorHealth": "NIHSeniorHealth (NIH)",
    "NHLBI": "National Heart, Lung, and Blood Institute (NIH)",
    "CDC": "Centers for Disease Control and Prevention (CDC)",
    "ADAM": "A.D.A.M. Medical Encyclopedia (MedlinePlus, NLM)",
    "MPlusDrugs": "MedlinePlus Drug Information (NLM)",
    "MPlusHerbsSupplements": "MedlinePlus Herbs and Supplements (NLM)",
}


@dataclass
class Mapping:
    """How a JSONL record becomes a document. Field names refer to keys of the record."""

    flavour: str = "custom"
    prefix: str = ""  # key prefix; "" -> the corpus name (file stem or folder)
    id: str = "_id"
    title: str = "title"
    text: str = "text"
    heading: str = ""  # a field shown as the section heading (MedQuAD: the question)
    url: str = "url"
    publisher: str = ""  # a fixed publisher name for every record
    publisher_field: str = ""  # ... or a field holding it
    collection_field: str = ""
    evidence_type: str = ""  # a fixed evidence type (else medcite.evidence decides)
    language: str = "en"
    metadata: list[str] = field(default_factory=list)  # fields copied into metadata

    @classmethod
    def from_dict(cls, data: dict, origin: str) -> Mapping:
        base = FLAVOURS.get(str(data.get("flavour", "")), cls())
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise IngestError(f"{origin}: unknown mapping key(s) {', '.join(sorted(unknown))} "
                              f"(known: {', '.join(sorted(known))})")
        return replace(base, **data)


FLAVOURS: dict[str, Mapping] = {
    "beir": Mapping(flavour="beir"),
    "medquad": Mapping(
        flavour="medquad", prefix="medquad", id="id", title="question", text="answer",
        heading="question", publisher_field="source", collection_field="collection",
        metadata=["focus", "focus_synonyms", "focus_cuis", "qtype", "collection", "source",
                  "url", "doc_id"],
    ),
}


def sniff(record: dict) -> Mapping | None:
    """The known flavour a record's keys match, if any.

    >>> sniff({"_id": "MED-10", "title": "t", "text": "x"}).flavour
    'beir'
    """
    if "question" in record and "answer" in record and "id" in record:
        return FLAVOURS["medquad"]
    if "_id" in record and "text" in record:
        return FLAVOURS["beir"]
    return None


def corpus_name(path: Path) -> str:
    """``nfcorpus/corpus.jsonl`` -> ``nfcorpus``; ``trec.jsonl.gz`` -> ``trec``."""
    stem = path.name.split(".", 1)[0]
    return path.parent.name if stem.lower() in _GENERIC_STEMS and path.parent.name else stem


def load_mapping(path: Path, settings: Settings | None) -> Mapping | None:
    """The explicit mapping for a JSONL file: its sidecar, else the `jsonl_mapping` setting."""
    candidates = [path.with_name(path.name + s) for s in MAPPING_SUFFIXES]
    if settings is not None and settings.jsonl_mapping:
        candidates.append(Path(settings.jsonl_mapping).expanduser())
    for candidate in candidates:
        if candidate.is_file():
            try:
                data = yaml.safe_load(candidate.read_text(encoding="utf-8")) or {}
            except (yaml.YAMLError, UnicodeDecodeError):
                raise IngestError(f"{candidate}: mapping is not valid YAML") from None
            if not isinstance(data, dict):
                raise IngestError(f"{candidate}: mapping must be a YAML mapping of key: value")
            return Mapping.from_dict(data, str(candidate))
    return None


class JsonlConnector:
    name = "jsonl"

    def accepts(self, path: Path, head: bytes) -> bool:
        name = path.name.lower()
        return name.endswith((".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"))

    def read(self, path: Path) -> Iterator[ParsedDocument]:
        """Documents of the file with default settings; bad lines raise (see `read_with`)."""
        return self.read_with(path, Settings.load(), None)

    def read_with(self, path: Path, settings: Settings,
                  report: IngestReport | None) -> Iterator[ParsedDocument]:
        """Documents of the file; bad lines and skipped records are noted in `report`."""
        from . import open_maybe_gzip

        mapping = load_mapping(path, settings)
        corpus = corpus_name(path)
        with open_maybe_gzip(path) as fh:
            for lineno, raw in enumerate(fh, start=1):
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw)
                    if not isinstance(record, dict):
                        raise ValueError("not a JSON object")
                    if mapping is None:
                        mapping = sniff(record)
                        if mapping is None:
                            keys = ", ".join(sorted(record)[:8])
                            raise IngestError(
                                f"{path}: unknown JSONL record shape (keys: {keys}); add "
                                f"{path.name}.mapping.yaml naming the id, title and text fields"
                            )
                    doc = record_document(record, mapping, corpus, settings, str(path))
                except IngestError:
                    raise
                except (ValueError, TypeError, KeyError) as exc:
                    if report is None:
                        raise IngestError(f"{path}: line {lineno}: {_reason(exc)}") from None
                    report.errors.append((f"{path}:{lineno}", f"line {lineno}: {_reason(exc)}"))
                    continue
                if doc is None:
                    if report is not None:
                        report.skipped_records += 1
                    continue
                yield doc


class MappingSidecar:
    """A `<file>.mapping.yaml` next to a JSONL file: read with that file, not as a source."""

    name = "jsonl-mapping"

    def accepts(self, path: Path, head: bytes) -> bool:
        return path.name.lower().endswith(MAPPING_SUFFIXES)

    def read(self, path: Path) -> Iterator[ParsedDocument]:
        return iter(())


def record_document(record: dict[str, Any], mapping: Mapping, corpus: str,
                    settings: Settings | None, origin: str) -> ParsedDocument | None:
    """One record as a document; None when it is skipped (no text, or third-party text)."""
    rid = record.get(mapping.id)
    if rid is None or str(rid).strip() == "":
        raise ValueError(f"record has no {mapping.id!r} field")
    third_party = record.get("third_party_text") is True
    if third_party and not (settings is not None and settings.include_third_party):
        return None
    body = _text(record.get(mapping.text))
    if not body:
        return None
    title = _text(record.get(mapping.title))
    heading = _text(record.get(mapping.heading)) if mapping.heading else ""
    if heading:
        text = f"{heading}\n\n{body}"
        sections = [Section(heading=heading, start=len(heading) + 2, end=len(text))]
    else:
        text, sections = body, [Section(heading="", start=0, end=len(body))]
    meta = {name: record[name] for name in mapping.metadata if record.get(name) not in (None, "", [])}
    extra = record.get("metadata")
    url = _text(record.get(mapping.url)) or (_text(extra.get("url")) if isinstance(extra, dict) else "")
    found = _PUBMED_URL.search(url)
    if third_party:
        meta["third_party_text"] = True
    publisher = mapping.publisher
    if mapping.publisher_field:
        code = _text(record.get(mapping.publisher_field))
        publisher = MEDQUAD_PUBLISHERS.get(code, code) if mapping.flavour == "medquad" else code
    etype = EvidenceType.parse(mapping.evidence_type) if mapping.evidence_type else None
    return ParsedDocument(
        key=f"{mapping.prefix or corpus}:{str(rid).strip()}",
        title=title or heading or body[:120],
        text=text,
        sections=sections,
        publisher=publisher,
        url=url,
        pmid=(found.group(1) or found.group(2)) if found else "",
        language=mapping.language,
        evidence_type=etype,
        collection=_text(record.get(mapping.collection_field)) if mapping.collection_field else "",
        origin=origin,
        metadata=meta,
    )


def _text(value: Any) -> str:
    # Records are stored as given apart from trimming; newlines inside answers stay.
    return value.strip().replace("\r\n", "\n") if isinstance(value, str) else ""


def _reason(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON ({exc.msg} at column {exc.colno})"
    return str(exc)
