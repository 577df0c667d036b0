"""The FastAPI application: dashboard pages, the JSON/CSV API under /api/v1, SDMX REST under /sdmx, and the
registry pages and API.

One pure-ASGI middleware does the cross-cutting work: the language prefix (``/fr/...``) or Accept-Language,
strict security headers, and per-release HTTP caching (ETag/Last-Modified, 304s, and an in-process response
cache keyed by release id, language and URL — a release is immutable, so a key never goes stale).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import gzip
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from contextlib import asynccontextmanager
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from wsis import query, registry
from wsis.errors import WsisError
from wsis.settings import Settings, get_settings
from wsis.web.baked import prefetch as baked_prefetch
from wsis.web.baked import progress as baked_progress
from wsis.web.baked import row_key, store_for
from wsis.web.i18n import LANGS, pick_lang
from wsis.web.limits import install_guards
from wsis.web.pages.registry_part import PARTS, registry_html, splice

log = logging.getLogger("wsis.web")
STATIC = Path(__file__).parent / "static"
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
IDLE_BEFORE_WARMING = 0.25  # seconds without a request before a worker warms selections in the background
LIVE_RENDERS = 3  # cacheable answers rendered at once per worker (the rest wait their turn)
GZIP_MIN = 512  # bodies this small go uncompressed (as GZipMiddleware does)
UNCACHED_PREFIXES = ("/registry", "/api/v1/registry", "/static", "/healthz")


# Dashboard pages that show registry entries (initiatives, commitments) beside release data: those with a
# registry part of their own, and the outcome paragraphs (never baked, so they need none).
REGISTRY_PAGES = (*PARTS, "/outcome/")


class WsisMiddleware:
    """Language prefix, security headers and per-release caching (pure ASGI, so it adds little latency)."""

    def __init__(self, app, settings: Settings, max_entries: int = 2048, on_store=None):
        self.app = app
        self.settings = settings
        # the baker passes ``on_store`` to collect fresh answers; servers look misses up in the baked store
        self.on_store = on_store
        self.baked = None if on_store else store_for(settings)
        self.cache: OrderedDict[tuple, tuple[int, list, bytes]] = OrderedDict()
        self.max_entries = max_entries
        self.max_bytes = settings.cache_max_bytes
        self.cached_bytes = 0
        self.lock = threading.Lock()
        # answers being rendered now, by key: a second request for the same URL waits for the first one
        # instead of rendering it again (many first requests for one URL at once would otherwise each
        # render it, and the renders would starve each other)
        self.inflight: dict[tuple, asyncio.Future] = {}
        # live renders of cacheable answers run a few at a time, first come first served: a burst of new URLs
        # then gets its first answers after one render each, not all of them after the whole burst
        self.rendering = asyncio.Semaphore(LIVE_RENDERS)
        self.active = 0  # requests being answered now
        self.last_done = 0.0  # when the last one ended (time.monotonic)
        self.warmed: set[tuple] = set()   # (release, language, indicator, breakdown) made ready by _prewarm
        self.tasks: set[asyncio.Task] = set()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        self.active += 1
        try:
            await self._handle(scope, receive, send)
        finally:
            self.active -= 1
            self.last_done = time.monotonic()

    async def _handle(self, scope, receive, send):
        path = scope["path"]
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        parts = path.split("/", 2)
        prefix = parts[1] if len(parts) > 1 and parts[1] in LANGS else None
        if prefix:
            path = "/" + (parts[2] if len(parts) > 2 else "")
            scope = dict(scope, path=path, raw_path=path.encode())
        lang = pick_lang(prefix, headers.get("accept-language"), self.settings.lang_default)
        scope.setdefault("state", {})
        scope["state"]["lang"] = lang

        key = None
        rid = None
        if scope["method"] in ("GET", "HEAD") and not path.startswith(UNCACHED_PREFIXES):
            try:
                rid = query.current_release(self.settings)
            except OSError:
                rid = None
            if rid:
                key = (rid, lang, path, scope.get("query_string", b""), _representation(path, headers),
                       self._registry_marker(path))
        etag = None
        extra: list[tuple[bytes, bytes]] = list(SECURITY_HEADERS)
        if prefix is None and not path.startswith(("/api/", "/sdmx", "/static")):
            extra.append((b"vary", b"Accept-Language"))
        if key:
            etag = 'W/"' + hashlib.sha1(repr(key).encode()).hexdigest()[:24] + '"'
            # registry-backed pages must be revalidated (ETag) on every visit; the rest may be kept 5 minutes
            cc = b"no-cache" if key[-1] is not None else b"public, max-age=300"
            extra += [(b"etag", etag.encode()), (b"cache-control", cc),
                      (b"last-modified", self._last_modified(rid).encode())]
            if etag in (headers.get("if-none-match") or ""):
                await send({"type": "http.response.start", "status": 304, "headers": extra})
                await send({"type": "http.response.body", "body": b""})
                return
            with self.lock:
                hit = self.cache.get(key)
            if hit is None and self.baked is not None:
                found = self.baked.get(key)
                if found is not None:
                    hit, marker = found
                    if marker != row_key(key)[4]:  # baked before the registry changed: take its new entries
                        hit = await self._splice(scope, key, hit)
                    if hit is not None:
                        self._keep(key, hit)
            if hit is not None:
                await _answer(send, scope, headers, hit, extra)
                self._prewarm(scope, key)
                return
            if scope["method"] == "GET":
                if key in self.inflight:
                    await asyncio.shield(self.inflight[key])
                    with self.lock:
                        hit = self.cache.get(key)
                    if hit is not None:
                        await _answer(send, scope, headers, hit, extra)
                        return
                else:
                    done = asyncio.get_running_loop().create_future()
                    self.inflight[key] = done
                    try:
                        async with self.rendering:
                            status = await self._render(scope, receive, send, key, headers, extra)
                        if status == 200:
                            self._prewarm(scope, key)
                        return
                    finally:
                        del self.inflight[key]
                        done.set_result(None)
        await self._render(scope, receive, send, key, headers, extra)

    async def _splice(self, scope: dict, key: tuple, entry: tuple) -> tuple | None:
        """A baked page with its registry part rendered anew (None when the page has none to replace)."""
        from wsis.web.deps import get_ctx

        path, qs = key[2], bytes(key[3])
        if not path.startswith(tuple(PARTS)) or b"format=" in qs or entry[0] != 200:
            return None
        status, hdrs, body, gz = entry
        ctx = get_ctx(Request(scope))
        body = splice(body if body is not None else gzip.decompress(gz),
                      await run_in_threadpool(registry_html, ctx, path))
        if body is None:
            return None
        return status, hdrs, body, gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= GZIP_MIN else None

    def _prewarm(self, scope: dict, key: tuple) -> None:
        """After an indicator page, get this worker ready for a new selection of areas on it: its map, table
        and breakdown slice are built once in the background (a new chart then costs milliseconds, not the
        half second a cold indicator costs). Servers only, once per release, indicator and language."""
        rid, lang, path, qs, _rep, _marker = key
        if not path.startswith("/indicators/") or self.on_store is not None or not self.settings.warm_selections:
            return
        code = path[len("/indicators/"):]
        params = [p for p in bytes(qs).split(b"&") if p]
        dims = b"&".join(p for p in params if not p.startswith((b"areas=", b"year=")))
        mark = (rid, lang, code, dims)
        if "/" in code or b"format=" in dims or mark in self.warmed:
            return
        if len(self.warmed) > 4096:
            self.warmed.clear()
        self.warmed.add(mark)
        task = asyncio.get_running_loop().create_task(self._warm_selection(scope, lang, path, dims), name=path)
        self.tasks.add(task)
        task.add_done_callback(self._warmed)

    def _warmed(self, task: asyncio.Task) -> None:
        """A warming ended: a failure is logged (it costs nothing but the warmth; the next request for such a
        selection says what is wrong)."""
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("warming %s for new selections failed", task.get_name(), exc_info=task.exception())

    async def _warm_selection(self, scope: dict, lang: str, path: str, dims: bytes) -> None:
        scope = dict(scope, method="GET", path=path, raw_path=path.encode(), headers=[],
                     query_string=b"areas=WLD" + (b"&" + dims if dims else b""), state={"lang": lang})

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def discard(_message):
            return None

        # background work yields to requests: it starts once the worker has had nothing to answer for a
        # moment (a user looks at the page for longer than that before choosing other areas)
        while self.active or time.monotonic() - self.last_done < IDLE_BEFORE_WARMING:
            await asyncio.sleep(IDLE_BEFORE_WARMING / 2)
        async with self.rendering:
            await self.app(scope, receive, discard)

    async def _render(self, scope, receive, send, key, headers, extra) -> int:
        """Answer through the app; a cacheable 200 is kept (with its gzip copy) and sent like a hit. Returns
        the status sent."""
        captured: dict = {"status": 0, "headers": [], "body": [], "start": None}
        # a cacheable GET is held back until its body is complete, stored once (identity and gzip), and sent
        # like a cache hit: so GZipMiddleware does not compress it a second time
        hold = key is not None and scope["method"] == "GET"

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                own = [(k, v) for k, v in message.get("headers", []) if k.lower() not in
                       {b"etag", b"last-modified", b"cache-control", b"content-security-policy"}]
                captured["headers"] = [(k, v) for k, v in own if k.lower() != b"content-length"]
                add = extra if captured["status"] == 200 else list(SECURITY_HEADERS)
                message = dict(message, headers=own + add)
                if hold and captured["status"] == 200:
                    captured["start"] = message
                    return
            elif message["type"] == "http.response.body" and captured["start"] is not None:
                captured["body"].append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = b"".join(captured["body"])
                entry = self._store(key, captured["status"], captured["headers"], body)
                if entry is not None:
                    await _answer(send, scope, headers, entry, extra)
                    return
                await send(captured["start"])
                message = {"type": "http.response.body", "body": body}
            await send(message)

        await self.app(scope, receive, send_wrapper)
        return captured["status"]

    def _registry_marker(self, path: str) -> int | None:
        """Pages that list registry entries are cached per registry state too, so an approval shows at once."""
        return registry_marker(self.settings) if path.startswith(REGISTRY_PAGES) else None

    def _store(self, key, status, headers, body) -> tuple | None:
        """Keep a fresh answer (with its gzip copy) and return it; None when it is too big to keep (the
        baker, which keeps answers on disk, takes any size)."""
        if self.on_store is None and (scope_too_big(body) or len(body) > self.max_bytes):
            return None
        gz = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= GZIP_MIN else None
        entry = (status, headers, body, gz)
        if self.on_store is not None:
            self.on_store(key, entry)
            return entry
        self._keep(key, entry)
        return entry

    def _keep(self, key, entry) -> None:
        size = len(entry[2]) if entry[2] is not None else len(entry[3])
        if size > min(self.max_bytes, 2_000_000):  # as scope_too_big
            return
        with self.lock:
            old = self.cache.pop(key, None)
            if old is not None:
                self.cached_bytes -= _entry_bytes(old)
            self.cache[key] = entry
            self.cached_bytes += _entry_bytes(entry)
            # bounded in entries and in bytes (bodies plus gzip copies); the least recently stored go first
            while self.cache and (len(self.cache) > self.max_entries or self.cached_bytes > self.max_bytes):
                self.cached_bytes -= _entry_bytes(self.cache.popitem(last=False)[1])

    def _last_modified(self, rid: str) -> str:
        return last_modified(self.settings, rid)


_MODIFIED: dict[tuple[str, str], str] = {}


def last_modified(settings: Settings, rid: str) -> str:
    """A release's creation time as an HTTP date (a release never changes: worked out once per process)."""
    got = _MODIFIED.get((str(settings.home), rid))
    if got is None:
        try:
            created = query.manifest(query.release(settings, rid))["created"]
            got = format_datetime(datetime.fromisoformat(created), usegmt=True)
        except (WsisError, KeyError, ValueError, OSError):
            return format_datetime(datetime(2025, 12, 17).astimezone(), usegmt=True)
        if len(_MODIFIED) > 64:
            _MODIFIED.clear()
        _MODIFIED[(str(settings.home), rid)] = got
    return got


