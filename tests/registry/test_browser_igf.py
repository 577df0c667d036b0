"""IGF entries in real headless Chromium over real HTTP, in Arabic (right to left) on a 320 px wide screen:
a moderator sees a contributor's IGF initiative in the moderation queue (and no form for their own), approves
it, and a visitor reads it in Arabic; in Chinese the page says it falls back to the entry's own language.

With ``WSIS_SHOTS_DIR`` set, the entry page and the queue are saved there as PNG screenshots.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.conftest import SHARED, make_data_dir, serve_in_thread

from wsis.build import build_release
from wsis.registry import auth, igf
from wsis.registry.db import get_registry
from wsis.registry.policy import SYSTEM, session_actor
from wsis.registry.tracking import seed_reference
from wsis.settings import Settings
from wsis.web.app import create_app

pytestmark = pytest.mark.browser

PASSWORD = "igf-browser-passphrase"
NAME_AR = "منتدى حوكمة الإنترنت في المغرب"
NAME_FR = "Forum marocain sur la gouvernance de l'internet"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The full app on a live uvicorn with a fresh SQLite registry: a contributor's pending IGF initiative
    (French and Arabic) and a moderator's own pending one."""
    root = tmp_path_factory.mktemp("browser_igf")
    data_dir = make_data_dir(root / "data", SHARED)
    settings = Settings(data_dir=data_dir, home=root / "home", secret_key="browser-igf-secret")
    build_release(settings)
    reg = get_registry(settings)
    reg.migrate()
    seed_reference(reg)
    alice = auth.create_user(reg, SYSTEM, "alice@example.org", PASSWORD, "contributor", "Alice")
    mod = auth.create_user(reg, SYSTEM, "mod@example.org", PASSWORD, "moderator", "Mod")
    theirs = igf.submit_forum(reg, session_actor(alice["id"], "contributor"), igf.ForumIn.model_validate(
        {"name": NAME_FR, "lang": "fr", "description": "Rencontre annuelle à Rabat.", "scope": "national",
         "countries": ["MAR"], "year_founded": 2014, "website": "https://example.org/igf-maroc",
         "texts": [{"lang": "ar", "name": NAME_AR, "description": "لقاء سنوي في الرباط"}]}))
    mine = igf.submit_forum(reg, session_actor(mod["id"], "moderator"), igf.ForumIn.model_validate(
        {"name": "Youth IGF Tunisia", "scope": "youth", "countries": ["TUN"]}))
    with serve_in_thread(create_app(settings)) as url:
        yield url, theirs["id"], mine["id"]


def _shot(page, name: str) -> None:
    shots = os.environ.get("WSIS_SHOTS_DIR")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / name), full_page=True)


def test_arabic_moderation_queue_at_320px_then_the_entry(browser, server):  # noqa: F811 - the imported fixture
    base, theirs, mine = server
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="ar")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/registry/login?lang=ar&next=/registry/moderation?lang=ar")
    page.fill("#f-email", "mod@example.org")
    page.fill("#f-password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.goto(f"{base}/ar/registry/moderation")
    assert page.locator("html").get_attribute("dir") == "rtl"
    heading = page.locator(f"#gf-{theirs}")  # in the queue's language, and the other texts beside it
    assert heading.inner_text() == NAME_AR and heading.get_attribute("lang") == "ar"
    assert page.locator(f"section[aria-labelledby=gf-{theirs}] span[lang=fr]").inner_text() == NAME_FR
    assert page.locator(f"form[action='/registry/igf/moderation/forums/{mine}']").count() == 0
    assert page.locator(f"#gf-{mine}").count() == 1
    # nothing overflows sideways on a 320 px screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    _shot(page, "moderation-queue-ar-320.png")
    form = page.locator(f"form[action='/registry/igf/moderation/forums/{theirs}']")
    with page.expect_navigation():
        form.locator("button[value=approve]").click()
    assert page.locator(f"#gf-{theirs}").count() == 0 and page.locator(f"#gf-{mine}").count() == 1

    visitor = browser.new_context(viewport={"width": 320, "height": 640}).new_page()
    visitor.goto(f"{base}/ar/registry/igf/forums/{theirs}")
    h1 = visitor.locator("main h1")
    assert h1.inner_text() == NAME_AR and h1.get_attribute("lang") == "ar"
    assert visitor.locator("p[role=note]").count() == 0
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 320
    _shot(visitor, "igf-forum-ar-320.png")
    visitor.set_viewport_size({"width": 1024, "height": 700})
    _shot(visitor, "igf-forum-ar.png")
    visitor.goto(f"{base}/zh/registry/igf/forums/{theirs}")
    assert h1.get_attribute("lang") == "fr" and h1.inner_text() == NAME_FR
    assert "Français" in visitor.locator("p[role=note]").inner_text()
    visitor.goto(f"{base}/ar/registry/igf/?q=المغرب")
    assert visitor.get_by_role("link", name=NAME_AR).count() == 1
