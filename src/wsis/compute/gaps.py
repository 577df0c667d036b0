"""Divides as derived indicators, each with its own code.

- ``<X>_GPS``: gender parity score, female / male (ITU: parity when 0.98 <= GPS <= 1.02);
- ``<X>_URR``: urban / rural ratio;
- ``<X>_HIC_LIC_RATIO`` and ``<X>_HIC_LIC_PP`` (stored at REF_AREA WLD): high-income over low-income,
  as a ratio and a percentage-point gap;
- ``<X>_WLD_RATIO`` and ``<X>_WLD_GAP_PP`` (stored at LDC, LLDC, SIDS): group / world, and world minus
  group in points (positive = the group is behind the world);
- ``<X>_GINI`` and ``<X>_THEIL``: population-weighted Gini and Theil (T) indices across the member
  countries of a group (coverage rule as for aggregates).

Group-level inputs are read from the ``preferred`` view after the aggregates were inserted, so they use
the published World Bank value where one exists and the WSIS Monitor aggregate elsewhere.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from wsis.compute.engine import DIMS

GAP_DATASET = "wsis:derived/gaps"
SEX_BASE = ("IT_USE_ii99", "IT_MOB_OWN")
URBAN_BASE = ("IT_USE_ii99", "IT_MOB_OWN")
GROUP_BASE = ("IT_USE_ii99", "IT_MOB_OWN", "IT_HH_INET", "IT_MOB_4GNTWK")
VS_WORLD = ("LDC", "LLDC", "SIDS")
INEQ_GROUPS = ("WLD", "HIC", "UMC", "LMC", "LIC", "LDC", "LLDC", "SIDS", "ITU_AFR", "ITU_AMS", "ITU_ARB",
               "ITU_ASP", "ITU_CIS", "ITU_EUR", "M49_002", "M49_009", "M49_019", "M49_142", "M49_150")
PARITY_BAND = (0.98, 1.02)
NEAR_PARITY = 0.95

# suffix -> (name template, unit, higher_is_better, definition template)
GAP_KINDS: dict[str, tuple[str, str, bool | None, str]] = {
    "GPS": ("{name}: gender parity score (female/male)", "RATIO", None,
            "Female value divided by male value, same age scope; parity when 0.98-1.02 (ITU)."),
    "URR": ("{name}: urban/rural ratio", "RATIO", False, "Urban value divided by rural value (ITU)."),
    "HIC_LIC_RATIO": ("{name}: high-income / low-income ratio", "RATIO", False,
                      "Value for high-income countries divided by the value for low-income countries."),
    "HIC_LIC_PP": ("{name}: high-income minus low-income (points)", "PP", False,
                   "High-income value minus low-income value, in percentage points."),
    "WLD_RATIO": ("{name}: group / world ratio", "RATIO", True, "Group value divided by the world value."),
    "WLD_GAP_PP": ("{name}: world minus group (points)", "PP", False,
                   "World value minus the group value, in percentage points (positive: group behind)."),
    "GINI": ("{name}: population-weighted Gini index across countries", "INDEX", False,
             "Gini index of country values weighted by population (0 = all equal)."),
    "THEIL": ("{name}: population-weighted Theil index across countries", "INDEX", False,
              "Theil T index of country values weighted by population (0 = all equal)."),
}


def gap_codes() -> dict[str, tuple[str, str]]:
    """Every derived gap code -> (base indicator, kind)."""
    out = {}
    for b in SEX_BASE:
        out[f"{b}_GPS"] = (b, "GPS")
    for b in URBAN_BASE:
        out[f"{b}_URR"] = (b, "URR")
    for b in GROUP_BASE:
        for k in ("HIC_LIC_RATIO", "HIC_LIC_PP", "WLD_RATIO", "WLD_GAP_PP", "GINI", "THEIL"):
            out[f"{b}_{k}"] = (b, k)
    return out


def _totals_where(alias: str = "") -> str:
    p = f"{alias}." if alias else ""
    return " AND ".join(f"{p}{d} = '_T'" for d in DIMS if d not in ("SEX", "URBANISATION"))


def _pair(con, bases, dim, a, b) -> pd.DataFrame:
    """value(dim=a) / value(dim=b) per indicator, area and year, other dimensions at their totals."""
    other = "URBANISATION" if dim == "SEX" else "SEX"
    q = f"""SELECT x.INDICATOR AS base, x.REF_AREA, x.TIME_PERIOD, x.OBS_VALUE AS va, y.OBS_VALUE AS vb,
               x.DATASET_ID AS da, y.DATASET_ID AS db
            FROM preferred x JOIN preferred y ON x.INDICATOR = y.INDICATOR AND x.REF_AREA = y.REF_AREA
              AND x.TIME_PERIOD = y.TIME_PERIOD AND x.AGE = y.AGE
            WHERE x.{dim} = '{a}' AND y.{dim} = '{b}' AND x.{other} = '_T' AND y.{other} = '_T'
              AND {_totals_where('x')} AND {_totals_where('y')}
              AND x.INDICATOR IN ({','.join('?' * len(bases))}) AND y.OBS_VALUE > 0"""
    return con.execute(q, list(bases)).df()


def _rows(df: pd.DataFrame, code: pd.Series | str, value: pd.Series, src: pd.Series, method: str,
          unit: str, coverage=None) -> pd.DataFrame:
    out = pd.DataFrame({"DATASET_ID": GAP_DATASET, "INDICATOR": code, "REF_AREA": df["REF_AREA"],
                        "TIME_PERIOD": df["TIME_PERIOD"].astype("int32"), "OBS_VALUE": value.astype("float64"),
                        "UNIT_MEASURE": unit, "UNIT_MULT": 0, "OBS_STATUS": "A", "NATURE": "C",
                        "METHOD": method, "DERIVED_FROM": src,
                        "COVERAGE": np.nan if coverage is None else coverage})
    for d in DIMS:
        out[d] = "_T"
    return out


def _group_pairs(con, bases) -> list[pd.DataFrame]:
    tot = _totals_where() + " AND SEX = '_T' AND URBANISATION = '_T'"
    df = con.execute(f"SELECT INDICATOR, REF_AREA, TIME_PERIOD, OBS_VALUE, DATASET_ID FROM preferred "
                     f"WHERE {tot} AND REF_AREA IN ('WLD','HIC','LIC','LDC','LLDC','SIDS') "
                     f"AND INDICATOR IN ({','.join('?' * len(bases))})", list(bases)).df()
    out = []
    h = df[df.REF_AREA == "HIC"].merge(df[df.REF_AREA == "LIC"], on=["INDICATOR", "TIME_PERIOD"],
                                       suffixes=("_h", "_l"))
    h = h[h["OBS_VALUE_l"] > 0].assign(REF_AREA="WLD")
    src = h["DATASET_ID_h"] + ";" + h["DATASET_ID_l"]
    out.append(_rows(h, h["INDICATOR"] + "_HIC_LIC_RATIO", h["OBS_VALUE_h"] / h["OBS_VALUE_l"], src, "ratio",
                     "RATIO"))
    out.append(_rows(h, h["INDICATOR"] + "_HIC_LIC_PP", h["OBS_VALUE_h"] - h["OBS_VALUE_l"], src, "difference",
                     "PP"))
    w = df[df.REF_AREA == "WLD"]
    g = df[df.REF_AREA.isin(VS_WORLD)].merge(w, on=["INDICATOR", "TIME_PERIOD"], suffixes=("", "_w"))
    g = g[g["OBS_VALUE_w"] > 0]
    src = g["DATASET_ID"] + ";" + g["DATASET_ID_w"]
    out.append(_rows(g, g["INDICATOR"] + "_WLD_RATIO", g["OBS_VALUE"] / g["OBS_VALUE_w"], src, "ratio", "RATIO"))
    out.append(_rows(g, g["INDICATOR"] + "_WLD_GAP_PP", g["OBS_VALUE_w"] - g["OBS_VALUE"], src, "difference",
                     "PP"))
    return out


def inequality(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Population-weighted Gini and Theil T of ``x`` (weights ``w``) within each ``keys`` group."""
    d = df[(df["w"] > 0) & df["x"].notna()].sort_values([*keys, "x"]).copy()
    d["W"] = d.groupby(keys)["w"].transform("sum")
    d["p"] = d["w"] / d["W"]
    d["px"] = d["p"] * d["x"]
    d["mu"] = d.groupby(keys)["px"].transform("sum")
    d = d[d["mu"] > 0]
    d["S"] = d.groupby(keys)["px"].cumsum()
    d["lor"] = d["p"] * (2 * d["S"] - d["px"]) / d["mu"]
    r = d["x"] / d["mu"]
    d["th"] = np.where(r > 0, d["p"] * r * np.log(np.where(r > 0, r, 1.0)), 0.0)
    g = d.groupby(keys).agg(lor=("lor", "sum"), theil=("th", "sum"), n=("x", "size"))
    g["gini"] = 1 - g["lor"]
    return g[["gini", "theil", "n"]].reset_index()


