"""Who is calling: a bearer token (API clients) or a session cookie (the web app).

Cookie-authenticated requests that change state must carry the session's CSRF token (form field
`csrf` or header `X-CSRF-Token`); bearer-token requests need none, since browsers never attach
bearer tokens on their own.
"""

from __future__ import annotations

import hmac

from fastapi import Depends, HTTPException, Request

from ..models import Role, User
from ..review import PermissionDenied, require
from ..service import Medcite

SESSION_COOKIE = "medcite_session"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def get_app(request: Request) -> Medcite:
    return request.app.state.medcite


def current_user(request: Request) -> User | None:
    """The signed-in user, or None for an anonymous caller."""
    cached = getattr(request.state, "user", "unset")
    if cached != "unset":
        return cached
    app = get_app(request)
    user, csrf = None, None
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = app.accounts.user_for_token(header[7:].strip())
        if user is None:
            raise HTTPException(401, "invalid or revoked token",
                                headers={"WWW-Authenticate": "Bearer"})
    elif cookie := request.cookies.get(SESSION_COOKIE):
        found = app.accounts.session(cookie)
        if found is not None:
            user, csrf = found
    request.state.user = user
    request.state.csrf = csrf
    return user


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing cookie request whose CSRF token is missing or wrong."""
    if request.method in SAFE_METHODS or getattr(request.state, "csrf", None) is None:
        return
    sent = request.headers.get("x-csrf-token", "")
    if not sent and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = str((await request.form()).get("csrf", ""))
    if not hmac.compare_digest(sent, request.state.csrf):
        raise HTTPException(403, "missing or wrong CSRF token")


def needs(*roles: Role):
    """A dependency that returns the user if they hold one of `roles` (admins always do)."""

    async def dependency(request: Request, user: User | None = Depends(current_user)) -> User:
        try:
            require(user, *roles)
        except PermissionDenied as exc:
            raise HTTPException(401 if user is None else 403, str(exc)) from None
        await check_csrf(request)
        return user

    return dependency


EDITOR = needs(Role.EDITOR, Role.REVIEWER)
REVIEWER = needs(Role.REVIEWER)
ADMIN = needs(Role.ADMIN)