def registry_marker(settings: Settings) -> int:
    """The registry's change marker (-1 before the registry exists)."""
    return registry.get_registry(settings).marker()


async def _answer(send, scope, headers: dict[str, str], entry: tuple, extra: list) -> None:
    """Send a kept answer: the gzip copy when the client accepts gzip, nothing but headers for HEAD. A baked
    answer may hold only its gzip copy (body None): it is decompressed for the rare client without gzip."""
    status, hdrs, body, gz = entry
    if gz is not None and "gzip" in headers.get("accept-encoding", ""):
        body = gz
        hdrs = hdrs + [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding")]
    elif body is None:
        body = gzip.decompress(gz)
    hdrs = hdrs + [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": hdrs + extra})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


def _entry_bytes(entry: tuple) -> int:
    _status, headers, body, gz = entry
    return len(body or b"") + (len(gz) if gz else 0) + sum(len(k) + len(v) for k, v in headers) + 200


def _representation(path: str, headers: dict[str, str]) -> str:
    """What the Accept header selects for ``path`` (only SDMX data negotiates; everything else: '')."""
    if path.startswith("/sdmx/data"):
        from wsis.web.sdmx.params import representation

        return representation(headers.get("accept", ""))
    return ""


def scope_too_big(body: bytes) -> bool:
    """Responses over 2 MB are not kept in the response cache."""
    return len(body) > 2_000_000


def _wants_json(request: Request) -> bool:
    p = request.url.path
    return (p.startswith(("/api/", "/sdmx")) or request.query_params.get("format") in ("json", "csv")
            or "application/json" in request.headers.get("accept", ""))


def problem(err: WsisError) -> JSONResponse:
    """A WsisError as an RFC 9457 problem+json response."""
    retry = err.extra.get("retry_after")
    return JSONResponse(err.to_problem(), status_code=err.status, media_type="application/problem+json",
                        headers={"Retry-After": str(retry)} if retry else None)


def install_handlers(app: FastAPI) -> None:
    """Map WsisError, validation errors and HTTP errors to problem+json (API) or an HTML page (pages)."""
    from wsis.web.registry.deps import registry_page
    from wsis.web.registry.pages import error_page as registry_error_page
    from wsis.web.render import error_page as dashboard_error_page

    def error_page(request: Request, err: WsisError) -> Response:
        # registry pages keep their own navigation, in the visitor's language
        return (registry_error_page if registry_page(request) else dashboard_error_page)(request, err)

    @app.exception_handler(WsisError)
    async def _wsis(request: Request, exc: WsisError):
        return problem(exc) if _wants_json(request) else error_page(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        first = (exc.errors() or [{}])[0]
        loc = [str(x) for x in first.get("loc", [])]
        err = WsisError("bad-parameter", f"invalid value for {'.'.join(loc[1:]) or 'a parameter'}: "
                        f"{first.get('msg', 'invalid')}", column=loc[-1] if loc else None,
                        expected=first.get("type"), status=400)
        return problem(err) if _wants_json(request) else error_page(request, err)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        err = WsisError(code, str(exc.detail), status=exc.status_code)
        return problem(err) if _wants_json(request) else error_page(request, err)


def warm_caches(settings: Settings, done: threading.Event | None = None) -> None:
    """Start the chart renderer and read the small per-release tables in the background after start-up
    (the release already holds everything precomputed; this only saves the first request a cold start)."""
    from wsis.web import charts

    try:
        rel = query.release(settings)
        baked_prefetch(settings, rel.id)  # the baked answers into the page cache
        last_modified(settings, rel.id)
        from sqlalchemy.exc import SQLAlchemyError

        with contextlib.suppress(SQLAlchemyError, OSError):  # a registry that is down: its pages will say so
            registry_marker(settings)  # opens the registry and its marker connection before the first page
        query.gap_table(rel)
        query.progress(rel)
        query.world_map(rel)
        charts.bar_chart(rel.id, __import__("pandas").DataFrame({"label": ["a"], "value": [1.0]}), "")
    except WsisError:  # no release yet: pages say so themselves
        pass
    finally:
        # what start-up loaded (modules, the release's tables, the store connection) lives as long as the
        # process: moved out of the collector's sight, a full collection no longer walks it in mid-request
        gc.freeze()
        if done is not None:
            done.set()


def create_app(settings: Settings | None = None, on_store=None) -> FastAPI:
    """Build the web application bound to ``settings`` (process settings by default).

    ``on_store(key, answer)`` is for the baker: it receives every fresh cacheable answer instead of the
    in-memory cache, and the baked store is not consulted."""
    settings = settings or get_settings()
    warmed = threading.Event()

    @asynccontextmanager
    async def lifespan(_app):
        threading.Thread(target=warm_caches, args=(settings, warmed), daemon=True, name="wsis-warm").start()
        yield

    app = FastAPI(lifespan=lifespan, title="WSIS Monitor open API", version="1",
                  description="Read-only access to the current WSIS Monitor release: observations filtered on "
                              "every dimension, indicators, areas, groups, gaps, progress, targets, action "
                              "lines and releases. Lists come in an envelope {data, count, next}; errors are "
                              "problem+json. Every dashboard page also has ?format=json and ?format=csv twins.",
                  openapi_url="/api/v1/openapi.json", docs_url=None, redoc_url=None)
    app.state.wsis_settings = settings
    # The registry validates codes against the served release's frameworks, not the data dir.
    from wsis.web.deps import registry_vocabulary

    registry.get_registry(settings).use_vocabulary(lambda: registry_vocabulary(settings))
    from wsis.web.api import router as api_router
    from wsis.web.pages import router as pages_router
    from wsis.web.sdmx import router as sdmx_router

    app.include_router(api_router)
    app.include_router(sdmx_router)
    from wsis.web.registry import router as registry_router

    app.include_router(registry_router)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> Response:
        """200 once the start-up cache warming is done (503 "warming" before: the server already answers)."""
        if warmed.is_set():
            return Response("ok", media_type="text/plain")
        return Response("warming", status_code=503, media_type="text/plain")

    @app.get("/healthz/bake", include_in_schema=False)
    def healthz_bake() -> JSONResponse:
        """How far the background bake of the current release is (planned and baked URLs)."""
        return JSONResponse(baked_progress(settings, query.current_release(settings)))

    install_handlers(app)

    app.add_middleware(WsisMiddleware, settings=settings, on_store=on_store)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN, compresslevel=6)
    install_guards(app, settings.max_body_bytes)
    return app
