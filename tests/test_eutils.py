"""E-utilities client against a loopback server that speaks the real esearch/efetch protocol.

The server's records are the real PubMed exports in ../shared/data/formats/pubmed, read at run
time; its search is a plain "all words in title or abstract" match (and `all[sb]`, PubMed's
"every record" filter), enough to exercise the client's protocol, batching, limits and retries.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from click.testing import CliRunner
from conftest import shared_path
from lxml import etree

from medcite import Medcite
from medcite.cli import main
from medcite.errors import MedciteError
from medcite.ingest.eutils import EFETCH_BATCH, EutilsClient, RateLimiter

_ESEARCH = """<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" \
"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">
<eSearchResult><Count>{count}</Count><RetMax>{retmax}</RetMax><RetStart>0</RetStart>\
{history}<IdList>{ids}</IdList>\
<TranslationSet/><QueryTranslation>{term}</QueryTranslation></eSearchResult>
"""
_SET_HEAD = (b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle,'
             b' 1st January 2024//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">'
             b"\n<PubmedArticleSet>\n")


class FakeEutils(ThreadingHTTPServer):
    """A loopback E-utilities: /esearch.fcgi and /efetch.fcgi with NCBI's parameters."""

    daemon_threads = True

    def __init__(self, records: dict[str, bytes], texts: dict[str, str]):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.records, self.texts = records, texts
        self.requests: list[tuple[float, str, dict[str, str]]] = []
        self.throttle_next_efetch = False  # answer the next efetch with 429 + Retry-After: 1
        self.fail_status = 0  # answer everything with this status
        self.stall_next = 0.0  # sleep this long before the next answer (client timeout test)
        self.valid_key = ""  # when set, other api_key values get NCBI's 400 reply
        self.efetch_error = ""  # when set, efetch answers 200 with an <eFetchResult><ERROR>

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/entrez/eutils/"

    def handle_error(self, request, client_address) -> None:
        pass  # a client that timed out closed the socket; nothing to report

    def search(self, term: str) -> list[str]:
        if term.strip().lower() == "all[sb]":
            return list(self.records)
        words = term.lower().split()
        return [pmid for pmid, text in self.texts.items() if all(w in text for w in words)]


