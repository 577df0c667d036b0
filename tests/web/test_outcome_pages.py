"""``/outcome`` and ``/outcome/{n}``: each paragraph's summary in the page language, the indicators that cite
it in the catalogue, and the public registry entries that report action on it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from wsis.registry import commitments, services, tracking
from wsis.registry.db import get_registry
from wsis.registry.models import User
from wsis.registry.policy import session_actor
from wsis.registry.schemas import CommitmentIn, InitiativeIn, MilestoneIn, ModerationIn
from wsis.settings import Settings
from wsis.web.app import create_app
from wsis.web.deps import registry_vocabulary


@pytest.fixture(scope="module")
def outcome_client(web_settings, tmp_path_factory):
    """The dashboard on the session's release with its own registry: one initiative, one commitment and one
    milestone citing paragraphs 37 and 67."""
    url = f"sqlite:///{tmp_path_factory.mktemp('outcome_reg') / 'registry.sqlite'}"
    settings = Settings(data_dir=web_settings.data_dir, home=web_settings.home, registry_url=url,
                        secret_key="outcome-secret")
    reg = get_registry(settings)
    reg.migrate()
    reg.use_vocabulary(lambda: registry_vocabulary(settings))
    tracking.seed_reference(reg)
    ids = {}

    def txn(s):
        for name, role in (("ann", "contributor"), ("mo", "moderator")):
            u = User(email=f"{name}@example.org", name=name, password_hash="x", role=role)
            s.add(u)
            s.flush()
            ids[name] = session_actor(u.id, role)

    reg.write(txn)
    ok = ModerationIn(decision="approve")
    ini = services.submit_initiative(reg, ids["ann"], InitiativeIn(
        texts=[{"lang": "en", "title": "Every school online in Kisumu"},
               {"lang": "fr", "title": "Toutes les écoles de Kisumu en ligne"}],
        organisation={"name": "Schools Trust", "stakeholder_group": "civil_society", "country": "KEN"},
        countries=["KEN"], paragraphs=["37"]))["initiative"]
    services.moderate_initiative(reg, ids["mo"], ini["id"], ok)
    com = commitments.submit_commitment(reg, ids["ann"], CommitmentIn(
        title="Fund 40 community networks", target="40 networks", deadline="2029-12-31",
        organisation={"name": "Schools Trust", "stakeholder_group": "civil_society"}, paragraphs=["67", "37"]))
    commitments.moderate_commitment(reg, ids["mo"], com["id"], ok)
    tracking.add_milestone(reg, ids["mo"], "C4", MilestoneIn(title="Teacher digital skills plan",
                                                             paragraphs=["37"]))
    with TestClient(create_app(settings)) as c:
        yield c


def test_paragraph_page_lists_summary_indicators_and_entries(outcome_client):
    r = outcome_client.get("/outcome/37")
    assert r.status_code == 200
    html = r.text
    assert "Every school online in Kisumu" in html and "Fund 40 community networks" in html
    assert "Teacher digital skills plan" in html
    assert "/indicators/SE_ACC_INTN" in html  # cited "A/RES/80/173 para 37" in the catalogue
    fr = outcome_client.get("/fr/outcome/37").text
    assert "Toutes les écoles de Kisumu en ligne" in fr and 'lang="fr"' in fr
    data = outcome_client.get("/outcome/67?format=json").json()["data"]
    assert [c["title"] for c in data["commitments"]] == ["Fund 40 community networks"]
    assert data["initiatives"] == [] and data["paragraph"]["para"] == 67
    assert "SE_ACC_INTN" in outcome_client.get("/outcome/37?format=csv").text
    assert outcome_client.get("/outcome/999").status_code == 404


def test_outcome_counts_paragraphs_with_action(outcome_client):
    html = outcome_client.get("/outcome").text
    assert "Paragraphs with reported action in the registry: 2 of 127" in html
    assert 'href="/outcome/37"' in html
    body = outcome_client.get("/outcome?format=json").json()["data"]
    assert body["paragraphs_with_action"] == {"37": {"initiative": 1, "commitment": 1, "milestone": 1},
                                              "67": {"initiative": 0, "commitment": 1, "milestone": 0}}
