"""Which release to serve and what it says about itself: manifest, datasets, findings, the list of releases
and the diff between two of them."""

from __future__ import annotations

from typing import Any

import pandas as pd

from wsis.query.memo import memo
from wsis.release.diff import diff_releases
from wsis.release.reader import Release, open_release
from wsis.release.store import current_release_id, list_releases
from wsis.settings import Settings

__all__ = ["Release", "current_release", "datasets", "diff_summary", "findings", "list_releases", "manifest",
           "release"]


def release(settings: Settings, release_id: str | None = None) -> Release:
    """A release by id, or whatever the ``current`` pointer names right now (re-read on every call, so a
    newly published release is served without a restart)."""
    return open_release(release_id or current_release_id(settings), settings)


def current_release(settings: Settings) -> str | None:
    """The id the ``current`` pointer names (None before the first build)."""
    return current_release_id(settings)


def manifest(rel: Release) -> dict[str, Any]:
    """The release manifest (inputs, checksums, counts, findings, code version)."""
    return rel.manifest


def datasets(rel: Release) -> pd.DataFrame:
    """Every dataset the release was built from, with provenance."""
    return memo(("datasets", rel.id), rel.datasets)


def findings(rel: Release) -> pd.DataFrame:
    """Quality findings recorded at build time."""
    return memo(("findings", rel.id), rel.findings)


def diff_summary(old: str, new: str, settings: Settings) -> str:
    """"added N, removed N, changed N" between two releases (both are immutable, so it is cached)."""
    df = memo(("diff", old, new), lambda: diff_releases(old, new, settings))
    if df is None or df.empty:
        return "0"
    sums = {c: int(df[c].sum()) for c in ("added", "removed", "changed") if c in df.columns}
    return ", ".join(f"{k} {v}" for k, v in sums.items())
