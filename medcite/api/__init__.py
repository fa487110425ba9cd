"""The HTTP API (FastAPI): `create_app(medcite)` returns an ASGI app; OpenAPI at /docs.

>>> from medcite import Medcite
>>> asgi = create_app(Medcite.open("/tmp/lib"))     # doctest: +SKIP
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from .. import __version__
from ..errors import MedciteError, NotFound
from ..review import InvalidTransition, PermissionDenied
from ..service import Medcite
from .routes import router

# Sent with every response. The web app serves its own script and style files only, so a
# strict Content-Security-Policy costs nothing and stops injected markup from running.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(medcite: Medcite | None = None) -> FastAPI:
    """The API (and, when medcite.web is installed, the web app) over one service object."""
    medcite = medcite or Medcite()
    api = FastAPI(title="medcite", version=__version__,
                  description="Cited, guideline-first health answers from a library you choose.")
    api.state.medcite = medcite

    @api.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path.startswith(("/docs", "/redoc")):
            # The interactive docs page loads its own inline bootstrap script.
            del response.headers["Content-Security-Policy"]
        return response

    for exc_type, status in ((NotFound, 404), (PermissionDenied, 403),
                             (InvalidTransition, 409), (MedciteError, 400)):
        api.add_exception_handler(exc_type, _handler(status))
    api.include_router(router)
    from ..web import register as register_web  # late import: the web app builds on the API

    register_web(api)
    return api


def _handler(status: int):
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status)

    return handle

