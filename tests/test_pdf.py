"""PDF connector: text by page as "Page N" sections; scanned, encrypted and corrupt PDFs refused."""

from __future__ import annotations

import re

import pytest
from _pdfmake import make_pdf

from medcite.ingest.connectors import find_connector
from medcite.ingest.connectors.base import IngestError
from medcite.ingest.connectors.pdf import PdfConnector, parse_pdf

PAGE_1 = ["Magnesium in adults: a short summary for readers.",
          "Most adults need between 310 and 420 mg a day from food."]
PAGE_3 = ["Kidney disease changes how the body clears magnesium from the blood."]


def test_pages_become_sections_with_page_numbers():
    doc = parse_pdf(make_pdf([PAGE_1, [], PAGE_3]), "g.pdf", "file:g")
    assert [s.heading for s in doc.sections] == ["Page 1", "Page 3"]  # page 2 is blank
    assert doc.text[doc.sections[0].start:doc.sections[0].end] == "\n".join(PAGE_1)
    assert doc.text[doc.sections[1].start:doc.sections[1].end] == PAGE_3[0]
    assert doc.metadata["pages"] == 3
    assert doc.key == "file:g"


def test_title_from_metadata_else_first_line():
    with_info = parse_pdf(make_pdf([PAGE_1], title="Magnesium guide", author="A. Lee; B. Chan"),
                          "x", "k")
    assert with_info.title == "Magnesium guide"
    assert with_info.authors == ["A. Lee", "B. Chan"]
    assert parse_pdf(make_pdf([PAGE_1]), "x", "k").title == PAGE_1[0]


def test_connector_by_suffix_and_by_magic(tmp_path):
    named = tmp_path / "leaflet.pdf"
    named.write_bytes(make_pdf([PAGE_1]))
    unnamed = tmp_path / "download"
    unnamed.write_bytes(make_pdf([PAGE_1]))
    assert find_connector(named).name == find_connector(unnamed).name == "pdf"
    assert next(PdfConnector().read(named)).key == "file:leaflet"


@pytest.mark.parametrize("data, message", [
    (make_pdf([[], []]), "no extractable text (scanned PDF?)"),
    (make_pdf([["x"]]), "no extractable text"),  # a stray mark is not text
    (make_pdf([PAGE_1], encrypted=True), "encrypted"),
    (make_pdf([PAGE_1])[:250], "corrupt or truncated"),
    (b"%PDF-1.7\n" + bytes(range(256)) * 4, "corrupt or truncated"),
    (b"just words, no PDF header", "not a PDF"),
])
def test_bad_pdfs_give_one_clear_line(data, message):
    with pytest.raises(IngestError, match=re.escape(message)) as info:
        parse_pdf(data, "bad.pdf", "file:bad")
    assert "\n" not in str(info.value)


def test_ingest_pdf_passages_carry_page_numbers(app, tmp_path):
    path = tmp_path / "guide.pdf"
    path.write_bytes(make_pdf([PAGE_1, PAGE_3]))
    report = app.ingest([str(path)])
    assert (report.added, report.errors) == (1, [])
    parts = app.source_passages("file:guide")
    assert [p.section for p in parts] == ["Page 1", "Page 2"]
    text = app.store.source_text("file:guide")
    assert all(text[p.start:p.end] == p.text for p in parts)
