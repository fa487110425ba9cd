"""HTML connector: main content only, headings as sections, metadata, nothing executable."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from conftest import SEEDS, shared_path

from medcite.ingest.connectors import find_connector
from medcite.ingest.connectors.base import IngestError
from medcite.ingest.connectors.html import HtmlConnector, parse_html
from medcite.models import EvidenceType

FIXTURES = Path(__file__).parent / "fixtures" / "html"


def read(name: str):
    return next(HtmlConnector().read(FIXTURES / name))


def test_main_content_sections_and_lists():
    doc = read("cramps_page.html")
    assert doc.title == "Night leg cramps: what helps"
    assert [s.heading for s in doc.sections] == ["", "Common triggers", "What you can do"]
    triggers = doc.text[doc.sections[1].start:doc.sections[1].end]
    assert "- Water tablets (diuretics) used for blood pressure\n- Pregnancy" in triggers
    assert doc.text.startswith("A night cramp is a sudden, painful tightening")


@pytest.mark.parametrize("chrome", [
    "Skip to main content", "We use cookies", "Accept all cookies", "Conditions A to Z",
    "Example Health Pages home", "Related articles", "Privacy policy", "newsletter",
    "trackVisit", "TRACKING-SCRIPT-TEXT", "font-family", "steal()",
])
def test_page_chrome_and_code_dropped(chrome):
    assert chrome not in read("cramps_page.html").text


def test_metadata_from_meta_tags():
    doc = read("cramps_page.html")
    assert doc.key == doc.url == "https://health.example.org/cramps/night"
    assert doc.publisher == "Example Health Pages"
    assert (doc.year, doc.doi, doc.language) == (2021, "10.1234/example.5678", "en")
    assert doc.authors == ["A. Writer"]
    assert doc.evidence_type is None  # decided by medcite.evidence -> unreviewed web


def test_hostile_page_keeps_only_text():
    doc = read("hostile_page.html")
    assert "Magnesium supplements can loosen stools" in doc.text
    assert "Click for the full leaflet about side effects." in doc.text
    for marker in ("SCRIPT-BODY", "STYLE-BODY", "ONLOAD", "COOKIE-BANNER", "HANDLER-CODE",
                   "JS-LINK-CODE", "javascript", "ONERROR", "NOSCRIPT", "IFRAME", "SVG",
                   "TEMPLATE", "HIDDEN-TEXT", "OBJECT-TEXT", "LATE-SCRIPT"):
        assert marker not in doc.text, marker


def test_no_title_tag_h1_becomes_title_and_file_key():
    doc = read("plain_page.htm")
    assert doc.title == "Why do eyelids twitch?"
    assert doc.key == "file:plain_page"
    assert "Home" not in doc.text and "All rights reserved" not in doc.text
    # Source line breaks are spaces; only <br> breaks a line.
    assert "spasm of the lid muscle. Tiredness" in doc.text
    assert "usual triggers.\nIt normally settles" in doc.text
    table = doc.text[doc.sections[-1].start:doc.sections[-1].end]
    assert doc.sections[-1].heading == "Dose table"
    assert "Group | Amount\nAdults | 350 mg" in table
    assert "- Sleep more\n- aim for seven hours\n- Cut down on coffee" in table


def test_evidence_override_and_bad_override():
    page = b'<meta name="medcite:evidence_type" content="practice guideline"><p>Dose advice.</p>'
    assert parse_html(page, "x", "k").evidence_type is EvidenceType.PRACTICE_GUIDELINE
    with pytest.raises(IngestError, match="unknown evidence type"):
        parse_html(page.replace(b"practice guideline", b"gossip"), "x", "k")


def test_publisher_rule_applies_to_known_sites():
    from medcite import evidence

    page = (b'<html lang="es"><meta property="og:site_name" content="MedlinePlus">'
            b"<main><p>El magnesio es un mineral.</p></main></html>")
    doc = parse_html(page, "x", "k", url="https://medlineplus.gov/spanish/x.html")
    assert (doc.key, doc.language) == ("https://medlineplus.gov/spanish/x.html", "es")
    assert evidence.classify(doc) is EvidenceType.PATIENT_EDUCATION


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"   \n ", "empty"),
    (b"\x00\x01\x02binary\x00", "binary"),
    (b"<html><nav>Only a menu</nav><script>x()</script></html>", "no main content"),
])
def test_bad_pages_give_one_line_errors(data, message):
    with pytest.raises(IngestError, match=message) as info:
        parse_html(data, "bad.html", "file:bad")
    assert "\n" not in str(info.value)


def test_charset_declared_and_undeclared():
    latin = '<meta charset="iso-8859-1"><p>Caf\u00e9 and na\u00efve readers.</p>'.encode("latin-1")
    assert "Caf\u00e9" in parse_html(latin, "x", "k").text
    utf8 = "<p>\u2265 400 mg per day is a lot for most adults.</p>".encode()
    assert "\u2265 400 mg" in parse_html(utf8, "x", "k").text


def test_deep_nesting_does_not_crash():
    # libxml2 stops nesting at depth 256 and drops what lies deeper; the walk is iterative,
    # so neither the parser nor Python's stack fails, and the shallow text is kept.
    page = ("<p>Shallow text is kept.</p>" + "<div>" * 10_000 + "<p>Deep text.</p>"
            + "</div>" * 10_000)
    doc = parse_html(page.encode(), "deep.html", "k")
    assert doc.text.startswith("Shallow text is kept.")


def test_seed_article_wrapped_in_page_chrome(tmp_path):
    """The seed web article (plain text) inside a page with menus, a banner and scripts."""
    seed = sorted(shared_path("seeds").glob("002_*.txt"))
    if not seed:
        pytest.skip(f"no 002_*.txt seed in {SEEDS}")
    lines = [line.strip() for line in seed[0].read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    body = "".join(
        f"<li>{html.escape(line[2:])}</li>" if line.startswith("- ") else f"<p>{html.escape(line)}</p>"
        for line in lines
    )
    page = (f"<html><head><title>Seed</title><script>track()</script></head><body>"
            f"<nav><a href='/'>Home</a></nav><div id='cookie-notice'>Cookies here</div>"
            f"<main><h1>Seed</h1>{body}</main><footer>Site footer</footer></body></html>")
    path = tmp_path / "seed.html"
    path.write_text(page, encoding="utf-8")
    assert find_connector(path).name == "html"
    doc = next(HtmlConnector().read(path))
    for line in lines:
        expected = line if not line.startswith("- ") else line
        assert " ".join(expected.split()) in doc.text
    for chrome in ("track()", "Cookies here", "Site footer", "Home"):
        assert chrome not in doc.text


def test_ingest_html_into_library(app):
    report = app.ingest([str(FIXTURES / "cramps_page.html")])
    assert (report.added, report.errors) == (1, [])
    source = app.source("https://health.example.org/cramps/night")
    assert source.evidence_type is EvidenceType.UNREVIEWED_WEB
    text = app.store.source_text(source.id)
    parts = app.source_passages(source.id)
    assert {p.section for p in parts} == {"", "Common triggers", "What you can do"}
    for p in parts:
        assert text[p.start:p.end] == p.text


def test_div_headers_and_footers_outside_the_article_are_dropped():
    page = (b'<body><div id="site-header">Brand name and search</div>'
            b'<article><div class="article-header"><p>By a staff writer, May 2024.</p></div>'
            b"<p>Cramps in the calf often ease with gentle stretching and walking.</p></article>"
            b'<div class="page-footer">Contact and legal links</div></body>')
    text = parse_html(page, "x", "k").text
    assert "By a staff writer" in text and "gentle stretching" in text
    assert "Brand name" not in text and "legal links" not in text


def _seed_web_article() -> str:
    """The seed web article (read at run time, never copied here), as the page it was saved
    from: a skip link, then one paragraph per line of text."""
    seed = sorted(shared_path("seeds").glob("000_*.txt"))[0].read_text(encoding="utf-8")
    lines = [line.strip(" \u2022") for line in seed.splitlines() if line.strip()]
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines[1:])
    return f'<html><body><a href="#main">{html.escape(lines[0])}</a>{body}</body></html>'


def test_skip_link_is_never_the_title():
    page = _seed_web_article()
    assert page.count("Skip to Content") == 1  # the seed starts with its page's skip link
    doc = parse_html(page.encode(), "seed.html", "file:seed")
    assert doc.title.startswith("Hypomagnesemia is a condition")
    assert "Skip to Content" not in doc.text


def test_skip_link_title_tag_is_ignored():
    doc = parse_html(b"<title>Skip to main content</title><h1>Leg cramps</h1><p>Stretch.</p>",
                     "x.html", "file:x")
    assert doc.title == "Leg cramps"


def test_text_file_title_skips_page_chrome():
    from medcite.ingest.connectors.text import document_from_text

    seed = sorted(shared_path("seeds").glob("000_*.txt"))[0].read_text(encoding="utf-8")
    doc = document_from_text(seed, "seed.txt", "file:seed", markdown=False)
    assert doc.title.startswith("Hypomagnesemia is a condition")
