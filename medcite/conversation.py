"""Conversations: follow-up questions inherit the focus of the previous turn.

"What amount of magnesium can cause muscle twitching?" then "what about during pregnancy?": the
second message names no topic of its own, so it keeps the first turn's focus and question type
and adds its own constraint (the population "pregnancy"); the search text becomes the previous
question plus the new words.

A message is a follow-up when it has no topic terms of its own (see `grounding.topic_terms`)
or starts with a follow-up phrase ("what about", "and if", "how about"...).

Turns live in the library database, in two tables migrated under the component
"conversations" (`medcite.store.sqlite.migrate`).

>>> is_follow_up("what about during pregnancy?", set())
True
"""

from __future__ import annotations

import json
import re
import uuid

from .grounding import topic_terms
from .models import QueryAnalysis
from .store.sqlite import migrate, now

MIGRATIONS = [(
    "conversations and their turns",
    """
    CREATE TABLE conversations (id TEXT PRIMARY KEY, created_at TEXT NOT NULL);
    CREATE TABLE conversation_turns (
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        turn INTEGER NOT NULL,
        message TEXT NOT NULL,
        analysis TEXT NOT NULL,
        abstained INTEGER NOT NULL,
        asked_at TEXT NOT NULL,
        PRIMARY KEY (conversation_id, turn)
    );
    """,
)]
_FOLLOW_UP = re.compile(r"^\s*(?:what|how)\s+about\b|^\s*and\b|^\s*(?:what|how)\s+if\b|"
                        r"^\s*(?:is|does|would)\s+(?:it|that|this)\b|^\s*(?:also|then)\b",
                        re.IGNORECASE)


def is_follow_up(message: str, own_topic: set[str]) -> bool:
    return not own_topic or bool(_FOLLOW_UP.match(message))


def merge(previous: QueryAnalysis, current: QueryAnalysis) -> QueryAnalysis:
    """The analysis of a follow-up: previous focus, new constraint (see the module docstring).

    >>> prev = QueryAnalysis("q", "magnesium dose", qtype="dose", focus=["magnesium"])
    >>> merge(prev, QueryAnalysis("what about during pregnancy?", "what about during pregnancy",
    ...                           population=["pregnancy"])).focus
    ['magnesium']
    """
    if not is_follow_up(current.original or current.question,
                        topic_terms(current.question, current)):
        return current
    population = list(dict.fromkeys([*previous.population, *current.population]))
    expansions = dict(previous.expansions)
    expansions.update(current.expansions)
    added = re.sub(r"^\s*(?:what|how)\s+about\s+|^\s*and\s+", "", current.question,
                   flags=re.IGNORECASE).rstrip("?. ")
    return QueryAnalysis(
        original=current.original,
        question=f"{previous.question.rstrip('?. ')} {added}".strip(),
        qtype=current.qtype if current.qtype != "information" else previous.qtype,
        focus=list(dict.fromkeys([*previous.focus, *current.focus])),
        population=population,
        expansions=expansions,
        agents=current.agents or previous.agents,
        names={**previous.names, **current.names},
    )


class Conversations:
    """Conversation turns in the library database."""

    def __init__(self, store):
        self.store = store
        migrate(store.conn, "conversations", MIGRATIONS)

    def start(self) -> str:
        cid = "c_" + uuid.uuid4().hex[:16]
        self.store.transaction(lambda c: c.execute(
            "INSERT INTO conversations VALUES (?, ?)", (cid, now())))
        return cid

    def exists(self, cid: str) -> bool:
        return self.store.read.execute(
            "SELECT 1 FROM conversations WHERE id = ?", (cid,)).fetchone() is not None

    def last(self, cid: str) -> QueryAnalysis | None:
        row = self.store.read.execute(
            "SELECT analysis FROM conversation_turns WHERE conversation_id = ? "
            "ORDER BY turn DESC LIMIT 1", (cid,)).fetchone()
        return QueryAnalysis(**json.loads(row[0])) if row else None

    def add(self, cid: str, message: str, analysis: QueryAnalysis, abstained: bool) -> int:
        def write(c) -> int:
            turn = c.execute("SELECT COALESCE(MAX(turn), 0) + 1 FROM conversation_turns "
                             "WHERE conversation_id = ?", (cid,)).fetchone()[0]
            c.execute("INSERT INTO conversation_turns VALUES (?, ?, ?, ?, ?, ?)",
                      (cid, turn, message, json.dumps(analysis.to_dict()), int(abstained), now()))
            return turn

        return self.store.transaction(write)

    def turns(self, cid: str) -> list[tuple[int, str]]:
        return [(r[0], r[1]) for r in self.store.read.execute(
            "SELECT turn, message FROM conversation_turns WHERE conversation_id = ? ORDER BY turn",
            (cid,))]