def _inequality_rows(con, bases, threshold: float) -> list[pd.DataFrame]:
    q = f"""
        WITH v AS (SELECT o.INDICATOR, o.REF_AREA AS iso3, o.TIME_PERIOD, o.OBS_VALUE AS x, o.DATASET_ID
                   FROM preferred o JOIN areas a ON a.code = o.REF_AREA
                   WHERE a.kind = 'country' AND {_totals_where('o')} AND o.SEX = '_T' AND o.URBANISATION = '_T'
                     AND o.INDICATOR IN ({','.join('?' * len(bases))}) AND o.OBS_VALUE IS NOT NULL),
             p AS (SELECT REF_AREA AS iso3, TIME_PERIOD, OBS_VALUE AS w FROM preferred
                   WHERE INDICATOR = 'SP_POP_TOTL' AND {_totals_where()} AND SEX = '_T' AND URBANISATION = '_T'),
             m AS (SELECT "group", iso3 FROM group_members WHERE "group" IN ({','.join('?' * len(INEQ_GROUPS))}))
        SELECT m."group", v.INDICATOR, v.TIME_PERIOD, v.x, p.w, v.DATASET_ID
        FROM v JOIN m USING (iso3) JOIN p ON p.iso3 = v.iso3 AND p.TIME_PERIOD = v.TIME_PERIOD"""
    df = con.execute(q, [*bases, *INEQ_GROUPS]).df()
    if df.empty:
        return []
    tot = con.execute(f"""SELECT m."group", p.TIME_PERIOD, sum(p.OBS_VALUE) AS W FROM group_members m
        JOIN preferred p ON p.REF_AREA = m.iso3 AND p.INDICATOR = 'SP_POP_TOTL' AND {_totals_where('p')}
        AND p.SEX = '_T' AND p.URBANISATION = '_T' GROUP BY ALL""").df()
    keys = ["group", "INDICATOR", "TIME_PERIOD"]
    ineq = inequality(df, keys)
    cov = df.groupby(keys)["w"].sum().rename("ww").reset_index().merge(tot, on=["group", "TIME_PERIOD"])
    cov["coverage"] = (cov["ww"] / cov["W"]).clip(upper=1)
    src = df.groupby("INDICATOR")["DATASET_ID"].agg(lambda s: ";".join(sorted(set(s))))
    ineq = ineq.merge(cov[[*keys, "coverage"]], on=keys)
    ineq = ineq[ineq["coverage"] >= threshold - 1e-12].rename(columns={"group": "REF_AREA"})
    s = ineq["INDICATOR"].map(src) + ";SP_POP_TOTL"
    return [_rows(ineq, ineq["INDICATOR"] + "_GINI", ineq["gini"], s, "popw_gini", "INDEX", ineq["coverage"]),
            _rows(ineq, ineq["INDICATOR"] + "_THEIL", ineq["theil"], s, "popw_theil", "INDEX", ineq["coverage"])]


