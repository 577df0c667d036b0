"""Each source fetched from the replay server lands in the data-folder layout and parses."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pandas as pd
import pytest
import sdmx
from replay import Reply, recorded

from conftest import WB_IND
from wsis.errors import WsisError
from wsis.sources.base import sha256_file
from wsis.sources.fetch import fetch_mirror, plan_jobs

SDMX_SPEC = "sdmx:REPLAY/ICT_FLOW/AFG+KEN.ICT_INTERNET_USE"


def provenance(mirror: Path) -> dict:
    return json.loads((mirror / "fetch_provenance.json").read_text())["files"]


def test_world_bank_indicator_becomes_bulk_csv(server, settings, mirror):
    report = fetch_mirror(mirror, ["wb"], ["IT.NET.USER.ZS"], settings=settings)
    assert report.ok, report.failures
    path = mirror / "wdi/API_IT.NET.USER.ZS_DS2_en_csv_v2_0.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(path, encoding="utf-8-sig")
    assert list(df.columns[:4]) == ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
    assert df.columns[4] == "1960" and df.columns[-1] == "2023"
    assert list(df["Country Code"]) == ["AFE", "AFG", "KEN"]
    kenya = df.set_index("Country Code").loc["KEN"]
    assert kenya["2022"] == pytest.approx(40.8016667) and kenya["2023"] == 35
    assert pd.isna(df.set_index("Country Code").loc["AFG", "2023"])  # null in the API stays empty
    meta = pd.read_csv(mirror / "wdi/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_0.csv",
                       encoding="utf-8-sig", keep_default_na=False).set_index("Country Code")
    assert meta.loc["KEN", "Region"] == "Sub-Saharan Africa" and meta.loc["KEN", "IncomeGroup"] == "Lower middle income"
    assert meta.loc["AFE", "Region"] == "" and meta.loc["AFE", "TableName"] == "Africa Eastern and Southern"
    assert "ZWE" not in meta.index  # only economies that appear in the data file
    rec = provenance(mirror)["wdi/API_IT.NET.USER.ZS_DS2_en_csv_v2_0.csv"]
    assert rec["sha256"] == sha256_file(path) and rec["size"] == path.stat().st_size
    assert rec["licence"] == "CC BY 4.0" and rec["publisher"] == "World Bank" and rec["rows"] == 3
    assert [u["url"].rsplit("&page=")[1] for u in rec["urls"]] == ["1", "2"]
    assert all(u["retrieved_at"].endswith("Z") for u in rec["urls"])
    assert {c.status for c in report.changes} == {"new"}


def test_sdg_series_paged_into_database_columns(server, settings, mirror):
    report = fetch_mirror(mirror, ["sdg"], ["IT_MOB_OWN"], settings=settings)
    assert report.ok, report.failures
    df = pd.read_csv(mirror / "un_sdg/sdg_api_IT_MOB_OWN.csv", dtype=str, keep_default_na=False)
    for col in ("Goal", "Target", "Indicator", "SeriesCode", "SeriesDescription", "GeoAreaCode", "GeoAreaName",
                "TimePeriod", "Value", "Source", "Nature", "Sex", "Units", "UnitMultiplier", "Location", "Age",
                "FootNote", "ReleaseName", "Reporting Type"):
        assert col in df.columns, col
    assert len(df) == 5
    assert list(df["GeoAreaCode"]) == ["4", "12", "12", "404", "404"]  # sorted by M49 code, then period
    alg = df[(df.GeoAreaCode == "12") & (df.Sex == "MALE")].iloc[0]
    assert (alg.Value, alg.TimePeriod, alg.Indicator, alg.ReleaseName) == ("92.62223", "2018", "5.b.1", "2025.Q2.G.01")
    assert df[df.GeoAreaCode == "4"].iloc[0].FootNote == "Survey of households, 15 years and older."
    rec = provenance(mirror)["un_sdg/sdg_api_IT_MOB_OWN.csv"]
    assert len(rec["urls"]) == 3  # Series/List + 2 pages


def test_sdg_goal_expands_to_its_series(server, settings, mirror):
    report = fetch_mirror(mirror, ["sdg"], ["goal=17"], settings=settings)
    assert report.ok, report.failures
    assert [c.path for c in report.changes] == ["un_sdg/sdg_api_IT_USE_ii99.csv"]
    df = pd.read_csv(mirror / "un_sdg/sdg_api_IT_USE_ii99.csv")
    assert df.loc[df.GeoAreaName == "World", "Value"].item() == 67.4


def test_itu_ids_become_datahub_export(server, settings, mirror):
    report = fetch_mirror(mirror, ["itu"], ["internet_and_mbb=11624+11632"], settings=settings)
    assert report.ok, report.failures
    path = mirror / "itu_datahub/internet_and_mbb.csv.gz"
    df = pd.read_csv(path)
    assert list(df.columns) == ["seriesID", "seriesCode", "seriesName", "seriesParent", "seriesUnits", "entityID",
                                "entityIso", "entityName", "dataValue", "dataYear", "dataNote", "dataSource",
                                "seriesDescription"]
    assert len(df) == 6 and list(df.seriesID.unique()) == [11624, 11632]
    usa = df[(df.entityIso == "USA") & (df.dataYear == 2001)].iloc[0]
    assert usa.dataValue == pytest.approx(49.0808315896951) and usa.seriesCode == "i99H"
    assert df.dataValue.dtype.kind == "f"  # values sent as strings are numbers in the file
    first = fetch_mirror(mirror, ["itu"], ["internet_and_mbb=11624+11632"], settings=settings)
    assert [c.status for c in first.changes] == ["unchanged"]
    assert gzip.decompress(path.read_bytes()).startswith("\ufeff\"seriesID\"".encode())


def test_sdmx_flow_through_sdmx1_source_registry(server, settings, mirror):
    report = fetch_mirror(mirror, None, [SDMX_SPEC], settings=settings)
    assert report.ok, report.failures
    structure = mirror / "sdmx/REPLAY/ICT_FLOW-structure.xml"
    data = mirror / "sdmx/REPLAY/ICT_FLOW.xml"
    assert data.read_bytes() == recorded("sdmx/data.xml")  # stored exactly as received
    msg = sdmx.read_sdmx(structure)
    dsd = msg.structure["DSD_ICT"]
    series = sdmx.to_pandas(sdmx.read_sdmx(data, structure=dsd).data[0])
    assert series.loc[("KEN", "ICT_INTERNET_USE", "2022")] == pytest.approx(40.8)
    rec = provenance(mirror)["sdmx/REPLAY/ICT_FLOW.xml"]
    assert rec["rows"] == 3 and rec["params"]["key"] == "AFG+KEN.ICT_INTERNET_USE"


def test_sdmx_since_is_sent_as_start_period(server, settings, mirror):
    fetch_mirror(mirror, None, [SDMX_SPEC], since=2022, settings=settings)
    assert server.hits("/sdmx/data/ICT_FLOW/AFG+KEN.ICT_INTERNET_USE", startPeriod="2022") == 1


def test_all_four_sources_in_one_run(server, settings, mirror):
    report = fetch_mirror(mirror, None, ["wb:IT.NET.USER.ZS", "sdg:IT_MOB_OWN", "itu:internet=11624", SDMX_SPEC],
                          settings=settings, progress=True)
    assert report.ok, report.failures
    files = sorted(provenance(mirror))
    assert files == ["itu_datahub/internet.csv.gz", "sdmx/REPLAY/ICT_FLOW-structure.xml", "sdmx/REPLAY/ICT_FLOW.xml",
                     "un_sdg/sdg_api_IT_MOB_OWN.csv", "wdi/API_IT.NET.USER.ZS_DS2_en_csv_v2_0.csv",
                     "wdi/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_0.csv"]
    for rel, rec in provenance(mirror).items():
        assert sha256_file(mirror / rel) == rec["sha256"], rel
        assert rec["licence"] and rec["publisher"] and rec["urls"]


def test_second_fetch_uses_etag_and_reports_unchanged(server, settings, mirror):
    server.route("/itu/data/bycode/11624", Reply(recorded("itu/data-11624.json"), etag='"v1"',
                                                 headers={"Last-Modified": "Tue, 01 Jul 2025 00:00:00 GMT"}))
    fetch_mirror(mirror, ["itu"], ["internet=11624"], settings=settings)
    again = fetch_mirror(mirror, ["itu"], ["internet=11624"], settings=settings)
    last = [s for s in server.log if s.path == "/itu/data/bycode/11624"][-1]
    assert last.headers["if-none-match"] == '"v1"'
    assert last.headers["if-modified-since"] == "Tue, 01 Jul 2025 00:00:00 GMT"
    assert again.counts["not_modified"] == 1
    assert [c.status for c in again.changes] == ["unchanged"]
    urls = provenance(mirror)["itu_datahub/internet.csv.gz"]["urls"]
    assert any(u["origin"] == "not-modified" and u["etag"] == '"v1"' for u in urls)


def test_changed_data_reports_updated_with_row_counts(server, settings, mirror):
    fetch_mirror(mirror, ["wb"], ["IT.NET.USER.ZS"], settings=settings)
    server.route(WB_IND, Reply(_wb_page1_total(7)), page="1")
    server.route(WB_IND, Reply(recorded("wb/IT.NET.USER.ZS-p2-changed.json")), page="2")
    report = fetch_mirror(mirror, ["wb"], ["IT.NET.USER.ZS"], settings=settings)
    change = {c.path: c for c in report.changes}["wdi/API_IT.NET.USER.ZS_DS2_en_csv_v2_0.csv"]
    assert change.status == "updated" and change.rows == 3 and change.rows_before == 3
    df = pd.read_csv(mirror / change.path, encoding="utf-8-sig").set_index("Country Code")
    assert df.columns[-1] == "2024" and df.loc["KEN", "2024"] == pytest.approx(36.2)


def test_since_keeps_older_years_already_in_the_mirror(server, settings, mirror):
    fetch_mirror(mirror, ["wb"], ["IT.NET.USER.ZS"], settings=settings)
    # The API asked for 2023 onwards answers only 2023 values (with a new Kenya figure).
    recent = json.loads(recorded("wb/IT.NET.USER.ZS-p1.json"))
    recent[0].update(pages=1, total=3)
    recent[1] = [r for r in recent[1] if r["date"] == "2023"] + \
        [dict(json.loads(recorded("wb/IT.NET.USER.ZS-p2.json"))[1][0], value=37.5)]
    server.route(WB_IND, Reply(json.dumps(recent).encode()), page="1", date=f"2023:{_this_year()}")
    report = fetch_mirror(mirror, ["wb"], ["IT.NET.USER.ZS"], since=2023, settings=settings)
    assert report.ok, report.failures
    df = pd.read_csv(mirror / "wdi/API_IT.NET.USER.ZS_DS2_en_csv_v2_0.csv", encoding="utf-8-sig")
    ken = df.set_index("Country Code").loc["KEN"]
    assert ken["2023"] == 37.5 and ken["2022"] == pytest.approx(40.8016667)


def test_indicator_selection_rules():
    jobs = plan_jobs(None, None)
    assert {j.source for j in jobs} == {"wb", "sdg", "itu"}
    assert [j.key for j in plan_jobs(["wb"], ["IT.NET.USER.ZS,SP.POP.TOTL"])] == ["IT.NET.USER.ZS", "SP.POP.TOTL"]
    with pytest.raises(WsisError) as err:
        plan_jobs(["wb", "sdg"], ["IT.NET.USER.ZS"])
    assert err.value.column == "--indicators"
    with pytest.raises(WsisError, match="SDMX flow spec"):
        plan_jobs(["sdmx"], ["../etc"])
    with pytest.raises(WsisError, match="unknown source"):
        plan_jobs(["nasa"], None)
    with pytest.raises(WsisError, match="no default indicators"):
        plan_jobs(["sdmx"], None)


def _cli(argv, monkeypatch, capsys) -> tuple[int, str, str]:
    """Run the real ``wsis`` entry point in-process (the CLI imports every group; a subprocess is slow)."""
    from wsis.cli.main import main
    from wsis.settings import get_settings

    monkeypatch.setattr(sys, "argv", ["wsis", *argv])
    get_settings.cache_clear()
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_fetch_and_summary(server, tmp_path, mirror, monkeypatch, capsys):
    for k, v in {"WSIS_WB_API_URL": f"{server.url}/wb/v2", "WSIS_FETCH_PAGE_SIZE": "4",
                 "WSIS_FETCH_BACKOFF_BASE": "0.01", "WSIS_HOME": str(tmp_path / "home")}.items():
        monkeypatch.setenv(k, v)
    code, out, err = _cli(["fetch", "wb", "-i", "IT.NET.USER.ZS", "--mirror", str(mirror), "--quiet"],
                          monkeypatch, capsys)
    assert code == 0, err
    assert "wdi/API_IT.NET.USER.ZS_DS2_en_csv_v2_0.csv" in out and "new" in out
    code, out, err = _cli(["fetch", "wb", "-i", "NOPE.XX", "--mirror", str(mirror), "--quiet"], monkeypatch, capsys)
    assert code == 2
    line = err.strip().splitlines()[-1]
    assert line.startswith("wsis: error:") and "/wb/v2/country/all/indicator/NOPE.XX" in line
    assert "The provided parameter value is not valid" in line


def _this_year() -> int:
    from datetime import date

    return date.today().year


def _wb_page1_total(total: int) -> bytes:
    page = json.loads(recorded("wb/IT.NET.USER.ZS-p1.json"))
    page[0].update(total=total, lastupdated="2025-07-15")
    return json.dumps(page).encode()
