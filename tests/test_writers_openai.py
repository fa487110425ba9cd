"""The OpenAI-compatible writer against a loopback chat-completions server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from answer_fixtures import open_library

from medcite.errors import MedciteError
from medcite.writers.openai import OpenAIWriter, split_reply, strip_citations, verify

Q = "How much magnesium is too much?"


class _Chat(BaseHTTPRequestHandler):
    """Speaks POST /v1/chat/completions; the reply cites passages by the numbers it was given."""

    reply_status = 200
    requests: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "body": body,
                                    "auth": self.headers.get("Authorization")})
        if self.reply_status != 200:
            self.send_response(self.reply_status)
            self.end_headers()
            return
        prompt = body["messages"][-1]["content"]
        n_limit = _number_of(prompt, "upper limit for supplemental magnesium is 350")
        n_low = _number_of(prompt, "below 1.8 mg/dL")
        content = (
            f"For adults, the upper limit for supplemental magnesium is 350 mg a day [{n_limit}]. "
            f"A blood magnesium level below 1.8 mg/dL is usually called low [{n_low}]. "
            f"Most adults should take 900 mg a day [{n_limit}]. "
            f"Magnesium cures anxiety in every patient within hours [{n_low}]. "
            "Magnesium is important. "
            "Low magnesium can cause twitching [42]."
        )
        data = {"id": "chatcmpl-test", "object": "chat.completion", "model": body["model"],
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": content}}]}
        raw = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


def _number_of(prompt: str, needle: str) -> int:
    for block in prompt.split("\n\n"):
        if needle in block and block.startswith("["):
            return int(block[1:block.index("]")])
    raise AssertionError(f"{needle!r} not in the prompt")


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Chat)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    app = open_library(tmp_path_factory.mktemp("openai"))
    yield app
    app.close()


def test_supported_sentences_kept_unsupported_dropped(lib, server, monkeypatch):
    monkeypatch.setenv("MEDCITE_LLM_KEY", "test-key")
    answer = lib.ask(Q, writer="openai", base_url=server, model="test-model")
    kept = [c.text for c in answer.claims()]
    assert "For adults, the upper limit for supplemental magnesium is 350 mg a day." in kept
    reasons = {d["text"]: d["reason"] for d in answer.dropped}
    assert "number(s) 900 not in the cited passage" in reasons["Most adults should take 900 mg a day."]
    assert "content words" in reasons["Magnesium cures anxiety in every patient within hours."]
    assert reasons["Magnesium is important."] == "cites no passage"
    assert "not given" in reasons["Low magnesium can cause twitching."]
    assert answer.writer == "openai" and not any("350" in d["text"] for d in answer.dropped)
    assert _Chat.requests[-1]["auth"] == "Bearer test-key"
    assert _Chat.requests[-1]["path"] == "/v1/chat/completions"


def test_kept_sentences_cite_retrieved_passages_with_exact_quotes(lib, server):
    answer = lib.ask(Q, writer="openai", base_url=server, model="test-model")
    for claim in answer.claims():
        assert claim.citations and claim.quotes
        for q in claim.quotes:
            text = lib.store.source_text(answer.references[claim.citations[0] - 1].source_id)
            assert text[q.start:q.end] == q.quote or any(
                lib.store.source_text(r.source_id)[q.start:q.end] == q.quote
                for r in answer.references)


def test_endpoint_failure_falls_back_to_extractive(lib, server):
    _Chat.reply_status = 500
    try:
        answer = lib.ask(Q, writer="openai", base_url=server, model="test-model")
    finally:
        _Chat.reply_status = 200
    assert answer.writer == "extractive" and answer.claims()
    assert any("openai writer failed (chat endpoint answered HTTP 500)" in n
               for n in answer.notices)


def test_unreachable_endpoint_falls_back(lib):
    answer = lib.ask(Q, writer="openai", base_url="http://127.0.0.1:9/v1", model="m")
    assert answer.writer == "extractive" and "unreachable" in " ".join(answer.notices)


def test_model_is_required(monkeypatch):
    monkeypatch.delenv("MEDCITE_LLM_MODEL", raising=False)
    with pytest.raises(MedciteError, match="--model"):
        OpenAIWriter(base_url="http://127.0.0.1:9/v1")


def test_reply_parsing():
    assert split_reply("1. A is B [1]. C is D. [2]") == ["A is B [1].", "C is D. [2]"]
    assert strip_citations("X [1; 2] and Y [2].") == ("X and Y.", [1, 2])


def test_verify_catches_added_negation():
    assert "negation" in verify("Adults do not need magnesium [1].",
                                ["Adults need magnesium every day."])[1]
