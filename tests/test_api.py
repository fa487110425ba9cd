"""The HTTP API, in-process through ASGI (no open port), covering every route."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from medcite import Medcite
from medcite.api import create_app

NOTE = """---
title: Magnesium basics
id: note:mg
evidence_type: project_overview
---
# Magnesium basics

## Intake
Adults need about 310 to 420 mg of magnesium a day from food. The upper limit for magnesium
from supplements is 350 mg a day for adults. Too much from supplements can cause diarrhoea.

## When to get help
Call 911 if you have a seizure or trouble breathing.
"""

ROLES = ("anonymous", "reader", "editor", "reviewer", "admin")

# Every route that needs an account: (method, path template, the roles allowed).
GUARDED = [
    ("POST", "/api/sources", {"editor", "reviewer", "admin"}),
    ("POST", "/api/sources/url", {"editor", "reviewer", "admin"}),
    ("POST", "/api/articles", {"editor", "reviewer", "admin"}),
    ("PUT", "/api/articles/{article_id}", {"editor", "reviewer", "admin"}),
    ("POST", "/api/articles/{article_id}/submit", {"editor", "reviewer", "admin"}),
    ("POST", "/api/articles/{article_id}/comments", {"editor", "reviewer", "admin"}),
    ("GET", "/api/articles/{article_id}/comments", {"editor", "reviewer", "admin"}),
    ("GET", "/api/articles/{article_id}/versions", {"editor", "reviewer", "admin"}),
    ("GET", "/api/articles/{article_id}/diff", {"editor", "reviewer", "admin"}),
    ("GET", "/api/articles/{article_id}/source-changes", {"editor", "reviewer", "admin"}),
    ("POST", "/api/articles/{article_id}/revise", {"editor", "reviewer", "admin"}),
    ("POST", "/api/articles/{article_id}/start-review", {"reviewer", "admin"}),
    ("POST", "/api/articles/{article_id}/approve", {"reviewer", "admin"}),
    ("POST", "/api/articles/{article_id}/request-changes", {"reviewer", "admin"}),
    ("POST", "/api/articles/{article_id}/publish", {"reviewer", "admin"}),
    ("POST", "/api/articles/{article_id}/retire", {"reviewer", "admin"}),
    ("POST", "/api/articles/{article_id}/confirm-current", {"reviewer", "admin"}),
    ("GET", "/api/review-queue", {"reviewer", "admin"}),
    ("GET", "/api/audit", {"reviewer", "admin"}),
]
PUBLIC = [
    ("GET", "/api/health"), ("POST", "/api/ask"), ("GET", "/api/search"),
    ("POST", "/api/triage"), ("POST", "/api/handouts"), ("GET", "/api/sources"),
    ("GET", "/api/sources/{source_id:path}"), ("GET", "/api/articles"),
    ("GET", "/api/articles/{article_id}"),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    home = tmp_path_factory.mktemp("api")
    note = home / "note.md"
    note.write_text(NOTE)
    app = Medcite.open(home / "library")
    app.ingest([note])
    tokens = {}
    for role in ROLES[1:]:
        user = app.accounts.add_user(role, "long enough pw", role, role.title(), "MD")
        tokens[role] = app.accounts.create_token(user.id)
    client = TestClient(create_app(app))
    yield app, client, tokens, note
    app.close()


def _headers(tokens, role):
    return {} if role == "anonymous" else {"Authorization": f"Bearer {tokens[role]}"}


def _draft(app, client, tokens, role="editor"):
    passage = app.store.source_passages("note:mg")[0]
    body = {"sections": [{"id": "key_points", "title": "Key points",
                          "items": [{"text": "Adults need about 310 to 420 mg a day.",
                                     "citations": [1]}]}],
            "references": [{"n": 1, "source_id": "note:mg", "title": "Magnesium basics",
                            "evidence_type": "project_overview",
                            "passages": [{"passage_id": passage.id, "quote": passage.text,
                                          "start": passage.start, "end": passage.end}]}]}
    r = client.post("/api/articles", headers=_headers(tokens, role),
                    json={"question": "How much magnesium do adults need?", "body": body})
    assert r.status_code == 200, r.text
    return r.json()["id"]


def test_every_route_is_in_a_table(world):
    _, client, _, _ = world
    paths = client.get("/openapi.json").json()["paths"]
    routes = {(m.upper(), p.replace("{source_id}", "{source_id:path}"))
              for p, ops in paths.items() for m in ops}
    tabled = {(m, p) for m, p, _ in GUARDED} | set(PUBLIC)
    assert routes == tabled


@pytest.mark.parametrize(("method", "path", "allowed"), GUARDED,
                         ids=[f"{m} {p}" for m, p, _ in GUARDED])
def test_guarded_routes_refuse_anonymous_and_wrong_roles(world, method, path, allowed):
    app, client, tokens, _ = world
    article_id = _draft(app, client, tokens)
    url = path.format(article_id=article_id)
    for role in ROLES:
        if role in allowed:
            continue
        r = client.request(method, url, headers=_headers(tokens, role),
                           params={"old": 1}, json={"comment": "x", "text": "x", "url": "http://127.0.0.1:9/x"})
        expected = 401 if role == "anonymous" else 403
        assert r.status_code == expected, (role, r.status_code, r.text)


def test_review_path_and_reviewed_answer_first(world):
    app, client, tokens, _ = world
    article_id = _draft(app, client, tokens)
    ed, rv = _headers(tokens, "editor"), _headers(tokens, "reviewer")
    assert client.post(f"/api/articles/{article_id}/submit", headers=ed).json()["state"] == \
        "submitted"
    # The reviewer cannot approve before starting a review, and editors cannot approve at all.
    assert client.post(f"/api/articles/{article_id}/approve", headers=rv).status_code == 409
    assert client.post(f"/api/articles/{article_id}/approve", headers=ed).status_code == 403
    for step in ("start-review", "approve", "publish"):
        r = client.post(f"/api/articles/{article_id}/{step}", headers=rv)
        assert r.status_code == 200, r.text
    public = client.get(f"/api/articles/{article_id}").json()
    assert public["review_banner"].startswith("Reviewed by Reviewer, MD on ")
    listed = client.get("/api/articles").json()
    assert article_id in [a["id"] for a in listed]
    assert all(a["state"] == "published" for a in listed)


def test_reviewer_cannot_approve_own_draft_over_http(world):
    app, client, tokens, _ = world
    article_id = _draft(app, client, tokens, role="reviewer")
    rv = _headers(tokens, "reviewer")
    client.post(f"/api/articles/{article_id}/submit", headers=rv)
    r = client.post(f"/api/articles/{article_id}/start-review", headers=rv)
    assert r.status_code == 409 and "another reviewer" in r.json()["detail"]


def test_unpublished_articles_are_hidden_from_the_public(world):
    app, client, tokens, _ = world
    article_id = _draft(app, client, tokens)
    assert client.get(f"/api/articles/{article_id}").status_code == 404
    assert client.get(f"/api/articles/{article_id}",
                      headers=_headers(tokens, "editor")).status_code == 200


def test_versions_diff_comments(world):
    app, client, tokens, _ = world
    ed = _headers(tokens, "editor")
    article_id = _draft(app, client, tokens)
    r = client.put(f"/api/articles/{article_id}", headers=ed,
                   json={"title": "Magnesium for adults", "note": "retitled"})
    assert r.json()["version"] == 2
    assert [v["version"] for v in client.get(f"/api/articles/{article_id}/versions",
                                             headers=ed).json()] == [1, 2]
    diff = client.get(f"/api/articles/{article_id}/diff", headers=ed, params={"old": 1}).json()
    assert "+Magnesium for adults" in diff["diff"]
    client.post(f"/api/articles/{article_id}/comments", headers=ed, json={"text": "looks ok"})
    assert client.get(f"/api/articles/{article_id}/comments",
                      headers=ed).json()[0]["text"] == "looks ok"
    audit = client.get("/api/audit", headers=_headers(tokens, "reviewer")).json()
    assert {"create", "edit", "comment"} <= {e["action"] for e in audit}


def test_sources_and_upload(world, tmp_path):
    app, client, tokens, _ = world
    assert client.get("/api/health").json()["sources"] >= 1
    assert [s["id"] for s in client.get("/api/sources").json()] == ["note:mg"]
    shown = client.get("/api/sources/note:mg").json()
    assert shown["passages"][0]["text"] in NOTE
    assert client.get("/api/sources/nope:1").status_code == 404
    assert client.get("/api/sources", params={"type": "wizardry"}).status_code == 422
    blank = client.get("/api/search", params={"q": "   "})
    assert blank.status_code == 400 and "question is empty" in blank.text
    r = client.post("/api/sources", headers=_headers(tokens, "editor"),
                    files={"file": ("cramps.md", b"# Leg cramps\n\nStretching may help.\n")})
    assert r.status_code == 200 and r.json()["added"] == 1
    r = client.post("/api/sources", headers=_headers(tokens, "editor"),
                    files={"file": ("empty.md", b"")})
    assert r.json()["errors"][0]["message"] == "file is empty"


def test_bad_token_and_csrf_on_cookie_sessions(world):
    app, client, tokens, _ = world
    assert client.get("/api/review-queue",
                      headers={"Authorization": "Bearer nope"}).status_code == 401
    user = app.accounts.by_name("editor")
    session, csrf = app.accounts.create_session(user.id)
    cookie_client = TestClient(client.app, cookies={"medcite_session": session})
    body = {"question": "q?", "body": {"sections": []}}
    assert cookie_client.post("/api/articles", json=body).status_code == 403
    r = cookie_client.post("/api/articles", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200


def test_security_headers_and_openapi(world):
    _, client, _, _ = world
    r = client.get("/api/health")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    schema = client.get("/openapi.json").json()
    from openapi_spec_validator import validate
    validate(schema)
    assert "/api/ask" in schema["paths"]


def test_changed_source_sends_published_article_back_to_review(tmp_path):
    """End to end over HTTP: publish, re-upload the cited source changed, see the flag."""
    app = Medcite.open(tmp_path / "library")
    note = tmp_path / "note.md"
    note.write_text(NOTE)
    app.ingest([note])
    tokens = {}
    for role in ("editor", "reviewer"):
        user = app.accounts.add_user(role, "long enough pw", role, role.title(), "MD")
        tokens[role] = app.accounts.create_token(user.id)
    client = TestClient(create_app(app))
    ed, rv = _headers(tokens, "editor"), _headers(tokens, "reviewer")
    article_id = _draft(app, client, tokens)
    client.post(f"/api/articles/{article_id}/submit", headers=ed)
    for step in ("start-review", "approve", "publish"):
        assert client.post(f"/api/articles/{article_id}/{step}", headers=rv).status_code == 200
    question = {"question": "How much magnesium do adults need?"}
    assert client.post("/api/ask", json=question).json().get("review_status") == "published"

    changed = NOTE.replace("310 to 420 mg", "320 to 420 mg").encode()
    r = client.post("/api/sources", headers=ed, files={"file": ("note.md", changed)})
    assert r.status_code == 200 and r.json()["updated"] == 1, r.text

    queue = client.get("/api/review-queue", headers=rv).json()
    flagged = next(a for a in queue if a["id"] == article_id)
    assert flagged["needs_rereview"] and "note:mg" in flagged["rereview_reason"]
    change = client.get(f"/api/articles/{article_id}/source-changes", headers=rv).json()[0]
    assert "+Adults need about 320" in change["diff"]
    public = client.get(f"/api/articles/{article_id}").json()
    assert public["article"]["needs_rereview"] and "changed" in public["review_notice"]
    # Until a reviewer confirms it, the stale article is not served first to askers.
    assert client.post("/api/ask", json=question).json().get("review_status") != "published"
    r = client.post(f"/api/articles/{article_id}/confirm-current", headers=rv,
                    json={"comment": "figures still match the guideline"})
    assert r.status_code == 200 and not r.json()["needs_rereview"]
    assert client.post("/api/ask", json=question).json().get("review_status") == "published"
    app.close()


def test_concurrent_requests_over_real_http(world):
    """Worker threads of a real server read while others write (articles, audit), each on its
    own read connection: no request fails and every write is visible afterwards."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx
    from conftest import loopback_server

    app, _, tokens, _ = world
    editor = _headers(tokens, "editor")
    body = {"sections": [], "references": []}

    def call(base: str, i: int) -> int:
        with httpx.Client(base_url=base, timeout=30) as c:
            if i % 3 == 0:
                return c.post("/api/articles", headers=editor,
                              json={"question": f"Concurrent question {i}?",
                                    "body": body}).status_code
            if i % 3 == 1:
                return c.get("/api/search", params={"q": "magnesium upper limit"}).status_code
            return c.get("/api/articles", headers=editor).status_code

    with loopback_server(app) as base:
        before = len(httpx.get(f"{base}/api/articles", headers=editor).json())
        with ThreadPoolExecutor(max_workers=8) as pool:
            codes = list(pool.map(lambda i: call(base, i), range(48)))
        after = httpx.get(f"{base}/api/articles", headers=editor).json()
    assert codes == [200] * 48
    assert len(after) == before + 16
