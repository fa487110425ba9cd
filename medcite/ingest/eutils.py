"""PubMed over NCBI's E-utilities: search (esearch), then fetch records (efetch) as PubMed XML.

Follows NCBI's usage rules (https://www.ncbi.nlm.nih.gov/books/NBK25497/): at most 3 requests
per second without an API key and 10 with one, enforced by a token bucket shared by every call
of a client; `tool` is sent so NCBI can reach us; ids are fetched in batches of at most 200 (NCBI
asks for POST above 200 ids, so we never need it). Throttling (HTTP 429), server errors (5xx)
and timeouts are retried with exponential back-off, honouring `Retry-After`; a failure that
persists raises MedciteError with one clear line.

`register_pubmed_resolver` is an ingest hook (see `medcite.service.INGEST_HOOKS`) that makes
``medcite ingest pubmed:"magnesium muscle cramps" --max 200`` work.

>>> client = EutilsClient("http://127.0.0.1:9/", max_retries=0)   # doctest: +SKIP
>>> [d.key for d in client.documents("magnesium muscle cramps", 5)]  # doctest: +SKIP
['pubmed:...', ...]
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from typing import TYPE_CHECKING

import httpx

from ..errors import MedciteError
from ..models import ParsedDocument
from .connectors.base import IngestError
from .connectors.pubmed import ROOTS as PUBMED_ROOTS
from .connectors.pubmed import iter_pubmed
from .connectors.xmlsafe import parse_document, root_tag, text_of

if TYPE_CHECKING:  # imported for types only: service imports this module
    from ..service import Medcite
    from .pipeline import Ingestor

ESEARCH_MAX = 10_000  # NCBI: esearch on PubMed returns at most the first 10,000 ids
EFETCH_BATCH = 200  # NCBI: use POST for more than ~200 UIDs; we stay at or under it
RATE_NO_KEY = 3.0  # requests per second allowed without an API key
RATE_WITH_KEY = 10.0  # ... and with one
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_MAX_RETRY_AFTER = 60.0  # never wait longer than this for one Retry-After


class RateLimiter:
    """Token bucket: `rate` tokens per second, holding at most `burst` tokens.

    With burst=1 (the default) calls are spaced at least 1/rate seconds apart, which is the
    safest reading of NCBI's "no more than 3 requests per second".

    >>> t = [0.0]; waits = []
    >>> lim = RateLimiter(2.0, clock=lambda: t[0], sleep=waits.append)
    >>> lim.acquire(); lim.acquire(); waits
    [0.5]
    """

    def __init__(self, rate: float, burst: int = 1,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate, self.burst = rate, burst
        self.clock, self.sleep = clock, sleep
        self.tokens = float(burst)
        self.updated = clock()
        self.lock = threading.Lock()

    def acquire(self) -> None:
        with self.lock:
            now = self.clock()
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
            self.updated = now
            if self.tokens < 1.0:
                wait = (1.0 - self.tokens) / self.rate
                self.sleep(wait)
                # The wait refilled exactly the missing part of one token, which we now spend.
                self.updated = now + wait
                self.tokens = 0.0
            else:
                self.tokens -= 1.0


_LIMITERS: dict[str, RateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def shared_limiter(api_key: str) -> RateLimiter:
    """The process-wide limiter for an API key ("" = no key: 3/s; a key: 10/s)."""
    with _LIMITERS_LOCK:
        if api_key not in _LIMITERS:
            _LIMITERS[api_key] = RateLimiter(RATE_WITH_KEY if api_key else RATE_NO_KEY)
        return _LIMITERS[api_key]


@dataclass
class SearchResult:
    """What esearch said: the total match count and the first `retmax` PMIDs."""

    count: int
    ids: list[str] = field(default_factory=list)
    webenv: str = ""
    query_key: str = ""
    translation: str = ""


class EutilsClient:
    """A small E-utilities client for PubMed (esearch + efetch)."""

    def __init__(self, base_url: str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/",
                 api_key: str = "", tool: str = "medcite", email: str = "",
                 timeout: float = 30.0, max_retries: int = 4, backoff: float = 1.0,
                 transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 limiter: RateLimiter | None = None):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.api_key, self.tool, self.email = api_key, tool, email
        self.max_retries, self.backoff, self.sleep = max_retries, backoff, sleep
        # NCBI counts requests per key (or per address without one), not per client object, so
        # clients share one limiter per key unless a test passes its own.
        self.limiter = limiter or shared_limiter(api_key)
        self.http = httpx.Client(timeout=timeout, transport=transport,
                                 headers={"User-Agent": f"{tool} (E-utilities client)"})

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> EutilsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- protocol ------------------------------------------------------------------------

    def esearch(self, term: str, retmax: int) -> SearchResult:
        """PMIDs matching a PubMed query, best match first."""
        if not 0 < retmax <= ESEARCH_MAX:
            raise MedciteError(f"PubMed returns 1 to {ESEARCH_MAX:,} records per search "
                               f"(asked for {retmax:,})")
        body = self._get("esearch.fcgi", {"db": "pubmed", "term": term, "retmax": str(retmax),
                                          "sort": "relevance"})
        root = parse_document(BytesIO(body), "PubMed esearch response")
        error = root.find("ERROR")
        if error is not None or root.tag != "eSearchResult":
            reason = text_of(error) if error is not None else f"unexpected <{root.tag}> reply"
            raise MedciteError(f"PubMed search for {term!r} failed: {reason}")
        try:
            count = int(root.findtext("Count") or "0")
        except ValueError:
            raise MedciteError("PubMed esearch reply has a Count that is not a number") from None
        return SearchResult(
            count=count,
            ids=[(e.text or "").strip() for e in root.findall("IdList/Id") if (e.text or "").strip()],
            webenv=(root.findtext("WebEnv") or "").strip(),
            query_key=(root.findtext("QueryKey") or "").strip(),
            translation=(root.findtext("QueryTranslation") or "").strip(),
        )

    def efetch(self, ids: list[str]) -> bytes:
        """PubMed XML (a PubmedArticleSet) for up to EFETCH_BATCH ids."""
        if len(ids) > EFETCH_BATCH:
            raise ValueError(f"efetch takes at most {EFETCH_BATCH} ids per call")
        return self._get("efetch.fcgi", {"db": "pubmed", "id": ",".join(ids),
                                         "rettype": "abstract", "retmode": "xml"})

    def documents(self, term: str, max_results: int) -> Iterator[ParsedDocument]:
        """Search PubMed and yield the parsed records, fetched in batches of 200."""
        found = self.esearch(term, max_results)
        origin = f"pubmed:{term}"
        for start in range(0, len(found.ids), EFETCH_BATCH):
            batch = found.ids[start:start + EFETCH_BATCH]
            body = self.efetch(batch)
            if root_tag(body[:4096]) not in PUBMED_ROOTS:
                raise MedciteError(f"PubMed efetch did not return PubMed XML: {_error_text(body)}")
            yield from iter_pubmed(BytesIO(body), origin)

    # -- transport with rate limit and retries ------------------------------------------

    def _get(self, endpoint: str, params: dict[str, str]) -> bytes:
        params = dict(params, tool=self.tool)
        if self.email:
            params["email"] = self.email
        if self.api_key:
            params["api_key"] = self.api_key
        url = self.base_url + endpoint
        problem = ""
        for attempt in range(self.max_retries + 1):
            self.limiter.acquire()
            wait = self.backoff * (2 ** attempt)  # 1, 2, 4, 8 s by default
            try:
                response = self.http.get(url, params=params)
            except httpx.TimeoutException:
                problem = "timed out"
            except httpx.TransportError as exc:
                problem = f"could not connect ({type(exc).__name__}: {exc})"
            else:
                if response.status_code == 200:
                    return response.content
                problem = f"HTTP {response.status_code}{_reason(response, self.api_key)}"
                if response.status_code not in _RETRY_STATUS:
                    break
                wait = max(wait, _retry_after(response.headers.get("Retry-After")))
            if attempt < self.max_retries:
                self.sleep(wait)
        tries = attempt + 1
        raise MedciteError(f"PubMed E-utilities {endpoint} failed: {problem} "
                           f"(after {tries} attempt{'s' if tries > 1 else ''}; {self.base_url})")


def _reason(response: httpx.Response, secret: str = "") -> str:
    """The start of an error reply, for the message; NCBI echoes the API key, so it is masked."""
    text = response.text.strip().replace("\n", " ")
    if secret:
        text = text.replace(secret, "***")
    text = text[:120]
    return f": {text}" if text else ""


def _error_text(body: bytes) -> str:
    """The <ERROR> text of an E-utilities error reply, or the start of the body."""
    try:
        root = parse_document(BytesIO(body), "E-utilities reply")
    except IngestError:
        root = None
    if root is not None:
        error = root.find(".//ERROR")
        if error is not None and text_of(error):
            return text_of(error)
    return body[:120].decode("utf-8", "replace").replace("\n", " ") or "an empty reply"


def _retry_after(value: str | None) -> float:
    """Seconds asked for by a Retry-After header (delay-seconds or an HTTP date), capped."""
    if not value:
        return 0.0
    value = value.strip()
    if value.isdigit():
        return min(float(value), _MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return min(max(when.timestamp() - time.time(), 0.0), _MAX_RETRY_AFTER)


def pubmed_resolver(app: Medcite) -> Callable[[str], Iterator[ParsedDocument]]:
    """A resolver for ``pubmed:QUERY`` inputs using the app's pubmed_* settings."""

    def resolve(text: str) -> Iterator[ParsedDocument]:
        term = text[len("pubmed:"):].strip().strip("\"'").strip()
        if not term:
            raise IngestError('a pubmed: input needs a query, e.g. pubmed:"magnesium cramps"')
        settings = app.settings
        limit = int(settings.pubmed_max)
        if not 0 < limit <= ESEARCH_MAX:
            raise IngestError(f"--max must be between 1 and {ESEARCH_MAX:,} for PubMed "
                              f"(got {limit:,})")
        try:
            with EutilsClient(settings.pubmed_base_url, api_key=settings.pubmed_api_key) as client:
                found = 0
                for doc in client.documents(term, limit):
                    found += 1
                    yield doc
        except MedciteError as exc:
            raise IngestError(str(exc)) from None
        if not found:
            raise IngestError(f"PubMed has no records for {term!r}")

    return resolve


def register_pubmed_resolver(app: Medcite, ingestor: Ingestor) -> None:
    """Ingest hook: route ``pubmed:QUERY`` inputs to E-utilities."""
    ingestor.resolvers["pubmed:"] = pubmed_resolver(app)
