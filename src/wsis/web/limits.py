"""Resource guards in front of every route (pure ASGI, outermost of the app's own middleware).

* ``HEAD`` is answered wherever ``GET`` is: the request is routed as ``GET`` and the body is dropped.
* Request bodies have a size limit (``Settings.max_body_bytes``), enforced before anything is read: a
  ``Content-Length`` over the limit is refused at once, and a chunked body is counted as it streams in
  (past the limit the 413 goes out and the app is told the client left). The answer is a 413 problem+json.
* A failure nothing else caught still answers problem+json *with* the security headers (the server logs the
  traceback; the client never sees it).
"""

from __future__ import annotations

import json

from fastapi import FastAPI, Request

from wsis.errors import WsisError

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _security_headers() -> list[tuple[bytes, bytes]]:
    from wsis.web.app import SECURITY_HEADERS  # lazily: app.py imports this module

    return list(SECURITY_HEADERS)


async def send_problem(send, err: WsisError, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    """Answer ``err`` as problem+json with the security headers (raw ASGI)."""
    body = json.dumps(err.to_problem()).encode()
    headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode()),
               *_security_headers(), *(extra or [])]
    await send({"type": "http.response.start", "status": err.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def too_large(limit: int) -> WsisError:
    """The 413 answer for a body over ``limit`` bytes."""
    return WsisError("body-too-large", f"the request body is larger than {limit} bytes", status=413,
                     expected=f"at most {limit} bytes", hint="send a smaller body")


class GuardMiddleware:
    """HEAD as GET, request-body limit, and a last-resort 500 that keeps the security headers."""

    def __init__(self, app, max_body: int = 1_000_000):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        head = scope["method"] == "HEAD"
        if head:
            scope = dict(scope, method="GET")
        started = rejected = False

        async def guarded_send(message):
            nonlocal started
            if rejected:
                return  # the 413 has gone out; whatever the app answers after it is dropped
            if message["type"] == "http.response.start":
                started = True
            elif head and message["type"] == "http.response.body":
                message = dict(message, body=b"")
            await send(message)

        if scope["method"] in BODY_METHODS:
            length = dict(scope.get("headers", [])).get(b"content-length")
            if length is not None and (not length.isdigit() or int(length) > self.max_body):
                return await send_problem(send, too_large(self.max_body), [(b"connection", b"close")])
            seen = 0
            inner_receive = receive

            async def receive():  # noqa: F811 - the counting wrapper replaces the raw receive
                nonlocal seen, rejected, started
                message = await inner_receive()
                if message["type"] == "http.request":
                    seen += len(message.get("body", b""))
                    if seen > self.max_body:
                        if not started and not rejected:
                            started = rejected = True
                            await send_problem(send, too_large(self.max_body), [(b"connection", b"close")])
                        return {"type": "http.disconnect"}  # the app stops reading
                return message

        try:
            await self.app(scope, receive, guarded_send)
        except Exception:
            if rejected:
                return
            if not started:
                await send_problem(guarded_send, WsisError("internal-error", "the server failed on this request",
                                                           status=500, hint="it was logged; try again later"))
            raise


def install_guards(app: FastAPI, max_body: int) -> None:
    """Add the guard middleware; map OverflowError (a number too large for the database) to 400 and an
    unwritable or saturated registry database (read-only home, no free connection) to 503."""

    @app.exception_handler(OverflowError)
    async def _overflow(request: Request, exc: OverflowError):
        err = WsisError("bad-parameter", "a number in the request is out of range", status=400,
                        expected="an integer between 0 and 2147483647")
        return await _answer(request, err)

    from sqlalchemy.exc import OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    async def _storage(request: Request, exc: Exception):
        from wsis.registry.db import storage_error

        err = storage_error(exc)
        if err is None:
            raise exc
        return await _answer(request, err)

    app.add_middleware(GuardMiddleware, max_body=max_body)


async def _answer(request: Request, err: WsisError):
    handler = request.app.exception_handlers.get(WsisError)
    if handler is None:
        from fastapi.responses import JSONResponse

        return JSONResponse(err.to_problem(), status_code=err.status, media_type="application/problem+json")
    return await handler(request, err)
