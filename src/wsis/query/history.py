"""The release history as a dissemination timeline: what changed since a time, release by release.

Each published release is one dissemination, dated by its manifest's ``created`` time. Observations are
matched across releases on every dimension (the preferred view of each); one is *replaced* when it is new
or when its value, an attribute or its dataset changed, and *deleted* when it is gone. This answers the
SDMX REST ``updatedAfter`` and ``includeHistory`` parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from wsis.release.reader import Release, open_release
from wsis.release.store import list_releases
from wsis.schema import ATTRIBUTES, DIMENSIONS
from wsis.settings import Settings

KEY = list(DIMENSIONS)
COMPARED = ["OBS_VALUE", "DATASET_ID", *ATTRIBUTES]
TOLERANCE = 1e-9  # relative, as `wsis diff`


@dataclass(frozen=True)
class Dissemination:
    """One published release and when it was published."""

    release_id: str
    created: datetime


@dataclass
class Change:
    """What one dissemination changed: observations replaced (new or revised) and deleted."""

    dissemination: Dissemination
    replaced: pd.DataFrame
    deleted: pd.DataFrame


def disseminations(settings: Settings, upto: str) -> list[Dissemination]:
    """Every release published up to and including ``upto``, oldest first."""
    out = sorted((Dissemination(r["id"], datetime.fromisoformat(r["created"])) for r in list_releases(settings)),
                 key=lambda d: d.created)
    last = next((i for i, d in enumerate(out) if d.release_id == upto), None)
    return out[: last + 1] if last is not None else out


def changes(old: pd.DataFrame | None, new: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Observations of ``new`` that are new or differ from ``old``, and those of ``old`` gone from ``new``."""
    if old is None or old.empty:
        return new, new.iloc[0:0]
    if new.empty:
        return new, old
    key = [k for k in KEY if k in new.columns and k in old.columns]
    cols = [c for c in COMPARED if c in new.columns and c in old.columns]
    j = new.reset_index(drop=True).merge(old[key + cols].drop_duplicates(key), on=key, how="left", suffixes=("", "__old"),
                                         indicator=True)
    changed = j["_merge"] == "left_only"
    for c in cols:
        a, b = j[c], j[f"{c}__old"]
        if c == "OBS_VALUE":
            fa, fb = pd.to_numeric(a, errors="coerce"), pd.to_numeric(b, errors="coerce")
            same = (np.abs(fa - fb) <= TOLERANCE * np.maximum(np.abs(fb), 1)) | (fa.isna() & fb.isna())
        else:
            same = (a.astype(object) == b.astype(object)) | (a.isna() & b.isna())
        changed |= ~same.fillna(False).astype(bool)
    replaced = j.loc[changed, list(new.columns)]
    gone = old.merge(new[key], on=key, how="left", indicator=True)
    deleted = gone.loc[gone["_merge"] == "left_only", list(old.columns)]
    return replaced.reset_index(drop=True), deleted.reset_index(drop=True)


def _current_at(timeline: list[Dissemination], t: datetime) -> int | None:
    """Index of the release that was current at time ``t`` (None before the first one)."""
    idx = None
    for i, d in enumerate(timeline):
        if d.created <= t:
            idx = i
    return idx


def timeline_changes(settings: Settings, upto: str, select: Callable[[Release], pd.DataFrame],
                     after: datetime | None = None, each: bool = True) -> list[Change]:
    """The changes to ``select``'s observations, per dissemination (``each``) or folded into one.

    With ``after``, only what was published after that time counts; the release current at ``after`` is the
    starting point. Folded (``each=False``), the one change compares that starting point with ``upto``.
    """
    timeline = disseminations(settings, upto)
    start = _current_at(timeline, after) if after is not None else None
    frames: dict[str, pd.DataFrame] = {}

    def frame(i: int) -> pd.DataFrame:
        rid = timeline[i].release_id
        if rid not in frames:
            frames[rid] = select(open_release(rid, settings))
        return frames[rid]

    first = 0 if start is None else start + 1
    if first >= len(timeline):
        return []
    if not each:
        rep, dele = changes(frame(start) if start is not None else None, frame(len(timeline) - 1))
        return [Change(timeline[-1], rep, dele)]
    out = []
    for i in range(first, len(timeline)):
        rep, dele = changes(frame(i - 1) if i > 0 else None, frame(i))
        out.append(Change(timeline[i], rep, dele))
    return out
