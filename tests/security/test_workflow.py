"""Finding 7: workflow gaps. Four eyes, moderated progress reports and commitment edits, plausible dates,
account management (CLI and admin page, audited), pages styled under the CSP, titles as typed."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from tests.registry.conftest import initiative_payload
from tests.security.conftest import API, PASSWORD, approve, submit, token
from typer.testing import CliRunner

from wsis.errors import WsisError
from wsis.registry import commitments
from wsis.registry.models import User, Version
from wsis.registry.policy import session_actor
from wsis.registry.schemas import CommitmentIn, ModerationIn, ProgressIn

ROOT = Path(__file__).resolve().parents[2]
MOD = ("read", "submit", "moderate")


def _commitment(reg, actor, **extra) -> int:
    body = {"title": "Connect 100 schools", "target": "100 schools", "deadline": "2030-12-31",
            "organisation": {"name": "Connect Foundation", "stakeholder_group": "civil_society"},
            "registered_on": dt.date.today().isoformat()} | extra
    return commitments.submit_commitment(reg, actor, CommitmentIn.model_validate(body))["id"]


def _second_moderator(reg, organisation=""):
    def mk(s):
        u = User(email="mod2@example.org", password_hash="x", role="moderator", organisation=organisation)
        s.add(u)
        s.flush()
        return u.id

    uid = reg.write(mk)
    return uid, session_actor(uid, "moderator")


def test_no_one_moderates_their_own_entry_or_their_organisations(http, reg, users):
    mine = submit(reg, users["mod"][1], title="Moderator's own entry", org="Moderators Union")
    h = token(reg, users, "mod", MOD)
    r = http.post(f"{API}/initiatives/{mine}/moderation", json={"decision": "approve"}, headers=h)
    assert r.status_code == 403 and r.json()["title"] == "four eyes"
    _uid, mod2 = _second_moderator(reg, organisation="Connect Foundation")
    theirs = submit(reg, users["alice"][1], title="Entry of mod2's organisation", org="Connect  foundation")
    with pytest.raises(WsisError) as exc:
        approve(reg, mod2, theirs)
    assert exc.value.status == 403
    assert http.post(f"{API}/initiatives/{theirs}/moderation", json={"decision": "approve"},
                     headers=h).status_code == 200  # another organisation's moderator may
    approve(reg, mod2, mine)  # and the moderator's own entry is approved by somebody else


def test_progress_reports_are_moderated_and_not_by_their_author(http, reg, users):
    cid = _commitment(reg, users["alice"][1])
    commitments.moderate_commitment(reg, users["mod"][1], cid, ModerationIn(decision="approve"))
    r = http.post(f"{API}/commitments/{cid}/reports", headers=token(reg, users, "alice"),
                  json={"reported_on": dt.date.today().isoformat(),
                        "summary": '<a href="https://phish.example/login">Log in to see our results</a>'})
    assert r.status_code == 201
    rid = r.json()["data"]["reports"][0]["id"]
    public = http.get(f"{API}/commitments/{cid}").json()["data"]
    assert public["reports"] == [] and "phish" not in http.get(f"{API}/export/progress_reports.csv").text
    # a moderator's own report waits for another moderator
    own = commitments.add_progress_report(reg, users["mod"][1], cid, ProgressIn(
        reported_on=dt.date.today(), summary="Checked on site"))
    own_id = [x for x in own["reports"] if x["id"] != rid][0]["id"]
    h = token(reg, users, "mod", MOD)
    assert http.post(f"{API}/commitments/{cid}/reports/{own_id}/moderation", json={"decision": "approve"},
                     headers=h).status_code == 403
    r = http.post(f"{API}/commitments/{cid}/reports/{rid}/moderation", json={"decision": "reject", "reason": "phishing"},
                  headers=h)
    assert r.status_code == 200
    assert http.get(f"{API}/commitments/{cid}").json()["data"]["reports"] == []
    queue = http.get(f"{API}/moderation/reports", headers=h).json()["data"]
    assert [q["id"] for q in queue] == [own_id]


def test_commitment_edits_go_back_to_moderation(http, reg, users):
    cid = _commitment(reg, users["alice"][1])
    commitments.moderate_commitment(reg, users["mod"][1], cid, ModerationIn(decision="approve"))
    assert http.get(f"{API}/commitments/{cid}").status_code == 200
    r = http.patch(f"{API}/commitments/{cid}", json={"target": "1000 schools"}, headers=token(reg, users, "alice"))
    assert r.status_code == 200 and r.json()["data"]["moderation"] == "pending"
    assert http.get(f"{API}/commitments/{cid}").status_code == 404  # not public until approved again


@pytest.mark.parametrize("field,value", [("registered_on", "2099-01-01"), ("deadline", "2200-12-31"),
                                         ("deadline", "1999-12-31")])
def test_implausible_commitment_dates_are_refused(http, reg, users, field, value):
    body = {"title": "Connect 100 schools", "target": "100 schools", "deadline": "2030-12-31",
            "organisation": {"name": "Connect Foundation", "stakeholder_group": "civil_society"}, field: value}
    r = http.post(f"{API}/commitments", json=body, headers=token(reg, users, "alice"))
    assert r.status_code == 422 and r.json()["column"] == field


def test_a_future_date_already_stored_never_keeps_a_commitment_green():
    """Rows stored before the date checks existed: future dates are ignored, not taken as recent."""
    status = commitments.report_status(dt.date(2099, 1, 1), None, today=dt.date(2030, 1, 1))
    assert status["light"] == "red" and not status["active"]
    status = commitments.report_status(dt.date(2029, 6, 1), dt.date(2099, 1, 1), today=dt.date(2032, 1, 1))
    assert status["light"] == "red" and status["days_since"] == 944


def _cli(settings, *args):
    from wsis.cli.main import app
    from wsis.settings import get_settings

    env = {"WSIS_REGISTRY_URL": settings.registry_db_url, "WSIS_HOME": str(settings.home),
           "WSIS_DATA_DIR": str(settings.data_dir), "WSIS_SECRET_KEY": "k"}
    get_settings.cache_clear()
    res = CliRunner().invoke(app, list(args), env=env)
    get_settings.cache_clear()
    assert res.exit_code == 0, res.output
    return res.output


def test_cli_disables_users_sets_roles_and_revokes_tokens_audited(http, reg, users, settings):
    alice = token(reg, users, "alice")
    assert http.get(f"{API}/auth/me", headers=alice).json()["data"]["role"] == "contributor"
    out = _cli(settings, "registry", "user", "tokens", "alice@example.org")
    assert '"revoked_at": null' in out
    _cli(settings, "registry", "user", "tokens", "alice@example.org", "--revoke", "all")
    assert http.get(f"{API}/auth/me", headers=alice).status_code == 401
    bob = token(reg, users, "bob")
    _cli(settings, "registry", "user", "disable", "bob@example.org")
    assert http.get(f"{API}/auth/me", headers=bob).status_code == 401
    assert http.post(f"{API}/auth/login", json={"email": "bob@example.org", "password": PASSWORD}).status_code == 401
    _cli(settings, "registry", "user", "disable", "bob@example.org", "--enable")
    assert http.post(f"{API}/auth/login", json={"email": "bob@example.org", "password": PASSWORD}).status_code == 200
    _cli(settings, "registry", "user", "role", "alice@example.org", "moderator")
    with reg.read() as s:
        actions = [v.action for v in s.scalars(select(Version).where(Version.entity_type == "user")
                                               .order_by(Version.id))]
    assert actions == ["revoke-tokens", "disable", "enable", "role"]


def test_admin_page_manages_accounts(live, reg, users):
    with httpx.Client(base_url=live, timeout=60) as admin, httpx.Client(base_url=live, timeout=60) as alice:
        csrf = admin.post(f"{API}/auth/login", json={"email": "admin@example.org", "password": PASSWORD}) \
            .json()["data"]["csrf_token"]
        page = admin.get("/registry/admin")
        assert page.status_code == 200 and "bob@example.org" in page.text
        alice.post(f"{API}/auth/login", json={"email": "alice@example.org", "password": PASSWORD})
        assert alice.get("/registry/admin").status_code == 403
        bob_id = users["bob"][0]
        r = admin.post(f"/registry/admin/users/{bob_id}", data={"action": "disable", "csrf_token": csrf})
        assert r.status_code == 303
        r = admin.post(f"/registry/admin/users/{bob_id}", data={"action": "disable", "csrf_token": "wrong"})
        assert r.status_code == 403
        assert admin.post(f"{API}/auth/login", json={"email": "bob@example.org",
                                                      "password": PASSWORD}).status_code == 401
    with reg.read() as s:
        v = s.scalar(select(Version).where(Version.entity_type == "user", Version.entity_id == bob_id))
    assert v.action == "disable" and v.actor_id == users["admin"][0]


def test_registry_pages_are_styled_under_the_csp(http, reg, users):
    for path in ("/registry/", "/registry/login", "/registry/submit", "/registry/deliverables"):
        html = http.get(path).text
        assert "style=" not in html and "<style" not in html, path
        assert 'href="/static/registry.css"' in html
    css = http.get("/static/registry.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    for cls in ("inline", "error-summary", "badge", "skip"):
        assert f".{cls}" in css.text


def test_titles_display_exactly_as_typed_and_empty_ones_are_refused(http, reg, users):
    title = "Faster <5G> & fibre for \"rural\" schools"
    iid = submit(reg, users["alice"][1], title=title)
    approve(reg, users["mod"][1], iid)
    assert http.get(f"{API}/initiatives/{iid}").json()["data"]["title"] == title
    html = http.get(f"/registry/initiatives/{iid}").text
    h1 = re.search(r"<h1>(.*?)</h1>", html).group(1)
    assert h1 == "Faster &lt;5G&gt; &amp; fibre for &#34;rural&#34; schools"  # escaped once, not twice
    for empty in ("<b></b>", "<script>alert(1)</script>", "<i> </i>   <br>"):
        r = http.post(f"{API}/initiatives", json=initiative_payload(title=empty), headers=token(reg, users, "alice"))
        assert r.status_code == 422 and r.json()["column"] == "title", empty


def test_docs_name_the_openapi_path_that_is_served(release_home):
    from fastapi.testclient import TestClient

    from wsis.settings import Settings
    from wsis.web.app import create_app

    home, data = release_home
    text = (ROOT / "docs" / "registry.md").read_text(encoding="utf-8")
    paths = set(re.findall(r"`(/[^`\s]*openapi\.json)`", text))
    assert paths
    with TestClient(create_app(Settings(home=home, data_dir=data))) as c:
        for p in paths:
            assert c.get(p).status_code == 200, p


def _head() -> str:
    """The newest Alembic revision (``reg.migrate()`` goes there; later rounds add revisions after 0002)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from wsis.registry.db import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def _alembic(reg, step, revision: str) -> None:
    """Run an Alembic upgrade or downgrade of ``reg`` to ``revision``."""
    from alembic.config import Config

    from wsis.registry.db import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with reg.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        step(cfg, revision)


