"""Handout rendering: Markdown, print-ready HTML, PDF (text read back with pypdf), CLI, HTTP."""

from __future__ import annotations

import io
import json
import re

import pytest
from click.testing import CliRunner
from handout_fixtures import build

from medcite.cli import main
from medcite.handout_render import reference_line, render_handout, to_html, to_markdown
from medcite.models import Handout


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    home = tmp_path_factory.mktemp("handout-render")
    app = build(home)
    yield app
    app.close()


@pytest.fixture(scope="module")
def gout(lib):
    return lib.handout("gout")


def _need_pdf() -> None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # not installed, or Pango missing
        pytest.skip(f"handout PDFs need the 'pdf' extra and Pango ({exc})")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_markdown_puts_the_emergency_section_first(gout):
    md = to_markdown(gout)
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings[0] == "## ⚠ Seek care immediately or call 911 if:"
    assert headings[-3:] == ["## References", "## Review status and disclaimer", "## Date"]
    assert "Reading grade" in md and "aim at 7 or lower" in md


def test_html_is_one_page_with_one_stylesheet(gout):
    page = to_html(gout)
    assert page.startswith("<!doctype html>") and page.count("<style>") == 1
    assert "<link" not in page and "<script" not in page
    assert page.index('id="emergency"') < page.index('id="what_it_is"')
    assert 'role="alert"' in page and "@media print" in page


def test_html_escapes_source_text():
    from medcite.models import Claim, HandoutSection

    made = Handout("<b>x</b>", sections=[HandoutSection("symptoms", "Signs and symptoms",
                                                        [Claim("<script>1</script>", [1])])])
    page = to_html(made)
    assert "<script>1" not in page and "&lt;script&gt;" in page and "<b>x" not in page


def test_pdf_holds_every_section_title_and_reference(gout):
    _need_pdf()
    pypdf = pytest.importorskip("pypdf")
    pdf = render_handout(gout, "pdf")
    assert pdf[:5] == b"%PDF-"
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = _flat(" ".join(page.extract_text() for page in reader.pages))
    for section in gout.sections:
        assert section.title in text
    for title in ("References", "Review status and disclaimer", "Date"):
        assert title in text
    for ref in gout.references:
        assert _flat(ref.title) in text
        assert ref.url in text.replace(" ", "")  # a long URL may wrap at a line end


def test_json_format_is_the_contract(gout):
    data = json.loads(render_handout(gout, "json"))
    assert data == json.loads(json.dumps(gout.to_dict()))


def test_unknown_format_is_a_clear_error(gout):
    from medcite.errors import MedciteError

    with pytest.raises(MedciteError, match="unknown handout format"):
        render_handout(gout, "docx")


def test_reference_line_names_the_evidence_type(gout):
    assert "Patient education" in reference_line(gout.references[0])


# -- command line -------------------------------------------------------------------------------


def _cli(lib, *args):
    return CliRunner().invoke(main, ["--library", str(lib.settings.home), *args],
                              env={"MEDCITE_DENSE": "0"})


def test_cli_writes_markdown_and_json(lib):
    result = _cli(lib, "handout", "gout")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Gout")
    data = json.loads(_cli(lib, "handout", "gout", "--format", "json").output)
    assert data["sections"][0]["id"] == "emergency"


def test_cli_writes_html_and_pdf_files(lib, tmp_path):
    page = tmp_path / "gout.html"
    result = _cli(lib, "handout", "gout", "--format", "html", "-o", str(page))
    assert result.exit_code == 0 and page.read_text().startswith("<!doctype html>")
    _need_pdf()
    pdf = tmp_path / "gout.pdf"
    result = _cli(lib, "handout", "gout", "--format", "pdf", "-o", str(pdf))
    assert result.exit_code == 0 and pdf.read_bytes()[:5] == b"%PDF-"


def test_cli_pdf_needs_a_file(lib):
    result = _cli(lib, "handout", "gout", "--format", "pdf")
    assert result.exit_code == 2 and "-o FILE.pdf" in result.output


def test_cli_no_evidence_is_one_line_and_nonzero(lib):
    result = _cli(lib, "handout", "glioblastoma")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "doesn't hold enough evidence" in lines[0]
    assert "Traceback" not in result.output


def test_cli_help_has_an_example():
    result = CliRunner().invoke(main, ["handout", "--help"])
    assert result.exit_code == 0 and "medcite handout" in result.output
    assert "--audience" in result.output and "pdf" in result.output


# -- HTTP API and web page (in-process) ------------------------------------------------------------


def test_api_and_web_page(lib):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from medcite.api import create_app

    client = TestClient(create_app(lib))
    r = client.post("/api/handouts", json={"condition": "gout", "audience": "caregiver"})
    assert r.status_code == 200 and r.json()["audience"] == "caregiver"
    assert r.json()["sections"][0]["id"] == "emergency"
    page = client.get("/handout", params={"condition": "gout"})
    assert page.status_code == 200 and 'id="emergency"' in page.text
    none = client.post("/api/handouts", json={"condition": "glioblastoma"}).json()
    assert none["abstained"] and none["notices"]
