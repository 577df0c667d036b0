"""The build hook on a tiny hand-made release: aggregates, coverage, preference, gaps."""

from __future__ import annotations

import math

import pytest

from wsis.compute.aggregates import AGG_DATASET, aggregates
from wsis.compute.gaps import GAP_DATASET, gap_table, inequality, parity_class


def _one(rel, ind, area, year, sex="_T", all_vintages=False, dataset=None):
    df = rel.observations(indicator=ind, areas=[area], years=[year], dims={"SEX": sex}, all_vintages=all_vintages,
                          datasets=[dataset] if dataset else None)
    return df


def test_popw_mean_and_coverage(tiny_release):
    rel, summary = tiny_release
    # The World Bank publishes a WLD series, so the preferred view takes WLD whole from it (no splicing of
    # vintage families); our aggregate for 2015 is kept beside it.
    assert _one(rel, "IT_USE_ii99", "WLD", 2015).empty
    wld15 = _one(rel, "IT_USE_ii99", "WLD", 2015, all_vintages=True, dataset=AGG_DATASET)
    assert len(wld15) == 1 and wld15["DATASET_ID"].iloc[0] == AGG_DATASET
    assert wld15["OBS_VALUE"].iloc[0] == pytest.approx((80 * 10 + 70 * 30 + 10 * 40) / 80)
    assert wld15["COVERAGE"].iloc[0] == pytest.approx(0.8)
    assert wld15["NATURE"].iloc[0] == "C" and wld15["OBS_STATUS"].iloc[0] == "A"
    assert wld15["METHOD"].iloc[0] == "popw_mean"
    assert "wdi:use" in wld15["DERIVED_FROM"].iloc[0] and "wdi:pop" in wld15["DERIVED_FROM"].iloc[0]
    hic = _one(rel, "IT_USE_ii99", "HIC", 2020)["OBS_VALUE"].iloc[0]
    assert hic == pytest.approx((90 * 10 + 95 * 30) / 40)
    # LIC 2015: only CCC (40 of 60) has data: coverage exactly 2/3 is published
    lic15 = _one(rel, "IT_USE_ii99", "LIC", 2015)
    assert lic15["OBS_VALUE"].iloc[0] == pytest.approx(10) and lic15["COVERAGE"].iloc[0] == pytest.approx(2 / 3)
    assert summary["aggregates"] > 0


def test_below_threshold_not_published(tiny_release):
    rel, _ = tiny_release
    # sex-disaggregated world values: AAA and CCC hold 50% of the population < 2/3
    assert _one(rel, "IT_USE_ii99", "WLD", 2020, sex="F", all_vintages=True).empty


def test_published_value_preferred_ours_kept(tiny_release):
    rel, _ = tiny_release
    pref = _one(rel, "IT_USE_ii99", "WLD", 2020)
    assert pref["DATASET_ID"].tolist() == ["wdi:use"] and pref["OBS_VALUE"].iloc[0] == 55
    both = _one(rel, "IT_USE_ii99", "WLD", 2020, all_vintages=True)
    ours = both[both["DATASET_ID"] == AGG_DATASET]["OBS_VALUE"].iloc[0]
    assert ours == pytest.approx((900 + 2850 + 800 + 600) / 100)
    assert len(aggregates(rel, "IT_USE_ii99", "WLD", 2020)) == 1


def test_median_rule_counts_countries(tiny_release):
    rel, _ = tiny_release
    m = _one(rel, "IT_PRC_FBB5_GNI", "WLD", 2020)
    assert m["OBS_VALUE"].iloc[0] == 3 and m["COVERAGE"].iloc[0] == pytest.approx(0.75)
    assert m["METHOD"].iloc[0] == "median"


def test_gaps(tiny_release):
    rel, _ = tiny_release
    gps = _one(rel, "IT_USE_ii99_GPS", "CCC", 2020)
    assert gps["OBS_VALUE"].iloc[0] == pytest.approx(0.6) and gps["DATASET_ID"].iloc[0] == GAP_DATASET
    hic, lic = (900 + 2850) / 40, (800 + 600) / 60
    assert _one(rel, "IT_USE_ii99_HIC_LIC_RATIO", "WLD", 2020)["OBS_VALUE"].iloc[0] == pytest.approx(hic / lic)
    assert _one(rel, "IT_USE_ii99_HIC_LIC_PP", "WLD", 2020)["OBS_VALUE"].iloc[0] == pytest.approx(hic - lic)
    # LDC against the preferred world value (the published 55)
    assert _one(rel, "IT_USE_ii99_WLD_RATIO", "LDC", 2020)["OBS_VALUE"].iloc[0] == pytest.approx(lic / 55)
    assert _one(rel, "IT_USE_ii99_WLD_GAP_PP", "LDC", 2020)["OBS_VALUE"].iloc[0] == pytest.approx(55 - lic)
    ind = rel.sql("SELECT derived, unit FROM indicators WHERE INDICATOR = 'IT_USE_ii99_GPS'")
    assert bool(ind["derived"].iloc[0]) and ind["unit"].iloc[0] == "RATIO"
    tab = gap_table(rel)
    row = tab[(tab["gap"] == "IT_USE_ii99_GPS") & (tab["area"] == "AAA")].iloc[0]
    assert row["class"] == "near parity" and row["kind"] == "GPS"


def test_gini_theil_against_brute_force(tiny_release):
    rel, _ = tiny_release
    x = [90, 95, 20, 30]
    w = [10, 30, 40, 20]
    W = sum(w)
    p = [wi / W for wi in w]
    mu = sum(pi * xi for pi, xi in zip(p, x, strict=True))
    gini = sum(pi * pj * abs(xi - xj) for pi, xi in zip(p, x, strict=True) for pj, xj in zip(p, x, strict=True)) / (2 * mu)
    theil = sum(pi * (xi / mu) * math.log(xi / mu) for pi, xi in zip(p, x, strict=True))
    assert _one(rel, "IT_USE_ii99_GINI", "WLD", 2020)["OBS_VALUE"].iloc[0] == pytest.approx(gini)
    assert _one(rel, "IT_USE_ii99_THEIL", "WLD", 2020)["OBS_VALUE"].iloc[0] == pytest.approx(theil)


def test_inequality_equal_values_is_zero():
    import pandas as pd

    df = pd.DataFrame({"k": ["a"] * 3, "x": [50.0] * 3, "w": [1.0, 2.0, 3.0]})
    r = inequality(df, ["k"]).iloc[0]
    assert r["gini"] == pytest.approx(0, abs=1e-12) and r["theil"] == pytest.approx(0, abs=1e-12)


def test_parity_classes():
    assert parity_class(1.0) == "parity" and parity_class(0.98) == "parity" and parity_class(1.02) == "parity"
    assert parity_class(0.96) == "near parity"
    assert parity_class(0.7) == "gap favouring men" and parity_class(1.1) == "gap favouring women"
    assert parity_class(float("nan")) == "no data"