def test_migration_undoes_the_double_escaping_of_stored_titles(tmp_path):
    """Titles stored escaped by the old sanitiser (``&lt;5G&gt;``) read as typed after ``0002_security``."""
    from alembic import command
    from sqlalchemy import text

    from wsis.registry.db import Registry

    reg = Registry(f"sqlite:///{tmp_path / 'old.sqlite'}")
    _alembic(reg, command.upgrade, "0001")
    with reg.engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, email, name, password_hash, role, is_active, created_at) "
                          "VALUES (1, 'a@example.org', '', 'x', 'contributor', 1, '2026-01-01')"))
        conn.execute(text("INSERT INTO organisations (id, name, stakeholder_group, country, created_at) "
                          "VALUES (1, 'A &amp; B', 'academia', '', '2026-01-01')"))
        conn.execute(text("INSERT INTO initiatives (id, organisation_id, owner_id, moderation, status, links, "
                          "contact_name, contact_email, original_lang, version, created_at, updated_at) VALUES "
                          "(1, 1, 1, 'approved', 'ongoing', '[]', 'O&#x27;Neil', '', 'en', 1, '2026-01-01', "
                          "'2026-01-01')"))
        conn.execute(text("INSERT INTO initiative_texts (initiative_id, lang, title, description) "
                          "VALUES (1, 'en', 'Faster &lt;5G&gt;', '')"))
    reg.migrate()
    with reg.engine.connect() as conn:
        assert conn.execute(text("SELECT title FROM initiative_texts")).scalar() == "Faster <5G>"
        assert conn.execute(text("SELECT name FROM organisations")).scalar() == "A & B"
        assert conn.execute(text("SELECT contact_name FROM initiatives")).scalar() == "O'Neil"
        assert conn.execute(text("SELECT contact_public FROM initiatives")).scalar() in (0, False)
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == _head()
    reg.dispose()


