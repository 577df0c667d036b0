"""Commitment forms over plain HTTP, in French: register a financial commitment (CSRF), file a progress
report that disburses part of it, a second moderator approves both, the commitment and its disbursement are
public; an owner's edit of the paragraphs goes back to moderation."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.registry.test_web_form import _csrf, _login

from wsis.registry import commitments


def test_financial_commitment_through_the_forms(app, reg, users):
    owner = TestClient(app)
    _login(owner, "alice@example.org")
    form = owner.get("/registry/commitments/new?lang=fr")
    assert form.status_code == 200 and 'lang="fr"' in form.text and '<label for="f-amount">' in form.text
    fields = {"csrf_token": _csrf(form.text), "ui": "fr", "title": "Fonds pour 40 réseaux communautaires",
              "description": "", "target": "40 réseaux", "deadline": "2029-12-31", "organisation": "Banque Sahel",
              "stakeholder_group": "international_organisation", "organisation_country": "SEN",
              "countries": ["SEN", "MLI"], "action_lines": ["C2"], "sdg_targets": "9.c", "paragraphs": "67, 37",
              "amount": "1500000", "currency": "eur", "finance_type": "grant", "period_start": "", "period_end": ""}
    assert owner.post("/registry/commitments/new", data=fields | {"csrf_token": "forged"}).status_code == 403
    bad = owner.post("/registry/commitments/new", data=fields | {"paragraphs": "67, 300"})
    assert bad.status_code == 422 and 'href="#f-paragraphs"' in bad.text and "Il y a un problème" in bad.text
    assert owner.post("/registry/commitments/new", data=fields | {"finance_type": ""}).status_code == 422
    ok = owner.post("/registry/commitments/new", data=fields, follow_redirects=False)
    assert ok.status_code == 303
    cid = int(re.search(r"/registry/commitments/(\d+)", ok.headers["location"]).group(1))
    page = owner.get(f"/registry/commitments/{cid}?lang=fr")
    assert "1500000.00 EUR" in page.text and f'action="/registry/commitments/{cid}/reports"' in page.text
    report = {"csrf_token": _csrf(page.text), "ui": "fr", "reported_on": "2025-06-30", "summary": "Premier versement",
              "percent_complete": "30", "disbursed_amount": "450000", "disbursed_currency": "EUR",
              "disbursed_on": "2025-06-15"}
    assert owner.post(f"/registry/commitments/{cid}/reports", data=report | {"disbursed_on": ""}).status_code == 422
    assert owner.post(f"/registry/commitments/{cid}/reports", data=report, follow_redirects=False).status_code == 303

    # nothing public before a second moderator approves
    public = TestClient(app)
    assert public.get(f"/registry/commitments/{cid}").status_code == 404
    # the moderator approves the commitment, then its report, from the queue
    moderator = TestClient(app)
    _login(moderator, "mod@example.org")
    queue = moderator.get("/registry/moderation?lang=fr").text
    assert "Fonds pour 40 réseaux communautaires" in queue and "1500000.00 EUR" in queue and "450000.00 EUR" in queue
    for action in (f"/registry/moderation/commitments/{cid}",
                   re.search(rf'action="(/registry/moderation/commitments/{cid}/reports/\d+)"', queue).group(1)):
        r = moderator.post(action, data={"csrf_token": _csrf(queue), "decision": "approve", "ui": "fr"},
                           follow_redirects=False)
        assert r.status_code == 303, r.text
    # its contributor cannot approve it
    assert owner.post(f"/registry/moderation/commitments/{cid}", data={
        "csrf_token": _csrf(page.text), "decision": "approve"}).status_code == 403
    shown = public.get(f"/registry/commitments/{cid}?lang=fr").text
    assert "Fonds pour 40 réseaux communautaires" in shown and "450000.00 EUR (2025-06-15)" in shown
    assert 'href="/outcome/67"' in shown and "f-disbursed_amount" not in shown  # no report form for visitors

    edit = owner.get(f"/registry/commitments/{cid}/edit?lang=fr")
    assert 'value="67, 37"' in edit.text
    changed = {k: fields[k] for k in ("title", "description", "target", "deadline", "countries", "action_lines",
                                      "sdg_targets")} | {"paragraphs": "67", "csrf_token": _csrf(edit.text), "ui": "fr"}
    assert owner.post(f"/registry/commitments/{cid}/edit", data=changed, follow_redirects=False).status_code == 303
    after = commitments.get_commitment(reg, users["alice"][1], cid)
    assert after["paragraphs"] == ["67"] and after["moderation"] == "pending"
