"""Finding 4: leaks of private and unmoderated data. Anonymous answers carry no e-mail and no account id
unless the submitter opted in; the duplicates check needs an account and shows only public entries and
the caller's own."""

from __future__ import annotations

import datetime as dt
import json

import httpx
from tests.registry.conftest import initiative_payload
from tests.security.conftest import API, approve, submit, token

from wsis.registry import commitments
from wsis.registry.schemas import CommitmentIn, ModerationIn

SECRET = "private.person@example.org"


def _walk(obj, found):
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in ("owner_id", "author_id"):
                found.append(k)
            _walk(v, found)
    elif isinstance(obj, list):
        for v in obj:
            _walk(v, found)
    return found


def _assert_private(text: str) -> None:
    assert SECRET not in text
    assert not _walk(json.loads(text), [])


def _seed(reg, users):
    iid = submit(reg, users["alice"][1], contact_email=SECRET, contact_name="P. Person")
    approve(reg, users["mod"][1], iid)
    c = commitments.submit_commitment(reg, users["alice"][1], CommitmentIn.model_validate({
        "title": "Connect 100 schools", "target": "100 schools", "deadline": "2030-12-31",
        "organisation": {"name": "Connect Foundation", "stakeholder_group": "civil_society"},
        "action_lines": ["C2"], "registered_on": dt.date.today().isoformat()}))
    commitments.moderate_commitment(reg, users["mod"][1], c["id"], ModerationIn(decision="approve"))
    return iid, c["id"]


def test_anonymous_answers_carry_no_email_and_no_account_id(http, reg, users):
    iid, cid = _seed(reg, users)
    for path in (f"{API}/initiatives", f"{API}/initiatives/{iid}", f"{API}/commitments", f"{API}/commitments/{cid}",
                 f"{API}/export/registry.json", f"{API}/export/datapackage.json"):
        r = http.get(path)
        assert r.status_code == 200, path
        _assert_private(r.text)
    # a contributor who is not the owner sees the public view too
    r = http.get(f"{API}/initiatives/{iid}", headers=token(reg, users, "bob"))
    _assert_private(r.text)
    # the owner sees her own entry whole
    mine = http.get(f"{API}/initiatives/{iid}", headers=token(reg, users, "alice")).json()["data"]
    assert mine["contact_email"] == SECRET and mine["owner_id"] == users["alice"][0]


def test_a_published_contact_is_shown(http, reg, users):
    iid = submit(reg, users["alice"][1], title="Open contact entry", contact_email="desk@example.org",
                 contact_public=True)
    approve(reg, users["mod"][1], iid)
    assert http.get(f"{API}/initiatives/{iid}").json()["data"]["contact_email"] == "desk@example.org"
    # the field defaults to no
    assert initiative_payload().get("contact_public") is None


def test_duplicates_needs_an_account_and_hides_other_peoples_unpublished_entries(http, reg, users):
    pending = submit(reg, users["alice"][1], title="Pending digital skills for rural women")
    rejected = submit(reg, users["alice"][1], title="Rejected digital skills for rural women")
    from wsis.registry import services

    services.moderate_initiative(reg, users["mod"][1], rejected, ModerationIn(decision="reject", reason="spam"))
    public = submit(reg, users["alice"][1], title="Public digital skills for rural women")
    approve(reg, users["mod"][1], public)
    own = submit(reg, users["bob"][1], title="Bob's digital skills for rural women")
    q = {"title": "digital skills for rural women", "organisation": "Connect Foundation"}
    assert http.get(f"{API}/duplicates", params=q).status_code == 401
    r = http.get(f"{API}/duplicates", params=q, headers=token(reg, users, "bob"))
    assert r.status_code == 200, r.text
    ids = {d["id"] for d in r.json()["data"]}
    assert public in ids and own in ids and pending not in ids and rejected not in ids
    ids = {d["id"] for d in http.get(f"{API}/duplicates", params=q,
                                     headers=token(reg, users, "mod", ("read", "moderate"))).json()["data"]}
    assert pending in ids  # moderators need every candidate


def test_dashboard_json_twin_of_an_action_line_is_private(served, release_home):
    """The dashboard's action-line page (and its JSON twin) lists registry entries without private fields."""
    from wsis.registry.db import Registry
    from wsis.registry.models import User
    from wsis.registry.policy import session_actor
    from wsis.settings import Settings

    url, _proc = served
    home, data = release_home
    s = Settings(home=home, data_dir=data)
    reg = Registry(s.registry_db_url, s)

    def mk(x, email, role):
        u = User(email=email, password_hash="x", role=role)
        x.add(u)
        x.flush()
        return session_actor(u.id, role)

    owner = reg.write(lambda x: mk(x, "owner-twin@example.org", "contributor"))
    checker = reg.write(lambda x: mk(x, "checker-twin@example.org", "moderator"))
    iid = submit(reg, owner, title="Twin privacy check", contact_email=SECRET)
    approve(reg, checker, iid)
    reg.dispose()
    r = httpx.get(f"{url}/action-lines/C2", params={"format": "json"}, timeout=60)
    assert r.status_code == 200
    assert "Twin privacy check" in r.text
    _assert_private(r.text)
    page = httpx.get(f"{url}/action-lines/C2", timeout=60).text
    assert SECRET not in page
