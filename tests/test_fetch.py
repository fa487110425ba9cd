"""URL inputs against a real HTTP server on 127.0.0.1 (http.server in a thread)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from _pdfmake import make_pdf
from click.testing import CliRunner

from medcite import Medcite
from medcite.cli import main
from medcite.models import EvidenceType

PAGE = (Path(__file__).parent / "fixtures" / "html" / "plain_page.htm").read_bytes()
PDF = make_pdf([["Leg cramps at night are common in older adults and in pregnancy."]])
ROUTES: dict[str, tuple[int, str, bytes, dict]] = {
    "/page.html": (200, "text/html; charset=utf-8", PAGE, {}),
    "/leaflet": (200, "application/pdf", PDF, {}),
    "/notes.md": (200, "text/markdown", b"# Fluids\n\nDrink water during long walks.\n", {}),
    "/beir/corpus": (200, "application/x-ndjson",
                 json.dumps({"_id": "7", "title": "T", "text": "Seven."}).encode(), {}),
    "/moved": (302, "text/plain", b"", {"Location": "/page.html"}),
    "/loop": (302, "text/plain", b"", {"Location": "/loop"}),
    "/missing": (404, "text/plain", b"nope", {}),
    "/big": (200, "text/html", b"<p>" + b"a" * 3_000_000 + b"</p>", {}),
    "/empty": (200, "text/html", b"", {}),
    "/binary": (200, "application/octet-stream", b"\x00\x01\x02" * 100, {}),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path == "/slow":
            time.sleep(1)
        status, ctype, body, headers = ROUTES.get(self.path, (404, "text/plain", b"", {}))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # Clients that give up early (size cap, timeout) break the pipe: expected here.
        pass


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_html_page_by_url(app, base):
    report = app.ingest([f"{base}/page.html"])
    assert (report.added, report.errors) == (1, [])
    source = app.source(f"{base}/page.html")
    assert (source.title, source.url) == ("Why do eyelids twitch?", f"{base}/page.html")
    assert source.evidence_type is EvidenceType.UNREVIEWED_WEB


def test_redirect_is_followed_and_final_url_is_the_key(app, base):
    assert app.ingest([f"{base}/moved"]).added == 1
    assert app.source(f"{base}/page.html").url == f"{base}/page.html"


def test_pdf_markdown_and_jsonl_by_content_type(app, base):
    report = app.ingest([f"{base}/leaflet", f"{base}/notes.md", f"{base}/beir/corpus"])
    assert (report.added, report.errors) == (3, [])
    assert [p.section for p in app.source_passages(f"{base}/leaflet")] == ["Page 1"]
    assert app.source(f"{base}/notes.md").title == "Fluids"
    assert app.source("beir:7").title == "T"


def test_same_url_twice_is_unchanged(app, base):
    app.ingest([f"{base}/page.html"])
    again = app.ingest([f"{base}/page.html"])
    assert (again.added, again.unchanged) == (0, 1)


@pytest.mark.parametrize("path, message", [
    ("/missing", "HTTP 404"),
    ("/loop", "more than 5 redirects"),
    ("/big", "over the 2 MB limit"),
    ("/empty", "empty body"),
    ("/binary", "unknown format"),
    ("/slow", "timed out after 0.3 s"),
])
def test_bad_urls_give_one_line(tmp_path, base, path, message):
    app = Medcite.open(tmp_path / "lib", max_file_mb=2, url_timeout=0.3)
    report = app.ingest([f"{base}{path}"])
    app.close()
    assert report.added == 0
    ((origin, error),) = report.errors
    assert origin == f"{base}{path}" and message in error and "\n" not in error


def test_connection_refused(app):
    report = app.ingest(["http://127.0.0.1:9/nothing-listens-here"])
    assert "cannot fetch" in report.errors[0][1]


def test_cli_ingest_url(tmp_path, base):
    result = CliRunner().invoke(main, ["-L", str(tmp_path / "lib"), "ingest", f"{base}/page.html",
                                       f"{base}/missing"])
    assert result.exit_code == 1
    assert "1 added" in result.stdout
    assert f"FAILED {base}/missing: HTTP 404" in result.stderr
    assert "Traceback" not in result.output
