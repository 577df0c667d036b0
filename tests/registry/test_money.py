"""Commitments that follow the money (para 67): disbursements on progress reports, and the bulk import of
commitments, all rows or none (the CSV is written here; names are synthetic)."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from wsis.errors import WsisError
from wsis.registry import commitments, opendata
from wsis.registry.commitment_import import COLUMNS, import_commitments
from wsis.registry.models import Commitment
from wsis.registry.policy import Actor
from wsis.registry.schemas import CommitmentIn, ModerationIn, ProgressIn

APPROVE = ModerationIn(decision="approve")


def _pledge(reg, actor, **extra):
    body = {"title": "Backbone grant", "target": "300 km of fibre", "deadline": "2029-12-31",
            "organisation": {"name": "Dev Bank", "stakeholder_group": "international_organisation"},
            "countries": ["NPL"], "amount": "2000000", "currency": "EUR", "finance_type": "grant",
            "registered_on": "2024-03-01"}
    return commitments.submit_commitment(reg, actor, CommitmentIn(**(body | extra)))


def test_disbursement_is_recorded_next_to_the_pledge(reg, users):
    alice, mod = users["alice"][1], users["mod"][1]
    c = _pledge(reg, alice)
    commitments.moderate_commitment(reg, mod, c["id"], APPROVE)
    for bad, column in (({"disbursed_amount": "500000"}, "disbursed_currency"),
                        ({"disbursed_amount": "1", "disbursed_currency": "EUR", "disbursed_on": "2024-12-01"},
                         "disbursed_on")):
        with pytest.raises(WsisError) as exc:
            commitments.add_progress_report(reg, alice, c["id"], ProgressIn(
                reported_on="2024-10-01", summary="First tranche", **bad))
        assert exc.value.column == column and exc.value.status == 422
    out = commitments.add_progress_report(reg, alice, c["id"], ProgressIn(
        reported_on="2024-10-01", summary="First tranche", percent_complete=25, disbursed_amount="500000.50",
        disbursed_currency="EUR", disbursed_on="2024-09-15"))
    rep = out["reports"][-1]
    assert rep["disbursed"] == {"amount": "500000.50", "currency": "EUR", "date": "2024-09-15"}
    commitments.moderate_report(reg, mod, c["id"], rep["id"], APPROVE)
    public = commitments.list_commitments(reg)["data"][0]
    assert public["financial"]["amount"] == "2000000.00" and public["reports"][0]["disbursed"]["amount"] == "500000.50"
    rows = opendata.public_tables(reg)["progress_reports"]
    assert rows[0]["disbursed_amount"] == "500000.50" and rows[0]["disbursed_on"] == "2024-09-15"
    # a commitment without money records no disbursement
    plain = _pledge(reg, alice, title="Train 100 teachers", amount=None, currency=None, finance_type=None)
    with pytest.raises(WsisError) as exc:
        commitments.add_progress_report(reg, alice, plain["id"], ProgressIn(
            reported_on="2024-10-01", summary="Paid", disbursed_amount="5", disbursed_currency="USD",
            disbursed_on="2024-09-01"))
    assert exc.value.code == "not-financial"


def _write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        w.writeheader()
        w.writerows(rows)


def _rows(n):
    """Synthetic commitments (made-up organisations), half of them financial in several currencies."""
    out = []
    for i in range(n):
        fin = {"amount": f"{(i + 1) * 1000}.00", "currency": ("USD", "EUR", "JPY")[i % 3], "finance_type": "grant",
               "period_start": "2025-01-01", "period_end": "2027-12-31"} if i % 2 == 0 else {}
        out.append({"title": f"Synthetic pledge {i}", "target": "Connect schools", "deadline": "2028-06-30",
                    "organisation": f"Synthetic Org {i % 7}", "stakeholder_group": "private_sector",
                    "organisation_country": "KEN", "countries": "KEN;UGA", "action_lines": "C2",
                    "paragraphs": "67;37", "registered_on": "2025-02-01", **fin})
    return out


def test_bulk_import_all_or_nothing(reg, users, tmp_path):
    admin = users["admin"][1]
    good = tmp_path / "commitments.csv"
    _write(good, _rows(30))
    res = import_commitments(reg, admin, good, approve=False)
    assert res["imported"] == 30
    with reg.read() as s:
        stored = s.query(Commitment).order_by(Commitment.id).all()
        assert len(stored) == 30 and stored[0].amount == Decimal("1000.00") and stored[1].is_financial is False
        assert {c.moderation for c in stored} == {"pending"}
    bad_rows = _rows(5)
    bad_rows[3]["paragraphs"] = "67;200"          # no such paragraph
    bad_rows[4]["currency"] = ""                  # amount without currency
    bad = tmp_path / "bad.csv"
    _write(bad, bad_rows)
    with pytest.raises(WsisError) as exc:
        import_commitments(reg, admin, bad)
    assert exc.value.row == 5 and exc.value.column == "paragraphs"
    assert [(e["row"], e["column"]) for e in exc.value.extra["errors"]] == [(5, "paragraphs"), (6, "currency")]
    with reg.read() as s:
        assert s.query(Commitment).count() == 30      # nothing of the bad file
    # the export of approved commitments imports back
    for c in stored[:3]:
        commitments.moderate_commitment(reg, users["mod"][1], c.id, APPROVE)
    exported = tmp_path / "export.csv"
    exported.write_text(opendata.table_csv(opendata.public_tables(reg)["commitments"], "commitments"),
                        encoding="utf-8")
    operator = Actor(user_id=admin.user_id, role="admin", scopes=admin.scopes, via="system")  # as the CLI acts
    assert import_commitments(reg, operator, exported, approve=True)["imported"] == 3
    assert commitments.list_commitments(reg)["count"] == 6


def test_import_refuses_unknown_columns_and_contributors(reg, users, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("title,target,deadline,organisation,stakeholder_group,budget\n", encoding="utf-8")
    with pytest.raises(WsisError) as exc:
        import_commitments(reg, users["admin"][1], path)
    assert exc.value.column == "budget" and exc.value.row == 1
    with pytest.raises(WsisError) as exc:
        import_commitments(reg, users["alice"][1], path)
    assert exc.value.status == 403
