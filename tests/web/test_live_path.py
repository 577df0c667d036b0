"""What a URL nobody asked for before costs: one render however many ask for it at once, at most three
renders at a time per worker, a new chart selection that renders only its chart, and the background warming
that gets a worker ready for new selections after an indicator page."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
from fastapi.testclient import TestClient

from wsis import query
from wsis.web.app import LIVE_RENDERS, create_app
from wsis.web.pages import dashboard


def _get_all(app, urls: list[str]) -> list[httpx.Response]:
    """Every URL requested at the same moment through the ASGI app (one worker's event loop)."""
    async def run():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            return await asyncio.gather(*(c.get(u) for u in urls))
    return asyncio.run(run())


def _counting(monkeypatch, pause: float = 0.0) -> dict:
    """Count (and optionally slow down) the line charts drawn, with the most drawn at one time."""
    seen = {"calls": 0, "now": 0, "most": 0}
    lock = threading.Lock()
    real = dashboard.line_svg

    def line_svg(*a, **k):
        with lock:
            seen["calls"] += 1
            seen["now"] += 1
            seen["most"] = max(seen["most"], seen["now"])
        try:
            time.sleep(pause)  # so that renders overlap if they are let through together
            return real(*a, **k)
        finally:
            with lock:
                seen["now"] -= 1
    monkeypatch.setattr(dashboard, "line_svg", line_svg)
    return seen


def test_one_render_for_many_first_requests_of_one_url(web_settings, monkeypatch):
    seen = _counting(monkeypatch, pause=0.3)
    app = create_app(web_settings)
    got = _get_all(app, ["/indicators/IT_USE_ii99?areas=KEN,UGA,TZA"] * 12)
    assert [r.status_code for r in got] == [200] * 12
    assert len({r.content for r in got}) == 1
    assert seen["calls"] == 1


def test_at_most_three_live_renders_at_a_time(web_settings, monkeypatch):
    seen = _counting(monkeypatch, pause=0.3)
    app = create_app(web_settings)
    areas = ["KEN", "UGA", "TZA", "RWA", "ETH", "GHA", "NGA", "SEN", "MLI"]
    got = _get_all(app, [f"/indicators/IT_USE_ii99?areas={a},WLD" for a in areas])
    assert all(r.status_code == 200 for r in got)
    assert seen["calls"] == len(areas)
    assert seen["most"] == LIVE_RENDERS


def test_a_new_selection_renders_only_its_chart(client):
    one = client.get("/indicators/IT_USE_ii99?areas=KEN,UGA").text
    two = client.get("/indicators/IT_USE_ii99?areas=RWA,ETH,WLD").text
    # the part below the chart (map, table of every country, sources) is the same, the chart is not
    cut = 'id="table-h"'
    assert one[one.index(cut):one.index("<h2>Download")] == two[two.index(cut):two.index("<h2>Download")]
    assert "Kenya" in one[:one.index(cut)] and "Rwanda" in two[:two.index(cut)]
    rel_id = query.current_release(client.app.state.wsis_settings)
    dims = tuple(sorted(query.default_dims(query.release(client.app.state.wsis_settings), "IT_USE_ii99").items()))
    assert (rel_id, "IT_USE_ii99", "en", dims, None) in dashboard._VALUES.items
    # the JSON twin still carries the selected series and every value
    twin = client.get("/indicators/IT_USE_ii99?areas=KEN,UGA&format=json").json()["data"]
    assert {r["REF_AREA"] for r in twin["series"]} == {"KEN", "UGA"} and len(twin["values"]) > 100


def test_an_indicator_page_warms_new_selections_in_the_background(web_settings):
    settings = web_settings.model_copy(update={"warm_selections": True})
    key_of = (query.current_release(settings), "IT_MOB_OWN", "es")
    with TestClient(create_app(settings)) as c:
        dashboard._VALUES.items.clear()
        assert c.get("/es/indicators/IT_MOB_OWN").status_code == 200
        end = time.monotonic() + 120
        while time.monotonic() < end and not any(k[:3] == key_of for k in list(dashboard._VALUES.items)):
            time.sleep(0.2)
        assert any(k[:3] == key_of for k in dashboard._VALUES.items), "the values part was not built"
        # one warming per indicator and language: a second visit schedules nothing more
        mw = _middleware(c.app)
        warmed = set(mw.warmed)
        c.get("/es/indicators/IT_MOB_OWN?areas=KEN")
        assert mw.warmed == warmed


def _middleware(app):
    """The app's WsisMiddleware instance (built on the first request)."""
    from wsis.web.app import WsisMiddleware

    node = app.middleware_stack
    while node is not None and not isinstance(node, WsisMiddleware):
        node = getattr(node, "app", None)
    assert node is not None
    return node


def test_a_failed_warming_is_logged_and_answers_nothing(web_settings, monkeypatch, caplog):
    settings = web_settings.model_copy(update={"warm_selections": True})
    real = dashboard.line_svg

    def line_svg(ctx, code, area_codes, *a, **k):
        if area_codes == ["WLD"]:  # the warming's selection
            raise RuntimeError("broken chart")
        return real(ctx, code, area_codes, *a, **k)
    monkeypatch.setattr(dashboard, "line_svg", line_svg)
    with caplog.at_level("WARNING", logger="wsis.web"), TestClient(create_app(settings)) as c:
        assert c.get("/ru/indicators/IT_MOB_OWN?areas=KEN").status_code == 200
        end = time.monotonic() + 120
        while time.monotonic() < end and "new selections failed" not in caplog.text:
            time.sleep(0.2)
        assert "warming /indicators/IT_MOB_OWN for new selections failed" in caplog.text
        assert "broken chart" in caplog.text
        assert c.get("/ru/indicators/IT_MOB_OWN?areas=UGA").status_code == 200
