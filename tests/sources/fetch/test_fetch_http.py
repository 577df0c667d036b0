"""The HTTP layer's small rules: Retry-After parsing, backoff bounds, body validation."""

from __future__ import annotations

import email.utils

import pytest

from wsis.errors import WsisError
from wsis.settings import Settings
from wsis.sources.fetch.http import Fetcher, Retryable, decode_body, parse_retry_after
from wsis.sources.fetch.store import Journal, ResponseCache


def test_retry_after_seconds_and_http_date():
    assert parse_retry_after("120") == 120.0
    now = 1_750_000_000.0
    assert parse_retry_after(email.utils.formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30)
    assert parse_retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_backoff_grows_with_jitter_and_is_capped(tmp_path):
    s = Settings(fetch_backoff_base=1.0, fetch_backoff_max=8.0)
    with Fetcher(s, ResponseCache(tmp_path / "c"), Journal(tmp_path / "j.json"), seed=1) as f:
        for attempt, step in ((1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (9, 8.0)):
            delays = [f.backoff(attempt) for _ in range(50)]
            assert all(step / 2 <= d <= step for d in delays)
            assert len(set(delays)) > 1  # jittered


def test_decode_body_rules():
    assert decode_body("u", "json", b'[1, 2]', "application/json;charset=utf-8") == [1, 2]
    with pytest.raises(Retryable, match="truncated"):
        decode_body("u", "json", b'[{"a": 1', "application/json")
    with pytest.raises(Retryable, match="empty"):
        decode_body("u", "json", b"  ", "application/json")
    with pytest.raises(WsisError) as err:
        decode_body("http://x/api", "json", b"<!DOCTYPE html><p>maintenance", "application/json")
    assert err.value.file == "http://x/api" and "HTML" in err.value.message
    with pytest.raises(WsisError, match="not XML"):
        decode_body("u", "xml", b"{}", "application/json")
    with pytest.raises(Retryable, match="XML"):
        decode_body("u", "xml", b"<a><b></a>", "application/xml")
    with pytest.raises(WsisError):  # entity expansion is refused, not evaluated
        decode_body("u", "xml", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', "application/xml")
