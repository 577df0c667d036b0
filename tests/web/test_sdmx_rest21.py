"""SDMX REST 2.1 as the standard says: every data-query parameter, /schema/, /availableconstraint/, errors;
every SDMX-ML message served validates against the official SDMX-ML 2.1 schemas."""

from __future__ import annotations

import pytest
from lxml import etree
from tests.web.sdmx_schemas import data_errors, errors

from wsis.release.reader import open_release

SS = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific}"
KEY = "/sdmx/data/DF_WSIS/IT_USE_ii99.KEN+UGA"
DIMS = ["INDICATOR", "REF_AREA", "SEX", "AGE", "URBANISATION", "INCOME_WEALTH_QUANTILE", "EDUCATION_LEV",
        "DISABILITY_STATUS", "TYPE_SKILL", "TYPE_SPEED"]


@pytest.fixture(scope="module")
def xsd_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("xsd")


def _series(body: bytes) -> list[etree._Element]:
    return etree.fromstring(body).findall(".//Series")


def _expected(web_settings, start=None, end=None):
    rel = open_release(settings=web_settings)
    return rel.observations("IT_USE_ii99", areas=["KEN", "UGA"], start=start, end=end)


@pytest.mark.parametrize("url", [
    "/sdmx/dataflow", "/sdmx/dataflow/WSIS/DF_WSIS/1.0?references=all", "/sdmx/datastructure/WSIS/DSD_WSIS",
    "/sdmx/datastructure/WSIS/DSD_WSIS/latest?references=parents", "/sdmx/codelist", "/sdmx/codelist/WSIS/CL_SEX",
    "/sdmx/conceptscheme/WSIS/CS_WSIS/1.0", "/sdmx/availableconstraint/DF_WSIS",
    "/sdmx/availableconstraint/DF_WSIS/IT_USE_ii99.KEN?references=all",
    "/sdmx/availableconstraint/WSIS,DF_WSIS,1.0/IT_USE_ii99.KEN/all/REF_AREA?mode=available",
    "/sdmx/availableconstraint/DF_WSIS/.KEN/all/INDICATOR?startPeriod=2020&endPeriod=2022&references=codelist",
])
def test_structure_messages_validate(client, xsd_dir, url):
    r = client.get(url)
    assert r.status_code == 200, r.text[:300]
    assert errors(r.content, xsd_dir) == []


@pytest.mark.parametrize("query", [
    "", "?startPeriod=2015&endPeriod=2023", "?lastNObservations=1", "?firstNObservations=2",
    "?firstNObservations=1&lastNObservations=1", "?detail=full", "?detail=dataonly", "?detail=serieskeysonly",
    "?detail=nodata", "?dimensionAtObservation=TIME_PERIOD", "?dimensionAtObservation=AllDimensions",
    "?dimensionAtObservation=REF_AREA&lastNObservations=3", "?dimensionAtObservation=SEX&detail=serieskeysonly",
    "?updatedAfter=2000-01-01T00:00:00Z", "?includeHistory=true", "?includeHistory=false&detail=dataonly",
    "?updatedAfter=2000-01-01T00:00:00%2B02:00&includeHistory=true&lastNObservations=1",
])
def test_data_messages_validate(client, xsd_dir, query):
    r = client.get(KEY + query)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith("application/vnd.sdmx.structurespecificdata+xml")
    assert data_errors(client, r.content, xsd_dir) == []


