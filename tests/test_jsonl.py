"""JSONL connector: BEIR and MedQuAD flavours, mappings, skipped records, bad lines."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import shared_path

from medcite import Medcite
from medcite.ingest.connectors import find_connector
from medcite.ingest.connectors.jsonl import JsonlConnector, corpus_name, sniff
from medcite.models import EvidenceType


def write_jsonl(path: Path, records: list, raw_lines: tuple[str, ...] = ()) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r) for r in records] + list(raw_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


QA = {
    "id": "NIDDK_0000042-3", "question": "What causes low magnesium ?",
    "answer": "Low blood magnesium often follows long-term diarrhoea or heavy drinking.",
    "focus": "Hypomagnesemia", "focus_synonyms": ["Low magnesium"], "focus_cuis": ["C0151723"],
    "qtype": "causes", "url": "https://www.niddk.nih.gov/example", "source": "NIDDK",
    "collection": "5_NIDDK_QA", "doc_id": "0000042", "pid": "3", "answer_available": True,
}


def test_corpus_name_from_stem_or_folder():
    assert corpus_name(Path("data/nfcorpus/corpus.jsonl")) == "nfcorpus"
    assert corpus_name(Path("x/trec_covid.jsonl.gz")) == "trec_covid"
    assert sniff({"_id": "1", "text": "t"}).flavour == "beir"
    assert sniff({"id": "1", "question": "q", "answer": "a"}).flavour == "medquad"
    assert sniff({"body": "x"}) is None


def test_beir_records(app, tmp_path):
    path = write_jsonl(tmp_path / "nfmini" / "corpus.jsonl", [
        {"_id": "MED-1", "title": "Statins and survival", "text": "We followed 100 people.",
         "metadata": {"url": "http://www.ncbi.nlm.nih.gov/pubmed/25329299"}},
        {"_id": "MED-2", "title": "", "text": "An abstract without a title."},
    ])
    assert find_connector(path).name == "jsonl"
    report = app.ingest([str(path)])
    assert (report.added, report.errors) == (2, [])
    first = app.source("nfmini:MED-1")
    assert (first.title, first.pmid) == ("Statins and survival", "25329299")
    assert app.source("nfmini:MED-2").title == "An abstract without a title."


def test_medquad_records_metadata_and_sections(app, tmp_path):
    path = write_jsonl(tmp_path / "qa.jsonl", [QA])
    report = app.ingest([str(path)])
    assert report.added == 1
    source = app.source("medquad:NIDDK_0000042-3")
    assert source.evidence_type is EvidenceType.PATIENT_EDUCATION
    assert "Diabetes and Digestive and Kidney" in source.publisher
    assert source.metadata["focus_synonyms"] == ["Low magnesium"]
    assert source.metadata["qtype"] == "causes" and source.metadata["doc_id"] == "0000042"
    (passage,) = app.source_passages(source.id)
    assert passage.section == QA["question"]
    assert passage.text == QA["answer"]


def test_empty_answers_skipped_and_third_party_only_when_asked(tmp_path):
    records = [QA, QA | {"id": "ADAM_1", "answer": "", "answer_available": False},
               QA | {"id": "ADAM_2", "answer": "Third-party answer text here.",
                     "third_party_text": True}]
    path = write_jsonl(tmp_path / "qa.jsonl", records)
    default = Medcite.open(tmp_path / "lib1")
    report = default.ingest([str(path)])
    assert (report.added, report.skipped_records, report.errors) == (1, 2, [])
    default.close()
    opted = Medcite.open(tmp_path / "lib2", include_third_party=True)
    report = opted.ingest([str(path)])
    assert (report.added, report.skipped_records) == (2, 1)
    assert opted.source("medquad:ADAM_2").metadata["third_party_text"] is True
    opted.close()


def test_bad_lines_reported_by_number_rest_ingested(app, tmp_path):
    path = write_jsonl(tmp_path / "mixed.jsonl", [QA], raw_lines=(
        '{"id": "broken", "question": "half a record', "[1, 2, 3]",
        json.dumps(QA | {"id": None}), "", json.dumps(QA | {"id": "GOOD_2"}),
    ))
    report = app.ingest([str(path)])
    assert report.added == 2
    assert [origin.rsplit(":", 1)[1] for origin, _ in report.errors] == ["2", "3", "4"]
    assert "not valid JSON" in report.errors[0][1]
    assert all("\n" not in message for _, message in report.errors)
    # The file is not marked done, so a re-run reports its bad lines again (and adds nothing).
    again = app.ingest([str(path)])
    assert (again.added, again.unchanged, len(again.errors)) == (0, 2, 3)


def test_unknown_shape_needs_a_mapping(app, tmp_path):
    folder = tmp_path / "data"
    path = write_jsonl(folder / "custom.jsonl", [{"ref": "a1", "headline": "H", "body": "B."}])
    report = app.ingest([str(path)])
    assert report.added == 0 and "unknown JSONL record shape" in report.errors[0][1]
    sidecar = folder / "custom.jsonl.mapping.yaml"
    sidecar.write_text("prefix: mine\nid: ref\ntitle: headline\ntext: body\n"
                       "evidence_type: expert overview\n", encoding="utf-8")
    report = app.ingest([str(folder)])  # the folder: the sidecar is not a source itself
    assert (report.added, report.errors) == (1, [])
    assert app.source("mine:a1").evidence_type is EvidenceType.EXPERT_OVERVIEW


def test_bad_mapping_is_one_error(app, tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", [{"_id": "1", "text": "t"}])
    (tmp_path / "c.jsonl.mapping.yaml").write_text("idd: x\n", encoding="utf-8")
    report = app.ingest([str(path)])
    assert report.added == 0 and "unknown mapping key(s) idd" in report.errors[0][1]


def test_gzip_jsonl(app, tmp_path):
    path = tmp_path / "small.jsonl.gz"
    path.write_bytes(gzip.compress(json.dumps({"_id": "1", "text": "Zipped text."}).encode()))
    assert app.ingest([str(path)]).added == 1
    assert app.source("small:1").title == "Zipped text."


def test_real_medquad_sample_reads():
    """The first records of the shared MedQuAD file parse; the kept ones all have answers."""
    corpus = shared_path("data", "medquad", "corpus.jsonl")
    sample = Path(corpus)
    docs = []
    for doc in JsonlConnector().read(sample):
        docs.append(doc)
        if len(docs) == 50:
            break
    assert docs and all(d.key.startswith("medquad:") and d.text for d in docs)
    assert all(not d.metadata.get("third_party_text") for d in docs)


@pytest.mark.parametrize("name", ["x.jsonl", "x.ndjson", "x.jsonl.gz"])
def test_accepts_suffixes(name):
    assert JsonlConnector().accepts(Path(name), b"")
