"""Progress towards the 2030 targets, per area and indicator, under selectable methods.

Building blocks (base year b, latest year t, target v* in year T):
CAGR_a = (v_t/v_b)^(1/(t-b)) - 1; CAGR_r = (v*/v_b)^(1/(T-b)) - 1; R = CAGR_a/CAGR_r;
v_T^e = v_t (1+CAGR_a)^(T-t); P = (v_T^e - v_b)/(v* - v_b).

Methods:
- ``statcan``: Statistics Canada / Open SDG (R >= 0.95 on track, 0.60-0.95 acceleration needed, 0-0.60
  limited, < 0 deterioration; without a target, d*CAGR_a against 1.5% / 0.5% / 0);
- ``unsd``: UN Statistics Division Progress Chart (2023 and later): anticipated progress by 2030 against
  required progress, P >= 0.95 on track, 0.10-0.95 fair progress, < 0.10 stagnation or regression; without
  a target, CAGR_a against 2% / 0.5%;
- ``unsd2022``: the Progress Chart 2022 thresholds on R (0.95 / 0.5 / -0.1);
- ``projection``: a trend linear in log-odds (percentages) or in logs (other units), fitted by least squares
  on the years from the base year, projected to 2030 with a 95% prediction interval.

Parity scores (band targets) use the Open SDG transform max(y, 1/y), lower is better, target 1.
A value that already meets the target is "target met" under every method.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats

from wsis.catalogue import load_catalogue
from wsis.compute.targets import Target, load_targets
from wsis.errors import WsisError
from wsis.schema import DISAGG, TOTAL

METHODS = ("unsd", "statcan", "unsd2022", "projection")
BASE_YEAR = 2015
MET = "target met"
NO_DATA = "no data"
TOO_FEW = "insufficient data"
COLUMNS = ["area", "indicator", "target_id", "method", "category", "base_year", "base_value", "latest_year",
           "latest_value", "target_value", "observed_rate", "required_rate", "ratio", "progress_share",
           "projected_2030", "projected_low", "projected_high", "years_used", "n_points"]


def measures(vb: float, b: int, vt: float, t: int, target: float | None, T: int = 2030) -> dict:
    """CAGR_a, CAGR_r, R, the extrapolated value at T and P (see the module docstring)."""
    if vb <= 0 or vt <= 0 or t <= b:
        raise ValueError("need positive values and t > b")
    ca = (vt / vb) ** (1 / (t - b)) - 1
    out = {"observed_rate": ca, "required_rate": np.nan, "ratio": np.nan, "extrapolated": np.nan,
           "progress_share": np.nan}
    if target is None:
        return out
    tv = target if target != 0 else 0.001
    cr = (tv / vb) ** (1 / (T - b)) - 1
    ve = vt * (1 + ca) ** (T - t)
    out.update(required_rate=cr, ratio=ca / cr if cr != 0 else np.nan, extrapolated=ve,
               progress_share=(ve - vb) / (tv - vb) if tv != vb else np.nan)
    return out


def classify(method: str, m: dict, has_target: bool, higher_is_better: bool = True) -> str:
    """The category of one assessment under a method, from its ``measures``."""
    if has_target:
        if method == "statcan":
            r = m["ratio"]
            return ("on track" if r >= 0.95 else "progress made but acceleration needed" if r >= 0.60
                    else "limited progress" if r >= 0 else "deterioration")
        if method == "unsd2022":
            r = m["ratio"]
            return ("substantial progress / on track" if r >= 0.95 else "fair progress but acceleration needed"
                    if r >= 0.5 else "limited or no progress" if r >= -0.1 else "deterioration")
        p = m["progress_share"]
        return ("on track" if p >= 0.95 else "fair progress, acceleration needed" if p >= 0.10
                else "stagnation or regression")
    g = m["observed_rate"] * (1 if higher_is_better else -1)
    if method == "statcan":
        return ("on track" if g >= 0.015 else "progress made but acceleration needed" if g >= 0.005
                else "limited progress" if g >= 0 else "deterioration")
    if method == "unsd2022":
        return ("substantial progress / on track" if g > 0.01 else "fair progress but acceleration needed"
                if g >= 0.005 else "limited or no progress" if g >= -0.01 else "deterioration")
    return "on track" if g >= 0.02 else "fair progress" if g >= 0.005 else "stagnation or regression"


def project(years, values, T: int = 2030, bounded: bool = True, level: float = 0.95) -> tuple[float, float, float]:
    """Least-squares trend in log-odds (``bounded`` percentages) or logs, projected to T with an interval.

    Returns (projection, low, high); the interval is NaN with fewer than three points.
    """
    x = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    if len(x) < 2 or np.ptp(x) == 0:
        return (np.nan, np.nan, np.nan)
    if bounded:
        p = np.clip(y / 100.0, 1e-4, 1 - 1e-4)
        z = np.log(p / (1 - p))

        def back(v):
            return 100.0 / (1.0 + np.exp(-v))
    else:
        z = np.log(np.clip(y, 1e-9, None))
        back = np.exp
    slope, icept = np.polyfit(x, z, 1)
    zhat = icept + slope * T
    if len(x) < 3:
        return (float(back(zhat)), np.nan, np.nan)
    resid = z - (icept + slope * x)
    dof = len(x) - 2
    s = math.sqrt(float((resid ** 2).sum()) / dof)
    se = s * math.sqrt(1 + 1 / len(x) + (T - x.mean()) ** 2 / float(((x - x.mean()) ** 2).sum()))
    q = _t_quantile(0.5 + level / 2, dof)
    return (float(back(zhat)), float(back(zhat - q * se)), float(back(zhat + q * se)))


@lru_cache(maxsize=256)
def _t_quantile(p: float, dof: int) -> float:
    """Student's t quantile (scipy), cached: a build assesses thousands of series with few distinct dof."""
    return float(stats.t.ppf(p, dof))


