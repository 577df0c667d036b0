"""Page weight: HTML + CSS + SVG + JS of each page type, as transferred compressed, is at most 50 KB."""

from __future__ import annotations

import re
import urllib.request

import pytest

BUDGET = 50 * 1024
PAGES = ["/", "/indicators/IT_USE_ii99", "/areas/KEN", "/groups/LDC", "/action-lines/C2", "/compare",
         "/releases", "/indicators", "/ar/", "/ar/indicators/IT_USE_ii99", "/ar/areas/KEN", "/ar/action-lines/C2",
         "/indicators/AI_GAIRI", "/ar/indicators/RIGHTS_SHUTDOWN_EVENTS", "/outcome"]


def _fetch(url: str):
    req = urllib.request.Request(url, headers={"accept-encoding": "gzip"})
    with urllib.request.urlopen(req, timeout=30) as r:  # urllib does not decompress: these are wire bytes
        return r.read(), r.headers


@pytest.mark.parametrize("path", PAGES)
def test_page_weight_within_budget(live_server, path):
    body, headers = _fetch(live_server + path)
    assert headers.get("Content-Encoding") == "gzip"
    import gzip

    html = gzip.decompress(body).decode()
    assert "<h1 " in html
    total = len(body)
    assets = set(re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js|svg))"', html))
    for a in assets:
        total += len(_fetch(live_server + a)[0])
    print(f"{path}: {total / 1024:.1f} KB compressed ({len(assets)} assets)")
    assert total <= BUDGET