class _Handler(BaseHTTPRequestHandler):
    server: FakeEutils

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        url = urlparse(self.path)
        params = {k: v[-1] for k, v in parse_qs(url.query).items()}
        srv = self.server
        srv.requests.append((time.monotonic(), url.path, params))
        if srv.stall_next:
            delay, srv.stall_next = srv.stall_next, 0.0
            time.sleep(delay)
        if srv.fail_status:
            return self._reply(srv.fail_status, b"Service unavailable", "text/plain")
        if srv.valid_key and params.get("api_key") != srv.valid_key:
            return self._reply(400, b'{"error":"API key invalid","api-key":"%s"}'
                               % params.get("api_key", "").encode(), "application/json")
        if params.get("db") != "pubmed":
            return self._reply(400, b"<eSearchResult><ERROR>Invalid db</ERROR></eSearchResult>")
        if url.path.endswith("/esearch.fcgi"):
            return self._esearch(params)
        if url.path.endswith("/efetch.fcgi"):
            return self._efetch(params)
        return self._reply(404, b"not found", "text/plain")

    def _esearch(self, params: dict[str, str]) -> None:
        term = params.get("term", "")
        if "[[" in term:
            body = "<eSearchResult><ERROR>Invalid query syntax</ERROR></eSearchResult>"
            return self._reply(200, body.encode())
        ids = self.server.search(term)
        retmax = int(params.get("retmax", "20"))
        history = ("<QueryKey>1</QueryKey><WebEnv>MCID_loopback</WebEnv>"
                   if params.get("usehistory") == "y" else "")
        body = _ESEARCH.format(count=len(ids), retmax=min(retmax, len(ids)), history=history,
                               ids="".join(f"<Id>{i}</Id>" for i in ids[:retmax]), term=term)
        self._reply(200, body.encode())

    def _efetch(self, params: dict[str, str]) -> None:
        if self.server.throttle_next_efetch:
            self.server.throttle_next_efetch = False
            return self._reply(429, b'{"error":"API rate limit exceeded","count":"4"}',
                               "application/json", {"Retry-After": "1"})
        assert params.get("rettype") == "abstract" and params.get("retmode") == "xml"
        if self.server.efetch_error:
            body = f"<eFetchResult><ERROR>{self.server.efetch_error}</ERROR></eFetchResult>"
            return self._reply(200, body.encode())
        ids = [i for i in params.get("id", "").split(",") if i]
        body = _SET_HEAD + b"".join(self.server.records[i] for i in ids if i in self.server.records)
        self._reply(200, body + b"</PubmedArticleSet>\n")

    def _reply(self, status: int, body: bytes, ctype: str = "text/xml; charset=UTF-8",
               headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def corpus() -> tuple[dict[str, bytes], dict[str, str]]:
    """PMID -> serialised PubmedArticle, and PMID -> lower-case title + abstract."""
    folder = shared_path("data", "formats", "pubmed")
    records: dict[str, bytes] = {}
    texts: dict[str, str] = {}
    for file in sorted(folder.glob("*.xml")):
        root = etree.parse(str(file), etree.XMLParser(resolve_entities=False,
                                                      no_network=True)).getroot()
        for article in root.iterfind("PubmedArticle"):
            pmid = article.findtext("MedlineCitation/PMID")
            if pmid in records:
                continue
            records[pmid] = etree.tostring(article) + b"\n"
            texts[pmid] = " ".join(article.find("MedlineCitation/Article").itertext()).lower()
    return records, texts


@pytest.fixture
def server(corpus):
    srv = FakeEutils(*corpus)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join()


# Gaps are measured where the server receives requests, so thread scheduling on a busy machine
# can shift one arrival by some milliseconds: single gaps get a wider tolerance than the mean.
def _gaps(srv: FakeEutils) -> list[float]:
    times = [t for t, _, _ in srv.requests]
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def test_rate_limiter_spaces_calls_with_a_fake_clock():
    now, waits = [0.0], []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(3.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(4):
        limiter.acquire()
    assert waits == pytest.approx([1 / 3] * 3)
    now[0] += 10  # idle time refills at most `burst` tokens
    limiter.acquire()
    limiter.acquire()
    assert waits[-1] == pytest.approx(1 / 3)


def test_search_then_fetch_in_batches_at_three_per_second(server, corpus):
    wanted = EFETCH_BATCH + 10
    assert len(corpus[0]) > wanted, "the shared PubMed files hold enough records for 2 batches"
    with EutilsClient(server.url) as client:
        docs = list(client.documents("all[sb]", wanted))
    assert len(docs) == wanted and len({d.key for d in docs}) == wanted
    paths = [p.rsplit("/", 1)[-1] for _, p, _ in server.requests]
    assert paths == ["esearch.fcgi", "efetch.fcgi", "efetch.fcgi"]
    esearch, first, second = (params for _, _, params in server.requests)
    assert esearch["retmax"] == str(wanted) and esearch["tool"] == "medcite"
    assert len(first["id"].split(",")) == EFETCH_BATCH and len(second["id"].split(",")) == 10
    assert all("api_key" not in params for _, _, params in server.requests)
    gaps = _gaps(server)
    assert min(gaps) >= 0.28 and sum(gaps) / len(gaps) >= 0.32  # 3 requests/s without a key


def test_api_key_is_sent_and_allows_ten_per_second(server):
    server.valid_key = "k-123"
    with EutilsClient(server.url, api_key="k-123") as client:
        docs = list(client.documents("pulmonary fibrosis", 5))
        for _ in range(3):
            client.esearch("asthma", 1)
    assert len(docs) == 5 and all(d.key.startswith("pubmed:") for d in docs)
    assert all(params.get("api_key") == "k-123" for _, _, params in server.requests)
    gaps = _gaps(server)
    gaps.sort()
    assert gaps[0] >= 0.07 and sum(gaps) / len(gaps) >= 0.095  # 10 requests/s with a key...
    assert gaps[len(gaps) // 2] < 0.30  # ... not held to 3/s


def test_429_is_retried_after_retry_after(server):
    server.throttle_next_efetch = True
    with EutilsClient(server.url, backoff=0.05) as client:
        docs = list(client.documents("asthma", 3))
    assert len(docs) == 3
    codes = [p.rsplit("/", 1)[-1] for _, p, _ in server.requests]
    assert codes == ["esearch.fcgi", "efetch.fcgi", "efetch.fcgi"]
    assert _gaps(server)[1] >= 0.95  # Retry-After: 1 honoured (back-off alone: 0.05 s)


def test_timeout_is_retried(server):
    server.stall_next = 0.6
    with EutilsClient(server.url, timeout=0.2, backoff=0.05) as client:
        found = client.esearch("asthma", 2)
    assert len(found.ids) == 2 and found.count >= 2
    assert len(server.requests) == 2


def test_persistent_server_error_is_one_clear_error(server):
    server.fail_status = 503
    with EutilsClient(server.url, max_retries=2, backoff=0.01) as client, \
            pytest.raises(MedciteError, match=r"esearch.fcgi failed: HTTP 503.*after 3 attempts"):
        client.esearch("asthma", 2)
    assert len(server.requests) == 3


def test_search_error_reply_is_reported(server):
    with EutilsClient(server.url) as client, \
            pytest.raises(MedciteError, match="Invalid query syntax"):
        client.esearch("asthma [[", 2)


def test_unreachable_service_fails_cleanly():
    with EutilsClient("http://127.0.0.1:9/", max_retries=1, backoff=0.01) as client, \
            pytest.raises(MedciteError, match="could not connect"):
        client.esearch("asthma", 2)


def test_cli_ingest_pubmed_query(server, tmp_path):
    runner = CliRunner()
    env = {"MEDCITE_PUBMED_BASE_URL": server.url, "MEDCITE_DENSE": "0"}  # no vectors needed
    args = ["--library", str(tmp_path / "lib"), "ingest", 'pubmed:"pulmonary fibrosis"',
            "--max", "12"]
    first = runner.invoke(main, args, env=env)
    assert first.exit_code == 0, first.output
    assert first.output.startswith("12 added")
    again = runner.invoke(main, args, env=env)
    assert again.exit_code == 0 and again.output.startswith("0 added, 0 updated, 12 unchanged")
    listed = runner.invoke(main, ["--library", str(tmp_path / "lib"), "sources", "--json"])
    assert listed.output.count('"id": "pubmed:') == 12


def test_cli_failed_query_does_not_stop_the_batch(server, tmp_path):
    server.valid_key = "right"
    good = tmp_path / "note.txt"
    good.write_text("Magnesium helps muscles relax.")
    env = {"MEDCITE_PUBMED_BASE_URL": server.url, "MEDCITE_PUBMED_API_KEY": "wrong",
           "MEDCITE_DENSE": "0"}
    result = CliRunner().invoke(main, ["--library", str(tmp_path / "lib"), "ingest",
                                       "pubmed:asthma", str(good), "pubmed:zzqx nothing"],
                                env=env)
    assert result.exit_code == 1
    failed = [line for line in result.output.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 2 and "HTTP 400" in failed[0] and "API key invalid" in failed[0]
    assert '"api-key":"***"' in failed[0]  # NCBI echoes the key; the message masks it
    assert result.output.startswith("1 added")


def test_query_without_matches_is_reported(server, tmp_path):
    app = Medcite.open(tmp_path / "lib", pubmed_base_url=server.url)
    report = app.ingestor().ingest(["pubmed:zzqx nothing matches", "pubmed:  "])
    app.settings.pubmed_max = 20_000
    report_big = app.ingestor().ingest(["pubmed:asthma"])
    app.close()
    assert report.added == 0
    assert [message for _, message in report.errors] == [
        "PubMed has no records for 'zzqx nothing matches'",
        'a pubmed: input needs a query, e.g. pubmed:"magnesium cramps"',
    ]
    assert report_big.errors == [
        ("pubmed:asthma", "--max must be between 1 and 10,000 for PubMed (got 20,000)")]


def test_efetch_error_reply_is_reported(server):
    server.efetch_error = "Unable to obtain query #1"
    with EutilsClient(server.url) as client, \
            pytest.raises(MedciteError, match="did not return PubMed XML: Unable to obtain query"):
        list(client.documents("pulmonary fibrosis", 2))


def test_limit_holds_across_queries_of_one_ingest(server, tmp_path):
    app = Medcite.open(tmp_path / "lib", pubmed_base_url=server.url, pubmed_max=2)
    report = app.ingestor().ingest(["pubmed:pulmonary fibrosis", "pubmed:emphysema"])
    app.close()
    assert report.errors == [] and report.added + report.unchanged == 4  # results may overlap
    assert len(server.requests) == 4 and min(_gaps(server)) >= 0.28


def test_cli_max_defaults_to_the_pubmed_max_setting(server, tmp_path):
    env = {"MEDCITE_PUBMED_BASE_URL": server.url, "MEDCITE_DENSE": "0",
           "MEDCITE_PUBMED_MAX": "3"}
    result = CliRunner().invoke(main, ["--library", str(tmp_path / "lib"), "ingest",
                                       "pubmed:pulmonary fibrosis"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("3 added")
