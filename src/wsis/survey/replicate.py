"""Replicate-weight variance with R ``survey`` conventions (``svrepdesign`` defaults and ``svrVar``)."""

from __future__ import annotations

import numpy as np

from wsis.errors import WsisError
from wsis.survey.design import ReplicateSpec


def scales(spec: ReplicateSpec, n_rep: int, file: str | None = None) -> tuple[float, np.ndarray]:
    """``(scale, rscales)`` for a replicate design, as ``svrepdesign`` sets them for each type."""
    t = spec.type
    scale = spec.scale
    if t == "BRR":
        scale = 1.0 / n_rep
    elif t == "Fay":
        scale = 1.0 / (n_rep * (1.0 - float(spec.rho)) ** 2)
    elif t == "bootstrap" and scale is None:
        scale = 1.0 / (n_rep - 1)
    elif t == "JK1" and scale is None:
        scale = (n_rep - 1) / n_rep
    elif t in ("ACS", "successive-difference"):
        scale = 4.0 / n_rep
    elif scale is None:
        scale = 1.0
    if t in ("ACS", "successive-difference") or spec.rscales is None:
        rs = np.ones(n_rep)
    elif isinstance(spec.rscales, list):
        if len(spec.rscales) not in (1, n_rep):
            raise WsisError("design-invalid", f"rscales has {len(spec.rscales)} values for {n_rep} replicates",
                            file=file, column="replicates.rscales", expected=f"1 or {n_rep} values")
        rs = np.resize(np.asarray(spec.rscales, float), n_rep)
    else:
        rs = np.full(n_rep, float(spec.rscales))
    return float(scale), rs


def variance(thetas: np.ndarray, theta: np.ndarray, scale: float, rscales: np.ndarray, mse: bool) -> np.ndarray:
    """Replicate variance of each column: ``scale * sum_r rscale_r (theta_r - centre)^2``.

    ``thetas`` is (replicates x estimates). Replicates with a non-finite estimate are dropped with their
    rscale, per column, as R's ``na.action`` does. The centre is the replicate mean (over rscales > 0)
    unless ``mse``, then the full-sample ``theta``.
    """
    thetas = np.asarray(thetas, float)
    if thetas.ndim == 1:
        thetas = thetas[:, None]
    ok = np.isfinite(thetas)
    rs = np.broadcast_to(rscales[:, None], thetas.shape)
    if mse:
        centre = np.asarray(theta, float)
    else:
        use = ok & (rs > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            centre = np.where(use, thetas, 0.0).sum(axis=0) / use.sum(axis=0)
    dev = np.where(ok, thetas - centre, 0.0)
    return scale * (dev**2 * rs).sum(axis=0)


def rank_df(factors: np.ndarray, tol: float = 1e-5) -> int:
    """Design degrees of freedom of a replicate design: rank of the replicate weights minus 1.

    As R's ``qr(weights, tol=1e-5)$rank``: a column counts when the part of it not explained by the
    earlier columns keeps more than ``tol`` of its norm (Householder QR, columns in order).
    """
    if factors.size == 0:
        return 0
    m = np.asarray(factors, float)
    norms = np.linalg.norm(m, axis=0)
    r = np.linalg.qr(m, mode="r")
    diag = np.abs(np.diag(r))
    keep = norms > 0
    return int(np.sum(diag[keep[: len(diag)]] > tol * norms[: len(diag)][keep[: len(diag)]])) - 1
