"""The preferred-vintage rule, on hand-made rows in a scratch DuckDB."""

import duckdb
import pandas as pd
import pytest

from wsis.release.schema import PREFERRED_VIEW, TABLES_DDL
from wsis.sources.base import make_frame


@pytest.fixture
def con():
    c = duckdb.connect()
    for ddl in TABLES_DDL:
        c.execute(ddl)
    c.execute(PREFERRED_VIEW)
    ds = [("wdi:a", "wdi", "2024-11"), ("gapminder:b", "gapminder", "2025-12"), ("unsd:c", "unsd", "2020-10"),
          ("wsis:derived/aggregates", "wsis", "computed"), ("a4ai:q4", "a4ai", "2019"), ("a4ai:q2", "a4ai", "2019")]
    c.executemany("INSERT INTO datasets (DATASET_ID, provider, vintage) VALUES (?, ?, ?)", ds)
    c.executemany("INSERT INTO provider_rank VALUES (?, ?, ?)",
                  [("IT_USE_ii99", "wdi", 0), ("IT_USE_ii99", "gapminder", 1), ("IT_USE_ii99", "unsd", 2),
                   ("IT_USE_ii99", "wsis", 50), ("IT_PRC_A4AI_1GB_GNI", "a4ai", 0)])

    def add(did, area, years, values, ind="IT_USE_ii99"):
        f = make_frame(did, INDICATOR=ind, REF_AREA=area, TIME_PERIOD=pd.Series(years),
                       OBS_VALUE=pd.Series(values, dtype=float), UNIT_MEASURE="PT")
        c.register("f", f.drop(columns=["SOURCE_ROW", "SOURCE_COLUMN"]))
        c.execute("INSERT INTO observations BY NAME SELECT * FROM f")
        c.unregister("f")

    add("wdi:a", "KEN", [2021, 2022], [38.2, 40.8])
    add("gapminder:b", "KEN", [2022, 2023, 2024], [33.0, 35.0, 35.0])
    add("unsd:c", "WLD", [2017, 2018], [80.0, 82.0])
    add("wsis:derived/aggregates", "WLD", [2017, 2018, 2024], [79.0, 81.0, 95.0])
    add("wdi:a", "HIC", [2022, 2023], [92.0, 93.1])
    add("wsis:derived/aggregates", "HIC", [2022, 2023], [91.5, 93.0])
    add("a4ai:q4", "KEN", [2018], [4.0], "IT_PRC_A4AI_1GB_GNI")
    add("a4ai:q2", "KEN", [2019], [3.1], "IT_PRC_A4AI_1GB_GNI")
    return c


def _pref(con, area, ind="IT_USE_ii99"):
    return con.execute("SELECT TIME_PERIOD, OBS_VALUE, DATASET_ID FROM preferred WHERE REF_AREA = ? AND INDICATOR = ? "
                       "ORDER BY 1", [area, ind]).fetchall()


def test_series_is_never_spliced_across_providers(con):
    assert _pref(con, "KEN") == [(2021, 38.2, "wdi:a"), (2022, 40.8, "wdi:a")]


def test_published_group_series_beats_ours_when_as_recent(con):
    assert [r[2] for r in _pref(con, "HIC")] == ["wdi:a", "wdi:a"]


def test_ours_replaces_a_stale_published_group_series(con):
    assert _pref(con, "WLD")[-1] == (2024, 95.0, "wsis:derived/aggregates")
    assert {r[2] for r in _pref(con, "WLD")} == {"wsis:derived/aggregates"}


def test_datasets_of_one_provider_complement_each_other(con):
    assert _pref(con, "KEN", "IT_PRC_A4AI_1GB_GNI") == [(2018, 4.0, "a4ai:q4"), (2019, 3.1, "a4ai:q2")]
