"""HTTP API routes: thin wrappers over the `Medcite` service object (one call each).

Public: health, ask, search, triage, sources (read), handouts, published articles.
Editors: ingest sources, create/edit/submit articles, comment. Reviewers: review actions, queue,
audit. Every route is listed in the OpenAPI schema at /openapi.json (browsable at /docs).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, File, HTTPException, Query, UploadFile
from pydantic import BaseModel, Field

from .. import __version__
from ..models import ArticleState, User
from ..service import Medcite
from ..store import SourceFilter
from .auth import EDITOR, REVIEWER, current_user, get_app

router = APIRouter(prefix="/api")
Audience = Literal["patient", "caregiver", "clinician"]


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=4000, examples=[
        "What amount of magnesium can cause muscle twitching?"])
    audience: Audience = "patient"
    conversation_id: str | None = None


class TriageRequest(BaseModel):
    message: str = Field(min_length=1, max_length=4000)


class HandoutRequest(BaseModel):
    condition: str = Field(min_length=1, max_length=300)
    audience: Literal["patient", "caregiver"] = "patient"


class IngestURL(BaseModel):
    url: str = Field(pattern=r"^https?://", max_length=2000)


class ArticleCreate(BaseModel):
    kind: Literal["answer", "handout"] = "answer"
    question: str = Field(min_length=1, max_length=4000)
    audience: Audience = "patient"
    title: str = ""
    body: dict[str, Any] | None = Field(
        default=None, description="The answer/handout JSON; made fresh from the question if absent.")


class ArticleEdit(BaseModel):
    title: str | None = None
    body: dict[str, Any] | None = None
    note: str = ""


class ActionRequest(BaseModel):
    comment: str = ""


class CommentRequest(BaseModel):
    text: str = Field(min_length=1, max_length=10000)


@router.get("/health", tags=["service"])
def health(app: Medcite = Depends(get_app)) -> dict[str, Any]:
    """Liveness and library size."""
    stats = app.stats()
    return {"status": "ok", "version": __version__, "sources": stats["sources"],
            "passages": stats["passages"]}


@router.post("/ask", tags=["answers"])
def ask(req: AskRequest, app: Medcite = Depends(get_app),
        user: User | None = Depends(current_user)) -> dict[str, Any]:
    """Answer a question: a matching reviewed article first, else a fresh cited answer."""
    if user is None and not app.settings.anonymous_ask:
        raise HTTPException(401, "sign in to ask (this deployment does not allow anonymous use)")
    return app.ask_json(req.question, req.audience, req.conversation_id)


@router.get("/search", tags=["answers"])
def search(q: str = Query(min_length=1, max_length=2000), k: int = Query(10, ge=1, le=100),
           type: list[str] = Query(default=[]), year_min: int | None = None,
           year_max: int | None = None, app: Medcite = Depends(get_app)) -> list[dict[str, Any]]:
    """Search the library's passages (hybrid lexical + dense)."""
    hits = app.search(q, k=k, evidence_types=tuple(type), year_min=year_min, year_max=year_max)
    return [h.to_dict() for h in hits]


@router.post("/triage", tags=["answers"])
def triage(req: TriageRequest, app: Medcite = Depends(get_app)) -> dict[str, Any]:
    """Safety triage of a message on its own."""
    return app.triage(req.message).to_dict()


@router.post("/handouts", tags=["answers"])
def handout(req: HandoutRequest, app: Medcite = Depends(get_app)) -> dict[str, Any]:
    """A patient handout for a condition, cited, at a measured reading grade."""
    return app.handout(req.condition, audience=req.audience).to_dict()


@router.get("/sources", tags=["library"])
def list_sources(type: list[str] = Query(default=[]), year_min: int | None = None,
                 year_max: int | None = None, publisher: str = "",
                 limit: int = Query(50, ge=1, le=1000), offset: int = Query(0, ge=0),
                 app: Medcite = Depends(get_app)) -> list[dict[str, Any]]:
    """List sources with filters."""
    try:
        flt = SourceFilter(evidence_types=tuple(type), year_min=year_min, year_max=year_max,
                           publisher=publisher, limit=limit, offset=offset)
        return [s.to_dict() for s in app.sources(flt)]
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None


