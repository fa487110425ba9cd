"""The editorial workflow: saved answers and handouts become reviewed, published articles.

    draft --submit--> submitted --start_review--> in_review --approve--> approved --publish-->
    published --retire--> retired;  in_review/submitted --request_changes--> changes_requested
    --submit--> ...;  approved/published/retired --revise--> draft (a new version)

Who may do what is the `ACTIONS` table; reviewers never approve (or start reviewing) an article
they created. Every change is a new row in the append-only audit log, every edit a new version
(diffable), and every article records the exact passages and source versions it cites, so a
changed or withdrawn source flags it "needs re-review".
"""

from __future__ import annotations

import difflib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from ..errors import MedciteError, NotFound
from ..models import Article, ArticleState, AuditEntry, Comment, Role, User
from ..store.sqlite import SQLiteStore, migrate, now
from .accounts import require
from .schema import MIGRATIONS

S = ArticleState


@dataclass(frozen=True)
class Action:
    sources: frozenset[ArticleState]
    target: ArticleState
    roles: tuple[Role, ...]
    not_own: bool = False  # the actor may not be the article's creator
    needs_comment: bool = False


ACTIONS: dict[str, Action] = {
    "submit": Action(frozenset({S.DRAFT, S.CHANGES_REQUESTED}), S.SUBMITTED,
                     (Role.EDITOR, Role.REVIEWER)),
    "start_review": Action(frozenset({S.SUBMITTED}), S.IN_REVIEW, (Role.REVIEWER,), not_own=True),
    "approve": Action(frozenset({S.IN_REVIEW}), S.APPROVED, (Role.REVIEWER,), not_own=True),
    "request_changes": Action(frozenset({S.SUBMITTED, S.IN_REVIEW}), S.CHANGES_REQUESTED,
                              (Role.REVIEWER,), not_own=True, needs_comment=True),
    "publish": Action(frozenset({S.APPROVED}), S.PUBLISHED, (Role.REVIEWER,)),
    "retire": Action(frozenset({S.APPROVED, S.PUBLISHED}), S.RETIRED, (Role.REVIEWER,)),
    "revise": Action(frozenset({S.APPROVED, S.PUBLISHED, S.RETIRED}), S.DRAFT,
                     (Role.EDITOR, Role.REVIEWER)),
}
EDITABLE = frozenset({S.DRAFT, S.CHANGES_REQUESTED})


class InvalidTransition(MedciteError):
    """The action does not apply to the article in its current state."""


