"""The baked-answer store: the baker renders URLs through the real app, the middleware answers first requests
from the stored bytes, exactly as the live path would."""

from __future__ import annotations

import gzip
import logging
import re
import sqlite3
import threading

import pytest
from fastapi.testclient import TestClient

from wsis import query
from wsis.settings import Settings
from wsis.web import bake as baker
from wsis.web import baked
from wsis.web.app import create_app

SAMPLE = ["/en/areas/KEN", "/fr/areas/KEN", "/ar/areas/UGA", "/zh/indicators/IT_USE_ii99",
          "/api/v1/observations?areas=KEN", "/sdmx/data/DF_WSIS/.KEN", "/sdmx/data/DF_WSIS/IT_USE_ii99.",
          "/indicators/IT_MOB_OWN?areas=UGA", "/api/v1/observations?indicator=IT_MOB_OWN&areas=UGA",
          "/sdmx/data/DF_WSIS/IT_USE_ii99.UGA", "/es/indicators/IT_MOB_OWN"]


def _home(tmp_path, web_settings: Settings, name: str) -> Settings:
    """A home that shares the session's releases but has its own caches and registry."""
    home = tmp_path / name
    home.mkdir()
    (home / "releases").symlink_to(web_settings.home / "releases")
    return Settings(data_dir=web_settings.data_dir, home=home)


@pytest.fixture
def homes(tmp_path, web_settings):
    """(baked, live): two homes on the same release; only the first gets a baked store."""
    return _home(tmp_path, web_settings, "baked"), _home(tmp_path, web_settings, "live")


@pytest.fixture
def hits(monkeypatch):
    """Records every answer the middleware found in a baked store."""
    seen: list[tuple] = []
    real = baked.BakedStore.get

    def get(self, key):
        found = real(self, key)
        if found is not None:
            seen.append(key)
        return found
    monkeypatch.setattr(baked.BakedStore, "get", get)
    return seen


def _raw(client: TestClient, url: str, **headers) -> tuple[int, dict, bytes]:
    with client.stream("GET", url, headers=headers) as r:
        return r.status_code, dict(r.headers), b"".join(r.iter_raw())


def _unstamped(status: int, headers: dict, body: bytes) -> tuple[int, dict, bytes]:
    """An SDMX answer without its preparation stamp (message ID and Prepared), which differ per render."""
    if headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    body = re.sub(rb"<mes:ID>[^<]*</mes:ID>|<mes:Prepared>[^<]*</mes:Prepared>", b"", body)
    return status, {k: v for k, v in headers.items() if k != "content-length"}, body


def test_baked_bytes_equal_live_bytes(homes, hits):
    b, live = homes
    r = baker.bake(b, urls=SAMPLE)
    assert r["complete"] and r["baked"] == len(SAMPLE) and r["answers"] == len(SAMPLE)
    with TestClient(create_app(b)) as cb, TestClient(create_app(live)) as cl:
        for url in SAMPLE:
            for enc in ("identity", "gzip"):
                got = _raw(cb, url, **{"accept-encoding": enc})
                want = _raw(cl, url, **{"accept-encoding": enc})
                assert got[0] == 200
                if enc == "gzip" and len(got[2]) > 600:
                    assert got[1]["content-encoding"] == "gzip"
                if url.startswith("/sdmx"):  # an SDMX message names the time it was prepared
                    got, want = _unstamped(*got), _unstamped(*want)
                assert got == want, (url, enc)
    # every first request on the baked side came from the store (then from memory, but for answers too
    # big for the memory cache)
    assert len(set(hits)) == len(SAMPLE)


def test_default_language_key_and_negotiation(homes, hits):
    b, live = homes
    baker.bake(b, urls=["/en/areas/KEN", "/fr/areas/KEN"])
    with TestClient(create_app(b)) as cb, TestClient(create_app(live)) as cl:
        # the unprefixed URL without Accept-Language is the default language's key
        plain = cb.get("/areas/KEN")
        assert plain.status_code == 200 and len(hits) == 1
        assert "Accept-Language" in plain.headers["vary"]
        assert plain.content == cl.get("/areas/KEN").content
        fr = cb.get("/areas/KEN", headers={"accept-language": "fr-CH, fr;q=0.9, en;q=0.5"})
        assert len(hits) == 2 and fr.content == cb.get("/fr/areas/KEN").content
        assert fr.content == cl.get("/areas/KEN", headers={"accept-language": "fr"}).content


