"""PMC JATS connector, on the real articles in ../shared/data/formats/pmc."""

from __future__ import annotations

import pytest
from conftest import shared_path

from medcite.ingest.connectors import find_connector
from medcite.ingest.connectors.base import IngestError
from medcite.ingest.connectors.pmc import PmcConnector, evidence_for
from medcite.models import EvidenceType


@pytest.fixture(scope="module")
def pmc_library(tmp_path_factory):
    from medcite import Medcite

    folder = shared_path("data", "formats", "pmc")
    app = Medcite.open(tmp_path_factory.mktemp("pmc") / "library")
    report = app.ingestor().ingest([str(folder)])  # connector + store only, no index sync
    yield app, report, folder
    app.close()


def test_all_pmc_files_ingest(pmc_library):
    app, report, folder = pmc_library
    assert report.errors == []
    assert report.added == len(list(folder.glob("*.nxml"))) == 7
    for source in app.store.list_sources(None):
        text = app.store.source_text(source.id)
        for p in app.source_passages(source.id):
            assert text[p.start:p.end] == p.text


def test_front_matter(pmc_library):
    app = pmc_library[0]
    s = app.source("pmc:PMC3166277")
    assert (s.title, s.publisher, s.year) == (
        "Factors influencing lysis time stochasticity in bacteriophage λ", "BMC Microbiology", 2011)
    assert (s.pmid, s.doi) == ("21810267", "10.1186/1471-2180-11-174")
    assert s.authors == ["Dennehy JJ", "Wang IN"]
    assert s.licence == "http://creativecommons.org/licenses/by/2.0"
    assert s.url == "https://pmc.ncbi.nlm.nih.gov/articles/PMC3166277/"
    assert s.metadata["article_type"] == "research-article"
    # No xlink:href on this licence: its first sentence is kept instead.
    plos = app.source("pmc:PMC3585041")
    assert plos.licence.startswith("This is an open-access article distributed under the terms")
    assert plos.pmid == "23469300" and plos.year == 2013


def test_sections_nested_and_references_dropped(pmc_library):
    app = pmc_library[0]
    headings = {p.section for p in app.source_passages("pmc:PMC2329613")}
    assert "Abstract > Methods" in headings
    assert "Methods > Translation into Dutch" in headings  # nested <sec> titles joined
    assert any(h.startswith("Methods > Oral Health Impact Profile > Table 1") for h in headings)
    text = app.store.source_text("pmc:PMC3460867")
    # Titles of works cited in the reference list of this article must not be in its text.
    assert "a Gold Mine for Tuberculosis Research" not in text
    assert "Lipolysis and lipid mobilization in human adipose tissue" not in text
    author_summary = {p.section for p in app.source_passages("pmc:PMC3585041")}
    assert {"Abstract", "Author Summary"} <= author_summary


def test_meeting_abstract_without_pmid(pmc_library):
    s = pmc_library[0].source("pmc:PMC3363814")
    assert s.pmid == "" and s.doi == "10.1186/cc11003" and s.year == 2012
    assert s.evidence_type == EvidenceType.OBSERVATIONAL_STUDY


@pytest.mark.parametrize(("source_id", "etype"), [
    ("pmc:PMC3166277", EvidenceType.ANIMAL_LAB_STUDY),  # "bacteriophage" in the title
    ("pmc:PMC2329613", EvidenceType.OBSERVATIONAL_STUDY),  # questionnaire validation in people
    ("pmc:PMC2599765", EvidenceType.ANIMAL_LAB_STUDY),  # abstract: animals (minnows), no people
    ("pmc:PMC3585041", EvidenceType.ANIMAL_LAB_STUDY),  # sheep and goats; Veterinary Science
    ("pmc:PMC3460867", EvidenceType.ANIMAL_LAB_STUDY),  # subject: Biochemistry, Enzymes
])
def test_real_articles_evidence_type(pmc_library, source_id, etype):
    assert pmc_library[0].source(source_id).evidence_type == etype


