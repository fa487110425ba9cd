"""Conversations: follow-ups inherit focus and add constraints; turns are stored in SQLite."""

from __future__ import annotations

from medcite.conversation import Conversations, is_follow_up, merge
from medcite.grounding import topic_terms
from medcite.models import QueryAnalysis

FIRST = QueryAnalysis("What amount of magnesium can cause muscle twitching?",
                      "What amount of magnesium can cause muscle twitching?", qtype="dose",
                      focus=["magnesium"], expansions={"hypermagnesemia": 0.5})


def test_follow_up_inherits_focus_and_adds_population():
    follow = QueryAnalysis("what about during pregnancy?", "what about during pregnancy?",
                           population=["pregnancy"])
    merged = merge(FIRST, follow)
    assert merged.focus == ["magnesium"] and merged.population == ["pregnancy"]
    assert merged.qtype == "dose" and "during pregnancy" in merged.question
    assert "magnesium" in merged.question and merged.expansions == {"hypermagnesemia": 0.5}


def test_new_topic_is_not_a_follow_up():
    other = QueryAnalysis("How is gout treated?", "How is gout treated?", qtype="treatment",
                          focus=["gout"])
    assert merge(FIRST, other) is other


def test_follow_up_phrases():
    assert is_follow_up("what about children?", topic_terms("children"))
    assert not is_follow_up("How is gout treated?", {"gout"})


def test_turns_are_stored_in_the_library_database(app):
    conversations = Conversations(app.store)
    cid = conversations.start()
    conversations.add(cid, FIRST.original, FIRST, abstained=False)
    assert conversations.exists(cid) and conversations.last(cid) == FIRST
    assert conversations.turns(cid) == [(1, FIRST.original)]
    row = app.store.conn.execute(
        "SELECT MAX(version) FROM schema_migrations WHERE component = 'conversations'").fetchone()
    assert row[0] == 1


def test_unknown_conversation_does_not_exist(app):
    assert not Conversations(app.store).exists("c_missing")