@router.get("/sources/{source_id:path}", tags=["library"])
def show_source(source_id: str, app: Medcite = Depends(get_app)) -> dict[str, Any]:
    """One source with its current passages."""
    source = app.source(source_id)
    if source.metadata.get("third_party_text"):
        raise HTTPException(403, "this source is third-party text kept for evaluation only")
    return source.to_dict() | {
        "passages": [p.to_dict() for p in app.source_passages(source_id)]}


@router.post("/sources", tags=["library"])
def ingest_file(file: UploadFile = File(...), app: Medcite = Depends(get_app),
                user: User = Depends(EDITOR)) -> dict[str, Any]:
    """Ingest an uploaded file (editors). Returns the ingest report."""
    name = Path(file.filename or "upload.txt").name
    with tempfile.TemporaryDirectory(dir=app.settings.home) as tmp:
        target = Path(tmp) / name
        with open(target, "wb") as out:
            shutil.copyfileobj(file.file, out)
        return _report(app.ingest([target]))


@router.post("/sources/url", tags=["library"])
def ingest_url(req: IngestURL, app: Medcite = Depends(get_app),
               user: User = Depends(EDITOR)) -> dict[str, Any]:
    """Ingest a web page or file by URL (editors)."""
    return _report(app.ingest([req.url]))


@router.get("/articles", tags=["articles"])
def list_articles(state: list[ArticleState] = Query(default=[]), app: Medcite = Depends(get_app),
                  user: User | None = Depends(current_user)) -> list[dict[str, Any]]:
    """Published articles for everyone; all states for editors and reviewers."""
    states = tuple(s.value for s in state)
    if not _is_staff(user):
        states = ("published",)
    return [a.to_dict() for a in app.editorial.list(states)]


@router.get("/articles/{article_id}", tags=["articles"])
def get_article(article_id: int, app: Medcite = Depends(get_app),
                user: User | None = Depends(current_user)) -> dict[str, Any]:
    """One article (unpublished ones only for editors and reviewers)."""
    article = app.editorial.get(article_id)
    if article.state is not ArticleState.PUBLISHED and not _is_staff(user):
        raise HTTPException(404, f"no published article {article_id}")
    return app.article_json(article)


@router.post("/articles", tags=["articles"])
def create_article(req: ArticleCreate, app: Medcite = Depends(get_app),
                   user: User = Depends(EDITOR)) -> dict[str, Any]:
    """Save an answer or handout as a draft article (editors)."""
    article = app.save_article(user, req.kind, req.question, req.audience, req.body, req.title)
    return article.to_dict()


@router.put("/articles/{article_id}", tags=["articles"])
def edit_article(article_id: int, req: ArticleEdit, app: Medcite = Depends(get_app),
                 user: User = Depends(EDITOR)) -> dict[str, Any]:
    """A new version of a draft (editors)."""
    return app.editorial.edit(user, article_id, req.body, req.title, req.note).to_dict()


@router.post("/articles/{article_id}/submit", tags=["articles"])
def submit_article(article_id: int, req: ActionRequest | None = None,
                   app: Medcite = Depends(get_app), user: User = Depends(EDITOR)) -> dict:
    """Submit a draft for review (editors)."""
    return app.editorial.act(user, article_id, "submit", (req or ActionRequest()).comment).to_dict()


@router.post("/articles/{article_id}/comments", tags=["articles"])
def comment_article(article_id: int, req: CommentRequest, app: Medcite = Depends(get_app),
                    user: User = Depends(EDITOR)) -> dict[str, Any]:
    """Comment on an article (editors and reviewers)."""
    return vars(app.editorial.comment(user, article_id, req.text))


