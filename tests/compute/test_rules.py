"""Group values under each series' own rule (ratio, share of yes answers, distinct events), by hand."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from wsis.compute.engine import DIMS
from wsis.compute.rules import distinct_events, popw_mean, ratio_aggregates, share_yes


def _values(rows):
    v = pd.DataFrame(rows, columns=["INDICATOR", "iso3", "year", "value"])
    for d in DIMS:
        v[d] = "_T"
    v["imputed"] = False
    return v


MEMBERS = pd.DataFrame({"group": ["G", "G", "G", "WLD", "WLD", "WLD", "WLD"],
                        "iso3": ["A", "B", "C", "A", "B", "C", "D"], "year": 2019})
WEIGHTS = pd.DataFrame({"iso3": ["A", "B", "C", "D"], "year": 2019, "pop": [1e6, 3e6, 6e6, 10e6]})


def test_per_capita_is_total_tonnes_over_total_population():
    v = _values([("GEN", "A", 2019, 10_000.0), ("GEN", "B", 2019, 50_000.0)])   # C has no data
    out = ratio_aggregates(v, MEMBERS, WEIGHTS, {"PCAP": ("GEN", "SP_POP_TOTL", 1000.0)})
    g = out[out["group"] == "G"].iloc[0]
    assert g["value"] == pytest.approx(1000 * 60_000 / 4e6)          # 15 kg, not the mean of 10 and 16.7
    assert g["coverage"] == pytest.approx(4e6 / 10e6) and g["n"] == 2 and g["rule"] == "ratio"


def test_recycling_rate_uses_members_with_both_series():
    v = _values([("GEN", "A", 2019, 100.0), ("GEN", "B", 2019, 300.0), ("GEN", "C", 2019, 600.0),
                 ("RCY", "A", 2019, 50.0), ("RCY", "B", 2019, 30.0)])              # C: generated only
    out = ratio_aggregates(v, MEMBERS, WEIGHTS, {"RATE": ("RCY", "GEN", 100.0)})
    g = out[out["group"] == "G"].iloc[0]
    assert g["value"] == pytest.approx(100 * 80 / 400) and g["n"] == 2


def test_share_yes_is_the_percentage_answering_yes():
    v = _values([("USF", "A", 2019, 1.0), ("USF", "B", 2019, 0.0), ("USF", "C", 2019, 1.0), ("USF", "D", 2019, 1.0)])
    out = share_yes(v, MEMBERS, WEIGHTS, ["USF"]).set_index("group")
    assert out.loc["G", "value"] == pytest.approx(200 / 3) and out.loc["G", "coverage"] == 1.0
    assert out.loc["WLD", "value"] == pytest.approx(75.0)


def test_events_are_counted_once_per_group():
    con = duckdb.connect()
    con.execute("CREATE TABLE events (DATASET_ID VARCHAR, event_id VARCHAR, iso3 VARCHAR, year INTEGER, "
                "geo_scope VARCHAR)")
    con.executemany("INSERT INTO events VALUES ('d', ?, ?, 2024, ?)", [
        ("e1", "A", "NAT"), ("e1", "B", "NAT"),          # one event across two members: counts once
        ("e2", "A", "SUBNAT"), ("e3", "D", "SUBNAT"), ("e4", None, "_T")])   # e4: unmatched country
    out = distinct_events(con, MEMBERS, "EV", ["d"])
    tot = out[out["GEO_SCOPE"] == "_T"].set_index("group")["value"]
    assert tot["G"] == 2 and tot["WLD"] == 4                         # the sum of country counts would be 3 and 5
    nat = out[out["GEO_SCOPE"] == "NAT"].set_index("group")["value"]
    assert nat["G"] == 1
    assert (out["coverage"] == 1.0).all() and set(out["rule"]) == {"distinct_events"}


def test_population_weighted_variant_of_index_means():
    v = _values([("EGDI", "A", 2019, 0.9), ("EGDI", "B", 2019, 0.5)])          # C has no score
    out = popw_mean(v, MEMBERS, WEIGHTS, ["EGDI"]).set_index("group")
    assert out.loc["G", "value"] == pytest.approx((0.9 * 1e6 + 0.5 * 3e6) / 4e6)   # 0.6, the plain mean is 0.7
    assert out.loc["G", "coverage"] == pytest.approx(0.4) and out.loc["G", "rule"] == "popw_mean"
