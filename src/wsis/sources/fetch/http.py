"""One careful HTTP GET: timeouts, retries with exponential backoff and jitter, ``Retry-After``,
conditional requests (``If-None-Match`` / ``If-Modified-Since``), resume from the journal, and
validation of every body before anything downstream sees it.
"""

from __future__ import annotations

import email.utils
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

import httpx

from wsis.errors import WsisError
from wsis.settings import Settings
from wsis.sources.fetch.store import CachedBody, Journal, ResponseCache, sha256_bytes, utcnow

RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
USER_AGENT = "wsis-monitor-fetch/0.1 (+https://wsis-monitor.org)"


class Retryable(Exception):
    """A failure worth another try (network, 5xx, 429, timeout, truncated body)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


@dataclass
class Fetched:
    """A validated response body and where it came from (network, 304 + cache, or the resume journal)."""

    url: str
    body: bytes
    data: Any
    sha256: str
    etag: str | None
    last_modified: str | None
    content_type: str
    retrieved_at: str
    origin: str  # "network" | "not-modified" | "journal"

    def provenance(self) -> dict[str, Any]:
        """The per-URL part of a provenance record."""
        return {"url": self.url, "retrieved_at": self.retrieved_at, "etag": self.etag,
                "last_modified": self.last_modified, "sha256": self.sha256, "size": len(self.body),
                "origin": self.origin}


@dataclass
class Wait:
    """One pause before a retry: why, and for how long (seconds)."""

    url: str
    reason: str
    seconds: float


@dataclass
class FetchStats:
    """Counters for the summary: requests sent, retries, 304s, pages taken from the journal."""

    counts: Counter = field(default_factory=Counter)
    waits: list[Wait] = field(default_factory=list)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def _kind_ok(kind: str, content_type: str) -> bool:
    ct = content_type.split(";")[0].strip().lower()
    if kind == "json":
        return ct in ("application/json", "text/json", "text/plain") or ct.endswith("+json")
    if kind == "xml":
        return ct in ("application/xml", "text/xml") or ct.endswith("+xml")
    return True


def decode_body(url: str, kind: str, body: bytes, content_type: str) -> Any:
    """Check the content type and parse the body; a cut-off body raises ``Retryable``, a wrong one WsisError."""
    head = body.lstrip()[:200].lower()
    looks_html = head.startswith(b"<!doctype html") or head.startswith(b"<html")
    if looks_html or not _kind_ok(kind, content_type):
        raise WsisError("fetch-bad-content", f"the server answered {content_type or 'no content type'} "
                        f"({'an HTML page' if looks_html else f'{len(body)} bytes'}), not {kind.upper()}",
                        file=url, expected=f"a {kind.upper()} body",
                        hint="the service may be down or redirecting to a portal; try again later")
    if not body.strip():
        raise Retryable("empty body")
    if kind == "json":
        try:
            return json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise Retryable(f"truncated or malformed JSON ({exc.msg} at byte {exc.pos})"
                            if isinstance(exc, json.JSONDecodeError) else "body is not UTF-8") from exc
    if kind == "xml":
        import xml.etree.ElementTree as ET  # noqa: N817 - well-formedness only; sdmx1 parses it later

        import defusedxml
        import defusedxml.ElementTree as DET

        try:
            DET.fromstring(body)
        except ET.ParseError as exc:
            raise Retryable(f"truncated or malformed XML ({exc})") from exc
        except defusedxml.DefusedXmlException as exc:
            raise WsisError("fetch-unsafe-xml", f"the XML declares entities or DTDs ({type(exc).__name__})",
                            file=url, expected="plain SDMX-ML without entity declarations") from exc
    return None


class Fetcher:
    """HTTP GETs for one fetch run, sharing one connection pool, the response cache and the journal."""

    def __init__(self, settings: Settings, cache: ResponseCache, journal: Journal, *,
                 sleep: Callable[[float], None] = time.sleep, seed: int | None = None) -> None:
        self.settings = settings
        self.cache = cache
        self.journal = journal
        self.stats = FetchStats()
        self.touched: set[str] = set()  # journal jobs recorded since the last ``finish_jobs``
        self._sleep = sleep
        self._rng = random.Random(seed)
        self._client = httpx.Client(timeout=httpx.Timeout(settings.fetch_timeout), follow_redirects=True,
                                    headers={"User-Agent": USER_AGENT})

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def finish_jobs(self) -> None:
        """Forget the journal pages of the work just committed (the next run asks the server again)."""
        for job in sorted(self.touched):
            self.journal.reset(job)
        self.touched.clear()

    def backoff(self, attempt: int) -> float:
        """Delay before retry ``attempt`` (1-based): exponential, capped, with 'equal jitter'."""
        cap = self.settings.fetch_backoff_max
        step = min(cap, self.settings.fetch_backoff_base * (2 ** (attempt - 1)))
        return step / 2 + self._rng.uniform(0, step / 2)

    def get(self, url: str, *, kind: str = "json", job: str | None = None, conditional: bool = True,
            headers: dict[str, str] | None = None,
            check: Callable[[Fetched], None] | None = None) -> Fetched:
        """GET ``url`` and return a validated body.

        With ``job``, a page already recorded in the journal for that job is served from the cache
        without any request (resume). With ``conditional``, validators from the cache are sent and a
        ``304`` is answered from the cache. ``check`` may raise WsisError (not retried) or ``Retryable``.
        """
        cached = self.cache.get(url)
        if job is not None and cached is not None and self.journal.page(job, url) == cached.sha256:
            data = decode_body(url, kind, cached.body, cached.content_type)
            got = Fetched(url, cached.body, data, cached.sha256, cached.etag, cached.last_modified,
                          cached.content_type, cached.retrieved_at, "journal")
            if check:
                check(got)
            self.stats.counts["resumed"] += 1
            return got
        attempts = 1 + max(0, self.settings.fetch_retries)
        last = "no attempt"
        for attempt in range(1, attempts + 1):
            try:
                got = self._once(url, kind, cached if conditional else None, headers or {})
                if check:
                    check(got)
            except Retryable as exc:
                last = exc.reason
                if attempt == attempts:
                    break
                delay = self.backoff(attempt)
                reason = "backoff"
                if exc.retry_after is not None:
                    delay, reason = min(exc.retry_after, self.settings.fetch_backoff_max), "retry-after"
                self.stats.counts["retries"] += 1
                self.stats.waits.append(Wait(url, f"{reason}: {exc.reason}", delay))
                self._sleep(delay)
                continue
            if got.origin == "network":
                self.cache.put(CachedBody(url, got.body, got.sha256, got.etag, got.last_modified,
                                          got.content_type, got.retrieved_at))
            if job is not None:
                self.journal.record(job, url, got.sha256)
                self.touched.add(job)
            return got
        raise WsisError("fetch-failed", f"gave up after {attempts} attempts: {last}", file=url,
                        expected="a complete answer", status=502,
                        hint="the service may be down; run the same command again later (finished pages are kept)")

    def _once(self, url: str, kind: str, cached: CachedBody | None, extra: dict[str, str]) -> Fetched:
        headers = dict(extra)
        if cached is not None:
            if cached.etag:
                headers["If-None-Match"] = cached.etag
            if cached.last_modified:
                headers["If-Modified-Since"] = cached.last_modified
        self.stats.counts["requests"] += 1
        try:
            resp = self._client.get(url, headers=headers)
        except httpx.TimeoutException as exc:
            raise Retryable(f"timed out ({type(exc).__name__})") from exc
        except httpx.RequestError as exc:
            raise Retryable(f"{type(exc).__name__}: {exc}") from exc
        now = utcnow()
        if resp.status_code == 304:
            if cached is None:
                raise WsisError("fetch-bad-status", "304 Not Modified to a request without validators",
                                file=url, expected="200")
            self.stats.counts["not_modified"] += 1
            data = decode_body(url, kind, cached.body, cached.content_type)
            return Fetched(url, cached.body, data, cached.sha256, resp.headers.get("ETag", cached.etag),
                           resp.headers.get("Last-Modified", cached.last_modified), cached.content_type,
                           now, "not-modified")
        if resp.status_code in RETRY_STATUS:
            raise Retryable(f"HTTP {resp.status_code}", parse_retry_after(resp.headers.get("Retry-After")))
        if resp.status_code != 200:
            snippet = " ".join(resp.text[:160].split())
            raise WsisError("fetch-bad-status", f"HTTP {resp.status_code}: {snippet}", file=url,
                            expected="HTTP 200", status=502,
                            hint="check the indicator or series code" if resp.status_code in (400, 404) else None)
        body = resp.content
        ct = resp.headers.get("Content-Type", "")
        data = decode_body(url, kind, body, ct)
        return Fetched(url, body, data, sha256_bytes(body), resp.headers.get("ETag"),
                       resp.headers.get("Last-Modified"), ct, now, "network")

