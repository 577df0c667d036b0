"""Shared fixtures: the offline mirror, a mini data dir, and isolated WSIS_HOME folders."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from wsis.settings import Settings, get_settings

# No background work behind a test's back: no bakers from CLI builds and servers, no selection warming after
# a request (set here as well as per test, so that session fixtures' Settings see it too). Tests that want
# them turn them on in their own Settings.
os.environ["WSIS_BAKE"] = "0"
os.environ["WSIS_WARM_SELECTIONS"] = "0"

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SHARED = (ROOT / ".." / "shared" / "data").resolve()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The project's offline data mirror (../shared/data); it exists on every machine and in CI."""
    assert SHARED.is_dir(), f"the data mirror {SHARED} is missing"
    return SHARED


def make_data_dir(dest: Path, shared: Path) -> Path:
    """A data dir with the mini fixtures and the mirror's reference folders linked in."""
    shutil.copytree(DATA / "mini", dest, dirs_exist_ok=True)
    for sub in ("framework", "classifications"):
        (dest / sub).symlink_to(shared / sub)
    return dest


@pytest.fixture
def mini_data_dir(tmp_path: Path, shared_data: Path) -> Path:
    """A fresh copy of the mini data dir."""
    return make_data_dir(tmp_path / "data", shared_data)


@pytest.fixture
def settings_factory(tmp_path: Path):
    """Build Settings pointing at a temporary home."""
    def make(data_dir: Path, home: Path | None = None, **kw) -> Settings:
        return Settings(data_dir=data_dir, home=home or tmp_path / "home", **kw)
    return make


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """Never let a test touch ./var: WSIS_HOME defaults to a temp folder."""
    monkeypatch.setenv("WSIS_HOME", str(tmp_path / "env_home"))
    monkeypatch.setenv("WSIS_BAKE", "0")  # no background bakers from CLI builds; bake tests call it directly
    monkeypatch.setenv("WSIS_WARM_SELECTIONS", "0")  # no background renders after a test's request ends
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_in_thread(app, timeout: float = 20.0) -> Iterator[str]:
    """Serve an ASGI app with a real uvicorn server on 127.0.0.1 in a thread; yields its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium (or WSIS_CHROMIUM) driven by Playwright, one per test module: Playwright's
    sync API keeps an event loop running while it is open, so a second one (or a later ``asyncio.run``)
    fails inside it. Every browser test uses this fixture, so two are never open at once."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=os.environ.get("WSIS_CHROMIUM", "/usr/bin/chromium"),
                              args=CHROMIUM_ARGS)
        yield b
        b.close()
