"""Quality flags and disclosure control for survey estimates.

Flags (column ``flag``), thresholds from ``Settings``:

* ``""``  publishable;
* ``"E"`` use with caution: unweighted n < ``survey_flag_n`` (default 50) or CV > ``survey_flag_cv`` (0.15);
* ``"S"`` suppressed: n < ``survey_min_n`` (default 30) or CV > ``survey_max_cv`` (0.30);
* ``"C"`` suppressed to protect an ``S`` cell (complementary suppression).

Complementary suppression: the cells of one by-variable, with every other domain variable fixed, add up
to a published parent (totals of weights and of weighted values). If exactly one of them is suppressed it
could be recovered by subtraction, so the unsuppressed cell with the smallest n is suppressed as well;
this repeats until no partition has exactly one suppressed cell. Suppressed cells show no estimate,
SE, interval, deff, CV or population (the unweighted n stays).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wsis.settings import Settings

HIDDEN = ["estimate", "se", "ci_low", "ci_high", "deff", "population", "cv"]


def flags(n: pd.Series, cv: pd.Series, settings: Settings) -> pd.Series:
    """Primary flags from unweighted n and CV."""
    cv = cv.astype(float)
    suppress = (n < settings.survey_min_n) | (cv > settings.survey_max_cv)
    caution = (n < settings.survey_flag_n) | (cv > settings.survey_flag_cv)
    return pd.Series(np.where(suppress, "S", np.where(caution, "E", "")), index=n.index)


def complementary(out: pd.DataFrame, by_cols: list[str]) -> pd.Series:
    """Add ``C`` flags so that no partition of a by-variable has exactly one suppressed cell."""
    flag = out["flag"].copy()
    specs = out["by"].fillna("")
    changed = True
    while changed:
        changed = False
        for (_, spec), grp in out.groupby([out["indicator"], specs], sort=False):
            cols = [c for c in spec.split(",") if c]
            if not cols:
                continue
            for b in cols:
                others = [c for c in cols if c != b]
                parts = grp.groupby([grp[c].astype(str) for c in others], sort=False) if others else [(None, grp)]
                for _, part in parts:
                    if len(part) < 2:
                        continue
                    sup = flag.loc[part.index].isin(["S", "C"])
                    if sup.sum() == 1:
                        free = part.loc[~sup]
                        pick = free["n"].astype(float).idxmin()
                        flag.loc[pick] = "C"
                        changed = True
    return flag


def apply(out: pd.DataFrame, by_cols: list[str], settings: Settings) -> pd.DataFrame:
    """Flag, suppress and blank estimates; returns a new frame."""
    out = out.copy()
    if out.empty:
        out["flag"] = pd.Series(dtype=str)
        return out
    out["flag"] = flags(out["n"], out["cv"], settings)
    parity = out["statistic"] == "parity"
    out.loc[~parity, "flag"] = complementary(out.loc[~parity], by_cols)
    hide = out["flag"].isin(["S", "C"])
    hidden = HIDDEN + [c for c in out.columns if c.startswith(("ci_low_", "ci_high_"))]
    out.loc[hide, hidden] = np.nan
    return out
