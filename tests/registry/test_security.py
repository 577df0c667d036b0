"""Security: the role x action matrix over HTTP, stored XSS, CSRF, SQL injection, IDOR, rate limiting,
token scopes, uploads. Authorisation lives in the services, so the matrix is also walked there."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.registry.conftest import PASSWORD, initiative_payload, login

from wsis.errors import WsisError
from wsis.registry import auth, services
from wsis.registry.policy import ACTIONS, ANONYMOUS, Actor, can, session_actor, token_actor
from wsis.registry.schemas import InitiativeIn, ModerationIn

API = "/api/v1/registry"


def _token(reg, uid, role, scopes):
    return auth.create_token(reg, session_actor(uid, role), "t", scopes)


def _approved(reg, users, title="Public entry"):
    res = services.submit_initiative(reg, users["alice"][1], InitiativeIn.model_validate(initiative_payload(title)))
    iid = res["initiative"]["id"]
    services.moderate_initiative(reg, users["mod"][1], iid, ModerationIn(decision="approve"))
    return iid


def test_policy_matrix_is_monotonic():
    """A higher role can do everything a lower one can; anonymous can do nothing that needs a login."""
    roles = ["contributor", "moderator", "admin"]
    for action in ACTIONS:
        assert not can(ANONYMOUS, action)
        allowed = [can(session_actor(1, r), action) for r in roles]
        assert allowed == sorted(allowed), action
        # acting on somebody else's entry never needs less than acting on one's own
        for r in roles:
            assert can(session_actor(1, r), action, owner_id=2) <= can(session_actor(1, r), action, owner_id=1)
        # a token is never stronger than a session
        for r in roles:
            assert can(token_actor(1, r, {"read"}), action) <= can(session_actor(1, r), action)


# expected status per (role, action) for another user's pending entry, over HTTP with bearer tokens
MATRIX = {
    #  action             anonymous contributor(bob) owner(alice) moderator admin
    "view_pending":      (404, 404, 200, 200, 200),
    "edit":              (401, 404, 200, 200, 200),
    "approve":           (401, 403, 403, 200, 200),
    "history":           (401, 404, 200, 200, 200),
    "queue":             (401, 403, 403, 200, 200),
    "delete":            (401, 404, 204, 403, 204),
    "roadmap_milestone": (401, 403, 403, 201, 201),
    "deliverable_status": (401, 403, 403, 200, 200),
}


def _do(client, action, iid, headers):
    if action == "view_pending":
        return client.get(f"{API}/initiatives/{iid}", headers=headers)
    if action == "edit":
        return client.patch(f"{API}/initiatives/{iid}", json={"status": "completed"}, headers=headers)
    if action == "approve":
        return client.post(f"{API}/initiatives/{iid}/moderation", json={"decision": "approve"}, headers=headers)
    if action == "history":
        return client.get(f"{API}/initiatives/{iid}/versions", headers=headers)
    if action == "queue":
        return client.get(f"{API}/moderation/queue", headers=headers)
    if action == "delete":
        return client.delete(f"{API}/initiatives/{iid}", headers=headers)
    if action == "roadmap_milestone":
        return client.post(f"{API}/roadmaps/C2/milestones", headers=headers,
                           json={"title": "Broadband plan", "indicator_codes": ["IT_USE_ii99"],
                                 "due_date": "2027-06-30"})
    if action == "deliverable_status":
        return client.patch(f"{API}/deliverables/1", json={"status": "in_progress"}, headers=headers)
    raise AssertionError(action)


@pytest.mark.parametrize("action", list(MATRIX))
def test_role_action_matrix_over_http(client, reg, users, action):
    full = {"contributor": ["read", "submit"], "moderator": ["read", "submit", "moderate"],
            "admin": ["read", "submit", "moderate", "admin"]}
    heads = [{}]
    for name, role in (("bob", "contributor"), ("alice", "contributor"), ("mod", "moderator"),
                       ("admin", "admin")):
        heads.append({"Authorization": f"Bearer {_token(reg, users[name][0], role, full[role])}"})
    for who, (expected, headers) in enumerate(zip(MATRIX[action], heads, strict=True)):
        # a fresh pending entry owned by alice for each caller
        iid = services.submit_initiative(reg, users["alice"][1], InitiativeIn.model_validate(
            initiative_payload(f"Entry {action} {who}")))["initiative"]["id"]
        r = _do(client, action, iid, headers)
        assert r.status_code == expected, (action, who, r.status_code, r.text)
        if r.status_code >= 400:
            assert r.headers["content-type"].startswith("application/problem+json")


def test_token_scopes_narrow_the_role(client, reg, users):
    mod_id = users["mod"][0]
    read_only = _token(reg, mod_id, "moderator", ["read"])
    r = client.get(f"{API}/moderation/queue", headers={"Authorization": f"Bearer {read_only}"})
    assert r.status_code == 403
    r = client.post(f"{API}/initiatives", json=initiative_payload(),
                    headers={"Authorization": f"Bearer {read_only}"})
    assert r.status_code == 403
    with pytest.raises(WsisError) as exc:  # a contributor cannot mint a moderate-scoped token
        _token(reg, users["alice"][0], "contributor", ["moderate"])
    assert exc.value.status == 403
    with pytest.raises(WsisError):  # tokens cannot mint tokens
        auth.create_token(reg, token_actor(mod_id, "moderator", {"read"}), "x", ["read"])
    r = client.get(f"{API}/auth/me", headers={"Authorization": "Bearer wsis_forged"})
    assert r.status_code == 401


def test_service_layer_checks_without_routes(reg, users):
    iid = _approved(reg, users)
    for who in (ANONYMOUS, users["alice"][1], Actor(user_id=999, role="contributor", via="session")):
        with pytest.raises(WsisError) as exc:
            services.moderate_initiative(reg, who, iid, ModerationIn(decision="reject", reason="x"))
        assert exc.value.status in (401, 403)
    with pytest.raises(WsisError) as exc:
        services.update_initiative(reg, users["bob"][1], iid, services.InitiativePatch(status="completed"))
    assert exc.value.status == 403


def test_stored_xss_is_neutralised(client, reg, users):
    body = initiative_payload(title='<script>alert("t")</script>Clean title')
    body["texts"][0]["description"] = ('<p onclick="steal()">Hi<script>alert(1)</script>'
                                       '<a href="javascript:alert(2)">x</a><img src=x onerror=alert(3)></p>')
    body["organisation"]["name"] = "<b>Org</b><script>x()</script>"
    res = services.submit_initiative(reg, users["alice"][1], InitiativeIn.model_validate(body))
    iid = res["initiative"]["id"]
    services.moderate_initiative(reg, users["mod"][1], iid, ModerationIn(decision="approve"))
    for path in (f"/registry/initiatives/{iid}", "/registry/?q=clean", "/registry/action-lines/C2"):
        html = client.get(path).text
        assert "<script>" not in html.replace('<script>alert("t")', "") or "&lt;script&gt;" in html
        assert "alert(1)" not in html and "onerror" not in html and "onclick" not in html
        assert "javascript:" not in html
    data = client.get(f"{API}/initiatives/{iid}").json()["data"]
    assert "<script" not in data["description"] and "<script" not in data["title"]


def test_csrf_is_required_for_cookie_sessions(client, reg, users):
    csrf = login(client, "alice@example.org")
    r = client.post(f"{API}/initiatives", json=initiative_payload())
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    r = client.post(f"{API}/initiatives", json=initiative_payload(), headers={"X-CSRF-Token": "wrong"})
    assert r.status_code == 403
    r = client.post(f"{API}/initiatives", json=initiative_payload(), headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201
    # page form without the token
    r = client.post("/registry/submit", data={"title": "x", "lang": "en"})
    assert r.status_code == 403
    # the session cookie is HttpOnly and SameSite
    fresh = TestClient(client.app)
    r = fresh.post(f"{API}/auth/login", json={"email": "alice@example.org", "password": PASSWORD})
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_sql_injection_attempts_are_inert(client, reg, users):
    _approved(reg, users, "Community networks in Kenya")
    for q in ("' OR 1=1 --", '"; DROP TABLE initiatives; --', "kenya') OR ('1'='1", "*", "NEAR(a b)",
              "title:kenya", "a & b | !c", "x:*"):
        r = client.get(f"{API}/initiatives", params={"q": q})
        assert r.status_code == 200, (q, r.text)
    assert client.get(f"{API}/initiatives", params={"q": "kenya"}).json()["count"] == 1
    r = client.get(f"{API}/initiatives", params={"country": "KEN' OR '1'='1"})
    assert r.status_code == 422
    r = client.post(f"{API}/auth/login", json={"email": "' OR 1=1 --", "password": "' OR 1=1 --"})
    assert r.status_code == 401
    assert client.get(f"{API}/initiatives").json()["count"] == 1


def test_idor_on_other_peoples_entries(client, reg, users):
    res = services.submit_initiative(reg, users["alice"][1], InitiativeIn.model_validate(initiative_payload()))
    iid = res["initiative"]["id"]
    bob = {"Authorization": f"Bearer {_token(reg, users['bob'][0], 'contributor', ['read', 'submit'])}"}
    assert client.get(f"{API}/initiatives/{iid}", headers=bob).status_code == 404
    assert client.get(f"{API}/initiatives/{iid + 1000}", headers=bob).status_code == 404
    assert client.patch(f"{API}/initiatives/{iid}", json={"status": "completed"}, headers=bob).status_code == 404
    assert client.delete(f"{API}/initiatives/{iid}", headers=bob).status_code == 404
    assert client.get(f"{API}/initiatives/{iid}/versions", headers=bob).status_code == 404
    # unknown fields such as owner_id or moderation cannot be smuggled in
    r = client.post(f"{API}/initiatives", headers=bob, json=initiative_payload(moderation="approved"))
    assert r.status_code == 422
    r = client.post(f"{API}/initiatives", headers=bob, json=initiative_payload(owner_id=users["alice"][0]))
    assert r.status_code == 422


def test_login_rate_limit(client, reg, users):
    for _ in range(reg.settings.login_free_attempts):
        r = client.post(f"{API}/auth/login", json={"email": "bob@example.org", "password": "wrong-password"})
        assert r.status_code == 401
    r = client.post(f"{API}/auth/login", json={"email": "bob@example.org", "password": PASSWORD})
    assert r.status_code == 429


def test_uploads_are_refused(client, reg, users):
    login(client, "alice@example.org")
    r = client.post("/registry/submit", files={"file": ("x.exe", b"MZ", "application/octet-stream")},
                    data={"csrf_token": "x"})
    assert r.status_code == 415
