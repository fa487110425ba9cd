"""The editorial workflow end to end on a real library (no web layer)."""

import pytest

from medcite.errors import MedciteError
from medcite.models import ArticleState, Role
from medcite.review import ACTIONS, InvalidTransition, PermissionDenied

NOTE = """---
title: Magnesium note
id: note:mg
evidence_type: project_overview
---
Adults need about 310 to 420 mg of magnesium a day. Food sources include nuts and greens.
"""


def _answer_body(app):
    passage = app.store.source_passages("note:mg")[0]
    return {
        "question": "How much magnesium do adults need?",
        "sections": [{"id": "bottom_line", "title": "Bottom line",
                      "items": [{"text": passage.text.split(".")[0] + ".", "citations": [1]}]}],
        "references": [{"n": 1, "source_id": "note:mg", "title": "Magnesium note",
                        "evidence_type": "project_overview",
                        "passages": [{"passage_id": passage.id, "quote": passage.text,
                                      "start": passage.start, "end": passage.end}]}],
    }


@pytest.fixture
def world(app, tmp_path):
    note = tmp_path / "note.md"
    note.write_text(NOTE)
    app.ingest([note])
    acc = app.accounts
    users = {
        "editor": acc.add_user("ed", "long enough pw", "editor"),
        "reviewer": acc.add_user("amara", "long enough pw", "reviewer", "Amara Osei", "MD"),
        "reviewer2": acc.add_user("lee", "long enough pw", "reviewer", "Lee Park", "PharmD"),
        "reader": acc.add_user("ann", "long enough pw", "reader"),
    }
    return app, users, note


def test_full_path_to_published(world):
    app, u, _ = world
    ed = app.editorial
    art = ed.create(u["editor"], "answer", "How much magnesium do adults need?", "patient",
                    _answer_body(app))
    assert art.state is ArticleState.DRAFT and art.citations[0]["source_id"] == "note:mg"
    for who, action in [("editor", "submit"), ("reviewer", "start_review"),
                        ("reviewer", "approve"), ("reviewer", "publish")]:
        art = ed.act(u[who], art.id, action)
    assert art.state is ArticleState.PUBLISHED
    assert ed.reviewer_of(art).display_name == "Amara Osei" and art.reviewed_at
    assert [e.action for e in ed.audit(target=f"article:{art.id}")] == [
        "publish", "approve", "start_review", "submit", "create"]


def test_reviewer_cannot_approve_own_draft(world):
    app, u, _ = world
    ed = app.editorial
    art = ed.create(u["reviewer"], "answer", "q?", "patient", _answer_body(app))
    ed.act(u["reviewer"], art.id, "submit")
    with pytest.raises(InvalidTransition, match="another reviewer"):
        ed.act(u["reviewer"], art.id, "start_review")
    ed.act(u["reviewer2"], art.id, "start_review")
    with pytest.raises(InvalidTransition, match="another reviewer"):
        ed.act(u["reviewer"], art.id, "approve")
    assert ed.act(u["reviewer2"], art.id, "approve").state is ArticleState.APPROVED


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_wrong_roles_are_refused(world, action):
    app, u, _ = world
    art = app.editorial.create(u["editor"], "answer", "q?", "patient", _answer_body(app))
    refused = [None, u["reader"]]
    if Role.EDITOR not in ACTIONS[action].roles:
        refused.append(u["editor"])
    for who in refused:
        with pytest.raises(PermissionDenied):
            app.editorial.act(who, art.id, action, comment="x")


def test_invalid_transitions_and_required_comment(world):
    app, u, _ = world
    ed = app.editorial
    art = ed.create(u["editor"], "answer", "q?", "patient", _answer_body(app))
    with pytest.raises(InvalidTransition, match="it is draft"):
        ed.act(u["reviewer"], art.id, "approve")
    ed.act(u["editor"], art.id, "submit")
    with pytest.raises(MedciteError, match="comment is required"):
        ed.act(u["reviewer"], art.id, "request_changes")
    art = ed.act(u["reviewer"], art.id, "request_changes", comment="cite a guideline")
    assert art.state is ArticleState.CHANGES_REQUESTED
    assert ed.comments(art.id)[0].text == "cite a guideline"


def test_versions_and_diff(world):
    app, u, _ = world
    ed = app.editorial
    body = _answer_body(app)
    art = ed.create(u["editor"], "answer", "q?", "patient", body)
    body2 = dict(body, sections=[{"id": "bottom_line", "title": "Bottom line",
                                  "items": [{"text": "Changed sentence.", "citations": [1]}]}])
    art = ed.edit(u["editor"], art.id, body2, note="reworded")
    assert art.version == 2 and [v["version"] for v in ed.versions(art.id)] == [1, 2]
    diff = ed.diff(art.id, 1, 2)
    assert "+- Changed sentence. [1]" in diff and diff.count("\n-- ") == 1


def test_changed_source_flags_published_article(world):
    app, u, note = world
    ed = app.editorial
    art = ed.create(u["editor"], "answer", "q?", "patient", _answer_body(app))
    for who, action in [("editor", "submit"), ("reviewer", "start_review"),
                        ("reviewer", "approve"), ("reviewer", "publish")]:
        ed.act(u[who], art.id, action)
    note.write_text(NOTE.replace("310 to 420 mg", "320 to 420 mg"))
    report = app.ingest([note])
    assert report.updated_ids == ["note:mg"]
    art = ed.get(art.id)
    assert art.needs_rereview and "note:mg" in art.rereview_reason
    assert art.id in [a.id for a in ed.queue()]
    change = ed.source_changes(art.id)[0]
    assert "-Adults need about 310" in change["diff"] and "+Adults need about 320" in change["diff"]
    art = ed.confirm_current(u["reviewer"], art.id, "still right")
    assert not art.needs_rereview and not ed.source_changes(art.id)


def test_withdrawn_source_flags_article(world):
    app, u, _ = world
    art = app.editorial.create(u["editor"], "answer", "q?", "patient", _answer_body(app))
    assert app.withdraw("note:mg", "retracted") == [art.id]
    assert app.editorial.source_changes(art.id)[0]["status"] == "withdrawn"


def test_published_article_matches_similar_question(world):
    app, u, _ = world
    ed = app.editorial
    art = ed.create(u["editor"], "answer", "How much magnesium do adults need each day?",
                    "patient", _answer_body(app))
    assert ed.match_published("How much magnesium do adults need each day?") is None  # draft
    for who, action in [("editor", "submit"), ("reviewer", "start_review"),
                        ("reviewer", "approve"), ("reviewer", "publish")]:
        ed.act(u[who], art.id, action)
    assert ed.match_published("how much magnesium do adults need each day").id == art.id
    assert ed.match_published("What causes restless legs at night?") is None
