"""Confidence intervals for survey proportions and means, with R ``svyciprop`` conventions.

All intervals use Student t on the design degrees of freedom (``df = degf(design)``), as ``svyciprop``
does. ``logit`` is R's default; ``korn-graubard`` is R's ``method="beta"``; ``wald`` is ``method="mean"``;
``wilson`` is a design-based Wilson interval on the effective sample size (not in R ``survey``).
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def _t(df: np.ndarray, level: float) -> np.ndarray:
    df = np.asarray(df, float)
    q = (1 + level) / 2
    with np.errstate(invalid="ignore"):
        return np.where(df > 0, stats.t.ppf(q, np.where(df > 0, df, 1)), np.nan)


def wald(est: np.ndarray, se: np.ndarray, df: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """``est -/+ t_df * se``."""
    t = _t(df, level)
    return est - t * se, est + t * se


def logit(p: np.ndarray, se_eta: np.ndarray, df: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """``expit(logit(p) -/+ t_df * se_eta)``; ``se_eta`` is the SE on the logit scale."""
    t = _t(df, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = np.log(p / (1 - p))
        lo = 1 / (1 + np.exp(-(eta - t * se_eta)))
        hi = 1 / (1 + np.exp(-(eta + t * se_eta)))
    return _edges(p, lo, hi)


def logit_se(p: np.ndarray, var: np.ndarray) -> np.ndarray:
    """Delta-method SE of ``logit(p)`` (what ``svyglm`` gives for an intercept-only Taylor fit)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sqrt(var) / (p * (1 - p))


def korn_graubard(p: np.ndarray, var: np.ndarray, n: np.ndarray, df: np.ndarray,
                  level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """R's ``svyciprop(method="beta")``: Clopper-Pearson on n_eff scaled by (t_{n-1}/t_df)^2."""
    alpha = 1 - level
    with np.errstate(divide="ignore", invalid="ignore"):
        neff = p * (1 - p) / var
        ratio = stats.t.ppf(alpha / 2, np.asarray(n, float) - 1) / stats.t.ppf(alpha / 2, np.asarray(df, float))
        neff = neff * ratio**2
        lo = stats.beta.ppf(alpha / 2, neff * p, neff * (1 - p) + 1)
        hi = stats.beta.ppf(1 - alpha / 2, neff * p + 1, neff * (1 - p))
    return _edges(p, lo, hi)


def wilson(p: np.ndarray, var: np.ndarray, df: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval on the design effective sample size ``p(1-p)/var``, t_df quantile."""
    t = _t(df, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        neff = p * (1 - p) / var
        den = 1 + t**2 / neff
        centre = (p + t**2 / (2 * neff)) / den
        half = t * np.sqrt(p * (1 - p) / neff + t**2 / (4 * neff**2)) / den
    return _edges(p, centre - half, centre + half)


def _edges(p: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """At p = 0 or 1 (no variance) the interval collapses to the estimate instead of NaN."""
    p = np.asarray(p, float)
    lo = np.where(np.isnan(lo) & ((p == 0) | (p == 1)), p, lo)
    hi = np.where(np.isnan(hi) & ((p == 0) | (p == 1)), p, hi)
    return lo, hi