@router.get("/articles/{article_id}/comments", tags=["articles"])
def article_comments(article_id: int, app: Medcite = Depends(get_app),
                     user: User = Depends(EDITOR)) -> list[dict[str, Any]]:
    return [vars(c) for c in app.editorial.comments(article_id)]


@router.get("/articles/{article_id}/versions", tags=["articles"])
def article_versions(article_id: int, app: Medcite = Depends(get_app),
                     user: User = Depends(EDITOR)) -> list[dict[str, Any]]:
    return app.editorial.versions(article_id)


@router.get("/articles/{article_id}/diff", tags=["articles"])
def article_diff(article_id: int, old: int = Query(ge=1), new: int | None = Query(None, ge=1),
                 app: Medcite = Depends(get_app), user: User = Depends(EDITOR)) -> dict[str, str]:
    """Unified diff between two versions."""
    return {"diff": app.editorial.diff(article_id, old, new)}


@router.get("/articles/{article_id}/source-changes", tags=["articles"])
def article_source_changes(article_id: int, app: Medcite = Depends(get_app),
                           user: User = Depends(EDITOR)) -> list[dict[str, Any]]:
    """Diffs of cited sources that changed (or were withdrawn) since the article cited them."""
    return app.editorial.source_changes(article_id)


def _review_action(action: str):
    def route(article_id: int, req: ActionRequest | None = None,
              app: Medcite = Depends(get_app), user: User = Depends(REVIEWER)) -> dict[str, Any]:
        comment = (req or ActionRequest()).comment
        return app.editorial.act(user, article_id, action, comment).to_dict()

    route.__name__ = f"{action}_article"
    route.__doc__ = f"Review action '{action.replace('_', ' ')}' (medical reviewers)."
    return route


for _action in ("start_review", "approve", "request_changes", "publish", "retire"):
    router.add_api_route(f"/articles/{{article_id}}/{_action.replace('_', '-')}",
                         _review_action(_action), methods=["POST"], tags=["reviews"])


@router.post("/articles/{article_id}/revise", tags=["articles"])
def revise_article(article_id: int, req: ActionRequest | None = None,
                   app: Medcite = Depends(get_app), user: User = Depends(EDITOR)) -> dict:
    """Reopen an approved, published or retired article as a new draft (editors)."""
    return app.editorial.act(user, article_id, "revise", (req or ActionRequest()).comment).to_dict()


@router.post("/articles/{article_id}/confirm-current", tags=["reviews"])
def confirm_current(article_id: int, req: ActionRequest | None = None,
                    app: Medcite = Depends(get_app), user: User = Depends(REVIEWER)) -> dict:
    """Clear a re-review flag after checking the changed sources (medical reviewers)."""
    return app.editorial.confirm_current(user, article_id, (req or ActionRequest()).comment
                                         ).to_dict()


@router.get("/review-queue", tags=["reviews"])
def review_queue(app: Medcite = Depends(get_app),
                 user: User = Depends(REVIEWER)) -> list[dict[str, Any]]:
    """Submitted, in-review and flagged articles (medical reviewers)."""
    return [a.to_dict() for a in app.editorial.queue()]


@router.get("/audit", tags=["reviews"])
def audit_log(limit: int = Query(200, ge=1, le=5000), app: Medcite = Depends(get_app),
              user: User = Depends(REVIEWER)) -> list[dict[str, Any]]:
    """The append-only audit log, newest first (medical reviewers and admins)."""
    return [vars(e) for e in app.editorial.audit(limit)]


def _is_staff(user: User | None) -> bool:
    return user is not None and user.role.value in ("editor", "reviewer", "admin")


def _report(report) -> dict[str, Any]:
    return {"added": report.added, "updated": report.updated, "unchanged": report.unchanged,
            "passages": report.passages,
            "errors": [{"input": Path(o).name, "message": m} for o, m in report.errors]}

