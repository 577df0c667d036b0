"""Request plumbing of the registry routes: which registry, who is calling, CSRF, error answers."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from wsis.errors import WsisError
from wsis.registry import auth
from wsis.registry.db import Registry, get_registry
from wsis.registry.policy import ANONYMOUS, Actor
from wsis.registry.tracking import ensure_ready
from wsis.settings import Settings, get_settings

SESSION_COOKIE = "wsis_session"
ANON_COOKIE = "wsis_csrf"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
INT_RANGE_ERRORS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal", "int_parsing",
                    "int_from_float"}
ID_MAX = 2**31 - 1
OFFSET_MAX = 10**7


@dataclass
class Caller:
    """The resolved caller of one request."""

    actor: Actor
    csrf: str | None
    session_token: str | None


def settings_of(request: Request) -> Settings:
    """The settings bound to the app (``create_registry_app``) or the process-wide ones."""
    return getattr(request.app.state, "wsis_settings", None) or get_settings()


def registry(request: Request) -> Registry:
    """The registry database of this app; an absent one is created empty with its seeded deliverables and
    road maps on first use, so a fresh home serves the registry pages without ``wsis registry init``."""
    reg = get_registry(settings_of(request))
    ensure_ready(reg)
    return reg


def caller(request: Request) -> Caller:
    """Resolve the caller from ``Authorization: Bearer`` or the session cookie; anonymous otherwise."""
    cached = getattr(request.state, "wsis_caller", None)
    if cached is not None:
        return cached
    reg = registry(request)
    header = request.headers.get("authorization", "")
    result = Caller(ANONYMOUS, None, None)
    if header.lower().startswith("bearer "):
        actor = auth.resolve_token(reg, header[7:].strip())
        if actor is None:
            raise WsisError("bad-token", "the API token is invalid, expired or revoked", status=401)
        result = Caller(actor, None, None)
    else:
        token = request.cookies.get(SESSION_COOKIE)
        found = auth.resolve_session(reg, token)
        if found:
            result = Caller(found[0], found[1], token)
    request.state.wsis_caller = result
    return result


def anon_csrf(request: Request) -> tuple[str, str | None]:
    """(token, new cookie value or None) for a form shown to a visitor without a session."""
    value = request.cookies.get(ANON_COOKIE)
    new = None
    if not value or len(value) > 100:
        value = new = secrets.token_urlsafe(24)
    return auth.anonymous_csrf(settings_of(request), value), new


def form_csrf(request: Request) -> tuple[str, str | None]:
    """The CSRF token to put into a form for this caller (and a cookie to set, if any)."""
    c = caller(request)
    if c.csrf:
        return c.csrf, None
    return anon_csrf(request)


def check_csrf(request: Request, given: str | None, anonymous_ok: bool = False) -> None:
    """Refuse a state-changing cookie request whose CSRF token is missing or wrong (tokens need none)."""
    c = caller(request)
    if c.actor.via == "token":
        return
    if c.csrf:
        auth.check_csrf(c.csrf, given)
        return
    if anonymous_ok:
        value = request.cookies.get(ANON_COOKIE)
        auth.check_csrf(auth.anonymous_csrf(settings_of(request), value) if value else None, given)


def api_actor(request: Request) -> Actor:
    """Caller of a JSON API request; unsafe cookie requests must carry ``X-CSRF-Token``."""
    c = caller(request)
    if request.method not in SAFE_METHODS and c.actor.via == "session":
        check_csrf(request, request.headers.get("x-csrf-token"))
    return c.actor


def client_ip(request: Request) -> str:
    """Address of the client (as seen by the server)."""
    return request.client.host if request.client else ""


def secure_cookie(request: Request) -> bool:
    """Cookies are marked Secure whenever the request came over HTTPS."""
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


def problem(err: WsisError) -> JSONResponse:
    """A ``WsisError`` as an RFC 9457 problem+json response."""
    retry = err.extra.get("retry_after")
    return JSONResponse(err.to_problem(), status_code=err.status, media_type="application/problem+json",
                        headers={"Retry-After": str(retry)} if retry else None)


def registry_page(request: Request) -> bool:
    """True for a registry HTML page (answered with an HTML error page, not problem+json)."""
    return request.url.path.startswith("/registry")


def install_error_handlers(app: FastAPI) -> None:
    """Answer ``WsisError``, request validation and HTTP errors as problem+json (API) or as an HTML page in the
    visitor's language (registry pages)."""
    from wsis.web.registry.pages import error_page

    @app.exception_handler(WsisError)
    async def _wsis(request: Request, err: WsisError):
        return error_page(request, err) if registry_page(request) else problem(err)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = []
        for e in exc.errors():
            loc = [str(p) for p in e.get("loc", ())]
            errors.append({"column": ".".join(loc[1:]) or (loc[0] if loc else ""), "where": loc[:1],
                           "message": str(e.get("msg", ""))})
        first = errors[0] if errors else {"column": None, "message": "invalid request"}
        # a path or query number out of range is a bad request (400); a bad body stays 422
        status = 400 if any(e.get("type") in INT_RANGE_ERRORS and e.get("loc", ("",))[0] in ("path", "query")
                            for e in exc.errors()) else 422
        err = WsisError("invalid-request", first["message"], column=first["column"] or None, status=status,
                        extra={"errors": errors})
        return error_page(request, err) if registry_page(request) else problem(err)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if not registry_page(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        code = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        return error_page(request, WsisError(code, str(exc.detail), status=exc.status_code))
