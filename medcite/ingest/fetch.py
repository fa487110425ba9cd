"""URL inputs: `medcite ingest https://...` fetches one page or file and parses it.

The response's content type picks the parser: HTML and PDF are parsed from memory with the
page's URL as the source key (unless the page names a canonical URL); any other type is saved
to a temporary file named after the URL and handed to the connector that accepts it (XML,
JSONL, text). Safety limits, all giving one clear error line:

- timeouts (setting `url_timeout`) on connect and between bytes;
- at most `MAX_REDIRECTS` redirects, and only to http(s);
- the body is streamed and abandoned once it passes `max_file_mb`;
- HTTP errors (4xx/5xx) and network failures are bad input, not crashes.

>>> register_url_resolver(app, ingestor)   # doctest: +SKIP
>>> app.ingest(["https://medlineplus.gov/magnesium.html"]).added   # doctest: +SKIP
1
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import httpx

from ..models import ParsedDocument
from ..settings import Settings
from .connectors import IngestError, find_connector
from .connectors.html import parse_html
from .connectors.pdf import parse_pdf

if TYPE_CHECKING:
    from ..service import Medcite
    from .pipeline import Ingestor

MAX_REDIRECTS = 5
USER_AGENT = "medcite/0.1 (+https://github.com/medcite; library ingest)"
# Content types that name a file kind the connectors know by suffix.
_SUFFIX_BY_TYPE = {
    "text/markdown": ".md", "text/x-markdown": ".md", "text/plain": ".txt",
    "application/x-ndjson": ".jsonl", "application/jsonl": ".jsonl",
    "application/xml": ".xml", "text/xml": ".xml",
}


def fetch(url: str, settings: Settings, client: httpx.Client | None = None) -> tuple[bytes, str, str]:
    """(body, content type, final URL) of `url`, within the size and time limits."""
    limit = int(settings.max_file_mb * 1024 * 1024)
    own = client is None
    client = client or httpx.Client(
        follow_redirects=True, max_redirects=MAX_REDIRECTS, trust_env=False,
        timeout=httpx.Timeout(settings.url_timeout), headers={"User-Agent": USER_AGENT},
    )
    try:
        with client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise IngestError(f"{url}: HTTP {response.status_code} "
                                  f"{response.reason_phrase or ''}".rstrip())
            final = str(response.url)
            if urlparse(final).scheme not in ("http", "https"):
                raise IngestError(f"{url}: redirected to a non-web address {final}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise IngestError(_too_big(url, int(declared), settings))
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise IngestError(_too_big(url, len(body), settings))
            ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
            return bytes(body), ctype, final
    except httpx.TooManyRedirects:
        raise IngestError(f"{url}: more than {MAX_REDIRECTS} redirects") from None
    except httpx.TimeoutException:
        raise IngestError(f"{url}: timed out after {settings.url_timeout:g} s "
                          "(setting url_timeout)") from None
    except httpx.HTTPError as exc:
        raise IngestError(f"{url}: cannot fetch ({type(exc).__name__}: {exc})") from None
    finally:
        if own:
            client.close()


def documents_from_url(url: str, settings: Settings) -> Iterator[ParsedDocument]:
    """Fetch `url` and parse it with the connector its content type (or name) calls for."""
    body, ctype, final = fetch(url, settings)
    if not body.strip():
        raise IngestError(f"{url}: the server sent an empty body")
    path_suffix = PurePosixPath(urlparse(final).path).suffix.lower()
    if ctype in ("text/html", "application/xhtml+xml") or (
        not ctype and path_suffix in (".html", ".htm")
    ):
        yield parse_html(body, url, final, url=final)
        return
    if ctype == "application/pdf" or body.startswith(b"%PDF-"):
        yield parse_pdf(body, url, final, url=final)
        return
    suffix = _SUFFIX_BY_TYPE.get(ctype) or path_suffix or ".bin"
    name = PurePosixPath(urlparse(final).path).name or "download"
    # The file keeps its URL's folder name: JSONL corpora take their key prefix from it.
    parsed = urlparse(final)
    folder = PurePosixPath(parsed.path).parent.name or parsed.hostname or "web"
    with tempfile.TemporaryDirectory(prefix="medcite-fetch-") as tmp:
        path = Path(tmp) / folder / (name if name.endswith(suffix) else name + suffix)
        path.parent.mkdir()
        path.write_bytes(body)
        connector = find_connector(path)
        for doc in connector.read(path):
            if doc.key.startswith("file:"):
                doc.key = final
            doc.url = doc.url or final
            doc.origin = url
            yield doc


def register_url_resolver(app: Medcite, ingestor: Ingestor) -> None:
    """Ingest hook: route ``http://`` and ``https://`` inputs to `documents_from_url`."""
    def resolve(url: str) -> Iterator[ParsedDocument]:
        return documents_from_url(url, app.settings)

    ingestor.resolvers["http://"] = resolve
    ingestor.resolvers["https://"] = resolve


def _too_big(url: str, size: int, settings: Settings) -> str:
    return (f"{url}: response is over the {settings.max_file_mb:g} MB limit "
            f"(setting max_file_mb; {size / 2**20:.1f} MB received or declared)")
