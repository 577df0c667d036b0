"""Finding 5 (read-only home, missing secret key) and 6: files and permissions, and restore of a foreign
file."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
from pathlib import Path

import httpx
import pytest
from tests.conftest import free_port
from tests.security.conftest import (
    API,
    PASSWORD,
    start_server,
    stop_server,
    unprivileged,
    wsis_cmd,
    wsis_env,
)

from wsis.registry import auth
from wsis.registry.backup import backup
from wsis.registry.db import Registry
from wsis.registry.policy import SYSTEM
from wsis.settings import Settings


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_registry_database_wal_and_backups_are_private(tmp_path, shared_data, umask_022):
    s = Settings(home=tmp_path / "home", data_dir=shared_data, secret_key="k")
    reg = Registry(s.registry_db_url, s)
    reg.migrate()
    auth.create_user(reg, SYSTEM, "someone@example.org", PASSWORD)
    db = tmp_path / "home" / "registry.sqlite"
    assert _mode(db) == 0o600
    assert _mode(Path(f"{db}-wal")) == 0o600
    for name in ("b.sqlite", "b.json", "b.json.gz"):
        out = backup(reg, SYSTEM, tmp_path / "backups" / name)
        assert _mode(Path(out["path"])) == 0o600, name
    reg.dispose()


def test_an_existing_world_readable_database_is_narrowed(tmp_path, shared_data, umask_022):
    s = Settings(home=tmp_path / "home", data_dir=shared_data, secret_key="k")
    (tmp_path / "home").mkdir()
    db = tmp_path / "home" / "registry.sqlite"
    sqlite3.connect(db).close()
    db.chmod(0o644)
    Registry(s.registry_db_url, s).migrate()
    assert _mode(db) == 0o600


def test_release_files_are_readable_by_a_server_running_as_another_user(release_home):
    home, _data = release_home
    releases = home / "releases"
    rid = (releases / "current").read_text().strip()
    assert _mode(releases / "current") == 0o644
    assert _mode(releases / rid) == 0o755
    for f in (releases / rid).iterdir():
        assert _mode(f) & 0o444 == 0o444, f  # readable by everyone (and still read-only: immutable)


def test_secret_key_is_0600_from_the_start(tmp_path, shared_data, monkeypatch, umask_022):
    """The key file never exists with a wider mode: even if chmod never ran, it is 0600."""
    monkeypatch.setattr(Path, "chmod", lambda self, mode, **kw: None)
    s = Settings(home=tmp_path / "home", data_dir=shared_data)
    key = auth.secret_key(s)
    assert len(key) == 64 and _mode(tmp_path / "home" / "secret_key") == 0o600
    assert auth.secret_key(s) == key  # stable


def _registry_home(tmp_path, shared_data) -> tuple[Settings, Registry]:
    s = Settings(home=tmp_path / "home", data_dir=shared_data, secret_key="k")
    reg = Registry(s.registry_db_url, s)
    reg.migrate()
    auth.create_user(reg, SYSTEM, "keep@example.org", PASSWORD)
    return s, reg


def _users(reg) -> list[str]:
    from sqlalchemy import select

    from wsis.registry.models import User

    with reg.read() as x:
        return list(x.scalars(select(User.email)))


@pytest.mark.parametrize("kind", ["sqlite", "json"])
def test_restore_refuses_a_foreign_file_with_one_line(tmp_path, shared_data, kind):
    s, reg = _registry_home(tmp_path, shared_data)
    foreign = tmp_path / f"foreign.{kind}"
    if kind == "sqlite":
        con = sqlite3.connect(foreign)
        con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        con.execute("INSERT INTO notes (body) VALUES ('not a registry')")
        con.commit()
        con.close()
    else:
        foreign.write_text(json.dumps({"format": "wsis-registry-dump/1", "tables": {"notes": [{"id": 1}]}}))
    r = subprocess.run(wsis_cmd("registry", "restore", str(foreign)), env=wsis_env(s.home, shared_data,
                       WSIS_SECRET_KEY="k"), capture_output=True, text=True, timeout=300)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "not a registry backup" in lines[0], r.stderr
    assert _users(reg) == ["keep@example.org"]  # nothing replaced
    reg.dispose()


def test_restore_accepts_its_own_backup(tmp_path, shared_data):
    s, reg = _registry_home(tmp_path, shared_data)
    out = backup(reg, SYSTEM, tmp_path / "own.sqlite")
    from wsis.registry.backup import restore

    assert restore(reg, SYSTEM, Path(out["path"]))["kind"] == "sqlite"
    assert _users(reg) == ["keep@example.org"]
    reg.dispose()


@pytest.fixture
def read_only_home(release_home, tmp_path):
    """A copy of the served home, read-only, without a secret key (the server gets none either)."""
    home, data = release_home
    ro = tmp_path / "ro-home"
    shutil.copytree(home, ro, symlinks=True)
    (ro / "secret_key").unlink(missing_ok=True)
    for p in sorted(ro.rglob("*"), reverse=True):
        p.chmod(0o555 if p.is_dir() else 0o444)
    ro.chmod(0o555)
    yield ro, data
    for p in [ro, *ro.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)


def test_read_only_home_gives_one_line_per_command(read_only_home):
    home, data = read_only_home
    env = wsis_env(home, data)
    for args in (("build",), ("registry", "init"),
                 ("registry", "backup", str(home / "b.sqlite"))):
        r = subprocess.run(unprivileged(wsis_cmd(*args)), env=env, capture_output=True, text=True, timeout=600)
        lines = r.stderr.strip().splitlines()
        assert r.returncode != 0 and len(lines) == 1 and "Traceback" not in r.stderr, (args, r.stderr[-1500:])
        assert lines[0].startswith("wsis: error:"), lines


def test_read_only_home_serves_pages_and_answers_503_for_writes(read_only_home):
    home, data = read_only_home
    port = free_port()
    proc = start_server(unprivileged(wsis_cmd("serve", "--port", str(port))), wsis_env(home, data), port)
    url = f"http://127.0.0.1:{port}"
    try:
        r = httpx.post(f"{url}{API}/auth/login", json={"email": "real@example.org", "password": PASSWORD}, timeout=60)
        assert r.status_code == 503 and r.headers["content-type"] == "application/problem+json", r.text
        for path in ("/registry/", "/registry/login", "/"):
            r = httpx.get(url + path, timeout=60)
            assert r.status_code in (200, 503), (path, r.status_code, r.text[:300])
            assert "Traceback" not in r.text and "content-security-policy" in r.headers
        r = httpx.get(f"{url}/registry/login", timeout=60)
        form = httpx.post(f"{url}/registry/login", data={"email": "real@example.org", "password": PASSWORD,
                                                         "csrf_token": "x"}, timeout=60)
        assert form.status_code in (403, 503), form.status_code  # a wrong CSRF token, or the read-only store
    finally:
        stop_server(proc)
