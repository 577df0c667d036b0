"""Fixtures of the security suite: the attack of issue 14, run again over real HTTP.

* ``live`` — the registry app served by uvicorn on 127.0.0.1 (SQLite and PostgreSQL, as the registry suite;
  uvicorn trusts ``X-Forwarded-For`` from 127.0.0.1 there, which lets a test speak from several addresses).
* ``served`` — ``wsis serve`` itself in a child process over a small release and a SQLite registry, so that
  a worker's memory can be measured and the command's own options are exercised.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from tests.conftest import free_port, make_data_dir, serve_in_thread
from tests.registry import conftest as _registry

# the registry suite's fixtures (SQLite and PostgreSQL runs) and its hook that deselects the PostgreSQL runs
# locally when no server is configured
PASSWORD = _registry.PASSWORD
pytest_collection_modifyitems = _registry.pytest_collection_modifyitems
pg_url, _databases, backend, db_url = _registry.pg_url, _registry._databases, _registry.backend, _registry.db_url
settings, reg, password_hash, users, app = (_registry.settings, _registry.reg, _registry.password_hash,
                                            _registry.users, _registry.app)

ROOT = Path(__file__).resolve().parents[2]
CACHE_BYTES = 8_000_000
API = "/api/v1/registry"


@pytest.fixture
def live(app):
    """Base URL of the registry app on a real uvicorn server."""
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture
def http(live):
    """An HTTP client for ``live`` (no cookies shared between tests)."""
    with httpx.Client(base_url=live, timeout=60) as c:
        yield c


def wsis_env(home: Path, data_dir: Path, **extra: str) -> dict[str, str]:
    """Environment of a ``wsis`` child process bound to ``home`` (this worktree's code)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WSIS_")}
    env.update(WSIS_HOME=str(home), WSIS_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT / "src"), **extra)
    return env


def unprivileged(cmd: list[str]) -> list[str]:
    """``cmd`` run without the power to bypass file permissions (root in a container keeps none)."""
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv is needed to drop root's file-permission override"
        return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", "--", *cmd]
    return cmd


def wsis_cmd(*args: str) -> list[str]:
    """The ``wsis`` command line with this interpreter."""
    return [sys.executable, "-m", "wsis.cli.main", *args]


@pytest.fixture(scope="session")
def release_home(tmp_path_factory, shared_data) -> tuple[Path, Path]:
    """(home, data dir): a release built from the mini fixtures, and a migrated registry with one account."""
    from wsis.build import build_release
    from wsis.registry import auth
    from wsis.registry.db import Registry
    from wsis.registry.policy import SYSTEM
    from wsis.settings import Settings

    base = tmp_path_factory.mktemp("served")
    data = make_data_dir(base / "data", shared_data)
    (data / "sdg_metadata").symlink_to(shared_data / "sdg_metadata")  # SDG titles: the release's frameworks
    home = base / "home"
    s = Settings(data_dir=data, home=home)
    build_release(s)
    reg = Registry(s.registry_db_url, s)
    reg.migrate()
    auth.create_user(reg, SYSTEM, "real@example.org", PASSWORD, "contributor")
    reg.dispose()
    return home, shared_data


def start_server(cmd: list[str], env: dict[str, str], port: int) -> subprocess.Popen:
    """Start a server process and wait until it answers (any status)."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("server did not start")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a server this suite started (by its own process handle)."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def served(release_home):
    """``wsis serve --proxy-headers`` over the mini release: ``(base URL, process)``."""
    home, data = release_home
    port = free_port()
    env = wsis_env(home, data, WSIS_CACHE_MAX_BYTES=str(CACHE_BYTES), WSIS_SECRET_KEY="security-suite")
    proc = start_server(wsis_cmd("serve", "--port", str(port), "--proxy-headers", "--forwarded-allow-ips",
                                 "127.0.0.1"), env, port)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while httpx.get(f"{url}/healthz").status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.3)  # the start-up cache warming
    try:
        yield url, proc
    finally:
        stop_server(proc)


def rss_bytes(pid: int) -> int:
    """Resident memory of a process (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def submit(reg, actor, title="Solar-powered school connectivity", org="Connect Foundation", **extra) -> int:
    """Submit an initiative through the service; returns its id."""
    from tests.registry.conftest import initiative_payload

    from wsis.registry import services
    from wsis.registry.schemas import InitiativeIn

    res = services.submit_initiative(reg, actor, InitiativeIn.model_validate(initiative_payload(title, org, **extra)))
    return res["initiative"]["id"]


def approve(reg, actor, iid: int) -> None:
    """Approve an initiative as ``actor``."""
    from wsis.registry import services
    from wsis.registry.schemas import ModerationIn

    services.moderate_initiative(reg, actor, iid, ModerationIn(decision="approve"))


def token(reg, users, name: str, scopes=("read", "submit")) -> dict[str, str]:
    """Bearer header of a fresh API token of ``users[name]``."""
    from wsis.registry import auth

    return {"Authorization": f"Bearer {auth.create_token(reg, users[name][1], 't', list(scopes))}"}
