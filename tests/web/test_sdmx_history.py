"""updatedAfter and includeHistory answered from the release history: two releases of the mini data dir,
the second revising, adding and removing observations."""

from __future__ import annotations

from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from tests.web.sdmx_schemas import data_errors

from wsis.build import build_release
from wsis.release.store import list_releases
from wsis.web.app import create_app

SS = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific}"
KEY = "/sdmx/data/DF_WSIS/IT_USE_ii99.KEN+UGA"
WDI = "wdi/API_IT.NET.USER.ZS_DS2_en_csv_v2_mini.csv"


@pytest.fixture
def two_releases(mini_data_dir, settings_factory):
    """Release 1 from the mini data; release 2 revises KEN 2022, adds KEN 2023 and drops UGA 2021."""
    s = settings_factory(mini_data_dir)
    build_release(s)
    f = mini_data_dir / WDI
    text = f.read_text(encoding="utf-8-sig")
    text = text.replace("29.5,33.1,40.8137,", "29.5,33.1,41.5,44").replace(",,10.3,,", ",,,,")
    f.write_text(text, encoding="utf-8")
    build_release(s)
    old, new = sorted(list_releases(s), key=lambda r: r["created"])
    assert old["created"] < new["created"]
    with TestClient(create_app(s)) as client:
        yield client, datetime.fromisoformat(old["created"]), datetime.fromisoformat(new["created"])


def _sets(body: bytes) -> list[tuple[str, dict]]:
    out = []
    for ds in etree.fromstring(body).findall("{*}DataSet"):
        obs = {(s.get("REF_AREA"), o.get("TIME_PERIOD")): o.get("OBS_VALUE") for s in ds.iter("Series") for o in s}
        out.append((ds.get(f"{SS}action"), obs, ds.get(f"{SS}validFromDate"), ds.get(f"{SS}validToDate")))
    return out


def test_updated_after_gives_replacements_and_deletions(two_releases, tmp_path):
    client, first, second = two_releases
    r = client.get(KEY, params={"updatedAfter": first.isoformat()})
    assert r.status_code == 200, r.text[:300]
    assert data_errors(client, r.content, tmp_path) == []
    (rep, rep_obs, rep_from, _), (dele, del_obs, _, del_to) = _sets(r.content)
    assert (rep, dele) == ("Replace", "Delete")
    assert rep_obs == {("KEN", "2022"): "41.5", ("KEN", "2023"): "44"}
    assert del_obs == {("UGA", "2021"): "10.3"}
    assert datetime.fromisoformat(rep_from) == second and datetime.fromisoformat(del_to) == second
    # Nothing was published after the second release; lastN applies to the changes.
    assert client.get(KEY, params={"updatedAfter": second.isoformat()}).status_code == 404
    last = _sets(client.get(KEY, params={"updatedAfter": first.isoformat(), "lastNObservations": "1"}).content)
    assert last[0][1] == {("KEN", "2023"): "44"}
    # Within a period: only the revision of 2022 remains.
    within = _sets(client.get(KEY, params={"updatedAfter": first.isoformat(), "endPeriod": "2022"}).content)
    assert [(a, o) for a, o, *_ in within] == [("Replace", {("KEN", "2022"): "41.5"}),
                                               ("Delete", {("UGA", "2021"): "10.3"})]


def test_include_history_gives_every_dissemination(two_releases, tmp_path):
    client, first, second = two_releases
    r = client.get(KEY, params={"includeHistory": "true"})
    assert data_errors(client, r.content, tmp_path) == []
    sets = _sets(r.content)
    assert [s[0] for s in sets] == ["Replace", "Replace", "Delete"]
    assert sets[0][1] == {("KEN", "2020"): "29.5", ("KEN", "2021"): "33.1", ("KEN", "2022"): "40.8137",
                          ("UGA", "2021"): "10.3"}
    assert datetime.fromisoformat(sets[0][2]) == first
    assert sets[1][1] == {("KEN", "2022"): "41.5", ("KEN", "2023"): "44"}
    assert datetime.fromisoformat(sets[1][2]) == datetime.fromisoformat(sets[2][3]) == second
    after = _sets(client.get(KEY, params={"includeHistory": "true", "updatedAfter": first.isoformat()}).content)
    assert [s[0] for s in after] == ["Replace", "Delete"]
    # The served data itself is the second release.
    now = _sets(client.get(KEY).content)
    assert now == [("Information", {("KEN", "2020"): "29.5", ("KEN", "2021"): "33.1", ("KEN", "2022"): "41.5",
                                    ("KEN", "2023"): "44"}, None, None)]


def test_availability_of_changes(two_releases):
    client, first, _ = two_releases
    root = etree.fromstring(client.get("/sdmx/availableconstraint/DF_WSIS/IT_USE_ii99.KEN+UGA",
                                       params={"updatedAfter": first.isoformat()}).content)
    kv = {k.get("id"): k for k in root.iter("{*}KeyValue")}
    assert sorted(v.text for v in kv["REF_AREA"]) == ["KEN", "UGA"]
    tr = kv["TIME_PERIOD"].find("{*}TimeRange")
    assert (tr.find("{*}StartPeriod").text, tr.find("{*}EndPeriod").text) == ("2021", "2023")