def test_migration_downgrade_keeps_the_texts(tmp_path):
    from alembic import command
    from sqlalchemy import text

    from wsis.registry.db import Registry

    reg = Registry(f"sqlite:///{tmp_path / 'r.sqlite'}")
    reg.migrate()
    with reg.engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, email, name, password_hash, role, is_active, organisation, "
                          "created_at) VALUES (1, 'a@example.org', '', 'x', 'contributor', 1, '', '2026-01-01')"))
        conn.execute(text("INSERT INTO organisations (id, name, stakeholder_group, country, created_at) "
                          "VALUES (1, 'A', 'academia', '', '2026-01-01')"))
        conn.execute(text("INSERT INTO initiatives (id, organisation_id, owner_id, moderation, status, links, "
                          "contact_name, contact_email, contact_public, original_lang, version, created_at, "
                          "updated_at) VALUES (1, 1, 1, 'approved', 'ongoing', '[]', '', '', 0, 'en', 1, "
                          "'2026-01-01', '2026-01-01')"))
        conn.execute(text("INSERT INTO initiative_texts (initiative_id, lang, title, description) "
                          "VALUES (1, 'en', 'Kept', '')"))
    _alembic(reg, command.downgrade, "0001")
    with reg.engine.connect() as conn:
        assert conn.execute(text("SELECT title FROM initiative_texts")).scalar() == "Kept"
    reg.dispose()


