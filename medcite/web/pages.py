"""Web pages: server-rendered views over the same `Medcite` service object as the API.

Each view parses its input, calls one service method and renders a template. All text from
sources goes through Jinja's autoescaping; URLs are only linked when they are http(s); no page
carries inline script or style, so the Content-Security-Policy forbids anything injected.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..api.auth import SESSION_COOKIE, check_csrf, current_user, get_app
from ..errors import MedciteError, NotFound
from ..models import ArticleState, EvidenceType, Role, User
from ..review import ACTIONS, InvalidTransition, PermissionDenied, require
from ..service import Medcite
from ..store import SourceFilter

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(include_in_schema=False)
PRE_CSRF_COOKIE = "medcite_login_csrf"
AUDIENCES = (("patient", "A patient"), ("caregiver", "A caregiver or family member"),
             ("clinician", "A clinician"))


def _evidence_label(value: str) -> str:
    try:
        return EvidenceType(value).label
    except ValueError:
        return value.replace("_", " ").capitalize()


def _safe_url(url: str | None) -> str:
    url = (url or "").strip()
    return url if url.lower().startswith(("https://", "http://")) else ""


templates.env.filters["evidence_label"] = _evidence_label
templates.env.filters["safe_url"] = _safe_url
templates.env.globals["AUDIENCES"] = AUDIENCES


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    user = current_user(request)
    context.setdefault("title", "medcite")
    return templates.TemplateResponse(
        request, name, {"user": user, "csrf": getattr(request.state, "csrf", None) or "",
                        **context}, status_code=status)


def _staff(user: User | None) -> bool:
    return user is not None and user.role in (Role.EDITOR, Role.REVIEWER, Role.ADMIN)


def _need(request: Request, *roles: Role) -> User:
    try:
        return require(current_user(request), *roles)
    except PermissionDenied as exc:
        if current_user(request) is None:
            raise _LoginRedirect(request.url.path) from None
        raise HTTPException(403, str(exc)) from None


class _LoginRedirect(Exception):
    def __init__(self, next_path: str):
        self.next_path = next_path


# -- asking -----------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request, app: Medcite = Depends(get_app)) -> HTMLResponse:
    return render(request, "ask.html", title="Ask a health question", answer=None,
                  question="", audience="patient", stats=app.stats())


@router.get("/ask", response_class=HTMLResponse)
def ask(request: Request, q: str = Query("", max_length=4000), audience: str = "patient",
        c: str | None = Query(None, max_length=100),
        app: Medcite = Depends(get_app)) -> HTMLResponse:
    if not q.strip():
        return RedirectResponse("/", status_code=303)
    if audience not in dict(AUDIENCES):
        audience = "patient"
    if current_user(request) is None and not app.settings.anonymous_ask:
        raise _LoginRedirect("/")
    answer = app.ask_json(q, audience, c)
    return render(request, "ask.html", title=q[:80], answer=answer, question=q,
                  audience=audience, stats=None)


# -- accounts ---------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", title="Sign in", next=_local(next),
                      login_csrf=token, error="")
    response.set_cookie(PRE_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, username: str = Form(...), password: str = Form(...),
          login_csrf: str = Form(...), next: str = Form("/"),
          app: Medcite = Depends(get_app)) -> HTMLResponse:
    # Double-submit check: the form token must equal the cookie set with the form.
    if not secrets.compare_digest(login_csrf, request.cookies.get(PRE_CSRF_COOKIE, "")):
        raise HTTPException(403, "the sign-in form expired; reload it and try again")
    user = app.accounts.authenticate(username, password)
    if user is None:
        return render(request, "login.html", status=401, title="Sign in", next=_local(next),
                      login_csrf=login_csrf, error="That username and password do not match.")
    session, _ = app.accounts.create_session(user.id)
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", max_age=12 * 3600)
    response.delete_cookie(PRE_CSRF_COOKIE)
    return response


@router.post("/logout")
async def logout(request: Request, app: Medcite = Depends(get_app)) -> RedirectResponse:
    if current_user(request) is not None:
        await check_csrf(request)
        app.accounts.end_session(request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _local(path: str) -> str:
    """Only same-site paths as redirect targets (no open redirects)."""
    return path if path.startswith("/") and not path.startswith("//") else "/"


# -- library ----------------------------------------------------------------------------


@router.get("/library", response_class=HTMLResponse)
def library(request: Request, type: str = "", page: int = Query(1, ge=1),
            app: Medcite = Depends(get_app)) -> HTMLResponse:
    per_page = 50
    types = (type,) if type else ()
    try:
        rows = app.sources(SourceFilter(evidence_types=types, limit=per_page + 1,
                                        offset=(page - 1) * per_page))
    except ValueError:
        rows = []
    return render(request, "library.html", title="Library", sources=rows[:per_page],
                  more=len(rows) > per_page, page=page, type=type, stats=app.stats(),
                  types=[e for e in EvidenceType])


@router.get("/library/{source_id:path}", response_class=HTMLResponse)
def source_page(request: Request, source_id: str,
                app: Medcite = Depends(get_app)) -> HTMLResponse:
    source = app.source(source_id)
    hidden = bool(source.metadata.get("third_party_text"))
    passages = [] if hidden else app.source_passages(source_id)
    return render(request, "source.html", title=source.title, source=source,
                  passages=passages, hidden=hidden)


# -- articles and review ----------------------------------------------------------------


@router.post("/articles")
async def save_article(request: Request, question: str = Form(...),
                       audience: str = Form("patient"), kind: str = Form("answer"),
                       app: Medcite = Depends(get_app)) -> RedirectResponse:
    user = _need(request, Role.EDITOR, Role.REVIEWER)
    await check_csrf(request)
    article = app.save_article(user, kind, question, audience)
    return RedirectResponse(f"/articles/{article.id}", status_code=303)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: int,
                 app: Medcite = Depends(get_app)) -> HTMLResponse:
    user = current_user(request)
    article = app.editorial.get(article_id)
    if article.state is not ArticleState.PUBLISHED and not _staff(user):
        raise HTTPException(404, "no such published article")
    actions = []
    if _staff(user):
        for name, rule in ACTIONS.items():
            if article.state in rule.sources and (user.role is Role.ADMIN or
                                                  user.role in rule.roles):
                actions.append(name)
        if article.needs_rereview and user.role in (Role.REVIEWER, Role.ADMIN):
            actions.append("confirm_current")
    return render(
        request, "article.html", title=article.title, article=article,
        answer=app.article_json(article), actions=actions,
        comments=app.editorial.comments(article_id) if _staff(user) else [],
        versions=app.editorial.versions(article_id) if _staff(user) else [],
        source_changes=app.editorial.source_changes(article_id)
        if _staff(user) and article.needs_rereview else [],
        diff=app.editorial.diff(article_id, article.version - 1)
        if _staff(user) and article.version > 1 else "",
    )


@router.post("/articles/{article_id}/action")
async def article_action(request: Request, article_id: int, action: str = Form(...),
                         comment: str = Form(""),
                         app: Medcite = Depends(get_app)) -> RedirectResponse:
    user = _need(request, Role.EDITOR, Role.REVIEWER)
    await check_csrf(request)
    if action == "confirm_current":
        app.editorial.confirm_current(user, article_id, comment)
    elif action == "comment":
        app.editorial.comment(user, article_id, comment)
    else:
        app.editorial.act(user, article_id, action, comment)
    return RedirectResponse(f"/articles/{article_id}", status_code=303)


@router.get("/review", response_class=HTMLResponse)
def review_queue(request: Request, app: Medcite = Depends(get_app)) -> HTMLResponse:
    _need(request, Role.EDITOR, Role.REVIEWER)
    return render(request, "queue.html", title="Review queue", queue=app.editorial.queue(),
                  drafts=app.editorial.list(("draft", "changes_requested")),
                  published=app.editorial.list(("published",)))


# -- handouts ---------------------------------------------------------------------------


@router.get("/handout", response_class=HTMLResponse)
def handout_page(request: Request, condition: str = Query("", max_length=300),
                 audience: str = "patient", app: Medcite = Depends(get_app)) -> HTMLResponse:
    if not condition.strip():
        return render(request, "handout_form.html", title="Patient handout")
    handout = app.handout(condition, audience=audience if audience == "caregiver" else "patient")
    return HTMLResponse(app.render_handout(handout, "html"))


def register(api) -> None:
    """Mount the pages, static files and error pages on the API app."""
    from fastapi.staticfiles import StaticFiles

    api.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    api.include_router(router)

    @api.exception_handler(_LoginRedirect)
    async def to_login(request: Request, exc: _LoginRedirect):
        return RedirectResponse("/login?" + urlencode({"next": exc.next_path}), status_code=303)

    for exc_type, status in ((NotFound, 404), (PermissionDenied, 403), (InvalidTransition, 409),
                             (MedciteError, 400)):
        api.add_exception_handler(exc_type, _page_or_json(status, api.exception_handlers.get(
            exc_type)))

    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if request.url.path.startswith("/api/") or request.url.path in ("/docs", "/openapi.json"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                                headers=getattr(exc, "headers", None))
        return render(request, "error.html", status=exc.status_code,
                      title="Not allowed" if exc.status_code in (401, 403) else "Not found"
                      if exc.status_code == 404 else "Something went wrong",
                      message=str(exc.detail))


def _page_or_json(status: int, json_handler):
    async def handle(request: Request, exc: Exception):
        if request.url.path.startswith("/api/") and json_handler is not None:
            return await json_handler(request, exc)
        return render(request, "error.html", status=status, title="Something went wrong",
                      message=str(exc))

    return handle
