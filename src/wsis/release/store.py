"""Where releases live: ``<home>/releases/<id>/{release.duckdb,manifest.json}`` and a ``current`` pointer
file switched by atomic rename."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from wsis.errors import WsisError
from wsis.settings import Settings

POINTER = "current"


def releases_dir(settings: Settings) -> Path:
    """The folder holding every release."""
    return Path(settings.releases_dir)


def current_release_id(settings: Settings) -> str | None:
    """Id of the release the ``current`` pointer names, or None before the first build."""
    p = releases_dir(settings) / POINTER
    if not p.exists():
        return None
    rid = p.read_text(encoding="utf-8").strip()
    return rid or None


def switch_current(settings: Settings, release_id: str) -> None:
    """Point ``current`` at a release: write a temp file, fsync, then ``os.replace`` (atomic)."""
    d = releases_dir(settings)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".current-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(release_id + "\n")
        fh.flush()
        os.fchmod(fh.fileno(), 0o644)  # mkstemp makes 0600; the server may run as another user
        os.fsync(fh.fileno())
    os.replace(tmp, d / POINTER)
    _fsync_dir(d)


def _fsync_dir(d: Path) -> None:
    fd = os.open(d, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def release_path(settings: Settings, release_id: str | None = None) -> Path:
    """Folder of a release (the current one by default); unknown ids are a 404 ``WsisError``."""
    rid = release_id or current_release_id(settings)
    if rid is None:
        raise WsisError("no-release", "no release has been built yet", hint="run `wsis build` first", status=404)
    if rid in ("latest", "current"):
        return release_path(settings, None)
    p = releases_dir(settings) / rid
    if not (p / "manifest.json").exists() or "/" in rid or rid.startswith("."):
        raise WsisError("unknown-release", f"no release {rid!r}", hint="see `wsis releases`", status=404)
    return p


def list_releases(settings: Settings) -> list[dict]:
    """Every published release's manifest summary, newest first, with ``current`` marked."""
    d = releases_dir(settings)
    if not d.exists():
        return []
    cur = current_release_id(settings)
    out = []
    for p in d.iterdir():
        m = p / "manifest.json"
        if p.is_dir() and not p.name.startswith(".") and m.exists():
            man = json.loads(m.read_text(encoding="utf-8"))
            out.append({"id": man["release_id"], "created": man["created"], "observations": man["observations"],
                        "datasets": len(man["datasets"]), "errors": man["findings_summary"].get("error", 0),
                        "warnings": man["findings_summary"].get("warning", 0), "current": man["release_id"] == cur})
    return sorted(out, key=lambda r: r["created"], reverse=True)


def clean_stale(settings: Settings) -> None:
    """Remove temporary build folders left by a killed build (they were never published)."""
    d = releases_dir(settings)
    if d.exists():
        for p in d.glob(".build-*"):
            try:
                pid = int(p.name.split("-")[1])
                os.kill(pid, 0)  # still running: a concurrent build, leave it alone
            except (ValueError, IndexError, ProcessLookupError):
                shutil.rmtree(p, ignore_errors=True)
            except PermissionError:
                pass