def test_head_and_conditional_requests_on_baked_answers(homes, hits):
    b, live = homes
    baker.bake(b, urls=["/en/areas/KEN", "/sdmx/data/DF_WSIS/.KEN"])
    with TestClient(create_app(b)) as cb, TestClient(create_app(live)) as cl:
        for url in ("/areas/KEN", "/sdmx/data/DF_WSIS/.KEN"):
            for enc in ("identity", "gzip"):
                head = cb.head(url, headers={"accept-encoding": enc})
                assert head.status_code == 200 and head.content == b""
                full = _raw(cb, url, **{"accept-encoding": enc})
                assert head.headers["content-length"] == str(len(full[2]))
                assert head.headers.get("content-encoding") == full[1].get("content-encoding")
            full = cb.get(url)
            etag = full.headers["etag"]
            assert etag == cl.get(url).headers["etag"]
            again = cb.get(url, headers={"if-none-match": etag})
            assert again.status_code == 304 and again.content == b""
        assert len(hits) == 2


def test_a_registry_change_reaches_baked_pages_without_a_live_render(homes, hits, monkeypatch):
    """Pages baked before commitments were approved show them at once: the server renders the registry part
    again and splices it into the baked page, byte for byte what a live render gives, and the rest of the
    page is not rendered again."""
    from wsis.web.pages import places

    from .test_money_pages import seed_money

    b, live = homes
    urls = ["/en/areas/KEN", "/fr/areas/KEN", "/en/action-lines/C6", "/ar/action-lines/C6"]
    baker.bake(b, urls=urls)  # under an empty registry
    seed_money(b)  # three approved commitments: two for Kenya, all on action line C6
    live = live.model_copy(update={"registry_url": b.registry_db_url})
    with TestClient(create_app(live)) as cl:
        want = {u: cl.get(u, headers={"accept-encoding": "identity"}).content for u in urls}
    assert "Euro school fund" in want["/en/areas/KEN"].decode()
    assert "Dollar grant" in want["/ar/action-lines/C6"].decode()

    def no_live_render(*_a, **_k):
        raise AssertionError("the page was rendered live")
    monkeypatch.setattr(places.beyond, "area_rows", no_live_render)
    monkeypatch.setattr("wsis.web.pages.frameworks.action_line_detail", no_live_render)
    with TestClient(create_app(b)) as cb:
        for u in urls:
            for enc in ("identity", "gzip"):
                got = _raw(cb, u, **{"accept-encoding": enc})
                body = gzip.decompress(got[2]) if got[1].get("content-encoding") == "gzip" else got[2]
                assert got[0] == 200 and body == want[u], (u, enc)
        assert len({k[:5] for k in hits}) == len(urls)
        # a later change (one more approval) reaches the same pages again
        from wsis.registry import services
        from wsis.registry.db import get_registry
        from wsis.registry.models import User
        from wsis.registry.policy import session_actor
        from wsis.registry.schemas import InitiativeIn, ModerationIn

        reg = get_registry(b)
        with reg.read() as s:
            ids = {u.email: u.id for u in s.query(User)}
        owner = session_actor(ids["owner@example.org"], "contributor")
        mod = session_actor(ids["mod@example.org"], "moderator")
        ini = services.submit_initiative(reg, owner, InitiativeIn(
            texts=[{"lang": "en", "title": "Spliced school initiative"}], action_lines=["C6"], countries=["KEN"],
            organisation={"name": "Schools Trust", "stakeholder_group": "civil_society"}))["initiative"]
        services.moderate_initiative(reg, mod, ini["id"], ModerationIn(decision="approve"))
        for u in ("/en/areas/KEN", "/en/action-lines/C6"):
            assert "Spliced school initiative" in cb.get(u).text


def test_a_crash_mid_bake_leaves_a_usable_store_that_the_next_run_completes(homes, hits, monkeypatch):
    b, _live = homes
    monkeypatch.setattr(baker, "BATCH", 3)
    said: list[str] = []

    def crash(msg: str) -> None:
        said.append(msg)
        raise KeyboardInterrupt  # killed right after the first batch was committed

    with pytest.raises(KeyboardInterrupt):
        baker.bake(b, urls=SAMPLE, echo=crash)
    rid = query.current_release(b)
    p = baked.progress(b, rid)
    assert (p["planned"], p["baked"], p["answers"], p["complete"]) == (len(SAMPLE), 3, 3, False)
    with TestClient(create_app(b)) as cb:  # the partial store serves what it has
        assert cb.get("/fr/areas/KEN").status_code == 200 and len(hits) == 1
    said.clear()
    r = baker.bake(b, echo=said.append)
    assert r["complete"] and r["baked"] == len(SAMPLE) and r["answers"] == len(SAMPLE)
    # the second run rendered only what was left
    assert said[-1].startswith(f"baked {len(SAMPLE) - 3}/{len(SAMPLE) - 3} ")


