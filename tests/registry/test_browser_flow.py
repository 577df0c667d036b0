"""Acceptance in real headless Chromium over real HTTP: a contributor submits an initiative in French through
the web form, a moderator approves it, and anyone then finds it on the dashboard's action-line page (English
and French), in the registry search and in the CSV and JSON exports.

The server is the full web app (``create_app``) under uvicorn on 127.0.0.1, with a small release built from
the mini data dir and a fresh SQLite registry migrated, seeded and given two accounts through the library.
"""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

import pytest
from tests.conftest import SHARED, make_data_dir, serve_in_thread

from wsis.build import build_release
from wsis.registry import auth
from wsis.registry.db import get_registry
from wsis.registry.policy import SYSTEM
from wsis.registry.tracking import seed_reference
from wsis.settings import Settings
from wsis.web.app import create_app

pytestmark = pytest.mark.browser

PASSWORD = "browser-flow-passphrase"
CONTRIBUTOR = "awa.diop@example.org"
MODERATOR = "moderation@example.org"
TITLE = "« Connectivité des écoles rurales au Sénégal »"
DESCRIPTION = "Raccorder à l'internet les écoles des régions de Kédougou et de Tambacounda, avec des élèves."
ORGANISATION = "Réseau sénégalais pour l'école numérique"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The full app on a live uvicorn: mini release, fresh SQLite registry, a contributor and a moderator."""
    root = tmp_path_factory.mktemp("browser_flow")
    data_dir = make_data_dir(root / "data", SHARED)
    (data_dir / "sdg_metadata").symlink_to(SHARED / "sdg_metadata")  # SDG titles for the action-line page
    settings = Settings(data_dir=data_dir, home=root / "home", secret_key="browser-flow-secret")
    build_release(settings)
    reg = get_registry(settings)
    reg.migrate()
    seed_reference(reg)
    auth.create_user(reg, SYSTEM, CONTRIBUTOR, PASSWORD, "contributor", "Awa Diop")
    auth.create_user(reg, SYSTEM, MODERATOR, PASSWORD, "moderator", "Modératrice")
    with serve_in_thread(create_app(settings)) as url:
        yield url


def _log_in(page, base: str, email: str, nxt: str) -> None:
    page.goto(f"{base}/registry/login?lang=fr&next={quote(nxt)}")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.fill("#f-email", email)
    page.fill("#f-password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/registry/login" not in page.url, page.content()


def _log_out(page) -> None:
    with page.expect_navigation():
        page.click("form[action='/registry/logout'] button")
    assert page.locator("form[action='/registry/logout']").count() == 0


def test_french_submission_approval_then_public_everywhere(browser, server):
    # a visitor sees the action-line and country pages first (they are cached per release and registry state)
    visitor = browser.new_context(locale="fr-FR")
    early = visitor.new_page()
    for url in ("/action-lines/C2", "/fr/action-lines/C2", "/areas/SEN"):
        early.goto(f"{server}{url}")
        assert early.get_by_role("link", name=TITLE).count() == 0

    context = browser.new_context(locale="en-GB")  # French comes from the page, not from the browser
    page = context.new_page()
    page.set_default_timeout(15_000)

    # the contributor logs in and fills the French form; the CSRF token travels in the form's hidden field
    _log_in(page, server, CONTRIBUTOR, "/registry/submit")
    page.goto(f"{server}/fr/registry/submit")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Soumettre une initiative"
    assert page.locator("input[name=csrf_token]").first.input_value()
    page.select_option("#f-lang", "fr")
    page.fill("#f-title", TITLE)
    page.fill("#f-description", DESCRIPTION)
    page.fill("#f-organisation", ORGANISATION)
    page.select_option("#f-stakeholder_group", "civil_society")
    page.select_option("#f-organisation_country", "SEN")
    page.check("#al-C2")
    page.select_option("#f-countries", ["SEN"])
    page.fill("#f-sdg_targets", "4.a, 9.c")
    page.check("#grp-rural_communities")
    page.fill("#f-links", "https://example.org/ecoles-rurales")
    with page.expect_navigation():
        page.click("form[action='/registry/submit'] button[type=submit]")
    body = page.locator("main").inner_text()
    assert "attend la modération" in body, body
    _log_out(page)

    # the moderator finds it in the queue and approves it
    _log_in(page, server, MODERATOR, "/registry/moderation?lang=fr")
    section = page.locator("main section", has=page.get_by_role("heading", name=TITLE))
    assert section.count() == 1, page.content()
    assert "C2" in section.inner_text()
    with page.expect_navigation():
        section.locator("button[value=approve]").click()
    assert page.get_by_role("heading", name=TITLE).count() == 0
    _log_out(page)
    context.close()

    # the same visitor again: dashboard action-line pages (English and French) and the country page, search,
    # exports; the approval shows at once although the pages were seen (and cached) before it
    page = visitor.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server}/areas/SEN")
    assert page.get_by_role("link", name=TITLE).count() == 1, page.locator("main").inner_text()
    for prefix in ("", "/fr"):
        page.goto(f"{server}{prefix}/action-lines/C2")
        link = page.get_by_role("link", name=TITLE)
        assert link.count() == 1, (prefix, page.locator("main").inner_text())
    with page.expect_navigation():
        link.click()
    assert page.locator("h1").inner_text() == TITLE
    assert "Kédougou" in page.locator("main").inner_text()

    page.goto(f"{server}/registry/?lang=fr")
    page.fill("input[name=q]", "écoles")
    with page.expect_navigation():
        page.press("input[name=q]", "Enter")
    assert page.get_by_role("link", name=TITLE).count() == 1, page.locator("main").inner_text()

    # the exports, fetched by the page itself (the CSV is served as a download, so no navigation)
    fetch = """async (url) => { const r = await fetch(url); return {status: r.status, type:
        r.headers.get('content-type'), body: await r.text()}; }"""
    got = page.evaluate(fetch, "/api/v1/registry/export/initiatives.csv")
    assert got["status"] == 200 and got["type"].startswith("text/csv"), got
    rows = [r for r in csv.DictReader(io.StringIO(got["body"])) if TITLE in r.values()]
    assert len(rows) == 1, got["body"][:2000]
    assert "C2" in rows[0]["action_lines"].split(";") and "SEN" in rows[0]["countries"].split(";"), rows
    got = page.evaluate(fetch, "/api/v1/registry/export/registry.json")
    assert got["status"] == 200, got
    entries = [i for i in json.loads(got["body"])["initiatives"] if i.get("title") == TITLE]
    assert len(entries) == 1 and entries[0]["lang"] == "fr", entries
    visitor.close()
