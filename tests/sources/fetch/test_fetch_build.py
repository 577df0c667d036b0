"""Fetched mirror -> packed archive -> ``build_release`` -> query the release with DuckDB (no network)."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from wsis.build import build_release
from wsis.settings import Settings
from wsis.sources.fetch import fetch_mirror
from wsis.sources.mirror import pack

WB_DATASET = "wdi:wdi/API_IT.NET.USER.ZS_DS2_en_csv_v2_0"


def test_fetched_mirror_builds_and_queries(server, settings, tmp_path):
    mirror = tmp_path / "mirror"
    report = fetch_mirror(mirror, None, ["wb:IT.NET.USER.ZS", "sdg:IT_MOB_OWN",
                                         "itu:active_mobile_broadband_subscriptions=11632",
                                         "sdmx:REPLAY/ICT_FLOW/AFG+KEN.ICT_INTERNET_USE"], settings=settings)
    assert report.ok, report.failures
    # The reference layer (areas, income groups) is not fetched online: take it from the offline folder.
    shared = Settings().data_dir
    for sub in ("framework", "classifications"):
        shutil.copytree(shared / sub, mirror / sub)
    archive = pack(mirror, tmp_path / "carried" / "mirror.tar.zst").archive
    manifest = build_release(settings, data_dir=archive)
    rows = {d["dataset_id"]: d["rows"] for d in manifest["datasets"]}
    assert rows[WB_DATASET] == 5  # 6 API records, one null
    assert rows["unsd:un_sdg/sdg_api_IT_MOB_OWN"] == 5
    assert rows["itu:itu_datahub/active_mobile_broadband_subscriptions"] == 2
    assert "fetch_provenance.json" in manifest["not_loaded"]
    db = settings.releases_dir / manifest["release_id"] / "release.duckdb"
    con = duckdb.connect(str(db), read_only=True)
    try:
        (value,) = con.execute("SELECT OBS_VALUE FROM observations WHERE DATASET_ID = ? AND REF_AREA = 'KEN' "
                               "AND TIME_PERIOD = '2022'", [WB_DATASET]).fetchone()
        (sha,) = con.execute("SELECT sha256 FROM datasets WHERE dataset_id = ?", [WB_DATASET]).fetchone()
        mob = con.execute("SELECT REF_AREA, TIME_PERIOD, OBS_VALUE FROM observations WHERE DATASET_ID = "
                          "'itu:itu_datahub/active_mobile_broadband_subscriptions' ORDER BY TIME_PERIOD").fetchall()
    finally:
        con.close()
    assert value == pytest.approx(40.8016667)
    prov = json.loads((mirror / "fetch_provenance.json").read_text())["files"]
    assert sha == prov["wdi/API_IT.NET.USER.ZS_DS2_en_csv_v2_0.csv"]["sha256"]
    assert [(a, str(t), v) for a, t, v in mob] == [("KEN", "2022", pytest.approx(58.6)), ("KEN", "2023", pytest.approx(63.27))]
