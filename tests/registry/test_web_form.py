"""The form flow over plain HTTP: GET form -> POST in French with CSRF -> moderator approves ->
the entry shows on the action-line page, in search and in the export."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.registry.conftest import PASSWORD


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _login(client: TestClient, email: str) -> None:
    page = client.get("/registry/login?lang=fr")
    assert page.status_code == 200 and 'lang="fr"' in page.text
    r = client.post("/registry/login", data={"email": email, "password": PASSWORD, "csrf_token": _csrf(page.text),
                                             "next": "/registry/submit?lang=fr"}, follow_redirects=False)
    assert r.status_code == 303, r.text


def test_french_submission_moderation_search_export(app, reg, users):
    contributor = TestClient(app)
    _login(contributor, "alice@example.org")
    form = contributor.get("/registry/submit?lang=fr")
    assert form.status_code == 200
    assert 'lang="fr"' in form.text and "Soumettre une initiative" in form.text
    assert '<label for="f-title">' in form.text and "<fieldset>" in form.text
    token = _csrf(form.text)
    fields = {"csrf_token": token, "ui": "fr", "lang": "fr", "title": "Écoles connectées au Sénégal",
              "description": "<p>Connexion des écoles rurales à l'internet.</p>", "organisation": "Association Sénégal Numérique",
              "stakeholder_group": "civil_society", "organisation_country": "SEN", "countries": ["SEN"],
              "action_lines": ["C2", "C7-ELEARN"], "sdg_targets": "4.a, 9.c", "gdc_objectives": ["1"],
              "groups": ["rural_communities", "women_girls"], "status": "ongoing", "start_date": "2025-01-01",
              "end_date": "", "links": "https://example.org/ecoles", "contact_name": "Awa", "contact_email": ""}
    # a mistake first: the error summary names the field, in French
    bad = contributor.post("/registry/submit", data=fields | {"title": "x"})
    assert bad.status_code == 422
    assert "Il y a un problème" in bad.text and 'href="#f-title"' in bad.text and 'role="alert"' in bad.text
    ok = contributor.post("/registry/submit", data=fields)
    assert ok.status_code == 201, ok.text
    assert "attend la modération" in ok.text

    moderator = TestClient(app)
    _login(moderator, "mod@example.org")
    queue = moderator.get("/registry/moderation?lang=fr")
    assert "Écoles connectées au Sénégal" in queue.text
    iid = int(re.search(r'action="/registry/moderation/(\d+)"', queue.text).group(1))
    r = moderator.post(f"/registry/moderation/{iid}", data={"csrf_token": _csrf(queue.text), "decision": "approve",
                                                           "ui": "fr"}, follow_redirects=False)
    assert r.status_code == 303

    public = TestClient(app)
    assert "Écoles connectées au Sénégal" in public.get("/registry/action-lines/C2?lang=fr").text
    assert "Écoles connectées au Sénégal" in public.get("/registry/?q=ecoles+senegal&lang=fr").text
    found = public.get("/api/v1/registry/initiatives", params={"q": "écoles connectées", "lang": "fr"}).json()
    assert found["count"] == 1 and found["data"][0]["groups"] == ["rural_communities", "women_girls"]
    csv_text = public.get("/api/v1/registry/export/initiatives.csv").text
    assert "Écoles connectées au Sénégal" in csv_text and "C2;C7-ELEARN" in csv_text
    assert public.get("/api/v1/registry/export/registry.json").json()["initiatives"][0]["lang"] == "fr"


def test_pages_render(client, reg, users):
    for path in ("/registry/", "/registry/deliverables", "/registry/roadmaps", "/registry/submit?lang=ar",
                 "/registry/action-lines/C7-EGOV", "/registry/login"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert "<html lang=" in r.text
    assert 'dir="rtl"' in client.get("/registry/?lang=ar").text
    assert client.get("/registry/moderation").status_code == 401
    assert client.get("/registry/action-lines/C99").status_code == 404
