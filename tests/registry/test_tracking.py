"""Deliverables, road maps, commitments and the reporting traffic light."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from tests.registry.conftest import _data_dir

from wsis.errors import WsisError
from wsis.registry import commitments, tracking
from wsis.registry.commitments import report_status
from wsis.registry.schemas import CommitmentIn, MilestoneIn, ModerationIn, ProgressIn


def test_deliverables_hold_every_dated_request(reg):
    doc = yaml.safe_load((_data_dir() / "framework" / "outcome_commitments.yaml").read_text(encoding="utf-8"))
    rows = tracking.deliverables(reg)
    assert len(rows) == len(doc["deliverables_index"])
    got = sorted((d["para"], d["title"]) for d in rows)
    assert got == sorted((d["para"], d["deliverable"]) for d in doc["deliverables_index"])
    paras = {d["para"] for d in rows}
    assert {67, 86, 113, 117, 122, 124, 125, 127} <= paras
    p122 = next(d for d in rows if d["para"] == 122)
    assert p122["forum"] == "CSTD 29th session" and p122["due_year"] == 2026 and p122["responsible"] == ["ungis"]
    assert any(d["para"] == 124 and d["recurrence"] == "biennial" for d in rows)
    # seeding twice changes nothing
    tracking.seed_reference(reg)
    assert len(tracking.deliverables(reg)) == len(rows)


def test_roadmaps_and_milestones(reg, users):
    maps = tracking.roadmaps(reg)
    codes = [m["code"] for m in maps]
    assert codes[0] == "C1" and codes[-1] == "WSIS-GDC" and "C7-EHEALTH" in codes and len(codes) == 20
    out = tracking.add_milestone(reg, users["mod"][1], "WSIS-GDC", MilestoneIn(
        title="Joint road map presented", indicator_codes=["IT_USE_ii99"], due_date="2026-04-30"))
    assert out["milestones"][0]["indicator_codes"] == ["IT_USE_ii99"] and out["status"] == "in_progress"
    with pytest.raises(WsisError) as exc:
        tracking.add_milestone(reg, users["alice"][1], "C1", MilestoneIn(title="Nope"))
    assert exc.value.status == 403


@pytest.mark.parametrize("registered,last,light,active", [
    ("2025-01-01", None, "green", True), ("2024-05-01", None, "yellow", True), ("2024-06-01", None, "green", True), ("2023-01-01", None, "red", False),
    ("2020-01-01", "2024-12-01", "green", True), ("2020-01-01", "2024-01-01", "yellow", True),
    ("2020-01-01", "2022-12-01", "red", False),
])
def test_traffic_light(registered, last, light, active):
    today = dt.date(2025, 6, 1)
    status = report_status(dt.date.fromisoformat(registered), dt.date.fromisoformat(last) if last else None, today)
    assert (status["light"], status["active"]) == (light, active)


def test_financial_commitment_and_reports(reg, users):
    alice, mod = users["alice"][1], users["mod"][1]
    base = {"title": "Fund 500 community networks", "target": "500 networks", "deadline": "2030-12-31",
            "organisation": {"name": "Dev Bank", "stakeholder_group": "international_organisation"},
            "action_lines": ["C2"], "countries": ["KEN"], "indicator_code": "IT_USE_ii99",
            "registered_on": "2023-01-01"}
    with pytest.raises(WsisError) as exc:
        commitments.submit_commitment(reg, alice, CommitmentIn.model_validate(base | {"amount": "1000"}))
    assert exc.value.column == "currency"
    c = commitments.submit_commitment(reg, alice, CommitmentIn.model_validate(
        base | {"amount": "2500000.50", "currency": "USD", "finance_type": "blended"}))
    assert c["financial"]["amount"] == "2500000.50" and c["report_status"]["light"] == "red"
    assert commitments.commitments_for_action_line("C2", reg) == []
    commitments.moderate_commitment(reg, mod, c["id"], ModerationIn(decision="approve"))
    with pytest.raises(WsisError):
        commitments.add_progress_report(reg, users["bob"][1], c["id"], ProgressIn(reported_on=dt.date.today(),
                                                                                   summary="not mine"))
    out = commitments.add_progress_report(reg, alice, c["id"], ProgressIn(reported_on=dt.date.today(),
                                                                          summary="120 networks live",
                                                                          percent_complete=24))
    # the report waits for moderation: the public light does not change until a moderator approves it
    assert out["report_status"]["light"] == "red" and out["reports"][0]["moderation"] == "pending"
    assert commitments.list_commitments(reg)["data"][0]["reports"] == []
    out = commitments.moderate_report(reg, mod, c["id"], out["reports"][0]["id"], ModerationIn(decision="approve"))
    assert out["report_status"]["light"] == "green" and out["report_status"]["active"]
    assert len(commitments.commitments_for_country("ken", reg)) == 1
    assert commitments.list_commitments(reg, light="green")["count"] == 1
