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


def irls_logit(ybar: np.ndarray, start: np.ndarray, epsilon: float = 1e-8, maxit: int = 25) -> np.ndarray:
    """The intercept R's ``glm.fit`` returns for a weighted logistic fit of proportion ``ybar`` from ``start``.

    ``svyglm`` refits every replicate this way (start = full-sample coefficient, quasibinomial, weights
    summing to 1), and stops when the deviance changes by less than ``epsilon`` relative, so its replicate
    coefficients differ from logit(ybar) by up to about 1e-8. For an intercept-only model each IRLS step
    is the Newton step ``eta + (ybar - mu) / (mu (1 - mu))``, and the deviance is
    ``-2 (ybar log mu + (1 - ybar) log(1 - mu))``. Proportions of 0 or 1 give -inf/inf as logit does.
    """
    ybar = np.asarray(ybar, float)
    eta = np.broadcast_to(np.asarray(start, float), ybar.shape).copy()
    inside = (ybar > 0) & (ybar < 1) & np.isfinite(eta)

    def dev(mu: np.ndarray) -> np.ndarray:
        return -2 * (ybar * np.log(mu) + (1 - ybar) * np.log(1 - mu))

    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        mu = 1 / (1 + np.exp(-eta))
        devold = dev(mu)
        active = inside.copy()
        for _ in range(maxit):
            if not active.any():
                break
            step = (ybar - mu) / (mu * (1 - mu))
            eta = np.where(active, eta + step, eta)
            mu = 1 / (1 + np.exp(-eta))
            d = dev(mu)
            active &= ~(np.abs(d - devold) / (np.abs(d) + 0.1) < epsilon)
            devold = d
        exact = np.log(ybar / (1 - ybar))
    return np.where(inside, eta, exact)


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
