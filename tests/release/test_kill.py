"""A build killed with SIGKILL half-way leaves the previous release serving and intact."""

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from wsis.build import build_release
from wsis.release import open_release
from wsis.release.store import current_release_id, list_releases
from wsis.settings import Settings


def _hash(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.name.startswith(".") and ".build-" not in str(p):
            h.update(p.relative_to(root).as_posix().encode() + p.read_bytes())
    return h.hexdigest()


def test_sigkill_during_build(tmp_path, mini_data_dir, shared_data):
    home = tmp_path / "home"
    s = Settings(data_dir=mini_data_dir, home=home)
    first = build_release(s)["release_id"]
    before = _hash(s.releases_dir)
    # The full mirror takes seconds to build: kill it once its temporary release file exists.
    env = os.environ | {"WSIS_HOME": str(home), "WSIS_DATA_DIR": str(shared_data)}
    proc = subprocess.Popen([sys.executable, "-m", "wsis.cli.main", "build", "-q"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    killed_mid_write = False
    while time.monotonic() < deadline and proc.poll() is None:
        tmp = list(s.releases_dir.glob(".build-*/release.duckdb"))
        if tmp:
            os.kill(proc.pid, signal.SIGKILL)
            killed_mid_write = True
            break
        time.sleep(0.005)
    proc.wait(timeout=30)
    assert killed_mid_write, "the build finished before it could be killed"
    assert proc.returncode == -signal.SIGKILL
    assert current_release_id(s) == first
    assert _hash(s.releases_dir) == before
    rel = open_release(first, s)
    assert len(rel.observations("IT_USE_ii99")) > 0
    assert [r["id"] for r in list_releases(s)] == [first]
    # The next build cleans the leftover temporary folder and publishes normally.
    second = build_release(s)["release_id"]
    assert current_release_id(s) == second and not list(s.releases_dir.glob(".build-*"))