class Editorial:
    """Articles, reviews, comments and the audit log, in the library database."""

    def __init__(self, store: SQLiteStore, match_threshold: float = 0.9):
        self.store = store
        self.match_threshold = match_threshold
        migrate(store.conn, "editorial", MIGRATIONS)

    @property
    def conn(self):
        """This thread's read connection (writes go through `store.transaction`)."""
        return self.store.read

    # -- articles ------------------------------------------------------------------------

    def create(self, user: User | None, kind: str, question: str, audience: str,
               body: dict[str, Any], title: str = "") -> Article:
        """Save an answer or handout (its JSON contract) as a draft article."""
        user = require(user, Role.EDITOR, Role.REVIEWER)
        if kind not in ("answer", "handout"):
            raise MedciteError("an article is an 'answer' or a 'handout'")
        if not isinstance(body, dict) or not body:
            raise MedciteError("the article body must be an answer or handout in its JSON form")
        title = (title or question or body.get("title") or "Untitled").strip()[:300]
        stamp = now()

        def write(c: sqlite3.Connection) -> int:
            cur = c.execute(
                "INSERT INTO articles (kind, title, question, audience, state, body, version, "
                "created_by, created_at, updated_at) VALUES (?, ?, ?, ?, 'draft', ?, 1, ?, ?, ?)",
                (kind, title, question, audience, json.dumps(body), user.id, stamp, stamp),
            )
            article_id = cur.lastrowid
            self._write_version(c, article_id, 1, title, body, user, "created")
            self._audit(c, user, "create", article_id, f"{kind}: {title}")
            return article_id

        return self.get(self.store.transaction(write))

    def edit(self, user: User | None, article_id: int, body: dict[str, Any] | None = None,
             title: str | None = None, note: str = "") -> Article:
        """A new version of a draft (or an article with changes requested)."""
        user = require(user, Role.EDITOR, Role.REVIEWER)
        article = self.get(article_id)
        if article.state not in EDITABLE:
            raise InvalidTransition(
                f"article {article_id} is {article.state.value}; only drafts and articles with "
                "changes requested can be edited (use 'revise' first)")
        new_body = body if body is not None else article.body
        new_title = (title or article.title).strip()[:300]
        version = article.version + 1

        def write(c: sqlite3.Connection) -> None:
            c.execute("UPDATE articles SET body = ?, title = ?, version = ?, updated_at = ? "
                      "WHERE id = ?", (json.dumps(new_body), new_title, version, now(), article_id))
            self._write_version(c, article_id, version, new_title, new_body, user, note)
            self._audit(c, user, "edit", article_id, f"version {version}: {note}".strip(": "))

        self.store.transaction(write)
        return self.get(article_id)

    def act(self, user: User | None, article_id: int, action: str, comment: str = "") -> Article:
        """Apply a workflow action (see `ACTIONS`); raises PermissionDenied/InvalidTransition."""
        rule = ACTIONS.get(action)
        if rule is None:
            raise MedciteError(f"unknown action {action!r}; one of: {', '.join(ACTIONS)}")
        user = require(user, *rule.roles)
        article = self.get(article_id)
        if rule.not_own and article.created_by == user.id:
            raise InvalidTransition(f"you created article {article_id}; another reviewer must "
                                    f"{action.replace('_', ' ')} it")
        if article.state not in rule.sources:
            raise InvalidTransition(
                f"cannot {action.replace('_', ' ')} article {article_id}: it is "
                f"{article.state.value}")
        if rule.needs_comment and not comment.strip():
            raise MedciteError("say what needs to change (a comment is required)")
        stamp = now()

        def write(c: sqlite3.Connection) -> None:
            sets, args = ["state = ?", "updated_at = ?"], [rule.target.value, stamp]
            if action == "approve":
                sets += ["reviewed_by = ?", "reviewed_at = ?", "needs_rereview = 0",
                         "rereview_reason = ''"]
                args += [user.id, stamp]
            elif action == "publish":
                sets.append("published_at = ?")
                args.append(stamp)
            elif action == "revise":
                sets += ["reviewed_by = NULL", "reviewed_at = ''", "published_at = ''"]
            c.execute(f"UPDATE articles SET {', '.join(sets)} WHERE id = ?", (*args, article_id))
            if comment.strip():
                c.execute("INSERT INTO comments (article_id, user_id, text, created_at, version) "
                          "VALUES (?, ?, ?, ?, ?)",
                          (article_id, user.id, comment.strip(), stamp, article.version))
            self._audit(c, user, action, article_id,
                        f"{article.state.value} -> {rule.target.value}")

        self.store.transaction(write)
        return self.get(article_id)

    def confirm_current(self, user: User | None, article_id: int, comment: str = "") -> Article:
        """A reviewer confirms a flagged article still holds: it now cites the current versions."""
        user = require(user, Role.REVIEWER)
        article = self.get(article_id)
        if not article.needs_rereview:
            raise InvalidTransition(f"article {article_id} is not flagged for re-review")
        # The reviewer has read the source diff and vouches for the article against the
        # current version of each source; the quoted passages stay retrievable (superseded).
        current = []
        for source_id, _, passage_id in self._cited_versions(article.body):
            source = self.store.get_source(source_id)
            if source is not None:
                current.append((source_id, source.version, passage_id))

        def write(c: sqlite3.Connection) -> None:
            c.execute("DELETE FROM article_citations WHERE article_id = ? AND version = ?",
                      (article_id, article.version))
            c.executemany("INSERT INTO article_citations VALUES (?, ?, ?, ?, ?)",
                          [(article_id, article.version, *row) for row in current])
            c.execute("UPDATE articles SET needs_rereview = 0, rereview_reason = '', "
                      "updated_at = ? WHERE id = ?", (now(), article_id))
            if comment.strip():
                c.execute("INSERT INTO comments (article_id, user_id, text, created_at, version) "
                          "VALUES (?, ?, ?, ?, ?)",
                          (article_id, user.id, comment.strip(), now(), article.version))
            self._audit(c, user, "confirm_current", article_id, "sources re-checked")

        self.store.transaction(write)
        return self.get(article_id)

    def comment(self, user: User | None, article_id: int, text: str) -> Comment:
        user = require(user, Role.EDITOR, Role.REVIEWER)
        article = self.get(article_id)
        if not text.strip():
            raise MedciteError("a comment needs text")

        def write(c: sqlite3.Connection) -> int:
            cur = c.execute("INSERT INTO comments (article_id, user_id, text, created_at, "
                            "version) VALUES (?, ?, ?, ?, ?)",
                            (article_id, user.id, text.strip(), now(), article.version))
            self._audit(c, user, "comment", article_id, text.strip()[:200])
            return cur.lastrowid

        comment_id = self.store.transaction(write)
        return next(c for c in self.comments(article_id) if c.id == comment_id)

    # -- reading -------------------------------------------------------------------------

    def get(self, article_id: int) -> Article:
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise NotFound(f"no article {article_id}")
        cites = [dict(r) for r in self.conn.execute(
            "SELECT source_id, source_version, passage_id FROM article_citations "
            "WHERE article_id = ? AND version = ?", (article_id, row["version"]))]
        return _article(row, cites)

    def list(self, states: tuple[str, ...] = (), kind: str = "") -> list[Article]:
        where, args = ["1 = 1"], []
        if states:
            where.append(f"state IN ({','.join('?' * len(states))})")
            args += [ArticleState(s).value for s in states]
        if kind:
            where.append("kind = ?")
            args.append(kind)
        rows = self.conn.execute(
            f"SELECT id FROM articles WHERE {' AND '.join(where)} ORDER BY updated_at DESC, id",
            args).fetchall()
        return [self.get(r[0]) for r in rows]

    def queue(self) -> list[Article]:
        """What reviewers should look at: submitted, in review, and flagged for re-review."""
        rows = self.conn.execute(
            "SELECT id FROM articles WHERE state IN ('submitted', 'in_review') OR "
            "(needs_rereview = 1 AND state != 'retired') ORDER BY needs_rereview DESC, updated_at"
        ).fetchall()
        return [self.get(r[0]) for r in rows]

    def comments(self, article_id: int) -> list[Comment]:
        return [Comment(id=r["id"], article_id=r["article_id"], user_id=r["user_id"],
                        username=r["username"], text=r["text"], created_at=r["created_at"],
                        version=r["version"])
                for r in self.conn.execute(
                    "SELECT c.*, u.username FROM comments c JOIN users u ON u.id = c.user_id "
                    "WHERE article_id = ? ORDER BY c.id", (article_id,))]

    def versions(self, article_id: int) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute(
            "SELECT v.version, v.title, v.created_at, v.note, u.username FROM article_versions v "
            "JOIN users u ON u.id = v.created_by WHERE article_id = ? ORDER BY version",
            (article_id,))]

    def diff(self, article_id: int, old: int, new: int | None = None) -> str:
        """Unified diff of two versions' readable text."""
        new = new or self.get(article_id).version
        texts = {}
        for version in (old, new):
            row = self.conn.execute(
                "SELECT title, body FROM article_versions WHERE article_id = ? AND version = ?",
                (article_id, version)).fetchone()
            if row is None:
                raise NotFound(f"article {article_id} has no version {version}")
            texts[version] = article_text(row["title"], json.loads(row["body"]))
        return "".join(difflib.unified_diff(
            texts[old], texts[new], f"version {old}", f"version {new}"))

    def audit(self, limit: int = 200, target: str = "") -> list[AuditEntry]:
        sql, args = "SELECT * FROM audit_log", []
        if target:
            sql += " WHERE target = ?"
            args.append(target)
        rows = self.conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit))
        return [AuditEntry(**dict(r)) for r in rows]

    def reviewer_of(self, article: Article) -> User | None:
        if article.reviewed_by is None:
            return None
        row = self.conn.execute("SELECT * FROM users WHERE id = ?",
                                (article.reviewed_by,)).fetchone()
        from .accounts import _user
        return _user(row) if row else None

    # -- staying current -----------------------------------------------------------------

    def flag_changed_sources(self, source_ids: list[str], reason: str = "") -> list[int]:
        """Flag every live article citing a source that changed or was withdrawn."""
        if not source_ids:
            return []
        marks = ",".join("?" * len(source_ids))
        rows = self.conn.execute(
            f"SELECT DISTINCT a.id, c.source_id FROM articles a JOIN article_citations c "
            f"ON c.article_id = a.id AND c.version = a.version WHERE c.source_id IN ({marks}) "
            f"AND a.state != 'retired'", source_ids).fetchall()
        by_article: dict[int, list[str]] = {}
        for r in rows:
            by_article.setdefault(r[0], []).append(r[1])

        def write(c: sqlite3.Connection) -> None:
            for article_id, sources in by_article.items():
                why = reason or "cited source changed: " + ", ".join(sorted(set(sources)))
                c.execute("UPDATE articles SET needs_rereview = 1, rereview_reason = ? "
                          "WHERE id = ?", (why, article_id))
                self._audit(c, None, "flag_rereview", article_id, why)

        if by_article:
            self.store.transaction(write)
        return sorted(by_article)

    def source_changes(self, article_id: int) -> list[dict[str, Any]]:
        """For each cited source that changed since it was cited: the diff of its text."""
        article = self.get(article_id)
        out = []
        for source_id, cited_version in sorted({(c["source_id"], c["source_version"])
                                                for c in article.citations}):
            source = self.store.get_source(source_id)
            if source is None:
                continue
            if source.status == "withdrawn":
                out.append({"source_id": source_id, "title": source.title,
                            "status": "withdrawn", "diff": ""})
                continue
            if source.version == cited_version:
                continue
            old = (self.store.source_text(source_id, cited_version) or "").splitlines(True)
            new = (self.store.source_text(source_id) or "").splitlines(True)
            out.append({"source_id": source_id, "title": source.title, "status": "changed",
                        "from_version": cited_version, "to_version": source.version,
                        "diff": "".join(difflib.unified_diff(
                            old, new, f"version {cited_version}", f"version {source.version}"))})
        return out

    # -- reviewed answers first ----------------------------------------------------------

    def match_published(self, question: str, audience: str = "", kind: str = "answer"
                        ) -> Article | None:
        """The published article whose question best matches, if above the threshold.

        An article flagged for re-review (a cited source changed or was withdrawn) is not served
        first: its quotes may no longer be what the library says.
        """
        best, best_score = None, 0.0
        for row in self.conn.execute(
                "SELECT id, question, audience FROM articles WHERE state = 'published' AND "
                "needs_rereview = 0 AND kind = ?", (kind,)):
            score = fuzz.token_set_ratio(question.lower(), row["question"].lower()) / 100
            if audience and row["audience"] == audience:
                score += 0.001  # prefer the reader's own rendering on ties
            if score > best_score:
                best, best_score = row["id"], score
        if best is None or best_score < self.match_threshold:
            return None
        return self.get(best)

    # -- internals -----------------------------------------------------------------------

    def _write_version(self, c: sqlite3.Connection, article_id: int, version: int, title: str,
                       body: dict[str, Any], user: User, note: str) -> None:
        c.execute("INSERT INTO article_versions VALUES (?, ?, ?, ?, ?, ?, ?)",
                  (article_id, version, title, json.dumps(body), user.id, now(), note))
        c.executemany("INSERT INTO article_citations VALUES (?, ?, ?, ?, ?)",
                      [(article_id, version, *row) for row in self._cited_versions(body)])

    def _cited_versions(self, body: dict[str, Any]) -> list[tuple[str, int, str]]:
        """(source id, source version, passage id) of every passage the body quotes."""
        wanted = [(ref.get("source_id", ""), p.get("passage_id", ""))
                  for ref in body.get("references", []) for p in ref.get("passages", [])]
        found = {p.id: p for p in self.store.passages([pid for _, pid in wanted if pid])}
        rows = []
        for source_id, pid in wanted:
            if pid in found:
                rows.append((found[pid].source_id, found[pid].version, pid))
            elif source_id and (source := self.store.get_source(source_id)):
                rows.append((source_id, source.version, pid))
        return sorted(set(rows))

    def _audit(self, c: sqlite3.Connection, user: User | None, action: str, article_id: int,
               detail: str) -> None:
        c.execute("INSERT INTO audit_log (at, user_id, username, action, target, detail) "
                  "VALUES (?, ?, ?, ?, ?, ?)",
                  (now(), user.id if user else None, user.username if user else "system",
                   action, f"article:{article_id}", detail))


