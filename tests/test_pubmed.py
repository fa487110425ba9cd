"""PubMed/MEDLINE XML connector, on the real files in ../shared/data/formats/pubmed."""

from __future__ import annotations

import gzip
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import shared_path
from lxml import etree

from medcite.cli import main
from medcite.ingest.connectors import find_connector
from medcite.ingest.connectors.base import IngestError
from medcite.ingest.connectors.pubmed import PubmedConnector, iter_pubmed
from medcite.models import Deletion, EvidenceType, IngestReport, ParsedDocument


def _articles_with_text(folder: Path) -> set[str]:
    """PMIDs of records with a title or an abstract, counted with a plain lxml pass."""
    pmids: set[str] = set()
    for file in sorted(folder.iterdir()):
        opener = gzip.open if file.suffix == ".gz" else open
        with opener(file, "rb") as fh:
            root = etree.parse(fh, etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
        for citation in root.iter("MedlineCitation"):
            title = "".join(citation.find("Article/ArticleTitle").itertext()).strip()
            if title or citation.find("Article/Abstract") is not None:
                pmids.add(citation.findtext("PMID"))
    return pmids


@pytest.fixture(scope="module")
def pubmed_library(tmp_path_factory):
    from medcite import Medcite

    folder = shared_path("data", "formats", "pubmed")
    app = Medcite.open(tmp_path_factory.mktemp("pubmed") / "library")
    report = app.ingestor().ingest([str(folder)])  # connector + store only, no index sync
    yield app, report, folder
    app.close()


def test_all_pubmed_files_ingest_and_count_matches(pubmed_library):
    app, report, folder = pubmed_library
    assert report.errors == []
    expected = _articles_with_text(folder)
    ids = {row[0] for row in app.store.conn.execute("SELECT id FROM sources")}
    assert ids == {f"pubmed:{p}" for p in expected}
    assert app.stats()["sources"] == len(expected)


@pytest.mark.parametrize(("pmid", "year", "journal", "etype"), [
    ("29768149", 2018, "The New England journal of medicine", EvidenceType.RANDOMIZED_TRIAL),
    ("36400559", 2023, "Neurologic clinics", EvidenceType.EXPERT_OVERVIEW),  # Review
    ("28786991", 2017, "PloS one", EvidenceType.SYSTEMATIC_REVIEW),  # Meta-Analysis
    ("25636559", 2015, "American journal of orthodontics and dentofacial orthopedics : official "
     "publication of the American Association of Orthodontists, its constituent societies, and "
     "the American Board of Orthodontics", EvidenceType.CASE_REPORT),
    ("20501835", 2010, "Cancer research", EvidenceType.ANIMAL_LAB_STUDY),  # Animals, no Humans
    ("22441635", 2012, "Allergology international : official journal of the Japanese Society "
     "of Allergology", EvidenceType.OBSERVATIONAL_STUDY),  # Clinical Trial + Multicenter Study
    ("18621939", 2008, "Psychosomatics", None),  # year from MedlineDate "2008 Jul-Aug"
])
def test_spot_checks(pubmed_library, pmid, year, journal, etype):
    app = pubmed_library[0]
    source = app.source(f"pubmed:{pmid}")
    assert source.pmid == pmid
    assert source.year == year
    assert source.publisher == journal
    assert source.url == f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    if etype is not None:
        assert source.evidence_type == etype


def test_nejm_record_fields_and_structured_abstract(pubmed_library):
    app = pubmed_library[0]
    source = app.source("pubmed:29768149")
    assert source.doi == "10.1056/NEJMoa1715274"
    assert source.authors[0] == "O'Byrne PM"
    assert source.language == "en"
    assert "Randomized Controlled Trial" in source.metadata["publication_types"]
    assert "Humans" in source.metadata["mesh"] and "Asthma" in source.metadata["mesh_major"]
    headings = [p.section for p in app.source_passages("pubmed:29768149")]
    assert set(headings) == {"Background", "Methods", "Results", "Conclusions"}
    text = app.store.source_text("pubmed:29768149")
    for p in app.source_passages("pubmed:29768149"):
        assert text[p.start:p.end] == p.text


def test_title_only_record_uses_title_as_text(pubmed_library):
    app = pubmed_library[0]
    source = app.source("pubmed:11446611")  # a Review with no abstract in the record
    assert app.store.source_text(source.id) == source.title
    italian = app.source("pubmed:26407462")
    assert italian.language == "it"


def test_record_without_title_or_abstract_is_skipped_and_counted():
    xml = (b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>7</PMID><Article>"
           b"<ArticleTitle></ArticleTitle></Article></MedlineCitation></PubmedArticle>"
           b"<PubmedArticle><MedlineCitation><PMID>8</PMID><Article><ArticleTitle>Kept."
           b"</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>")
    skipped: list[str] = []
    docs = list(iter_pubmed(BytesIO(xml), "t.xml", skipped))
    assert [d.key for d in docs] == ["pubmed:8"] and skipped == ["7"]


def test_labels_unlabelled_and_medline_date():
    xml = b"""<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>5</PMID><Article>
      <Journal><JournalIssue><PubDate><MedlineDate>1998 Dec-1999 Jan</MedlineDate></PubDate>
      </JournalIssue><Title>J</Title></Journal><ArticleTitle>T</ArticleTitle>
      <Abstract><AbstractText Label="METHODS AND RESULTS">We <i>measured</i> Mg.</AbstractText>
      <AbstractText>More detail.</AbstractText></Abstract>
      <AuthorList><Author><CollectiveName>Mg Study Group</CollectiveName></Author></AuthorList>
      </Article></MedlineCitation><PubmedData><ArticleIdList>
      <ArticleId IdType="doi">10.1/x</ArticleId><ArticleId IdType="pmc">PMC9</ArticleId>
      </ArticleIdList></PubmedData></PubmedArticle></PubmedArticleSet>"""
    (doc,) = iter_pubmed(BytesIO(xml), "t.xml")
    assert doc.year == 1998 and doc.doi == "10.1/x" and doc.metadata["pmcid"] == "PMC9"
    assert doc.authors == ["Mg Study Group"]
    assert [s.heading for s in doc.sections] == ["Methods and results"]
    assert doc.text.endswith("We measured Mg.\n\nMore detail.")


def test_retraction_link_marks_the_record_retracted():
    xml = b"""<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>3</PMID><Article>
      <ArticleTitle>Withdrawn finding.</ArticleTitle></Article><CommentsCorrectionsList>
      <CommentsCorrections RefType="RetractionIn"><RefSource>J. 2020</RefSource><PMID>4</PMID>
      </CommentsCorrections></CommentsCorrectionsList></MedlineCitation></PubmedArticle>
      </PubmedArticleSet>"""
    (doc,) = iter_pubmed(BytesIO(xml), "t.xml")
    assert doc.metadata["retracted"] is True


def test_book_article():
    xml = b"""<PubmedArticleSet><PubmedBookArticle><BookDocument><PMID>99</PMID>
      <Book><Publisher><PublisherName>StatPearls Publishing</PublisherName></Publisher>
      <BookTitle>StatPearls</BookTitle><PubDate><Year>2024</Year></PubDate></Book>
      <ArticleTitle>Hypomagnesemia</ArticleTitle><Language>eng</Language>
      <Abstract><AbstractText>Low serum magnesium.</AbstractText></Abstract>
      <PublicationType>Review</PublicationType></BookDocument></PubmedBookArticle>
      </PubmedArticleSet>"""
    (doc,) = iter_pubmed(BytesIO(xml), "t.xml")
    assert (doc.key, doc.title, doc.year, doc.publisher) == (
        "pubmed:99", "Hypomagnesemia", 2024, "StatPearls Publishing")


def test_medline_citation_set_gz_is_streamed(tmp_path):
    source = shared_path("data", "formats", "pubmed", "medline16n0902.xml.gz")
    connector = find_connector(source)
    assert isinstance(connector, PubmedConnector)
    report = IngestReport()
    items = list(connector.read_with(source, None, report))
    docs = [item for item in items if isinstance(item, ParsedDocument)]
    assert len(docs) == 604 and report.skipped_records == 0
    # The file ends with NLM's list of deleted citations: one PMID, read as a deletion.
    assert [item.key for item in items if isinstance(item, Deletion)] == ["pubmed:26432306"]
    assert docs[0].key == "pubmed:17942999"
    assert [s.heading for s in docs[0].sections][:2] == ["Purpose", "Methods"]


def test_malformed_xml_yields_earlier_records_then_names_the_line(tmp_path):
    good = (b"<PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>One."
            b"</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n")
    bad = tmp_path / "broken.xml"
    bad.write_bytes(b"<?xml version='1.0'?>\n<PubmedArticleSet>\n" + good
                    + b"<PubmedArticle><MedlineCitation><PMID>2</PMID>\n<Oops></PubmedArticle>\n")
    got = []
    with pytest.raises(IngestError, match=r"malformed XML at line \d+"):
        for doc in PubmedConnector().read(bad):
            got.append(doc.key)
    assert got == ["pubmed:1"]


def test_external_entities_are_not_resolved(app, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-7f3a9 do not leak")
    hostile = tmp_path / "hostile.xml"
    hostile.write_text(
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE PubmedArticleSet [<!ENTITY leak SYSTEM "file://{secret}">]>\n'
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>42</PMID><Article>"
        "<ArticleTitle>Magnesium &leak; cramps</ArticleTitle><Abstract><AbstractText>"
        "Body &leak; text.</AbstractText></Abstract></Article></MedlineCitation>"
        "</PubmedArticle></PubmedArticleSet>\n")
    report = app.ingestor().ingest([str(hostile)])
    assert report.errors == [] and report.added == 1
    source = app.source("pubmed:42")
    stored = app.store.source_text("pubmed:42") + source.title
    assert "SECRET" not in stored
    assert source.title == "Magnesium cramps"


def test_cli_ingest_pubmed_file(tmp_path):
    file = shared_path("data", "formats", "pubmed", "pubmed-29768149.xml")
    runner = CliRunner(env={"MEDCITE_DENSE": "0"})  # the index sync need not embed vectors
    result = runner.invoke(main, ["--library", str(tmp_path / "lib"), "ingest", str(file)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 added")
    shown = runner.invoke(main, ["--library", str(tmp_path / "lib"), "show", "pubmed:29768149"])
    assert "Randomised trial" in shown.output and "2018" in shown.output


_MEASURE = """
import resource, sys
from pathlib import Path
from medcite.ingest.connectors.pubmed import PubmedConnector
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
count = sum(1 for _ in PubmedConnector().read(Path(sys.argv[1])))
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(count, grown // 1024)
"""


@pytest.mark.parametrize("megabytes", [10, pytest.param(100, marks=pytest.mark.slow)])
def test_large_file_is_streamed_in_flat_memory(tmp_path, megabytes):
    """A whole-tree parse grows memory ~4x the file (116 MB for 30 MB here); streaming ~0."""
    import subprocess
    import sys

    record = etree.tostring(etree.parse(
        str(shared_path("data", "formats", "pubmed", "pubmed-29768149.xml"))).getroot()[0])
    big = tmp_path / "big.xml"
    written = 0
    with open(big, "wb") as fh:
        fh.write(b"<PubmedArticleSet>\n")
        while written < megabytes * 2**20:
            fh.write(record.replace(b">29768149</PMID>", b">%d</PMID>" % (10**7 + written), 1))
            written += len(record)
        fh.write(b"</PubmedArticleSet>\n")
    repo = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(big)], cwd=repo, check=True,
                         capture_output=True, text=True).stdout.split()
    count, grown_mb = int(out[0]), int(out[1])
    assert count == written // len(record)
    assert grown_mb < 20, f"memory grew {grown_mb} MB while streaming {megabytes} MB"


def test_truncated_gzip_is_a_clear_error(tmp_path):
    whole = shared_path("data", "formats", "pubmed", "test_current_medline.xml.gz").read_bytes()
    cut = tmp_path / "cut.xml.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(IngestError, match="truncated or corrupt"):
        list(PubmedConnector().read(cut))


def _article_xml(pmid: int, title: str) -> bytes:
    return (f"<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article><ArticleTitle>"
            f"{title}</ArticleTitle><Abstract><AbstractText>{title} in adults with low "
            f"magnesium.</AbstractText></Abstract></Article></MedlineCitation></PubmedArticle>"
            ).encode()


def test_delete_citation_yields_deletions_in_file_order():
    xml = (b"<PubmedArticleSet>" + _article_xml(11, "Cramps study")
           + b"<DeleteCitation><PMID Version=\"1\">21</PMID><PMID Version=\"1\">22</PMID>"
           b"</DeleteCitation></PubmedArticleSet>")
    items = list(iter_pubmed(BytesIO(xml), "/x/update0001.xml"))
    assert [item.key for item in items] == ["pubmed:11", "pubmed:21", "pubmed:22"]
    assert items[1].reason == "deleted from MEDLINE (DeleteCitation in update0001.xml)"


def test_update_file_withdraws_deleted_citations_from_the_library(tmp_path):
    from medcite import Medcite

    baseline = tmp_path / "baseline.xml"
    baseline.write_bytes(b"<PubmedArticleSet>" + _article_xml(31, "Night cramps trial")
                         + _article_xml(32, "Leg twitching survey") + b"</PubmedArticleSet>")
    update = tmp_path / "update.xml.gz"
    update.write_bytes(gzip.compress(
        b"<PubmedArticleSet>" + _article_xml(33, "Muscle spasm cohort")
        + b"<DeleteCitation><PMID Version=\"1\">31</PMID><PMID Version=\"1\">99</PMID>"
        b"</DeleteCitation></PubmedArticleSet>"))
    app = Medcite.open(tmp_path / "lib", dense=False)
    try:
        assert app.ingest([baseline]).added == 2
        assert {h.source.id for h in app.search("cramps twitching magnesium", k=5)} == {
            "pubmed:31", "pubmed:32"}
        report = app.ingest([update])
        # 99 was never in the library: nothing to withdraw, and not an error.
        assert report.errors == [] and report.added == 1 and report.withdrawn_ids == ["pubmed:31"]
        found = {h.source.id for h in app.search("cramps twitching spasm magnesium", k=5)}
        assert found == {"pubmed:32", "pubmed:33"}
        withdrawn = app.source("pubmed:31")  # kept, not erased
        assert withdrawn.status == "withdrawn"
        assert "DeleteCitation in update.xml.gz" in withdrawn.metadata["withdrawn_reason"]
    finally:
        app.close()


def test_cli_reports_withdrawn_citations(tmp_path):
    update = tmp_path / "update.xml"
    update.write_bytes(b"<PubmedArticleSet>" + _article_xml(41, "Cramp trial")
                       + b"<DeleteCitation><PMID>41</PMID></DeleteCitation></PubmedArticleSet>")
    result = CliRunner().invoke(main, ["--library", str(tmp_path / "lib"), "ingest",
                                       str(update)], env={"MEDCITE_DENSE": "0"})
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 added, 0 updated, 0 unchanged")
    assert "1 withdrawn (deleted by the publisher)" in result.output


@pytest.mark.parametrize(("types", "expected"), [
    (["Editorial"], EvidenceType.EXPERT_OVERVIEW),
    (["Letter", "Comment"], EvidenceType.EXPERT_OVERVIEW),
    (["News"], EvidenceType.EXPERT_OVERVIEW),
    (["Journal Article"], EvidenceType.OBSERVATIONAL_STUDY),  # generic: primary research
    (["Journal Article", "Comment", "Randomized Controlled Trial"],
     EvidenceType.RANDOMIZED_TRIAL),  # the design wins over the comment tag
])
def test_opinion_pieces_are_not_classed_as_studies(types, expected):
    from medcite.evidence import classify

    doc = ParsedDocument(key="pubmed:5", title="T", text="T", pmid="5",
                         metadata={"publication_types": types})
    assert classify(doc) == expected