def _transform(target: Target, v: np.ndarray) -> np.ndarray:
    return np.maximum(v, 1 / v) if target.direction == "band" else v


def since_last_break(s: pd.Series, breaks: list[int] | tuple[int, ...] = ()) -> pd.Series:
    """The part of a year-indexed series in the framework segment of its latest year: a change, trend or
    progress is never computed across a series break (a year in ``breaks`` starts a new framework)."""
    if s.empty or not breaks:
        return s
    starts = [b for b in breaks if b <= int(s.index[-1])]
    return s[s.index >= max(starts)] if starts else s


def assess_series(years, values, target: Target, method: str = "unsd", base_year: int = BASE_YEAR,
                  bounded: bool | None = None, T: int | None = None, breaks: list[int] | tuple[int, ...] = ()) -> dict:
    """Assess one series (years, values) against a target under a method; one result row (dict).

    Only the years since the series' last break (``breaks``) are used."""
    if method not in METHODS:
        raise WsisError("bad-method", f"unknown progress method {method!r}", column="--method",
                        expected=" | ".join(METHODS))
    T = T or target.year
    s = pd.Series(np.asarray(values, dtype=float), index=np.asarray(years, dtype=int)).dropna().sort_index()
    s = since_last_break(s[s.index <= T], breaks)
    row = dict.fromkeys(COLUMNS, np.nan) | {"target_id": target.id, "indicator": target.indicator,
                                           "method": method, "target_value": target.value, "years_used": "",
                                           "n_points": int(len(s))}
    if s.empty:
        return row | {"category": NO_DATA}
    row |= {"latest_year": int(s.index[-1]), "latest_value": float(s.iloc[-1])}
    since = s[s.index >= base_year]
    if len(since) < 2:  # the base year falls back to the first later year; earlier years are not used
        since = s.iloc[-2:] if len(s) >= 2 and not len(since) else since
    met = target.is_met(float(s.iloc[-1]))
    if len(since) < 2:
        return row | {"category": MET if met else TOO_FEW}
    b, t = int(since.index[0]), int(since.index[-1])
    row |= {"base_year": b, "base_value": float(since.iloc[0]), "n_points": int(len(since)),
            "years_used": f"{b}-{t} ({len(since)} points)"}
    tv = _transform(target, since.to_numpy())
    goal = 1.0 if target.direction == "band" else target.value
    hib = target.higher_is_better if target.direction != "band" else False
    bnd = (bounded if bounded is not None else (target.direction == ">=" and target.value <= 100))
    proj = project(since.index, tv, T, bounded=bnd)
    row |= {"projected_2030": proj[0], "projected_low": proj[1], "projected_high": proj[2]}
    if target.direction == "band":
        row |= {"projected_2030": 1 / proj[0] if row["latest_value"] < 1 else proj[0]}
    try:
        m = measures(float(tv[0]), b, float(tv[-1]), t, goal, T)
    except ValueError:
        return row | {"category": MET if met else TOO_FEW}
    row |= {k: m[k] for k in ("observed_rate", "required_rate", "ratio", "progress_share")}
    if met:
        return row | {"category": MET}
    if method == "projection":
        th = 1.0 + (target.high - 1.0 if target.high else 0) if target.direction == "band" else target.threshold
        reach = proj[0] >= th if hib else proj[0] <= th
        better = (proj[0] > tv[-1]) if hib else (proj[0] < tv[-1])
        cat = "on track" if reach else "off track, improving" if better else "off track, regressing"
        return row | {"category": cat}
    return row | {"category": classify(method, m, True, hib)}