@pytest.mark.parametrize(("kind", "title", "labels", "abstract", "expected"), [
    ("review-article", "Magnesium and cramps: a systematic review", (), "",
     EvidenceType.SYSTEMATIC_REVIEW),
    ("research-article", "Oral magnesium: a meta-analysis of trials", (), "",
     EvidenceType.SYSTEMATIC_REVIEW),
    ("practice-guideline", "Managing hypomagnesaemia in adults", (), "",
     EvidenceType.PRACTICE_GUIDELINE),
    ("research-article", "A randomised, placebo-controlled trial of magnesium", (), "",
     EvidenceType.RANDOMIZED_TRIAL),
    ("research-article", "Protocol for a randomized trial of magnesium", (), "",
     EvidenceType.OBSERVATIONAL_STUDY),
    ("case-report", "Tetany after bowel preparation", (), "", EvidenceType.CASE_REPORT),
    ("research-article", "Hypomagnesaemia and PPIs: a case report", (), "",
     EvidenceType.CASE_REPORT),
    ("review-article", "Magnesium in health and disease", (), "", EvidenceType.EXPERT_OVERVIEW),
    ("editorial", "Why magnesium matters", (), "", EvidenceType.EXPERT_OVERVIEW),
    ("research-article", "Magnesium depletion in mice", (), "", EvidenceType.ANIMAL_LAB_STUDY),
    ("research-article", "Transport of magnesium ions", ("Cell Biology",), "",
     EvidenceType.ANIMAL_LAB_STUDY),
    ("research-article", "Serum magnesium after exercise", (),
     "Twelve rats ran on a wheel.", EvidenceType.ANIMAL_LAB_STUDY),
    ("research-article", "Serum magnesium after exercise", (),
     "Twelve patients and twelve rats were studied.", EvidenceType.OBSERVATIONAL_STUDY),
    ("research-article", "Serum magnesium in older adults", (), "",
     EvidenceType.OBSERVATIONAL_STUDY),
])
def test_evidence_rules(kind, title, labels, abstract, expected):
    assert evidence_for(kind, title, labels, abstract) == expected


def _jats(body: str, front: str = "") -> str:
    return ('<?xml version="1.0"?>\n<article article-type="research-article"><front>'
            '<journal-meta><journal-title>J Test</journal-title></journal-meta><article-meta>'
            '<article-id pub-id-type="pmc">999</article-id>'
            f'<title-group><article-title>T</article-title></title-group>{front}'
            f"</article-meta></front><body>{body}</body><back><ref-list><ref>"
            "<mixed-citation>Cited work XYZ</mixed-citation></ref></ref-list></back></article>")


def test_lists_figures_and_back_matter(tmp_path):
    file = tmp_path / "a.nxml"
    file.write_text(_jats(
        "<sec><title>Methods</title><p>Intro <xref>1</xref> text.<fig><label>Figure 1</label>"
        "<caption><p>Design of the study.</p></caption></fig></p>"
        "<list><list-item><p>first</p></list-item><list-item><p>second</p></list-item></list>"
        "<sec><title>Participants</title><p>Forty adults.</p></sec></sec>"))
    (doc,) = PmcConnector().read(file)
    parts = {s.heading: doc.text[s.start:s.end] for s in doc.sections}
    assert parts == {"Methods": "Intro 1 text.\n\n- first\n- second",
                     "Methods > Figure 1": "Design of the study.",
                     "Methods > Participants": "Forty adults."}
    assert "XYZ" not in doc.text and doc.key == "pmc:PMC999"


def test_external_entity_in_jats_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("PMC-SECRET-55")
    file = tmp_path / "x.nxml"
    file.write_text(_jats("<p>Before &leak; after.</p>").replace(
        '<?xml version="1.0"?>\n',
        f'<?xml version="1.0"?>\n<!DOCTYPE article [<!ENTITY leak SYSTEM "file://{secret}">]>\n'))
    (doc,) = find_connector(file).read(file)
    assert "PMC-SECRET" not in doc.text and doc.text == "Before after."


def test_malformed_and_empty_articles(tmp_path):
    broken = tmp_path / "broken.nxml"
    broken.write_text('<article article-type="research-article">\n<front>\n<oops></front>')
    with pytest.raises(IngestError, match=r"malformed XML at line \d"):
        list(PmcConnector().read(broken))
    empty = tmp_path / "empty.nxml"
    empty.write_text('<article><front><article-meta></article-meta></front></article>')
    with pytest.raises(IngestError, match="no title, abstract or body text"):
        list(PmcConnector().read(empty))


def test_sniffed_by_root_element(tmp_path):
    file = shared_path("data", "formats", "pmc", "cc11003.nxml")
    assert isinstance(find_connector(file), PmcConnector)
