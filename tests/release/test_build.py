"""Building, publishing, reading and diffing releases on the mini data dir."""

import json
import shutil

import pytest

from wsis.build import build_release
from wsis.errors import WsisError
from wsis.release import list_releases, open_release
from wsis.release.diff import diff_releases
from wsis.release.store import current_release_id, release_path


def test_build_publishes_immutable_release(mini_data_dir, settings_factory):
    s = settings_factory(mini_data_dir)
    m = build_release(s)
    rid = m["release_id"]
    assert current_release_id(s) == rid
    path = release_path(s)
    assert (path / "release.duckdb").stat().st_mode & 0o222 == 0  # read-only
    man = json.loads((path / "manifest.json").read_text())
    inputs = {d["path"]: d for d in man["datasets"]}
    assert inputs["wdi/API_IT.NET.USER.ZS_DS2_en_csv_v2_mini.csv"]["sha256"]
    assert inputs["itu_datahub/coverage.csv"]["rows"] == 3
    assert {c["indicator"] for c in man["counts"]} >= {"IT_USE_ii99", "IT_MOB_4GNTWK", "SP_POP_TOTL"}
    assert man["findings_summary"]["error"] == 0
    rel = open_release(settings=s)
    obs = rel.observations("IT_USE_ii99", areas=["KEN"], years=[2022])
    row = obs[obs["DATASET_ID"].str.startswith("wdi:")].iloc[0]
    assert row["OBS_VALUE"] == pytest.approx(40.8137)
    assert row["DATASET_ID"] == "wdi:wdi/API_IT.NET.USER.ZS_DS2_en_csv_v2_mini"
    ds = rel.datasets().set_index("DATASET_ID")
    assert ds.loc["itu:itu_datahub/coverage", "licence"] == "ITU terms of use"


def test_two_vintages_stay_apart(mini_data_dir, settings_factory):
    # A second WDI vintage of the same series: both are kept, the query shows the preferred one.
    src = mini_data_dir / "wdi" / "API_IT.NET.USER.ZS_DS2_en_csv_v2_mini.csv"
    (mini_data_dir / "wdi" / "API_IT.NET.USER.ZS_DS2_en_csv_v2_older.csv").write_text(
        src.read_text(encoding="utf-8-sig").replace("40.8137", "39.0"), encoding="utf-8")
    s = settings_factory(mini_data_dir)
    build_release(s)
    rel = open_release(settings=s)
    both = rel.observations("IT_USE_ii99", areas=["KEN"], years=[2022], all_vintages=True)
    assert sorted(both["OBS_VALUE"].round(4)) == [39.0, 40.8137]
    assert both["DATASET_ID"].nunique() == 2


def test_failed_build_leaves_previous_release(mini_data_dir, settings_factory):
    s = settings_factory(mini_data_dir)
    first = build_release(s)["release_id"]
    (mini_data_dir / "itu_datahub" / "coverage.csv").write_text("seriesCode,entityIso\n", encoding="utf-8")
    with pytest.raises(WsisError):
        build_release(s)
    assert current_release_id(s) == first
    assert [r["id"] for r in list_releases(s)] == [first]
    assert not list((s.releases_dir).glob(".build-*"))


def test_diff_reports_changes(mini_data_dir, settings_factory):
    s = settings_factory(mini_data_dir)
    a = build_release(s)["release_id"]
    f = mini_data_dir / "itu_datahub" / "coverage.csv"
    f.write_text(f.read_text().replace('"97.3"', '"98.0"').replace(
        '1,"i992b"', '1,"i271pop","x",,"%",1,"KEN","Kenya","99",2024,"","",""\n1,"i992b"'), encoding="utf-8")
    b = build_release(s)["release_id"]
    d = diff_releases(a, b, s).set_index(["indicator", "area"])
    assert d.loc[("IT_MOB_4GNTWK", "KEN"), "changed"] == 1
    assert d.loc[("IT_MOB_2GNTWK", "KEN"), "added"] == 1
    assert ("IT_MOB_4GNTWK", "UGA") not in d.index


def test_unknown_release_is_clear(mini_data_dir, settings_factory):
    s = settings_factory(mini_data_dir)
    with pytest.raises(WsisError, match="no release has been built"):
        open_release(settings=s)
    build_release(s)
    with pytest.raises(WsisError, match="no release 'nope'"):
        release_path(s, "nope")
    shutil.rmtree(s.home)


def test_release_without_population_has_no_aggregates_but_builds(mini_data_dir, settings_factory):
    (mini_data_dir / "wdi" / "population_SP.POP.TOTL_datahub.csv").unlink()
    s = settings_factory(mini_data_dir)
    m = build_release(s)
    assert m["derived"]["aggregates"] == 0 and "no population series" in m["derived"]["skipped"]
    assert len(open_release(settings=s).observations("IT_USE_ii99", areas=["KEN"])) == 3


def test_two_event_snapshots_build_and_keep_their_events(mini_data_dir, settings_factory):
    """Two Access Now-like parquet files (each with its events and findings in attrs) build together;
    each event counts once per snapshot, and the unmatched place is a finding, not a guess."""
    import pandas as pd

    def snapshot(name, countries):
        df = pd.DataFrame({"country": countries, "start_date": pd.to_datetime(["2024-01-05"] * len(countries)),
                           "end_date": pd.to_datetime(["2024-01-06"] * len(countries)),
                           "count_year": [2024] * len(countries), "geo_scope": ["Not sure"] * len(countries),
                           "area_name": ["Nationwide"] * len(countries)})
        (mini_data_dir / "shutdowns").mkdir(exist_ok=True)
        df.to_parquet(mini_data_dir / "shutdowns" / name, index=False)

    snapshot("access_now_a.parquet", ["Kenya; Uganda", "Somaliland"])
    snapshot("access_now_b.parquet", ["India"])
    s = settings_factory(mini_data_dir)
    m = build_release(s)
    rel = open_release(settings=s)
    ev = rel.sql("SELECT DATASET_ID, count(DISTINCT event_id) AS n FROM events GROUP BY 1 ORDER BY 1")
    assert ev["n"].tolist() == [2, 1]
    ken = rel.observations("RIGHTS_SHUTDOWN_EVENTS", areas=["KEN", "UGA"], years=[2024], all_vintages=True)
    assert set(ken.loc[ken["GEO_SCOPE"] == "NAT", "OBS_VALUE"]) == {1.0}
    assert any(f["check_name"] == "unmatched-name" and "Somaliland" in f["message"] for f in m["findings"])