def _series(release, indicators: list[str], area: str | None, dims: dict[str, str] | None = None) -> pd.DataFrame:
    dims = dims or {}
    where = " AND ".join(f"{d} = '{dims.get(d, TOTAL)}'" for d in DISAGG)
    params: list = list(indicators)
    q = (f"SELECT INDICATOR, REF_AREA, TIME_PERIOD, OBS_VALUE FROM preferred WHERE {where} "
         f"AND OBS_VALUE IS NOT NULL AND INDICATOR IN ({','.join('?' * len(indicators))})")
    if area:
        q += " AND REF_AREA = ?"
        params.append(area)
    return release.sql(q, params)


def assess(release, area: str | None = None, indicator: str | None = None, method: str = "unsd",
           base_year: int = BASE_YEAR) -> pd.DataFrame:
    """Progress of every area (or one) on every indicator with a target (or one), under one method or "all"."""
    methods = METHODS if method == "all" else (method,)
    for mth in methods:
        if mth not in METHODS:
            raise WsisError("bad-method", f"unknown progress method {mth!r}", column="--method",
                            expected=" | ".join((*METHODS, "all")))
    targets = [t for t in load_targets() if indicator in (None, t.indicator, t.id)]
    if not targets:
        raise WsisError("no-target", f"no 2030 target for {indicator!r}", column="--indicator",
                        expected=", ".join(t.indicator for t in load_targets()), status=404)
    if area:
        known = release.sql("SELECT count(*) AS n FROM areas WHERE code = ?", [area])["n"].iloc[0]
        if not known:
            raise WsisError("unknown-area", f"unknown area {area!r}", column="--area",
                            expected="an ISO3 code or a group code such as LDC", status=404)
    catalogue = load_catalogue()
    # One query for the targets on totals of every area; a target on a breakdown or one area reads its own.
    plain = [t for t in targets if not t.dims and not t.area]
    data = _series(release, sorted({t.indicator for t in plain}), area) if plain else pd.DataFrame(
        columns=["INDICATOR", "REF_AREA", "TIME_PERIOD", "OBS_VALUE"])
    # Plain NumPy-backed columns: grouping Arrow-backed strings per target and area is much slower.
    data = data.astype({"INDICATOR": object, "REF_AREA": object})
    by_indicator = dict(tuple(data.groupby("INDICATOR", sort=False)))
    rows = []
    for t in targets:
        if t.area and area and area != t.area:
            continue
        if t.dims or t.area:
            sub = _series(release, [t.indicator], t.area or area, t.dims)
        else:
            sub = by_indicator.get(t.indicator, data.iloc[:0])
        ind = catalogue.indicators.get(t.indicator)
        breaks = ind.breaks if ind else []
        if sub.empty:
            for mth in methods:
                rows.append(dict.fromkeys(COLUMNS, np.nan) | {
                    "area": area or "WLD", "indicator": t.indicator, "target_id": t.id, "method": mth,
                    "category": NO_DATA, "target_value": t.value, "years_used": "", "n_points": 0})
            continue
        for code, g in sub.groupby("REF_AREA"):
            for mth in methods:
                r = assess_series(g["TIME_PERIOD"].to_numpy(), g["OBS_VALUE"].to_numpy(), t, mth, base_year,
                                  breaks=breaks)
                rows.append(r | {"area": code})
    out = pd.DataFrame(rows, columns=COLUMNS)
    for c in ("base_year", "latest_year", "n_points"):
        out[c] = out[c].astype("Int64")
    return out.sort_values(["area", "indicator", "method"], ignore_index=True)
