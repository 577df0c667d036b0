"""Group values under the rules the Ibis engine does not cover: each series' own aggregation rule.

- ``ratio`` (catalogue ``ratio_of: [numerator, denominator]``, ``scale``): the sum of the numerator over
  the sum of the denominator, over the members that have both in that year, times ``scale``. E-waste per
  capita is total tonnes over total population (x1000 kg per tonne); the recycling rate is recycled over
  generated (x100). ``SP_POP_TOTL`` as denominator uses the aggregation weights (population).
- ``share_yes``: the percentage of the members with an answer that answered yes (values 1/0).
- ``distinct_events``: the number of distinct events affecting at least one member (the world counts
  every event of the dataset, matched to a country or not), from the release's ``events`` table.

Coverage is the population share of the members that have data (``ratio``), the share of members with an
answer (``share_yes``) and 1 for events (the dataset states a worldwide scope). Every frame returned has
the engine's ``OUT_COLUMNS``.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from wsis.compute.engine import DIMS, OUT_COLUMNS

POP = "SP_POP_TOTL"


def group_totals(members: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """Per group and year: total population (``total_w``) and number of members (``total_n``)."""
    m = members.merge(weights, on=["iso3", "year"], how="left")
    return m.groupby(["group", "year"], as_index=False).agg(total_w=("pop", "sum"), total_n=("iso3", "count"))


def _totals_only(values: pd.DataFrame) -> pd.DataFrame:
    """Rows whose breakdown dimensions are all totals."""
    return values[(values[DIMS] == "_T").all(axis=1)]


def _finish(agg: pd.DataFrame, code: str, rule: str) -> pd.DataFrame:
    agg = agg.assign(INDICATOR=code, rule=rule, n_imputed=0, **{d: "_T" for d in DIMS if d not in agg})
    agg["coverage"] = agg["coverage"].astype("float64").clip(upper=1.0)
    return agg[OUT_COLUMNS]


def ratio_aggregates(values: pd.DataFrame, members: pd.DataFrame, weights: pd.DataFrame,
                     specs: dict[str, tuple[str, str, float]], totals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Group values of ratio series: ``specs`` maps code -> (numerator, denominator, scale)."""
    v = _totals_only(values)
    tot = group_totals(members, weights) if totals is None else totals
    out = []
    for code, (num, den, scale) in specs.items():
        a = v[v["INDICATOR"] == num][["iso3", "year", "value"]].rename(columns={"value": "num"})
        if den == POP:
            b = weights.rename(columns={"pop": "den"})[["iso3", "year", "den"]]
        else:
            b = v[v["INDICATOR"] == den][["iso3", "year", "value"]].rename(columns={"value": "den"})
        j = a.merge(b, on=["iso3", "year"]).dropna()
        j = j.merge(members, on=["iso3", "year"]).merge(weights, on=["iso3", "year"], how="left")
        if j.empty:
            continue
        g = j.groupby(["group", "year"], as_index=False).agg(num=("num", "sum"), den=("den", "sum"),
                                                             w=("pop", "sum"), n=("iso3", "count"))
        g = g[g["den"] > 0].merge(tot, on=["group", "year"])
        g["value"] = scale * g["num"] / g["den"]
        g["coverage"] = g["w"] / g["total_w"]
        out.append(_finish(g, code, "ratio"))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=OUT_COLUMNS)


def popw_mean(values: pd.DataFrame, members: pd.DataFrame, weights: pd.DataFrame, codes: list[str],
              totals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Population-weighted mean of the members with a value (the variant of unweighted index means);
    coverage is the population share of those members."""
    v = _totals_only(values)
    v = v[v["INDICATOR"].isin(codes)].merge(members, on=["iso3", "year"]).merge(weights, on=["iso3", "year"])
    if v.empty:
        return pd.DataFrame(columns=OUT_COLUMNS)
    v["vw"] = v["value"] * v["pop"]
    g = v.groupby(["INDICATOR", "group", "year"], as_index=False).agg(num=("vw", "sum"), w=("pop", "sum"),
                                                                      n=("iso3", "count"))
    g = g[g["w"] > 0].merge(group_totals(members, weights) if totals is None else totals, on=["group", "year"])
    g["value"] = g["num"] / g["w"]
    g["coverage"] = g["w"] / g["total_w"]
    return pd.concat([_finish(x.drop(columns="INDICATOR"), c, "popw_mean") for c, x in g.groupby("INDICATOR")],
                     ignore_index=True)


def share_yes(values: pd.DataFrame, members: pd.DataFrame, weights: pd.DataFrame, codes: list[str],
              totals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Percentage of members answering yes (1) among those answering, per group and year."""
    v = _totals_only(values)
    v = v[v["INDICATOR"].isin(codes)].merge(members, on=["iso3", "year"])
    if v.empty:
        return pd.DataFrame(columns=OUT_COLUMNS)
    tot = group_totals(members, weights) if totals is None else totals
    g = v.groupby(["INDICATOR", "group", "year"], as_index=False).agg(value=("value", "mean"), n=("iso3", "count"))
    g = g.merge(tot, on=["group", "year"])
    g["value"] = 100.0 * g["value"]
    g["coverage"] = g["n"] / g["total_n"]
    return pd.concat([_finish(x.drop(columns="INDICATOR"), c, "share_yes") for c, x in g.groupby("INDICATOR")],
                     ignore_index=True)


def distinct_events(con: duckdb.DuckDBPyConnection, members: pd.DataFrame, code: str,
                    datasets: list[str]) -> pd.DataFrame:
    """Distinct events per group, year and scope (``GEO_SCOPE`` _T, NAT, SUBNAT) from the events table."""
    if not datasets:
        return pd.DataFrame(columns=OUT_COLUMNS)
    ev = con.execute(f"SELECT event_id, iso3, year, geo_scope FROM events WHERE DATASET_ID IN "
                     f"({','.join('?' * len(datasets))})", datasets).df()
    if ev.empty:
        return pd.DataFrame(columns=OUT_COLUMNS)
    ev["year"] = ev["year"].astype("int64")
    m = members[["group", "iso3"]].drop_duplicates()
    j = ev.dropna(subset=["iso3"]).merge(m, on="iso3")
    j = j[j["group"] != "WLD"]
    world = ev.assign(group="WLD")   # the world counts every event, matched to a country or not
    j = pd.concat([j, world], ignore_index=True)
    rows = []
    for scope in ("_T", "NAT", "SUBNAT"):
        s = j if scope == "_T" else j[j["geo_scope"] == scope]
        g = s.groupby(["group", "year"], as_index=False).agg(value=("event_id", "nunique"),
                                                             n=("iso3", "nunique"))
        rows.append(g.assign(GEO_SCOPE=scope))
    g = pd.concat(rows, ignore_index=True)
    g["value"] = g["value"].astype("float64")
    g["coverage"] = 1.0
    return _finish(g, code, "distinct_events")


def finite(df: pd.DataFrame) -> pd.DataFrame:
    """Rows with a finite value."""
    return df[np.isfinite(df["value"].astype("float64"))]
