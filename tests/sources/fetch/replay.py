"""A small HTTP server on 127.0.0.1 that replays recorded API responses and injects faults.

Routes match a path and a subset of query parameters; the most recent matching route wins, so a test
can "repair" or "break" the service mid-way. Each route holds a queue of replies: they are served in
order and the last one repeats. Faults: any status, ``Retry-After``, a delay (client timeout), a body cut
off after N bytes while announcing the full ``Content-Length``, any content type, ETag/304.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

DATA = Path(__file__).resolve().parents[2] / "data" / "fetch"


def recorded(name: str) -> bytes:
    """Bytes of a recorded response under tests/data/fetch/."""
    return (DATA / name).read_bytes()


@dataclass
class Reply:
    """One canned response."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/json;charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncate: int | None = None
    etag: str | None = None


@dataclass
class Seen:
    """One request the server received."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]


class _Route:
    def __init__(self, path: str, query: dict[str, str], replies: list[Reply]) -> None:
        self.path, self.query, self.replies = path, query, deque(replies)

    def matches(self, path: str, query: dict[str, str]) -> bool:
        return path == self.path and all(query.get(k) == v for k, v in self.query.items())

    def next(self) -> Reply:
        return self.replies.popleft() if len(self.replies) > 1 else self.replies[0]


class ReplayServer:
    """Start with ``with ReplayServer() as srv``; ``srv.url`` is the base URL."""

    def __init__(self) -> None:
        self.routes: list[_Route] = []
        self.log: list[Seen] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                parts = urlsplit(self.path)
                query = dict(parse_qsl(parts.query, keep_blank_values=True))
                with server._lock:
                    server.log.append(Seen(parts.path, query, {k.lower(): v for k, v in self.headers.items()}))
                    route = next((r for r in reversed(server.routes) if r.matches(parts.path, query)), None)
                    reply = route.next() if route else Reply(b'{"error": "no route"}', 404)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.etag and self.headers.get("If-None-Match") == reply.etag:
                    self.send_response(304)
                    self.send_header("ETag", reply.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(reply.body)))
                    if reply.etag:
                        self.send_header("ETag", reply.etag)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    if reply.truncate is not None:
                        self.send_header("Connection", "close")
                    self.end_headers()
                    if reply.truncate is not None:
                        self.wfile.write(reply.body[: reply.truncate])
                        self.wfile.flush()
                        self.close_connection = True
                    else:
                        self.wfile.write(reply.body)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def route(self, path: str, *replies: Reply, **query: str) -> None:
        """Serve ``replies`` (in order, the last repeating) for GET ``path`` with these query values."""
        with self._lock:
            self.routes.append(_Route(path, {k: str(v) for k, v in query.items()}, list(replies)))

    def hits(self, path: str, **query: str) -> int:
        """How many requests matched ``path`` and the given query values."""
        return sum(1 for s in self.log if s.path == path and all(s.query.get(k) == str(v) for k, v in query.items()))

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
