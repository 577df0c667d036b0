"""Fixtures of the report suite: one release built from the mini data dir and a registry with a few public
initiatives and commitments, shared by the whole session (building them takes seconds)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from tests.conftest import make_data_dir

from wsis.registry.commitments import (
    add_progress_report,
    moderate_commitment,
    moderate_report,
    submit_commitment,
)
from wsis.registry.db import Registry
from wsis.registry.models import User
from wsis.registry.policy import session_actor
from wsis.registry.schemas import CommitmentIn, InitiativeIn, ModerationIn, ProgressIn
from wsis.registry.services import moderate_initiative, submit_initiative
from wsis.registry.tracking import seed_reference
from wsis.settings import Settings

APPROVE = ModerationIn(decision="approve")


def _seed(reg: Registry) -> None:
    seed_reference(reg)
    uid = {}

    def txn(s):
        for name, role in (("mod", "moderator"), ("owner", "contributor")):
            u = User(email=f"{name}@example.org", name=name, password_hash="x", role=role)
            s.add(u)
            s.flush()
            uid[name] = u.id

    reg.write(txn)
    # four eyes: the entries are submitted by one account and approved by a moderator
    actor, mod = session_actor(uid["owner"], "contributor"), session_actor(uid["mod"], "moderator")
    org = {"name": "Connect Foundation", "stakeholder_group": "civil_society", "country": "KEN"}
    for title, lines, status in (("Rural school connectivity", ["C2", "C7-ELEARN"], "ongoing"),
                                 ("Digital skills for women", ["C4"], "completed"),
                                 ("Community networks", ["C2"], "planned")):
        ini = submit_initiative(reg, actor, InitiativeIn(
            texts=[{"lang": "en", "title": title, "description": "Test entry."}], organisation=org,
            countries=["KEN"], action_lines=lines, status=status, paragraphs=["37"] if "school" in title else []))
        moderate_initiative(reg, mod, ini["initiative"]["id"], APPROVE)
    for title, amount, ftype, deadline, countries in (
            ("Backbone fund", "2500000.00", "grant", dt.date(2025, 6, 30), ["KEN", "UGA"]),
            ("Spectrum loan", "10000000.00", "loan", dt.date(2027, 12, 31), ["FRA"]),
            ("Skills pledge", None, None, dt.date(2024, 12, 31), [])):
        fin = {"amount": Decimal(amount), "currency": "USD", "finance_type": ftype,
               "period_start": dt.date(2024, 1, 1), "period_end": deadline} if amount else {}
        com = submit_commitment(reg, actor, CommitmentIn(
            title=title, target="Reach the target", deadline=deadline, organisation=org, countries=countries,
            action_lines=["C2"], registered_on=dt.date(2024, 3, 1), **fin))
        moderate_commitment(reg, mod, com["id"], APPROVE)
    # para 67: a pledge in euros with a disbursement (converted at the Fed's monthly rates), one in CFA francs
    # (no rate in the mirror: shown apart)
    for title, amount, currency in (("Euro school fund", "1000000.00", "EUR"), ("CFA pledge", "500000.00", "XOF")):
        com = submit_commitment(reg, actor, CommitmentIn(
            title=title, target="Connect 300 schools", deadline=dt.date(2028, 12, 31), organisation=org,
            countries=["KEN"], action_lines=["C6"], paragraphs=["67"], registered_on=dt.date(2024, 3, 1),
            amount=Decimal(amount), currency=currency, finance_type="grant"))
        moderate_commitment(reg, mod, com["id"], APPROVE)
        out = add_progress_report(reg, actor, com["id"], ProgressIn(
            reported_on=dt.date(2024, 10, 1), summary="First tranche paid", percent_complete=40,
            disbursed_amount=Decimal(amount) * Decimal("0.4"), disbursed_currency=currency,
            disbursed_on=dt.date(2024, 9, 15)))
        moderate_report(reg, mod, com["id"], out["reports"][-1]["id"], APPROVE)


@pytest.fixture(scope="session")
def report_settings(tmp_path_factory, shared_data) -> Settings:
    """Settings with a release built from the mini data dir and a seeded registry."""
    from wsis.build import build_release

    root = tmp_path_factory.mktemp("report")
    data_dir = make_data_dir(root / "data", shared_data)
    (data_dir / "sdg_metadata").symlink_to(shared_data / "sdg_metadata")  # SDG titles for the frameworks
    (data_dir / "exchange_rates").symlink_to(shared_data / "exchange_rates")  # USD totals of commitments
    settings = Settings(data_dir=data_dir, home=root / "home", secret_key="test")
    build_release(settings=settings)
    reg = Registry(settings.registry_db_url, settings)
    reg.migrate()
    _seed(reg)
    reg.dispose()
    return settings


@pytest.fixture(scope="session")
def built(report_settings, tmp_path_factory) -> dict:
    """The 2024-2025 report in English, French and Arabic (HTML), built once."""
    from wsis.report import build_report

    out = tmp_path_factory.mktemp("out")
    rec = build_report("2024-2025", "en,fr,ar", "html", out, settings=report_settings)
    return {"out": Path(out), "record": rec}
