"""The staff form for road-map milestones, in Arabic: a moderator adds a milestone citing outcome paragraphs
(checked against the release's paragraphs like initiatives' and commitments' citations), edits it, and the
citations follow (``/outcome/{n}``'s entries); contributors and visitors get no form."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.registry.test_web_form import _csrf, _login

from wsis.registry import outcome, tracking


def test_moderator_adds_and_edits_milestone_paragraphs(app, reg, users):
    mod = TestClient(app)
    _login(mod, "mod@example.org")
    form = mod.get("/registry/roadmaps/C2/milestones/new?lang=ar")
    assert form.status_code == 200 and 'dir="rtl"' in form.text and 'id="f-paragraphs"' in form.text
    assert "إضافة معلم" in form.text                                   # "Add a milestone" in Arabic
    fields = {"csrf_token": _csrf(form.text), "ui": "ar", "title": "Schools connected in pilot countries",
              "target": "1,000 schools", "indicator_codes": "IT_USE_ii99", "paragraphs": "37, 67",
              "due_date": "2027-12-31", "status": "on_track"}
    assert mod.post("/registry/roadmaps/C2/milestones/new", data=fields | {"csrf_token": "forged"}).status_code == 403
    for bad in ("37, 131", "para 9", "0"):                             # not an operative paragraph of the release
        r = mod.post("/registry/roadmaps/C2/milestones/new", data=fields | {"paragraphs": bad})
        assert r.status_code == 422 and 'href="#f-paragraphs"' in r.text, (bad, r.text[-800:])
        assert f'value="{bad}"' in r.text                               # the form keeps what was typed
    assert tracking.get_roadmap(reg, "C2")["milestones"] == []          # nothing half-written
    assert mod.post("/registry/roadmaps/NOPE/milestones/new", data=fields).status_code == 404
    ok = mod.post("/registry/roadmaps/C2/milestones/new", data=fields, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"].endswith("#rm-C2")
    [m] = tracking.get_roadmap(reg, "C2")["milestones"]
    assert m["paragraphs"] == ["37", "67"] and m["status"] == "on_track" and m["indicator_codes"] == ["IT_USE_ii99"]
    assert [x["id"] for x in outcome.paragraph_entries(67, "ar", reg)["milestones"]] == [m["id"]]

    listing = mod.get("/registry/roadmaps?lang=ar").text
    edit_link = f"/registry/roadmaps/C2/milestones/{m['id']}/edit"
    assert edit_link in listing and 'href="/outcome/67"' in listing
    edit = mod.get(edit_link + "?lang=ar")
    assert edit.status_code == 200 and 'value="37, 67"' in edit.text
    bad = mod.post(edit_link, data=fields | {"csrf_token": _csrf(edit.text), "paragraphs": "37, 200"})
    assert bad.status_code == 422
    assert tracking.get_roadmap(reg, "C2")["milestones"][0]["paragraphs"] == ["37", "67"]   # unchanged
    saved = mod.post(edit_link, data=fields | {"csrf_token": _csrf(edit.text), "paragraphs": "66", "status": "done"},
                     follow_redirects=False)
    assert saved.status_code == 303
    after = tracking.get_roadmap(reg, "C2")["milestones"][0]
    assert after["paragraphs"] == ["66"] and after["status"] == "done"
    assert outcome.paragraph_entries(67, "ar", reg)["milestones"] == []
    assert [x["id"] for x in outcome.paragraph_entries(66, "ar", reg)["milestones"]] == [m["id"]]
    # a milestone of another road map is not reachable under this one
    assert mod.get(f"/registry/roadmaps/C3/milestones/{m['id']}/edit").status_code == 404


def test_contributors_and_visitors_get_no_form(app, users):
    visitor = TestClient(app)
    assert visitor.get("/registry/roadmaps/C2/milestones/new").status_code == 401
    assert "milestones/new" not in visitor.get("/registry/roadmaps").text
    alice = TestClient(app)
    _login(alice, "alice@example.org")
    assert alice.get("/registry/roadmaps/C2/milestones/new").status_code == 403
    page = alice.get("/registry/roadmaps")
    assert alice.post("/registry/roadmaps/C2/milestones/new", data={
        "csrf_token": _csrf(page.text), "title": "Sneaky milestone", "paragraphs": "37"}).status_code == 403
