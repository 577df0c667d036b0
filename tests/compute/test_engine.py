"""The Ibis aggregation engine: hand-computed values, imputation, and DuckDB == PySpark."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest

from wsis.compute.aggregates import impute, load_frames
from wsis.compute.engine import DIMS, aggregate

RULES = {"A": "popw_mean", "B": "median", "C": "sum", "D": "mean", "E": "per100"}


def inputs() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(7)
    rows = []
    for ind in RULES:
        for iso in ("X1", "X2", "X3", "X4", "X5"):
            for year in (2019, 2020, 2021):
                if (iso, year) in (("X5", 2019), ("X4", 2021)):
                    continue
                rows.append({"INDICATOR": ind, "iso3": iso, "year": year,
                             "value": float(np.round(rng.uniform(1, 99), 3)), "imputed": iso == "X3" and year == 2021})
    v = pd.DataFrame(rows)
    for d in DIMS:
        v[d] = "_T"
    v.loc[v.index[:4], "SEX"] = "F"
    mem = pd.DataFrame([(g, i) for g, ms in {"G1": ["X1", "X2", "X3"], "G2": ["X3", "X4", "X5"],
                                             "W": ["X1", "X2", "X3", "X4", "X5", "X6"]}.items() for i in ms],
                       columns=["group", "iso3"]).merge(pd.DataFrame({"year": [2019, 2020, 2021]}), how="cross")
    w = pd.DataFrame([(i, y, float(10 * k + y - 2018)) for k, i in enumerate(["X1", "X2", "X3", "X4", "X5", "X6"], 1)
                      for y in (2019, 2020, 2021)], columns=["iso3", "year", "pop"])
    return v, mem, w


def run(backend) -> pd.DataFrame:
    v, m, w = inputs()
    t = load_frames(backend, v, m, w)
    return aggregate(t["values"], t["members"], t["weights"], RULES)


def test_hand_computed_values():
    out = run(ibis.duckdb.connect())
    v, m, w = inputs()
    sel = out[(out.INDICATOR == "A") & (out.group == "G1") & (out.year == 2020) & (out.SEX == "_T")].iloc[0]
    x = v[(v.INDICATOR == "A") & (v.year == 2020) & (v.iso3.isin(["X1", "X2", "X3"])) & (v.SEX == "_T")]
    pw = w[w.year == 2020].set_index("iso3")["pop"]
    assert sel["value"] == pytest.approx((x["value"] * x["iso3"].map(pw)).sum() / x["iso3"].map(pw).sum())
    assert sel["coverage"] == pytest.approx(pw[list(x["iso3"])].sum() / pw[["X1", "X2", "X3"]].sum())
    # W has X6 with population but no data at all: coverage < 1 by exactly its share
    w20 = out[(out.INDICATOR == "A") & (out.group == "W") & (out.year == 2020) & (out.SEX == "_T")].iloc[0]
    xs = set(v[(v.INDICATOR == "A") & (v.year == 2020) & (v.SEX == "_T")]["iso3"])
    assert w20["coverage"] == pytest.approx(pw[list(xs)].sum() / pw.sum())
    # imputed X3 2021 counts in the value but not in the coverage
    g21 = out[(out.INDICATOR == "D") & (out.group == "G1") & (out.year == 2021) & (out.SEX == "_T")].iloc[0]
    assert g21["n_imputed"] == 1 and g21["coverage"] == pytest.approx(2 / 3)
    med = out[(out.INDICATOR == "B") & (out.group == "G2") & (out.year == 2020) & (out.SEX == "_T")].iloc[0]
    xb = v[(v.INDICATOR == "B") & (v.year == 2020) & v.iso3.isin(["X3", "X4", "X5"]) & (v.SEX == "_T")]["value"]
    assert med["value"] == pytest.approx(float(np.median(xb)))


def test_impute_interpolate_and_nearest():
    base = pd.DataFrame({"INDICATOR": "A", "iso3": "X1", "year": [2010, 2012, 2020], "value": [10.0, 20.0, 40.0],
                         "imputed": False, "DATASET_ID": "d"})
    for d in DIMS:
        base[d] = "_T"
    it = impute(base, "interpolate", 3)
    new = it[it["imputed"]].set_index("year")["value"]
    assert new.to_dict() == {2011: 15.0}  # the 7-year gap 2013-2019 is longer than 3: not filled
    nb = impute(base, "nearest", 2)
    got = nb[nb["imputed"]].set_index("year")["value"].to_dict()
    assert got == {2011: 10.0, 2013: 20.0, 2014: 20.0, 2018: 40.0, 2019: 40.0}
    assert (nb[nb["imputed"]]["DATASET_ID"] == "d").all()
    assert impute(base, "none", 3) is base


@pytest.mark.spark
def test_duckdb_and_pyspark_agree():
    from wsis.compute.aggregates import ibis_backend

    duck = run(ibis.duckdb.connect())
    spark = run(ibis_backend(None, "pyspark"))
    key = ["INDICATOR", "group", "year", *DIMS]
    a = duck.sort_values(key, ignore_index=True)
    b = spark.sort_values(key, ignore_index=True)
    assert len(a) == len(b) > 30
    assert (a[key].astype(str).to_numpy() == b[key].astype(str).to_numpy()).all()
    np.testing.assert_allclose(a["value"].to_numpy(float), b["value"].to_numpy(float), rtol=1e-12)
    np.testing.assert_allclose(a["coverage"].to_numpy(float), b["coverage"].to_numpy(float), rtol=1e-12)
    assert (a["n"].to_numpy(int) == b["n"].to_numpy(int)).all()