def test_moderation_page_lists_entries_and_reports_with_forms(http, reg, users):
    submit(reg, users["alice"][1], title="Pending one")
    cid = _commitment(reg, users["alice"][1])
    commitments.moderate_commitment(reg, users["mod"][1], cid, ModerationIn(decision="approve"))
    commitments.add_progress_report(reg, users["alice"][1], cid, ProgressIn(reported_on=dt.date.today(),
                                                                             summary="Half done"))
    csrf = http.post(f"{API}/auth/login", json={"email": "mod@example.org", "password": PASSWORD}) \
        .json()["data"]["csrf_token"]
    html = http.get("/registry/moderation").text
    assert html.count(f'name="csrf_token" value="{csrf}"') == 3  # logout + one entry + one report
    rid = re.search(r"/registry/moderation/commitments/\d+/reports/(\d+)", html).group(1)
    r = http.post(f"/registry/moderation/commitments/{cid}/reports/{rid}",
                  data={"csrf_token": csrf, "decision": "approve"})
    assert r.status_code == 303
    assert [x["summary"] for x in http.get(f"{API}/commitments/{cid}").json()["data"]["reports"]] == ["Half done"]


def _head() -> str:
    """The newest Alembic revision (later migrations chain after ``0002_security``)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from wsis.registry.db import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()
