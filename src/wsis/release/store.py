"""Where releases live: ``<home>/releases/<id>/{release.duckdb,manifest.json}`` and a ``current`` pointer
file switched by atomic rename."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd

from wsis.errors import WsisError
from wsis.files import atomic_write
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
    atomic_write(d / POINTER, release_id + "\n", mode=0o644)  # the server may run as another user


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


def insert_frame(con, table: str, df: pd.DataFrame | None) -> None:
    """Append a frame to a table of a release being built, matching columns by name (case-insensitive);
    the frame's columns the table lacks are left out, the table's columns the frame lacks stay null."""
    if df is None or df.empty:
        return
    cols = [r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall()]
    have = {str(c).lower(): c for c in df.columns}
    pick = ", ".join(f'"{have[c.lower()]}" AS "{c}"' for c in cols if c.lower() in have)
    con.register("_wsis_frame", df)
    try:
        con.execute(f'INSERT INTO "{table}" BY NAME SELECT {pick} FROM _wsis_frame')
    finally:
        con.unregister("_wsis_frame")