def test_one_baker_at_a_time(homes, monkeypatch):
    b, _live = homes
    rid = query.current_release(b)
    with baker.bake_lock(b, rid) as mine:
        assert mine
        assert baker.bake(b, urls=SAMPLE)["status"] == "busy"
        assert baker.start_background(b.model_copy(update={"bake": True})) is None
    assert baked.progress(b, rid)["baked"] == 0
    # two concurrent starters: every URL is rendered and stored exactly once
    stored: list[tuple] = []
    real = baker.row_key
    monkeypatch.setattr(baker, "row_key", lambda key: stored.append(key) or real(key))
    out: list[dict] = []
    go = threading.Barrier(2)

    def run():
        go.wait()
        out.append(baker.bake(b, urls=SAMPLE))
    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert sorted(r["status"] for r in out) in (["busy", "done"], ["done", "done"])
    assert len(stored) == len(set(stored)) == len(SAMPLE)
    assert baked.progress(b, rid)["complete"]


def test_a_store_belongs_to_its_release(homes):
    b, live = homes
    baker.bake(b, urls=["/api/v1/observations?areas=KEN"])
    rid = query.current_release(b)
    path = baked.store_path(b, rid)
    assert path.parent.name == rid
    con = sqlite3.connect(path)
    con.execute("UPDATE answers SET body = ?, gz = NULL", (b'{"stale": true}',))
    con.commit()
    con.close()
    key = (rid, "en", "/api/v1/observations", b"areas=KEN", "", None)
    store = baked.BakedStore(b)
    assert store.get(key) is not None and store.get(key)[0][2] == b'{"stale": true}'
    # the same URL under another release id is never answered from this release's store
    assert store.get(("20300101T000000000-00000000", *key[1:])) is None
    # a new release's lookups go to its own file: with the (stale) store left under the old release's id,
    # the current release answers live
    old = baked.store_path(b, "20250101T000000000-00000000")
    old.parent.mkdir(parents=True)
    path.rename(old)
    with TestClient(create_app(b)) as cb, TestClient(create_app(live)) as cl:
        got = cb.get("/api/v1/observations?areas=KEN")
        assert b"stale" not in got.content and got.content == cl.get("/api/v1/observations?areas=KEN").content


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_store_is_ignored_with_a_warning(homes, caplog, damage):
    b, live = homes
    baker.bake(b, urls=["/en/areas/KEN", "/api/v1/observations?areas=KEN"])
    rid = query.current_release(b)
    path = baked.store_path(b, rid)
    for extra in ("-wal", "-shm"):
        path.with_name(path.name + extra).unlink(missing_ok=True)
    if damage == "garbage":
        path.write_bytes(b"this is not a database" * 100)
    else:
        path.write_bytes(path.read_bytes()[:100])
    caplog.set_level(logging.WARNING, logger="wsis.web.baked")
    with TestClient(create_app(b)) as cb, TestClient(create_app(live)) as cl:
        for url in ("/areas/KEN", "/api/v1/observations?areas=KEN"):
            r = cb.get(url)
            assert r.status_code == 200 and r.content == cl.get(url).content
    assert any("unreadable" in m for m in caplog.messages)
    assert baked.progress(b, rid)["complete"] is False


def test_plan_covers_areas_indicators_and_headline_pairs(web_settings):
    urls = baker.plan_urls(web_settings)
    assert len(urls) == len(set(urls)) and len(urls) >= 300
    for u in ("/fr/areas/KEN", "/zh/groups/WLD", "/api/v1/observations?areas=KEN", "/sdmx/data/DF_WSIS/.KEN",
              "/ar/indicators/IT_USE_ii99", "/api/v1/observations?indicator=IT_USE_ii99",
              "/sdmx/data/DF_WSIS/IT_USE_ii99.", "/indicators/IT_MOB_OWN?areas=UGA",
              "/api/v1/observations?indicator=IT_MOB_OWN&areas=UGA", "/sdmx/data/DF_WSIS/IT_MOB_OWN.UGA"):
        assert u in urls
    # most visited first: every country page comes before any indicator x area pair
    assert urls.index("/zh/areas/KEN") < urls.index("/indicators/IT_USE_ii99?areas=AFG")


def test_healthz_bake_reports_progress(homes):
    b, _live = homes
    with TestClient(create_app(b)) as c:
        before = c.get("/healthz/bake").json()
        assert before["release"] == query.current_release(b) and before["complete"] is False
        baker.bake(b, urls=SAMPLE[:2])
        after = c.get("/healthz/bake").json()
    assert (after["planned"], after["baked"], after["complete"]) == (2, 2, True)
