"""MedlinePlus health-topics connector, on a fixture written by us in the feed's structure."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from medcite.ingest.connectors import find_connector
from medcite.ingest.connectors.base import IngestError
from medcite.ingest.connectors.medlineplus import MedlinePlusConnector, summary_sections
from medcite.models import EvidenceType, IngestReport

FIXTURE = Path(__file__).parent / "fixtures" / "medlineplus-topics.xml"


@pytest.fixture
def library(app):
    report = app.ingestor().ingest([str(FIXTURE)])  # connector + store only, no index sync
    return app, report


def test_topics_ingest_and_empty_one_is_skipped(library):
    app, report = library
    assert report.errors == [] and report.added == 3
    assert app.store.get_source("medlineplus:9007") is None
    assert report.skipped_records == 1
    counted = IngestReport()
    assert len(list(MedlinePlusConnector().read_with(FIXTURE, None, counted))) == 3
    assert counted.skipped_records == 1


def test_topic_fields(library):
    app = library[0]
    s = app.source("medlineplus:9001")
    assert (s.title, s.publisher, s.url, s.language) == (
        "Low Magnesium", "MedlinePlus (NLM)", "https://medlineplus.gov/lowmagnesium.html", "en")
    assert s.evidence_type == EvidenceType.PATIENT_EDUCATION
    assert s.metadata["also_called"] == ["Hypomagnesemia", "Magnesium deficiency"]
    assert s.metadata["mesh"] == ["Magnesium Deficiency", "Magnesium"]
    assert s.metadata["groups"] == ["Metabolic Problems"]
    assert s.metadata["primary_institute"] == "NIH Office of Dietary Supplements"
    assert s.metadata["see_references"] == ["Hypomagnesemia"]


def test_summary_html_becomes_sections_without_scripts(library):
    app = library[0]
    text = app.store.source_text("medlineplus:9001")
    assert "trackVisit" not in text and "<" not in text
    assert '- Diuretics ("water pills")' in text
    headings = [p.section for p in app.source_passages("medlineplus:9001")]
    assert set(headings) <= {"", "What causes it?", "Symptoms"}
    cramps = app.store.source_text("medlineplus:9003")
    for p in app.source_passages("medlineplus:9003"):
        assert cramps[p.start:p.end] == p.text
    assert "steal" not in cramps


def test_summary_sections_shapes():
    assert summary_sections("") == []
    assert summary_sections("plain words only") == [("", "plain words only")]
    html = "<div><h2>A</h2><p>one</p><div><h3>B</h3><p>two<br>lines</p></div></div>"
    assert summary_sections(html) == [("A", "one"), ("B", "two lines")]
    assert summary_sections("<p>x</p><style>p{}</style><ol><li>a</li><li></li></ol>") == [
        ("", "x\n\n- a")]


def test_gz_feed_and_sniffing(tmp_path):
    packed = tmp_path / "mplus_topics.xml.gz"
    packed.write_bytes(gzip.compress(FIXTURE.read_bytes()))
    connector = find_connector(packed)
    assert isinstance(connector, MedlinePlusConnector)
    assert [d.key for d in connector.read(packed)] == [
        "medlineplus:9001", "medlineplus:9003", "medlineplus:9005"]


def test_spanish_topic_and_malformed_feed(tmp_path):
    feed = tmp_path / "es.xml"
    feed.write_text('<health-topics><health-topic title="Calambres" id="7" language="Spanish" '
                    'url="https://medlineplus.gov/spanish/x.html"><full-summary>&lt;p&gt;Texto.'
                    "&lt;/p&gt;</full-summary></health-topic>\n<health-topic id='8'>"
                    "<full-summary>&lt;p&gt;ok</full-summary>\n</health-topics>")
    got = []
    with pytest.raises(IngestError, match=r"malformed XML at line 3"):
        for doc in MedlinePlusConnector().read(feed):
            got.append((doc.key, doc.language, doc.text))
    assert got == [("medlineplus:7", "es", "Texto.")]


def test_external_entity_not_resolved(tmp_path):
    secret = tmp_path / "s.txt"
    secret.write_text("MPLUS-SECRET")
    feed = tmp_path / "x.xml"
    head = f'<?xml version="1.0"?><!DOCTYPE health-topics [<!ENTITY e SYSTEM "file://{secret}">]>'
    feed.write_text(head + '<health-topics><health-topic id="1" title="T">'
                    "<full-summary>&lt;p&gt;Body &e; here&lt;/p&gt;</full-summary>"
                    "<also-called>&e;</also-called></health-topic></health-topics>")
    (doc,) = MedlinePlusConnector().read(feed)
    assert "MPLUS-SECRET" not in doc.text + doc.title + str(doc.metadata)
    assert doc.text == "Body here"
    # In an attribute, an external entity is a well-formedness error: refused, not resolved.
    feed.write_text(head + '<health-topics><health-topic id="1" title="T &e;">'
                    "<full-summary>&lt;p&gt;x&lt;/p&gt;</full-summary></health-topic>"
                    "</health-topics>")
    with pytest.raises(IngestError, match="external entity"):
        list(MedlinePlusConnector().read(feed))