def compute_gaps(con: duckdb.DuckDBPyConnection, threshold: float = 2 / 3) -> pd.DataFrame:
    """Every gap observation of a release connection (after the aggregates were inserted)."""
    parts = []
    g = _pair(con, SEX_BASE, "SEX", "F", "M")
    parts.append(_rows(g, g["base"] + "_GPS", g["va"] / g["vb"], g["da"] + ";" + g["db"], "ratio_f_m", "RATIO"))
    u = _pair(con, URBAN_BASE, "URBANISATION", "U", "R")
    parts.append(_rows(u, u["base"] + "_URR", u["va"] / u["vb"], u["da"] + ";" + u["db"], "ratio_u_r", "RATIO"))
    parts += _group_pairs(con, GROUP_BASE)
    parts += _inequality_rows(con, GROUP_BASE, threshold)
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    out["DERIVED_FROM"] = out["DERIVED_FROM"].map(lambda s: ";".join(dict.fromkeys(str(s).split(";"))))
    return out


def parity_class(gps: float) -> str:
    """ITU gender-parity class of a score."""
    if gps is None or not np.isfinite(gps):
        return "no data"
    lo, hi = PARITY_BAND
    if lo <= gps <= hi:
        return "parity"
    if NEAR_PARITY <= gps < lo:
        return "near parity"
    return "gap favouring men" if gps < NEAR_PARITY else "gap favouring women"


def gap_table(release, latest: bool = True, indicator: str | None = None,
              area: str | None = None) -> pd.DataFrame:
    """The gaps of a release (latest year per gap and area by default), with the parity class for GPS."""
    df = release.observations(indicator=indicator, areas=[area] if area else None, datasets=[GAP_DATASET],
                              all_vintages=True)
    codes = gap_codes()
    df = df.rename(columns={"INDICATOR": "gap", "REF_AREA": "area", "TIME_PERIOD": "year", "OBS_VALUE": "value",
                            "UNIT_MEASURE": "unit", "COVERAGE": "coverage"})
    if df.empty:
        return pd.DataFrame(columns=["gap", "base_indicator", "kind", "area", "year", "value", "unit", "class",
                                     "coverage"])
    if latest:
        df = df.sort_values("year").groupby(["gap", "area"], as_index=False).tail(1)
    df["base_indicator"] = df["gap"].map(lambda c: codes.get(c, (None, None))[0])
    df["kind"] = df["gap"].map(lambda c: codes.get(c, (None, None))[1])
    df["class"] = [parity_class(v) if k == "GPS" else "" for v, k in zip(df["value"], df["kind"], strict=True)]
    cols = ["gap", "base_indicator", "kind", "area", "year", "value", "unit", "class", "coverage"]
    return df[cols].sort_values(["kind", "gap", "area", "year"], ignore_index=True)
