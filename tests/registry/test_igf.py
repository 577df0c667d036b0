"""The IGF ecosystem (paras 97-103): forums and outputs, four-eyes moderation, uptake, CSV export/import,
and the count `wsis figures` sets beside para 97. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from wsis.errors import WsisError
from wsis.registry import igf
from wsis.registry.models import IgfForum, IgfOutput
from wsis.registry.policy import SYSTEM
from wsis.registry.schemas import ModerationIn

SCRIPT = Path(__file__).parent / "scripts" / "make_igf_csv.py"
APPROVE = ModerationIn(decision="approve")


def _make_csv(path: Path, *extra: str) -> Path:
    subprocess.run([sys.executable, str(SCRIPT), str(path), *extra], check=True)
    return path


def _rows(reg, model) -> int:
    with reg.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_two_hundred_forums_import_and_are_counted(reg, users, tmp_path):
    path = _make_csv(tmp_path / "igf.csv")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert len(rows) == 200 and all(r["name"].startswith("Synthetic") for r in rows)
    active = [r for r in rows if r["status"] == "active"]
    res = igf.import_csv(reg, SYSTEM, path, "forums", approve=True)
    assert res["imported"] == 200
    count = igf.forum_count(reg)
    assert count["count"] == len(active) and count["inactive"] == 200 - len(active)
    assert count["by_scope"]["national"] == sum(r["scope"] == "national" for r in active)
    assert count["by_scope"]["regional"] == sum(r["scope"] == "regional" for r in active)
    assert count["countries"] == len({c for r in active for c in r["countries"].split(";")})
    assert count["as_of"] and count["para"] == 97


def test_a_bad_row_imports_nothing(reg, users, tmp_path):
    path = _make_csv(tmp_path / "igf-bad.csv", "--bad-row", "137")
    with pytest.raises(WsisError) as exc:
        igf.import_csv(reg, SYSTEM, path, "forums", approve=True)
    assert exc.value.row == 138 and exc.value.column == "scope" and "nothing was imported" in exc.value.hint
    assert _rows(reg, IgfForum) == 0
    # an unknown country found by the vocabulary check (after the shape check) also imports nothing
    text = path.read_text(encoding="utf-8").replace("continental", "national").replace("(KEN),national,KEN",
                                                                                        "(KEN),national,XXK")
    with pytest.raises(WsisError) as exc:
        igf.import_text(reg, SYSTEM, text, "igf.csv", "forums", approve=True)
    assert exc.value.column == "countries" and exc.value.row > 2
    assert _rows(reg, IgfForum) == 0


def test_four_eyes_and_visibility(reg, users):
    alice, mod = users["alice"][1], users["mod"][1]
    f = igf.submit_forum(reg, alice, igf.ForumIn(name="Kenya IGF", scope="national", countries=["ken"],
                                                 year_founded=2008, website="https://kigf.or.ke/"))
    assert f["moderation"] == "pending" and f["countries"] == ["KEN"]
    assert igf.list_forums(reg)["total"] == 0
    assert igf.get_forum(reg, alice, f["id"])["name"] == "Kenya IGF"
    with pytest.raises(WsisError) as exc:
        igf.get_forum(reg, users["bob"][1], f["id"])
    assert exc.value.status == 404
    with pytest.raises(WsisError) as exc:
        igf.moderate_forum(reg, alice, f["id"], APPROVE)
    assert exc.value.status == 403
    mine = igf.submit_forum(reg, mod, igf.ForumIn(name="Youth IGF Ghana", scope="youth", countries=["GHA"]))
    with pytest.raises(WsisError) as exc:
        igf.moderate_forum(reg, mod, mine["id"], APPROVE)
    assert exc.value.code == "four-eyes"
    assert igf.moderate_forum(reg, mod, f["id"], APPROVE)["moderation"] == "approved"
    assert [x["name"] for x in igf.list_forums(reg, country="KEN")["items"]] == ["Kenya IGF"]
    with pytest.raises(WsisError):
        igf.submit_forum(reg, alice, igf.ForumIn(name="Two-country national", scope="national",
                                                 countries=["KEN", "UGA"]))


def test_outputs_uptake_and_csv_round_trip(reg, users, tmp_path):
    alice, bob, mod = users["alice"][1], users["bob"][1], users["mod"][1]
    o = igf.submit_output(reg, alice, igf.OutputIn(title="=HYPERLINK(\"x\") IGF 2025 Messages", kind="messages",
                                                   year=2025, body="IGF Secretariat",
                                                   link="https://www.intgovforum.org/en/igf-2025-messages"))
    igf.moderate_output(reg, mod, o["id"], APPROVE)
    up = igf.report_uptake(reg, bob, o["id"], igf.UptakeIn(used_by="CSTD 29th session", used_by_kind="un_process",
                                                            link="https://unctad.org/cstd-29"))
    assert igf.get_output(reg, bob, o["id"])["uptake"] == []  # pending uptake is not public
    with pytest.raises(WsisError):
        igf.moderate_uptake(reg, users["mod"][1], up["id"], ModerationIn(decision="reject"))  # needs a reason
    igf.moderate_uptake(reg, mod, up["id"], APPROVE)
    (pub,) = igf.list_outputs(reg)["items"]
    assert pub["uptake"][0]["used_by"] == "CSTD 29th session"
    text = igf.export_csv(reg, "outputs")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["title"].startswith("'=HYPERLINK")  # neutralised for spreadsheets
    (tmp_path / "out.csv").write_text(text, encoding="utf-8")
    res = igf.import_csv(reg, SYSTEM, tmp_path / "out.csv", "outputs")
    assert res["imported"] == 1 and _rows(reg, IgfOutput) == 2
    with reg.read() as s:
        titles = set(s.scalars(select(IgfOutput.title)))
    assert titles == {"=HYPERLINK(\"x\") IGF 2025 Messages"}  # the apostrophe is taken off again


def test_api_submit_moderate_count_export_import(client, users, reg, tmp_path):
    from tests.registry.conftest import login

    h = {"X-CSRF-Token": login(client, "alice@example.org")}
    r = client.post("/api/v1/registry/igf/forums", headers=h,
                    json={"name": "Synthetic West African IGF", "scope": "regional", "countries": ["GHA", "SEN", "NGA"]})
    assert r.status_code == 201, r.text
    fid = r.json()["data"]["id"]
    assert client.post(f"/api/v1/registry/igf/forums/{fid}/moderation", headers=h,
                       json={"decision": "approve"}).status_code == 403
    client.post("/api/v1/registry/auth/logout", headers=h)
    h = {"X-CSRF-Token": login(client, "mod@example.org")}
    assert client.post(f"/api/v1/registry/igf/forums/{fid}/moderation", headers=h,
                       json={"decision": "approve"}).status_code == 200
    assert client.get("/api/v1/registry/igf/forums/count").json()["data"]["count"] == 1
    bad = _make_csv(tmp_path / "bad.csv", "10", "--bad-row", "3").read_bytes()
    r = client.post("/api/v1/registry/igf/forums/import", content=bad,
                    headers=h | {"content-type": "text/csv"})
    assert r.status_code == 422 and r.json()["row"] == 4
    good = _make_csv(tmp_path / "good.csv", "10").read_bytes()
    r = client.post("/api/v1/registry/igf/forums/import", content=good,
                    headers=h | {"content-type": "text/csv"})
    assert r.status_code == 200 and r.json()["imported"] == 10, r.text
    assert client.get("/api/v1/registry/igf/forums?pending=true").json()["count"] == 10
    client.post("/api/v1/registry/auth/logout", headers=h)
    assert client.get("/api/v1/registry/igf/forums?pending=true").status_code == 401
    csv_text = client.get("/api/v1/registry/igf/forums.csv").text
    assert [r["name"] for r in csv.DictReader(io.StringIO(csv_text))] == ["Synthetic West African IGF"]


def test_pages_in_french_and_arabic(app, reg, users):
    import re

    from fastapi.testclient import TestClient
    from tests.registry.test_web_form import _login

    def csrf(page: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    with TestClient(app) as alice:
        _login(alice, "alice@example.org")
        form = alice.get("/registry/igf/submit?lang=fr")
        assert form.status_code == 200 and "Soumettre une initiative du FGI" in form.text
        fields = {"csrf_token": csrf(form.text), "ui": "fr", "name": "FGI Sénégal", "scope": "national",
                  "countries": ["SEN"], "year_founded": "2010", "status": "active", "website": "https://fgi.sn/"}
        bad = alice.post("/registry/igf/submit", data=fields | {"countries": ["SEN", "GMB"]})
        assert bad.status_code == 422 and 'href="#f-countries"' in bad.text
        ok = alice.post("/registry/igf/submit", data=fields)
        assert ok.status_code == 201 and "FGI Sénégal" in ok.text
        out = alice.post("/registry/igf/outputs/submit",
                         data={"csrf_token": csrf(form.text), "ui": "fr", "title": "Messages de Riyad", "kind": "messages",
                               "year": "2024", "body": "FGI", "link": "https://www.intgovforum.org/"})
        assert out.status_code == 201
    (fid,) = [f["id"] for f in igf.list_forums(reg, users["mod"][1], pending=True)["items"]]
    (oid,) = [o["id"] for o in igf.list_outputs(reg, users["mod"][1], pending=True)["items"]]
    igf.moderate_forum(reg, users["mod"][1], fid, APPROVE)
    igf.moderate_output(reg, users["mod"][1], oid, APPROVE)
    with TestClient(app) as anon:
        page = anon.get("/registry/igf/?lang=fr")
        assert page.status_code == 200 and "FGI Sénégal" in page.text and "Sénégal" in page.text
        assert "initiatives actives dans le registre" in page.text and "plus de 170" in page.text
        detail = anon.get(f"/registry/igf/forums/{fid}?lang=ar")
        assert 'dir="rtl"' in detail.text and "سنة التأسيس" in detail.text and "2010" in detail.text
        outputs = anon.get("/registry/igf/outputs?lang=fr")
        assert "Messages de Riyad" in outputs.text and "Productions du FGI" in outputs.text
        one = anon.get(f"/registry/igf/outputs/{oid}?lang=fr")
        assert "Signaler une reprise" in one.text
        refused = anon.post(f"/registry/igf/outputs/{oid}/uptake",
                            data={"csrf_token": csrf(one.text), "ui": "fr", "used_by": "CSTD",
                                  "used_by_kind": "un_process", "link": "https://unctad.org/cstd"})
        assert refused.status_code in (401, 403)


def test_migration_0003_igf_up_and_down(tmp_path):
    from alembic import command
    from sqlalchemy import inspect, text
    from tests.security.test_workflow import _alembic

    from wsis.registry.db import Registry

    reg = Registry(f"sqlite:///{tmp_path / 'r.sqlite'}")
    try:
        _alembic(reg, command.upgrade, "0002_security")
        assert not inspect(reg.engine).has_table("igf_forums")
        _alembic(reg, command.upgrade, "0003_igf")
        with reg.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0003_igf"
        assert {"igf_forums", "igf_outputs", "igf_uptakes"} <= set(inspect(reg.engine).get_table_names())
        _alembic(reg, command.downgrade, "0002_security")
        assert not inspect(reg.engine).has_table("igf_uptakes")
        assert inspect(reg.engine).has_table("initiatives")
    finally:
        reg.dispose()


def test_spreadsheet_saved_files(reg, users, tmp_path):
    # Excel "CSV UTF-8": BOM, CRLF, every field quoted; a French-locale Excel: ';' separated, header in capitals
    excel = tmp_path / "excel.csv"
    excel.write_bytes('\ufeff"name","scope","countries","year_founded","status","website"\r\n'
                      '"Forum de l\'Internet, Bénin","national","BEN","2012","active",""\r\n'.encode())
    assert igf.import_csv(reg, SYSTEM, excel, "forums", approve=True)["imported"] == 1
    fr = tmp_path / "excel-fr.csv"
    fr.write_bytes("Name ;Scope;Countries\r\nFGI Côte d'Ivoire;national;CIV\r\nFGI Afrique de l'Ouest;regional;"
                   '"CIV;SEN;GHA"\r\n'.encode())
    assert igf.import_csv(reg, SYSTEM, fr, "forums", approve=True)["imported"] == 2
    names = {f["name"]: f["countries"] for f in igf.list_forums(reg)["items"]}
    assert names["FGI Afrique de l'Ouest"] == ["CIV", "SEN", "GHA"] and "Forum de l'Internet, Bénin" in names
    cp = tmp_path / "excel-1252.csv"
    cp.write_bytes("name;scope;countries\r\nFGI Côte d'Ivoire;national;CIV\r\n".encode("cp1252"))
    with pytest.raises(WsisError) as exc:
        igf.import_csv(reg, SYSTEM, cp, "forums")
    assert "UTF-8" in str(exc.value) and str(exc.value).count("\n") == 0
