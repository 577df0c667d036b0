"""Fixtures: a replay server loaded with recorded API answers, and Settings pointing at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from replay import ReplayServer, Reply, recorded

from wsis.settings import Settings

XML = "application/vnd.sdmx.genericdata+xml;version=2.1"
STRUCT_XML = "application/vnd.sdmx.structure+xml;version=2.1"
WB_IND = "/wb/v2/country/all/indicator/IT.NET.USER.ZS"


def load_standard_routes(srv: ReplayServer) -> None:
    """The happy-path answers of all four services."""
    srv.route(WB_IND, Reply(recorded("wb/IT.NET.USER.ZS-p1.json")), page="1")
    srv.route(WB_IND, Reply(recorded("wb/IT.NET.USER.ZS-p2.json")), page="2")
    srv.route("/wb/v2/country", Reply(recorded("wb/country.json")), page="1")
    srv.route("/wb/v2/country/all/indicator/NOPE.XX", Reply(recorded("wb/error-120.json")))
    srv.route("/sdg/Series/List", Reply(recorded("sdg/series-list.json")))
    for p in (1, 2):
        srv.route("/sdg/Series/Data", Reply(recorded(f"sdg/IT_MOB_OWN-p{p}.json")), seriesCode="IT_MOB_OWN",
                  page=str(p))
    srv.route("/sdg/Series/Data", Reply(recorded("sdg/IT_USE_ii99-p1.json")), seriesCode="IT_USE_ii99", page="1")
    for cid in (11624, 11632):
        srv.route(f"/itu/dictionaries/getbyid/{cid}", Reply(recorded(f"itu/dict-{cid}.json")))
        srv.route(f"/itu/data/bycode/{cid}", Reply(recorded(f"itu/data-{cid}.json")))
    srv.route("/itu/dictionaries/getbyid/999999999", Reply(b"[]"))
    srv.route("/sdmx/dataflow/REPLAY/ICT_FLOW/latest", Reply(recorded("sdmx/structure.xml"), content_type=STRUCT_XML))
    srv.route("/sdmx/data/ICT_FLOW/AFG+KEN.ICT_INTERNET_USE", Reply(recorded("sdmx/data.xml"), content_type=XML))


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer() as srv:
        load_standard_routes(srv)
        yield srv


def settings_for(srv: ReplayServer, tmp: Path, **over: object) -> Settings:
    """Settings whose API URLs point at the replay server, with tiny backoff delays."""
    base = dict(
        data_dir=tmp / "data", home=tmp / "home",
        wb_api_url=f"{srv.url}/wb/v2", sdg_api_url=f"{srv.url}/sdg", itu_api_url=f"{srv.url}/itu",
        sdmx_sources={"REPLAY": f"{srv.url}/sdmx"},
        fetch_backoff_base=0.01, fetch_backoff_max=0.05, fetch_retries=3, fetch_timeout=2.0, fetch_page_size=4,
    )
    base.update(over)
    return Settings(**base)


@pytest.fixture
def settings(server: ReplayServer, tmp_path: Path) -> Settings:
    return settings_for(server, tmp_path)


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    return tmp_path / "mirror"
