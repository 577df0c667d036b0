"""The baker: renders a fixed set of URLs through the real app, in process, and writes each answer into the
release's baked-answer store (``wsis.web.baked``), so that a URL's first request is answered from
ready-made bytes.

``wsis build`` starts it as a detached, low-priority process after publishing, ``wsis serve`` when the
current release's store is missing or incomplete, and ``wsis bake`` runs it in the foreground. One baker per
release at a time (an exclusive ``flock`` on ``bake.lock`` beside the store); a second starter returns at
once. Progress is committed in batches together with the answers, so a crash leaves a usable partial store
and the next run carries on where it stopped.

    python -m wsis.web.bake [--release ID] [--limit N]
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from wsis import query
from wsis.errors import WsisError
from wsis.schema import LANGS
from wsis.settings import Settings, get_settings
from wsis.web.baked import BakeWriter, progress, row_key, store_path, stored

BATCH = 40  # URLs rendered per committed transaction
HOME_INDICATORS = ("IT_USE_ii99", "EGOV_EGDI", "ITU_GCI", "EN_EWT_GENPCAP", "EN_EWT_RCYR", "RIGHTS_SHUTDOWN_EVENTS",
                   "AI_GAIRI")  # the series the home page shows (dashboard.home and beyond.HOME)


def headline_indicators(rel) -> list[str]:
    """The indicators baked for every area: those with a 2030 target, then those on the home page."""
    have = set(query.indicators(rel)["INDICATOR"])
    out: list[str] = []
    for code in [*query.targets(rel)["indicator"].tolist(), *HOME_INDICATORS]:
        if code in have and code not in out:
            out.append(code)
    return out


def plan_urls(settings: Settings) -> list[str]:
    """Every URL the baker renders for the current release, most visited first (see docs/web.md)."""
    rel = query.release(settings)
    areas = query.areas(rel)
    area_codes = areas["code"].tolist()
    inds = query.indicators(rel)["INDICATOR"].tolist()
    urls: list[str] = []
    for c, kind in zip(area_codes, areas["kind"], strict=True):
        page = "areas" if kind == "country" else "groups"
        urls += [f"/{lang}/{page}/{c}" for lang in LANGS]
        urls += [f"/api/v1/observations?areas={c}", f"/sdmx/data/DF_WSIS/.{c}"]
    for i in inds:
        urls += [f"/{lang}/indicators/{i}" for lang in LANGS]
        urls += [f"/api/v1/observations?indicator={i}", f"/sdmx/data/DF_WSIS/{i}."]
    for i in headline_indicators(rel):
        for c in area_codes:
            urls += [f"/indicators/{i}?areas={c}", f"/api/v1/observations?indicator={i}&areas={c}",
                     f"/sdmx/data/DF_WSIS/{i}.{c}"]
    return urls


@contextlib.contextmanager
def bake_lock(settings: Settings, release_id: str) -> Iterator[bool]:
    """Hold the release's bake lock if nobody else does; yields whether it was taken."""
    path = store_path(settings, release_id).with_name("bake.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def bake(settings: Settings, release_id: str | None = None, limit: int | None = None,
         urls: list[str] | None = None, echo: Callable[[str], None] | None = None) -> dict:
    """Bake the current release's answers (at most ``limit`` more URLs; ``urls`` replaces the default plan on
    a store's first run). Returns the progress, with ``status`` 'busy' when another baker holds the lock
    and 'superseded' when the current release is not ``release_id``."""
    import warnings

    from starlette.exceptions import StarletteDeprecationWarning

    with warnings.catch_warnings():  # Starlette's notice about its httpx-based client is not the user's concern
        warnings.simplefilter("ignore", StarletteDeprecationWarning)
        from fastapi.testclient import TestClient

    from wsis.web.app import create_app

    rid = query.current_release(settings)
    if rid is None:
        raise WsisError("no-release", "no release has been built yet", hint="run `wsis build` first", status=404)
    if release_id and release_id != rid:
        return {**progress(settings, release_id), "status": "superseded"}
    with bake_lock(settings, rid) as mine:
        if not mine:
            return {**progress(settings, rid), "status": "busy"}
        t0 = time.monotonic()
        from wsis.web.app import registry_marker

        store = BakeWriter(store_path(settings, rid))
        try:
            store.prepare(lambda: urls if urls is not None else plan_urls(settings), rid,
                          str(registry_marker(settings)))
            pending = store.pending()
            todo = pending[:limit] if limit is not None else pending
            got: list[tuple] = []
            client = TestClient(create_app(settings, on_store=lambda key, entry: got.append((key, entry))),
                                raise_server_exceptions=False)
            for start in range(0, len(todo), BATCH):
                if query.current_release(settings) != rid:
                    return {**progress(settings, rid), "status": "superseded"}
                rows = []
                batch = todo[start:start + BATCH]
                for _seq, url in batch:
                    got.clear()
                    client.get(url, headers={"accept-encoding": "identity"})
                    rows += [(*row_key(k), *stored(e)) for k, e in got if k[0] == rid]
                store.commit(rows, [s for s, _u in batch])
                if echo:
                    echo(f"baked {start + len(batch)}/{len(todo)} URLs ({time.monotonic() - t0:.0f} s)")
            store.finish(time.monotonic() - t0)
        finally:
            store.close()
        return {**progress(settings, rid), "status": "done"}


def start_background(settings: Settings) -> subprocess.Popen | None:
    """Start a detached, low-priority baker for the current release unless its store is complete or a
    baker already holds the lock (the started process checks the lock again, so a race costs nothing)."""
    rid = query.current_release(settings)
    if rid is None or not settings.bake or progress(settings, rid)["complete"]:
        return None
    try:
        with bake_lock(settings, rid) as free:
            if not free:
                return None
        log = store_path(settings, rid).with_name("bake.log")
        env = dict(os.environ, WSIS_HOME=str(Path(settings.home).resolve()))
        with open(log, "ab") as out:
            return subprocess.Popen([sys.executable, "-m", "wsis.web.bake", "--release", rid], env=env,
                                    stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
    except OSError as e:  # a read-only home (a replica serving a copied release): answer live, say why
        logging.getLogger("wsis.web.bake").warning("no baker for release %s: %s", rid, e)
        return None


def main(argv: list[str] | None = None) -> None:
    """Entry point of the detached baker process."""
    ap = argparse.ArgumentParser(prog="python -m wsis.web.bake")
    ap.add_argument("--release")
    ap.add_argument("--limit", type=int)
    args = ap.parse_args(argv)
    os.nice(10)  # live requests go first
    r = bake(get_settings(), args.release, args.limit)
    print(f"bake of {r['release']}: {r['status']}, {r['baked']}/{r['planned']} URLs", flush=True)


if __name__ == "__main__":
    main()