def article_text(title: str, body: dict[str, Any]) -> list[str]:
    """Readable lines of an answer/handout body, for diffs and plain views."""
    lines = [title + "\n"]
    for section in body.get("sections", []):
        lines.append(f"\n## {section.get('title', section.get('id', ''))}\n")
        for item in section.get("items", []):
            cites = "".join(f"[{n}]" for n in item.get("citations", []))
            lines.append(f"- {item.get('text', '')} {cites}".rstrip() + "\n")
    if body.get("references"):
        lines.append("\n## References\n")
        for ref in body["references"]:
            lines.append(f"{ref.get('n')}. {ref.get('title', '')} ({ref.get('evidence_type', '')})\n")
    return lines


def _article(row: sqlite3.Row, citations: list[dict[str, Any]]) -> Article:
    return Article(
        id=row["id"], kind=row["kind"], title=row["title"], question=row["question"],
        audience=row["audience"], state=ArticleState(row["state"]), body=json.loads(row["body"]),
        version=row["version"], created_by=row["created_by"], created_at=row["created_at"],
        updated_at=row["updated_at"], needs_rereview=bool(row["needs_rereview"]),
        rereview_reason=row["rereview_reason"], reviewed_by=row["reviewed_by"],
        reviewed_at=row["reviewed_at"], published_at=row["published_at"], citations=citations,
    )