@pytest.mark.parametrize("query", [
    "", "?lastNObservations=1", "?detail=dataonly", "?detail=serieskeysonly", "?dimensionAtObservation=AllDimensions",
    "?dimensionAtObservation=REF_AREA&firstNObservations=1", "?includeHistory=true",
])
def test_generic_data_messages_validate(client, xsd_dir, query):
    ss = etree.fromstring(client.get(KEY + query).content)
    r = client.get(KEY + query, headers={"accept": "application/vnd.sdmx.genericdata+xml;version=2.1"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.sdmx.genericdata+xml")
    assert errors(r.content, xsd_dir) == []
    gen = etree.fromstring(r.content)
    # The same observations as the structure-specific message, in the same packaging.
    assert len(list(gen.iter("{*}Obs"))) == len(list(ss.iter("Obs")))
    assert len(list(gen.iter("{*}Series"))) == len(list(ss.iter("Series")))
    assert client.get(KEY + query + ("&" if query else "?") + "format=genericdata").content.split(b"</mes:Header>")[1] \
        == r.content.split(b"</mes:Header>")[1]


def test_accept_header_is_honoured(client, xsd_dir):
    csv = client.get(KEY, headers={"accept": "text/csv;q=0.9, application/vnd.sdmx.genericdata+xml;version=2.1"})
    assert csv.headers["content-type"].startswith("application/vnd.sdmx.data+csv")
    xml = client.get(KEY, headers={"accept": "application/xml"})
    assert xml.headers["content-type"].startswith("application/vnd.sdmx.structurespecificdata+xml")
    r = client.get(KEY, headers={"accept": "application/vnd.sdmx.generictimeseriesdata+xml;version=2.1"})
    assert r.status_code == 406 and errors(r.content, xsd_dir) == []
    assert client.get(KEY, headers={"accept": "application/vnd.sdmx.data+json"}).status_code == 406


@pytest.mark.parametrize("dim", [*DIMS, "TIME_PERIOD", "AllDimensions"])
def test_each_packaging_validates(client, xsd_dir, dim):
    r = client.get(f"/sdmx/data/DF_WSIS/IT_USE_ii99.KEN+UGA+WLD?dimensionAtObservation={dim}&startPeriod=2020")
    assert r.status_code == 200
    assert data_errors(client, r.content, xsd_dir) == []
    root = etree.fromstring(r.content)
    obs = root.findall(".//Obs")
    if dim == "AllDimensions":
        assert not root.findall(".//Series") and all(o.get("REF_AREA") and o.get("TIME_PERIOD") for o in obs)
    else:
        assert all(o.get(dim) is not None for o in obs)
        assert all(s.get(dim) is None for s in root.findall(".//Series"))


def test_a_broken_message_does_not_validate(client, xsd_dir):
    # The schema has teeth: an unknown code, an undeclared attribute or a missing key dimension fail.
    body = client.get(KEY + "?lastNObservations=1").content
    assert data_errors(client, body.replace(b'REF_AREA="KEN"', b'REF_AREA="XXX"'), xsd_dir)
    assert data_errors(client, body.replace(b"<Obs ", b'<Obs FOO="1" '), xsd_dir)
    assert data_errors(client, body.replace(b' SEX="_T"', b""), xsd_dir)


def test_last_and_first_n_observations(client, web_settings):
    exp = _expected(web_settings)
    n_series = len(exp.groupby(DIMS[2:] + ["REF_AREA"]))
    for q, per_series in (("lastNObservations=1", 1), ("firstNObservations=2", 2)):
        series = _series(client.get(f"{KEY}?{q}").content)
        assert len(series) == n_series
        assert all(len(s.findall("Obs")) <= per_series for s in series)
    ken = "/sdmx/data/DF_WSIS/IT_USE_ii99.KEN._T._T._T"
    years = sorted(exp[(exp.REF_AREA == "KEN") & (exp.SEX == "_T") & (exp.AGE == "_T")
                       & (exp.URBANISATION == "_T")]["TIME_PERIOD"])
    last = _series(client.get(ken + "?lastNObservations=1").content)
    assert [o.get("TIME_PERIOD") for o in last[0]] == [str(years[-1])]
    first = _series(client.get(ken + "?firstNObservations=2&endPeriod=2020").content)
    assert [o.get("TIME_PERIOD") for o in first[0]] == [str(y) for y in years[:2]]
    both = _series(client.get(ken + "?firstNObservations=1&lastNObservations=1").content)
    assert [o.get("TIME_PERIOD") for o in both[0]] == [str(years[0]), str(years[-1])]
    within = _series(client.get(ken + "?lastNObservations=2&endPeriod=2019").content)
    assert [o.get("TIME_PERIOD") for o in within[0]] == [str(y) for y in [y for y in years if y <= 2019][-2:]]
    csv = client.get(ken + "?lastNObservations=1&format=csv").text.strip().splitlines()
    assert len(csv) == 2 and f",{years[-1]}," in csv[1]


def test_periods_and_times_as_clients_write_them(client):
    # Reporting periods and dates are read as the year they fall in; an unencoded "+" in an offset arrives
    # as a space and is still read as the offset.
    years = etree.fromstring(client.get(KEY + "?startPeriod=2015-Q3&endPeriod=2016-M06").content)
    assert {o.get("TIME_PERIOD") for o in years.iter("Obs")} == {"2015", "2016"}
    for t in ("2000-01-01T00:00:00+00:00", "2000-01-01T00:00:00%2B00:00", "2000-01-01T00:00:00Z", "2000-01-01"):
        r = client.get(KEY + "?lastNObservations=1&updatedAfter=" + t)
        assert r.status_code == 200, (t, r.text[:200])


def test_detail_levels(client):
    full = etree.fromstring(client.get(KEY + "?detail=full").content)
    data_only = etree.fromstring(client.get(KEY + "?detail=dataonly").content)
    keys = etree.fromstring(client.get(KEY + "?detail=serieskeysonly").content)
    nodata = etree.fromstring(client.get(KEY + "?detail=nodata").content)
    assert any(o.get("UNIT_MEASURE") for o in full.iter("Obs"))
    assert len(list(data_only.iter("Obs"))) == len(list(full.iter("Obs")))
    assert all(set(o.keys()) <= {"TIME_PERIOD", "OBS_VALUE"} for o in data_only.iter("Obs"))
    for msg in (keys, nodata):
        assert not list(msg.iter("Obs"))
        assert [s.attrib for s in msg.iter("Series")] == [s.attrib for s in full.iter("Series")]
    csv = client.get(KEY + "?detail=dataonly&format=csv").text.splitlines()[0]
    assert csv.endswith("TIME_PERIOD,OBS_VALUE") and "UNIT_MEASURE" not in csv


def test_cross_section_keeps_every_observation(client, web_settings):
    exp = _expected(web_settings, start=2015)
    root = etree.fromstring(client.get(KEY + "?dimensionAtObservation=REF_AREA&startPeriod=2015").content)
    got = {(s.get("TIME_PERIOD"), s.get("SEX"), s.get("AGE"), s.get("URBANISATION"), o.get("REF_AREA")):
           float(o.get("OBS_VALUE")) for s in root.iter("Series") for o in s}
    assert len(got) == len(exp)
    for r in exp.itertuples():
        assert got[(str(r.TIME_PERIOD), r.SEX, r.AGE, r.URBANISATION, r.REF_AREA)] == pytest.approx(r.OBS_VALUE)


def test_history_of_a_single_release(client):
    # One release: everything was published by it, nothing since.
    one = etree.fromstring(client.get(KEY + "?includeHistory=true").content)
    sets = one.findall("{*}DataSet")
    assert [d.get(f"{SS}action") for d in sets] == ["Replace"] and sets[0].get(f"{SS}validFromDate")
    assert client.get(KEY + "?updatedAfter=2999-01-01T00:00:00Z").status_code == 404
    since = etree.fromstring(client.get(KEY + "?updatedAfter=1999-01-01T00:00:00").content)
    assert len(list(since.iter("Obs"))) == len(list(one.iter("Obs")))


@pytest.mark.parametrize(("query", "status"), [
    ("?lastNObservation=1", 400), ("?lastNObservations=0", 400), ("?firstNObservations=x", 400),
    ("?detail=everything", 400), ("?dimensionAtObservation=NOPE", 400), ("?includeHistory=yes", 400),
    ("?updatedAfter=yesterday", 400), ("?startPeriod=20x1", 400), ("?startPeriod=2015-13", 400),
    ("?endPeriod=2015-02-30", 400), ("?detail=dataonly&detail=full", 400), ("?lastNObservations=99999999999", 400),
    ("?dimensionAtObservation=time_period", 400),
    ("?format=csv&detail=serieskeysonly", 501), ("?format=csv&detail=nodata", 501),
    ("?format=csv&updatedAfter=2020-01-01T00:00:00Z", 501), ("?format=csv&includeHistory=true", 501),
    ("?dimensionAtObservation=AllDimensions&detail=nodata", 501), ("?format=jsondata", 501),
])
def test_refusals_are_sdmx_error_messages(client, xsd_dir, query, status):
    r = client.get(KEY + query)
    assert r.status_code == status, r.text[:200]
    assert errors(r.content, xsd_dir) == []
    code = etree.fromstring(r.content).find("{*}ErrorMessage").get("code")
    assert code == {400: "140", 501: "501"}[status]
    # A client that asks for JSON still gets problem+json.
    j = client.get(KEY + query, headers={"accept": "application/json"})
    assert j.status_code == status and j.json()["status"] == status


def test_other_errors_are_sdmx_error_messages(client, xsd_dir):
    for url, status, code in (("/sdmx/data/DF_WSIS/NOPE.KEN", 404, "100"), ("/sdmx/data/NOPE/all", 404, "100"),
                              ("/sdmx/data/DF_WSIS/all/ECB", 404, "100"),
                              ("/sdmx/dataflow/WSIS/DF_WSIS?detail=allstubs", 501, "501"),
                              ("/sdmx/codelist/WSIS/CL_SEX?refs=all", 400, "140"),
                              ("/sdmx/schema/provisionagreement/WSIS/PA/1.0", 501, "501"),
                              ("/sdmx/schema/metadataflow/WSIS/MF/1.0", 501, "501"),
                              ("/sdmx/schema/dataflow/WSIS/NOPE/1.0", 404, "100"),
                              ("/sdmx/schema/dataflow/WSIS/DF_WSIS/1.0?dimensionAtObservation=X", 400, "140"),
                              ("/sdmx/availableconstraint/DF_WSIS/NOPE", 404, "100"),
                              ("/sdmx/availableconstraint/DF_WSIS/all/all/NOPE", 404, "100"),
                              ("/sdmx/availableconstraint/DF_WSIS/all?mode=some", 400, "140"),
                              ("/sdmx/categoryscheme", 501, "501"),
                              ("/sdmx/provisionagreement/WSIS/PA/1.0", 501, "501"),
                              ("/sdmx/metadata/MF/all", 501, "501"), ("/sdmx/nonsense", 404, "100")):
        r = client.get(url)
        assert r.status_code == status, (url, r.text[:200])
        assert errors(r.content, xsd_dir) == []
        assert etree.fromstring(r.content).find("{*}ErrorMessage").get("code") == code


def test_schema_resource(client):
    ds = client.get("/sdmx/schema/datastructure/WSIS/DSD_WSIS/1.0")
    df = client.get("/sdmx/schema/dataflow/WSIS/DF_WSIS/latest")
    assert ds.status_code == df.status_code == 200
    assert ds.headers["content-type"].startswith("application/vnd.sdmx.schema+xml")
    root = etree.fromstring(ds.content)
    assert root.get("targetNamespace").endswith("DataStructure=WSIS:DSD_WSIS(1.0):ObsLevelDim:TIME_PERIOD")
    assert df.content.split(b"</xs:import>")[-1] == ds.content.split(b"</xs:import>")[-1]
    cross = etree.fromstring(client.get("/sdmx/schema/dataflow/WSIS/DF_WSIS?dimensionAtObservation=SEX").content)
    assert cross.get("targetNamespace").endswith(":ObsLevelDim:SEX")
    assert client.get("/sdmx/schema/dataflow/WSIS/DF_WSIS?explicitMeasure=true").status_code == 200


def test_available_constraint(client, web_settings):
    exp = _expected(web_settings)
    root = etree.fromstring(client.get("/sdmx/availableconstraint/DF_WSIS/IT_USE_ii99.KEN+UGA").content)
    kv = {k.get("id"): k for k in root.iter("{*}KeyValue")}
    assert sorted(v.text for v in kv["REF_AREA"]) == ["KEN", "UGA"]
    assert sorted(v.text for v in kv["SEX"]) == sorted(exp["SEX"].unique())
    tr = kv["TIME_PERIOD"].find("{*}TimeRange")
    assert tr.find("{*}StartPeriod").text == str(exp["TIME_PERIOD"].min())
    assert tr.find("{*}EndPeriod").text == str(exp["TIME_PERIOD"].max())
    # mode=available: every area that has the indicator remains a valid choice, not only KEN.
    avail = etree.fromstring(client.get(
        "/sdmx/availableconstraint/DF_WSIS/IT_USE_ii99.KEN/all/REF_AREA?mode=available").content)
    areas = [v.text for v in avail.iter("{*}Value")]
    rel = open_release(settings=web_settings)
    assert sorted(areas) == sorted(rel.observations("IT_USE_ii99")["REF_AREA"].unique())
    codes = etree.fromstring(client.get(
        "/sdmx/availableconstraint/DF_WSIS/IT_USE_ii99.KEN+UGA/all/REF_AREA?references=codelist").content)
    cl = codes.find(".//{*}Codelist")
    assert cl.get("isPartial") == "true" and sorted(c.get("id") for c in cl.iter("{*}Code")) == ["KEN", "UGA"]
