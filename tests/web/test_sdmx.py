"""SDMX REST 2.1, read by the sdmx1 client library as a real client against a live local server."""

from __future__ import annotations

import pytest
import sdmx

from wsis.release.reader import open_release


@pytest.fixture(scope="module")
def wsis_client(live_server):
    sdmx.add_source({"id": "WSIS", "url": f"{live_server}/sdmx", "name": "WSIS Monitor (test)"}, override=True)
    return sdmx.Client("WSIS")


def test_sdmx1_lists_flows_reads_structure_and_gets_data(wsis_client, web_settings):
    flows = wsis_client.dataflow()
    assert "DF_WSIS" in flows.dataflow
    sm = wsis_client.datastructure("DSD_WSIS")
    dsd = sm.structure["DSD_WSIS"]
    assert [d.id for d in dsd.dimensions][:2] == ["INDICATOR", "REF_AREA"]
    assert "KEN" in sm.codelist["CL_AREA"]
    msg = wsis_client.data("DF_WSIS", key="IT_USE_ii99.KEN+UGA", params={"startPeriod": "2015", "endPeriod": "2023"},
                           dsd=dsd)
    got = sdmx.to_pandas(msg).reset_index()
    rel = open_release(settings=web_settings)
    exp = rel.observations("IT_USE_ii99", areas=["KEN", "UGA"], start=2015, end=2023)
    assert len(got) == len(exp) > 0
    g = got.set_index(["REF_AREA", "SEX", "AGE", "URBANISATION", "TIME_PERIOD"])["value"]
    for r in exp.itertuples():
        assert g[(r.REF_AREA, r.SEX, r.AGE, r.URBANISATION, str(r.TIME_PERIOD))] == pytest.approx(r.OBS_VALUE)


def test_sdmx_csv_and_errors(client):
    r = client.get("/sdmx/data/DF_WSIS/IT_USE_ii99.KEN", headers={"accept": "application/vnd.sdmx.data+csv"})
    assert r.status_code == 200 and r.text.startswith("DATAFLOW,INDICATOR,REF_AREA")
    assert "WSIS:DF_WSIS(1.0),IT_USE_ii99,KEN" in r.text
    assert client.get("/sdmx/data/NOPE/all").status_code == 404
    assert client.get("/sdmx/data/DF_WSIS/IT_USE_ii99.KEN?startPeriod=20x1").status_code == 400
    assert client.get("/sdmx/data/DF_WSIS/" + "." * 20).status_code == 400
    assert client.get("/sdmx/codelist/WSIS/CL_SEX").status_code == 200
    assert client.get("/sdmx/conceptscheme/WSIS/CS_WSIS/1.0").status_code == 200


def test_sdmx1_last_n_observations_gives_one_per_series(wsis_client, web_settings):
    dsd = wsis_client.datastructure("DSD_WSIS").structure["DSD_WSIS"]
    msg = wsis_client.data("DF_WSIS", key="IT_USE_ii99.KEN+UGA", params={"lastNObservations": 1}, dsd=dsd)
    got = sdmx.to_pandas(msg).reset_index()
    series = ["REF_AREA", "SEX", "AGE", "URBANISATION"]
    assert len(got) > 0 and got.groupby(series).size().max() == 1
    exp = open_release(settings=web_settings).observations("IT_USE_ii99", areas=["KEN", "UGA"])
    last = exp.sort_values("TIME_PERIOD").groupby(series).tail(1)
    assert len(got) == len(last)
    g = got.set_index(series)
    for r in last.itertuples():
        row = g.loc[(r.REF_AREA, r.SEX, r.AGE, r.URBANISATION)]
        assert (row["TIME_PERIOD"], row["value"]) == (str(r.TIME_PERIOD), pytest.approx(r.OBS_VALUE))


def test_sdmx1_reads_generic_data_and_sees_501(wsis_client, live_server):
    import io

    import httpx

    body = httpx.get(f"{live_server}/sdmx/data/DF_WSIS/IT_USE_ii99.KEN",
                     params={"lastNObservations": 1},
                     headers={"accept": "application/vnd.sdmx.genericdata+xml;version=2.1"}).content
    got = sdmx.to_pandas(sdmx.read_sdmx(io.BytesIO(body)))
    assert len(got) > 0 and got.index.get_level_values("TIME_PERIOD").nunique() >= 1
    # A resource the service does not implement: sdmx1 turns the standard's 501 into NotImplementedError.
    with pytest.raises(NotImplementedError):
        wsis_client.categoryscheme()
