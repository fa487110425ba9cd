import sqlite3

import pytest

from medcite.errors import MedciteError
from medcite.models import Role
from medcite.review import PermissionDenied, require


def test_passwords_are_hashed_and_checked(app):
    acc = app.accounts
    user = acc.add_user("amara", "long enough pw", "reviewer", "Amara Osei", "MD")
    stored = app.store.conn.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and "long enough pw" not in stored
    assert acc.authenticate("amara", "long enough pw").id == user.id
    assert acc.authenticate("amara", "wrong password") is None
    assert acc.authenticate("nobody", "long enough pw") is None


def test_bad_accounts_are_refused(app):
    with pytest.raises(MedciteError, match="at least 8"):
        app.accounts.add_user("bob", "short", "editor")
    with pytest.raises(MedciteError, match="unknown role"):
        app.accounts.add_user("bob", "long enough pw", "wizard")
    app.accounts.add_user("bob", "long enough pw", "editor")
    with pytest.raises(MedciteError, match="taken"):
        app.accounts.add_user("BOB", "long enough pw", "editor")


def test_tokens_and_sessions_store_only_hashes(app):
    user = app.accounts.add_user("ed", "long enough pw", "editor")
    token = app.accounts.create_token(user.id, "ci")
    assert app.accounts.user_for_token(token).id == user.id
    assert app.accounts.user_for_token(token + "x") is None
    assert not app.store.conn.execute(
        "SELECT 1 FROM api_tokens WHERE token_hash = ?", (token,)).fetchone()
    session, csrf = app.accounts.create_session(user.id)
    assert app.accounts.session(session) == (user, csrf)
    app.accounts.end_session(session)
    assert app.accounts.session(session) is None


def test_inactive_users_cannot_sign_in(app):
    user = app.accounts.add_user("ed", "long enough pw", "editor")
    app.accounts.set_active(user.id, False)
    assert app.accounts.authenticate("ed", "long enough pw") is None


def test_require_roles(app):
    editor = app.accounts.add_user("ed", "long enough pw", "editor")
    admin = app.accounts.add_user("root", "long enough pw", "admin")
    assert require(editor, Role.EDITOR) is editor
    assert require(admin, Role.REVIEWER) is admin
    with pytest.raises(PermissionDenied, match="sign in"):
        require(None, Role.EDITOR)
    with pytest.raises(PermissionDenied, match="reviewer"):
        require(editor, Role.REVIEWER)


def test_audit_log_is_append_only(app):
    assert app.editorial.audit() == []  # creates the tables
    conn = app.store.conn
    conn.execute("INSERT INTO audit_log (at, username, action, target) VALUES ('t','u','a','x')")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit_log SET action = 'b'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit_log")
