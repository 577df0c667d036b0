"""Taylor-linearisation variance for stratified multistage designs, following R ``survey::svyrecvar``.

Input is a matrix of linearised scores already summed to the finest sampling units (one row per unit,
one column per estimate), with each stage's stratum, cluster and population size per unit. The first
stage is treated as with-replacement unless an fpc is given; with an fpc, later stages add their
variance multiplied by the earlier sampling fraction (R's ``multistage`` recursion). Singleton strata
follow R's ``survey.lonely.psu`` rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class Stage:
    """One sampling stage, per finest unit: stratum code, cluster code (both nested) and population size.

    ``popsize`` is the number of clusters in the population stratum (``inf`` or None: with replacement).
    """

    stratum: np.ndarray
    cluster: np.ndarray
    popsize: np.ndarray | None = None


class LonelyPsuError(Exception):
    """A stratum with a single sampled cluster under ``lonely_psu: fail``."""

    def __init__(self, stage: int, stratum_code: int):
        super().__init__(f"stratum has only one PSU at stage {stage}")
        self.stage = stage
        self.stratum_code = stratum_code


def _group_sum(values: np.ndarray, codes: np.ndarray, ngroups: int) -> np.ndarray:
    """Sum rows of ``values`` by integer ``codes`` in 0..ngroups-1 (exact, order independent of data)."""
    order = np.argsort(codes, kind="stable")
    sc = codes[order]
    starts = np.flatnonzero(np.r_[True, sc[1:] != sc[:-1]])
    out = np.zeros((ngroups, values.shape[1]))
    if len(order):
        out[sc[starts]] = np.add.reduceat(values[order], starts, axis=0)
    return out


def _first(values: np.ndarray, codes: np.ndarray, ngroups: int) -> np.ndarray:
    out = np.empty(ngroups, dtype=values.dtype)
    out[codes[::-1]] = values[::-1]
    return out


def onestage(z: np.ndarray, stage: Stage, parent: np.ndarray, mult: np.ndarray, lonely: str,
             stage_no: int, present: np.ndarray | None = None) -> np.ndarray:
    """Variance contribution of one stage, summed over parents; ``mult`` per unit scales each parent.

    ``present`` (unit x column, bool) marks units with rows in each column's domain: under
    ``average`` R counts only the strata a domain reaches (its design is cut to the domain rows).
    """
    _, ccode = np.unique(stage.cluster, return_inverse=True)
    nclus = int(ccode.max()) + 1 if len(ccode) else 0
    totals = _group_sum(z, ccode, nclus)
    c_stratum = _first(stage.stratum, ccode, nclus)
    c_parent = _first(parent, ccode, nclus)
    c_mult = _first(mult, ccode, nclus)
    c_pop = None if stage.popsize is None else _first(stage.popsize.astype(float), ccode, nclus)

    _, scode = np.unique(c_stratum, return_inverse=True)
    nstrat = int(scode.max()) + 1 if len(scode) else 0
    n_h = np.bincount(scode, minlength=nstrat).astype(float)
    sums = _group_sum(totals, scode, nstrat)
    means = sums / n_h[:, None]
    n_c = n_h[scode]
    if c_pop is None:
        f_c = np.ones(nclus)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            f_c = np.where(np.isinf(c_pop), 1.0, (c_pop - n_c) / c_pop)
    f_h = _first(f_c, scode, nstrat)
    single = (n_h == 1) & (f_h >= 1e-7)  # R returns 0 for census strata before the lonely-PSU rule
    if single.any() and lonely == "fail":
        raise LonelyPsuError(stage_no, int(np.flatnonzero(single)[0]))
    centred = totals - means[scode]
    if lonely == "adjust":
        centred[single[scode]] = totals[single[scode]]
    with np.errstate(invalid="ignore", divide="ignore"):
        scale_h = np.where(single, f_h, f_h * n_h / (n_h - 1))
    contrib = _group_sum(centred**2, scode, nstrat) * scale_h[:, None]
    contrib[f_h < 1e-7] = 0.0
    h_parent = _first(c_parent, scode, nstrat)
    h_mult = _first(c_mult, scode, nstrat)
    ok = ~single if lonely == "average" else np.ones(nstrat, bool)
    if lonely == "average":
        contrib[single] = 0.0
    _, pcode = np.unique(h_parent, return_inverse=True)
    npar = int(pcode.max()) + 1 if len(pcode) else 0
    per_parent = _group_sum(contrib, pcode, npar)
    if present is None:
        pres_h = np.ones((nstrat, z.shape[1]))
    else:
        pres_c = _group_sum(present.astype(float), ccode, nclus) > 0
        pres_h = (_group_sum(pres_c.astype(float), scode, nstrat) > 0).astype(float)
    nst = _group_sum(pres_h, pcode, npar)
    nok = _group_sum(pres_h * ok[:, None], pcode, npar)
    with np.errstate(invalid="ignore", divide="ignore"):
        adj = np.where(nok > 0, nst / nok, np.nan)
    p_mult = _first(h_mult, pcode, npar)
    return np.nan_to_num(per_parent * adj * p_mult[:, None]).sum(axis=0)


def recvar(z: np.ndarray, stages: list[Stage], lonely: str = "fail", recurse: bool = False,
           present: np.ndarray | None = None) -> np.ndarray:
    """Variance of each column of ``z`` (scores summed to finest units) under the multistage design.

    ``recurse`` is True when an fpc was given (R recurses into later stages only then).
    """
    z = np.asarray(z, dtype=float)
    if z.ndim == 1:
        z = z[:, None]
    n = z.shape[0]
    parent = np.zeros(n, dtype=np.int64)
    mult = np.ones(n)
    total = np.zeros(z.shape[1])
    for k, st in enumerate(stages):
        total += onestage(z, st, parent, mult, lonely, k + 1, present)
        if not recurse or k + 1 == len(stages):
            break
        pop = np.full(n, np.inf) if st.popsize is None else st.popsize.astype(float)
        _, ccode = np.unique(st.cluster, return_inverse=True)
        strat_of = pd.Series(st.stratum)
        n_per_stratum = pd.Series(ccode).groupby(strat_of.values).nunique()
        n_s = n_per_stratum.reindex(st.stratum).to_numpy(dtype=float)
        with np.errstate(divide="ignore"):
            mult = mult * np.where(np.isinf(pop), 0.0, n_s / pop)
        parent = ccode
    return total
