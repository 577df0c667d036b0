"""Finding 2 and 5: memory exhaustion by anonymous callers, numbers that overflowed into 500s, and HEAD.

Run against ``wsis serve`` in a child process, so the memory of the one worker can be read from /proc.
"""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import httpx
import pytest
from tests.security.conftest import API, CACHE_BYTES, PASSWORD, rss_bytes

SLACK = 40_000_000  # allocator and interpreter growth that is not the response cache
HUGE = "99999999999999999999999"


def _raw(url: str, head: bytes, body_chunks=()) -> tuple[int, dict, bytes]:
    """Send a raw HTTP/1.1 request (headers, then as much of the body as the server takes); read the answer."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(head)
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except OSError:
            pass  # the server answered and closed before the whole body: that is the point
        data = b""
        while True:
            try:
                more = sock.recv(65536)
            except OSError:
                break
            if not more:
                break
            data += more
            if b"\r\n\r\n" in data:
                head_part, _, rest = data.partition(b"\r\n\r\n")
                hdrs = dict(line.decode().lower().split(": ", 1) for line in head_part.split(b"\r\n")[1:])
                if len(rest) >= int(hdrs.get("content-length", 0)):
                    break
    head_part, _, rest = data.partition(b"\r\n\r\n")
    lines = head_part.split(b"\r\n")
    hdrs = dict(line.decode().lower().split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), hdrs, rest


def _post_head(path: str, extra: str) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{extra}"
            "\r\n").encode()


def test_worker_memory_stays_bounded_under_distinct_accept_headers_and_huge_bodies(served):
    url, proc = served
    with httpx.Client(base_url=url, timeout=60) as c:
        for i in range(30):  # warm the interpreter, the release reader and one cache entry per route
            assert c.get("/api/v1/areas", params={"limit": 1000}, headers={"Accept": f"warm/{i}"}).status_code == 200
            c.get("/sdmx/data/DF_WSIS/all", params={"format": "csv"})
        before = rss_bytes(proc.pid)
        for i in range(1000):
            r = c.get("/api/v1/areas", params={"limit": 1000}, headers={"Accept": f"text/csv, x/{i}"})
            assert r.status_code == 200
            c.get("/sdmx/data/DF_WSIS/all", headers={"Accept": f"application/vnd.sdmx.data+csv, x/{i}"})
        for offset in range(300):  # distinct answers fill the cache only up to its byte bound
            c.get("/api/v1/areas", params={"limit": 1000, "offset": offset})
    mid = rss_bytes(proc.pid)
    print(f"worker RSS {before / 1e6:.0f} MB -> {mid / 1e6:.0f} MB after 2,000 distinct Accept headers and "
          f"300 distinct queries (bound: +{(CACHE_BYTES + SLACK) / 1e6:.0f} MB)")
    assert mid - before < CACHE_BYTES + SLACK, f"worker grew by {(mid - before) / 1e6:.0f} MB"
    for _ in range(5):
        status, hdrs, body = _raw(url + API, _post_head(f"{API}/auth/login", "Content-Length: 150000000\r\n"),
                                  [b"x" * 1_000_000] * 3)
        assert status == 413
    after = rss_bytes(proc.pid)
    print(f"worker RSS -> {after / 1e6:.0f} MB after five 150 MB bodies")
    assert after - before < CACHE_BYTES + SLACK, f"worker grew by {(after - before) / 1e6:.0f} MB"


def test_oversized_bodies_get_413_problem_json_before_they_are_read(served):
    url, _proc = served
    status, hdrs, body = _raw(url, _post_head(f"{API}/auth/login", "Content-Length: 150000000\r\n"))
    assert status == 413 and hdrs["content-type"] == "application/problem+json"
    assert json.loads(body)["status"] == 413 and "content-security-policy" in hdrs
    # a chunked body has no length: it is counted as it arrives and cut off past the limit
    chunk = b"100000\r\n" + b"x" * 0x100000 + b"\r\n"
    status, hdrs, body = _raw(url, _post_head(f"{API}/auth/login", "Transfer-Encoding: chunked\r\n"),
                              [chunk] * 4 + [b"0\r\n\r\n"])
    assert status == 413 and json.loads(body)["title"] == "body too large"
    # forms too
    r = httpx.post(f"{url}/registry/login", content=b"a=" + b"x" * 1_100_000,
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413
    # a normal body still works
    r = httpx.post(f"{url}{API}/auth/login", json={"email": "real@example.org", "password": "wrong-password"})
    assert r.status_code == 401


@pytest.mark.parametrize("method,path", [
    ("GET", f"/registry/?offset={HUGE}"),
    ("GET", "/registry/initiatives/9223372036854775808"),
    ("POST", "/registry/moderation/9223372036854775808"),
    ("GET", f"{API}/initiatives/9223372036854775808"),
    ("GET", f"{API}/initiatives?offset={HUGE}"),
    ("GET", f"{API}/commitments?limit={HUGE}"),
    ("GET", f"/api/v1/areas?limit={HUGE}"),
    ("GET", f"/api/v1/observations?offset={HUGE}"),
])
def test_integer_parameters_out_of_range_are_400_with_security_headers(served, method, path):
    url, _proc = served
    r = httpx.request(method, url + path, timeout=60, data={"csrf_token": "x"} if method == "POST" else None)
    assert r.status_code == 400, r.text[:300]
    assert "content-security-policy" in r.headers


@pytest.mark.parametrize("path", ["/registry/", "/registry/login", "/registry/deliverables", f"{API}/initiatives",
                                  f"{API}/commitments", "/healthz", "/api/v1/areas", "/static/registry.css"])
def test_head_is_answered_wherever_get_is(served, path):
    url, _proc = served
    get = httpx.get(url + path, timeout=60)
    head = httpx.head(url + path, timeout=60)
    assert get.status_code == 200 and head.status_code == 200, (path, head.status_code)
    assert head.content == b""


def test_proxy_headers_give_each_client_its_own_address(served):
    """`wsis serve --proxy-headers --forwarded-allow-ips 127.0.0.1`: throttling sees the real client."""
    url, _proc = served
    login = f"{url}{API}/auth/login"
    for _ in range(8):
        r = httpx.post(login, json={"email": "real@example.org", "password": "wrong-password"},
                       headers={"X-Forwarded-For": "203.0.113.50"})
    assert r.status_code == 429
    r = httpx.post(login, json={"email": "real@example.org", "password": PASSWORD},
                   headers={"X-Forwarded-For": "198.51.100.60"})
    assert r.status_code == 200, r.text
