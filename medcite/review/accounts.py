"""Accounts: users with roles, argon2 password hashes, API tokens and web sessions.

Passwords are hashed with argon2id (argon2-cffi, the maintained binding; RFC 9106). Tokens and
session ids are 256-bit random strings; only their SHA-256 is stored, so a copy of the database
does not let anyone sign in.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..errors import MedciteError, NotFound
from ..models import Role, User
from ..store.sqlite import SQLiteStore, migrate, now
from .schema import MIGRATIONS

MIN_PASSWORD = 8
SESSION_HOURS = 12
_hasher = PasswordHasher()
# Verifying against this keeps the time of a login for an unknown user close to a real one.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class PermissionDenied(MedciteError):
    """The user is not signed in, or their role does not allow the action."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def require(user: User | None, *roles: Role) -> User:
    """The user, if signed in with one of `roles` (admins may do everything)."""
    if user is None or not user.active:
        raise PermissionDenied("sign in first")
    if user.role is Role.ADMIN or user.role in roles:
        return user
    allowed = " or ".join(r.value for r in roles)
    raise PermissionDenied(f"this needs the {allowed} role (you are {user.role.value})")


class Accounts:
    """Users, tokens and sessions in the library database."""

    def __init__(self, store: SQLiteStore):
        self.store = store
        migrate(store.conn, "editorial", MIGRATIONS)

    @property
    def conn(self):
        """This thread's read connection (writes go through `store.transaction`)."""
        return self.store.read

    def add_user(self, username: str, password: str, role: Role | str, display_name: str = "",
                 credentials: str = "") -> User:
        """Create an account.

        >>> accounts.add_user("amara", "correct horse battery", "reviewer",   # doctest: +SKIP
        ...                   "Amara Osei", "MD")
        """
        username = username.strip()
        if not username or not username.replace("-", "").replace("_", "").replace(".", "").isalnum():
            raise MedciteError("a username is letters, digits, '.', '-' or '_'")
        if len(password) < MIN_PASSWORD:
            raise MedciteError(f"a password needs at least {MIN_PASSWORD} characters")
        try:
            role = Role(role)
        except ValueError:
            raise MedciteError(
                f"unknown role {role!r}; use one of: {', '.join(r.value for r in Role)}"
            ) from None
        try:
            cur = self.store.transaction(lambda c: c.execute(
                "INSERT INTO users (username, display_name, role, credentials, password_hash, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (username, display_name or username, role.value, credentials,
                 _hasher.hash(password), now()),
            ))
        except sqlite3.IntegrityError:
            raise MedciteError(f"the username {username!r} is taken") from None
        return self.get(cur.lastrowid)

    def get(self, user_id: int) -> User:
        row = self.conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
        if row is None:
            raise NotFound(f"no user {user_id}")
        return _user(row)

    def by_name(self, username: str) -> User | None:
        row = self.conn.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
        return _user(row) if row else None

    def list(self) -> list[User]:
        return [_user(r) for r in self.conn.execute("SELECT * FROM users ORDER BY id")]

    def count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM users").fetchone()[0]

    def authenticate(self, username: str, password: str) -> User | None:
        """The user if the password is right and the account active, else None."""
        row = self.conn.execute(
            "SELECT * FROM users WHERE username = ?", (username.strip(),)
        ).fetchone()
        try:
            _hasher.verify(row["password_hash"] if row else _DUMMY_HASH, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if row is None or not row["active"]:
            return None
        if _hasher.check_needs_rehash(row["password_hash"]):
            self.store.transaction(lambda c: c.execute(
                "UPDATE users SET password_hash = ? WHERE id = ?",
                (_hasher.hash(password), row["id"]),
            ))
        return _user(row)

    def set_active(self, user_id: int, active: bool) -> None:
        self.store.transaction(lambda c: c.execute(
            "UPDATE users SET active = ? WHERE id = ?", (int(active), user_id)))

    # -- API tokens ----------------------------------------------------------------------

    def create_token(self, user_id: int, label: str = "") -> str:
        """A new bearer token for the HTTP API (shown once; only its hash is kept)."""
        self.get(user_id)
        token = "mct_" + secrets.token_urlsafe(32)
        self.store.transaction(lambda c: c.execute(
            "INSERT INTO api_tokens VALUES (?, ?, ?, ?)", (_digest(token), user_id, label, now())))
        return token

    def user_for_token(self, token: str) -> User | None:
        row = self.conn.execute(
            "SELECT u.* FROM api_tokens t JOIN users u ON u.id = t.user_id "
            "WHERE t.token_hash = ? AND u.active = 1", (_digest(token),),
        ).fetchone()
        return _user(row) if row else None

    # -- web sessions --------------------------------------------------------------------

    def create_session(self, user_id: int) -> tuple[str, str]:
        """(session id for the cookie, CSRF token for forms)."""
        session, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        expires = (datetime.now(UTC) + timedelta(hours=SESSION_HOURS)).isoformat(
            timespec="seconds")
        self.store.transaction(lambda c: c.execute(
            "INSERT INTO web_sessions VALUES (?, ?, ?, ?, ?)",
            (_digest(session), user_id, csrf, now(), expires)))
        return session, csrf

    def session(self, session: str) -> tuple[User, str] | None:
        """(user, csrf token) for a live session id, else None."""
        row = self.conn.execute(
            "SELECT u.*, s.csrf, s.expires_at FROM web_sessions s JOIN users u "
            "ON u.id = s.user_id WHERE s.token_hash = ? AND u.active = 1", (_digest(session),),
        ).fetchone()
        if row is None or row["expires_at"] < now():
            return None
        return _user(row), row["csrf"]

    def end_session(self, session: str) -> None:
        self.store.transaction(lambda c: c.execute(
            "DELETE FROM web_sessions WHERE token_hash = ?", (_digest(session),)))


def _user(row: sqlite3.Row) -> User:
    return User(id=row["id"], username=row["username"], display_name=row["display_name"],
                role=Role(row["role"]), credentials=row["credentials"], active=bool(row["active"]))
