"""Computed results stored in the release at build time: the gaps, progress toward 2030 and the targets."""

from __future__ import annotations

from typing import Any

import pandas as pd

from wsis.query.memo import memo
from wsis.release.reader import Release

HEADLINE = {"HIC_LIC_PP": ("WLD",), "WLD_GAP_PP": ("LDC", "LLDC", "SIDS"), "GPS": ("WLD", "LDC"),
            "URR": ("WLD",)}
GAP_COLUMNS = ["gap", "base_indicator", "kind", "area", "year", "value", "unit", "class", "coverage"]


def gap_table(rel: Release, latest: bool = True) -> pd.DataFrame:
    """Every gap of the release: the latest year per gap and area, or every year with ``latest=False``."""
    def build():
        df = rel.sql(f"SELECT {', '.join(GAP_COLUMNS)} FROM gap_table ORDER BY kind, gap, area, year")
        if latest and not df.empty:
            df = df.groupby(["gap", "area"], as_index=False, sort=False).tail(1).reset_index(drop=True)
        df["class"] = df["class"].fillna("")
        return df
    return memo(("gaps", rel.id, latest), build)


def headline_gaps(rel: Release) -> pd.DataFrame:
    """The divides at a glance: high- vs low-income, groups vs the world, women vs men, rural vs urban."""
    g = gap_table(rel)
    if g.empty:
        return g
    keep = [k in HEADLINE and a in HEADLINE[k] for k, a in zip(g["kind"], g["area"], strict=False)]
    return g[keep].sort_values(["base_indicator", "kind", "area"], ignore_index=True)


def progress(rel: Release, area: str | None = None, indicator: str | None = None) -> pd.DataFrame:
    """Progress toward 2030 (the default method), for every area and indicator with a target, or one."""
    full = memo(("progress", rel.id), lambda: rel.sql("SELECT * FROM progress ORDER BY area, indicator, method"))
    sel = full
    if area is not None:
        sel = sel[sel["area"] == area]
    if indicator is not None:
        sel = sel[sel["indicator"] == indicator]
    return sel.reset_index(drop=True)


def targets(rel: Release) -> pd.DataFrame:
    """The 2030 targets with their citations, as the release was built with them."""
    return memo(("targets", rel.id), lambda: rel.sql("SELECT * FROM targets ORDER BY indicator, id"))


def target_for(rel: Release, code: str) -> dict[str, Any] | None:
    """The 2030 target of one indicator, if any."""
    t = targets(rel)
    sel = t[t["indicator"] == code]
    return None if sel.empty else {k: (None if pd.isna(v) else v) for k, v in sel.iloc[0].to_dict().items()}
