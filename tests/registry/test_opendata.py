"""Open data: export (CSV, JSON, data package), all-or-none CSV import, backup and restore."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from tests.registry.conftest import initiative_payload

from wsis.errors import WsisError
from wsis.registry import services
from wsis.registry.backup import backup, restore
from wsis.registry.opendata import export_all, import_csv
from wsis.registry.policy import SYSTEM, Actor
from wsis.registry.schemas import InitiativeIn, ModerationIn

DATA = Path(__file__).resolve().parents[1] / "data" / "registry"


def _operator(uid):
    """The CLI's actor: the server operator, importing rows owned by an account (four eyes do not apply)."""
    return Actor(user_id=uid, role="admin", scopes=SYSTEM.scopes, via="system")


def test_import_all_rows_and_export(reg, users, tmp_path):
    res = import_csv(reg, _operator(users["mod"][0]), DATA / "initiatives_ok.csv", approve=True)
    assert res["imported"] == 3
    pending = services.submit_initiative(reg, users["alice"][1], InitiativeIn.model_validate(initiative_payload()))
    counts = export_all(reg, tmp_path / "out")
    assert counts["initiatives"] == 3  # the pending one is not public
    assert counts["deliverables"] == 20 and counts["roadmaps"] == 20
    out = tmp_path / "out"
    rows = list(csv.DictReader(io.StringIO((out / "initiatives.csv").read_text(encoding="utf-8"))))
    assert {r["lang"] for r in rows} == {"en", "es", "ar"}
    assert pending["initiative"]["title"] not in (out / "initiatives.csv").read_text(encoding="utf-8")
    pkg = json.loads((out / "datapackage.json").read_text())
    assert pkg["licenses"][0]["name"] == "CC-BY-4.0"
    for resource in pkg["resources"]:
        header = (out / resource["path"]).read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header == [f["name"] for f in resource["schema"]["fields"]]
    doc = json.loads((out / "registry.json").read_text(encoding="utf-8"))
    assert len(doc["initiatives"]) == 3 and len(doc["deliverables"]) == 20
    # exporting again replaces the folder atomically
    export_all(reg, out)
    assert not list(tmp_path.glob(".export-*"))


def test_import_reports_every_bad_row_and_writes_nothing(reg, users):
    with pytest.raises(WsisError) as exc:
        import_csv(reg, users["mod"][1], DATA / "initiatives_bad.csv")
    err = exc.value
    rows = {(e["row"], e["column"]) for e in err.extra["errors"]}
    assert (4, "lang") in rows and (5, "stakeholder_group") in rows
    assert (3, "action_lines") in rows
    assert err.file.endswith("initiatives_bad.csv") and err.row == 3
    assert services.list_initiatives(reg)["count"] == 0
    with reg.read() as s:
        from sqlalchemy import func, select

        from wsis.registry.models import Initiative
        assert s.scalar(select(func.count()).select_from(Initiative)) == 0


def test_import_vocabulary_errors_and_rollback(reg, users, tmp_path):
    text = (DATA / "initiatives_bad.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "two.csv"
    path.write_text("\n".join(text[:3]) + "\n", encoding="utf-8")
    with pytest.raises(WsisError) as exc:
        import_csv(reg, users["mod"][1], path)
    assert (exc.value.row, exc.value.column) == (3, "action_lines")
    assert services.moderation_queue(reg, users["mod"][1]) == []
    with pytest.raises(WsisError) as exc:
        import_csv(reg, users["alice"][1], DATA / "initiatives_ok.csv")
    assert exc.value.status == 403


def test_backup_and_restore_roundtrip(reg, users, tmp_path, backend):
    iid = services.submit_initiative(reg, users["alice"][1],
                                     InitiativeIn.model_validate(initiative_payload()))["initiative"]["id"]
    services.moderate_initiative(reg, users["mod"][1], iid, ModerationIn(decision="approve"))
    outs = [tmp_path / "b.json.gz"] + ([tmp_path / "b.sqlite"] if backend == "sqlite" else [])
    for out in outs:
        info = backup(reg, SYSTEM, out)
        assert out.exists() and info["bytes"] > 0
    services.delete_initiative(reg, users["alice"][1], iid)
    assert services.list_initiatives(reg, q="solar")["count"] == 0
    for out in outs:
        restore(reg, SYSTEM, out)
        assert services.list_initiatives(reg, q="solar")["count"] == 1
        services.delete_initiative(reg, users["alice"][1], iid)
    # a new write after restore gets a fresh id (sequences restored)
    again = services.submit_initiative(reg, users["alice"][1], InitiativeIn.model_validate(initiative_payload("New")))
    assert again["initiative"]["id"] > iid
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(WsisError):
        restore(reg, SYSTEM, bad)
