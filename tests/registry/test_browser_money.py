"""Acceptance of issue 15 in real headless Chromium over real HTTP, in Arabic (right to left) and in Chinese:
a contributor registers a financial commitment through the form and files a progress report that disburses
part of it; a second account, a moderator, approves both from the queue; the commitment then shows on the
action-line page, the country page and ``/outcome/67``; the report's financial table gives pledged against
disbursed in US dollars with the rate's source and date."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

import pytest
from tests.conftest import serve_in_thread
from tests.registry.test_browser_flow import PASSWORD
from tests.web.test_money_pages import rates_release

from wsis.registry import auth
from wsis.registry.db import get_registry
from wsis.registry.policy import SYSTEM
from wsis.registry.tracking import seed_reference
from wsis.web.app import create_app

pytestmark = pytest.mark.browser
CONTRIBUTOR = "fatima@example.org"
MODERATOR = "li.wei@example.org"
TITLES = {"ar": "صندوق شبكات المدارس في كينيا", "zh": "肯尼亚学校网络基金"}


@pytest.fixture(scope="module")
def money_server(tmp_path_factory):
    """The full app on a live uvicorn: mini release with the exchange rates, a fresh SQLite registry."""
    settings = rates_release(tmp_path_factory.mktemp("browser_money"), "browser-money-secret")
    reg = get_registry(settings)
    reg.migrate()
    seed_reference(reg)
    auth.create_user(reg, SYSTEM, CONTRIBUTOR, PASSWORD, "contributor", "Fatima")
    auth.create_user(reg, SYSTEM, MODERATOR, PASSWORD, "moderator", "Li Wei")
    with serve_in_thread(create_app(settings)) as url:
        yield url, settings


@pytest.fixture
def chromium(browser):
    """The session's Chromium (tests/conftest.py)."""
    return browser


def _log_in(page, base: str, lang: str, email: str, nxt: str) -> None:
    page.goto(f"{base}/registry/login?lang={lang}&next={quote(nxt)}")
    assert page.locator("html").get_attribute("lang") == lang
    page.fill("#f-email", email)
    page.fill("#f-password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/registry/login" not in page.url, page.content()


def _log_out(page) -> None:
    with page.expect_navigation():
        page.click("form[action='/registry/logout'] button")


@pytest.mark.parametrize("lang", ["ar", "zh"])
def test_commitment_follows_the_money(chromium, money_server, lang, tmp_path):
    base, settings = money_server
    title = TITLES[lang]
    page = chromium.new_context().new_page()
    page.set_default_timeout(20_000)
    _log_in(page, base, lang, CONTRIBUTOR, f"/registry/commitments/new?lang={lang}")
    page.goto(f"{base}/registry/commitments/new?lang={lang}")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    page.fill("#f-title", title)
    page.fill("#f-target", "300 schools")
    page.fill("#f-deadline", "2029-12-31")
    page.fill("#f-organisation", f"Connect Fund {lang}")
    page.select_option("#f-stakeholder_group", "international_organisation")
    page.fill("#f-amount", "1000000")
    page.fill("#f-currency", "EUR")
    page.select_option("#f-finance_type", "grant")
    page.check("#al-C2")
    page.select_option("#f-countries", ["KEN"])
    page.fill("#f-paragraphs", "67")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert re.search(r"/registry/commitments/\d+", page.url), page.locator("main").inner_text()
    cid = int(re.search(r"/registry/commitments/(\d+)", page.url).group(1))
    today = dt.date.today().isoformat()
    page.fill("#f-reported_on", today)
    page.fill("#f-summary", "First tranche paid")
    page.fill("#f-percent_complete", "40")
    page.fill("#f-disbursed_amount", "400000")
    page.fill("#f-disbursed_on", today)
    with page.expect_navigation():
        page.click("form[action$='/reports'] button[type=submit]")
    assert "400000.00 EUR" in page.locator("main").inner_text()
    _log_out(page)

    _log_in(page, base, lang, MODERATOR, f"/registry/moderation?lang={lang}")
    for selector in (f"form[action='/registry/moderation/commitments/{cid}']",
                     f"form[action^='/registry/moderation/commitments/{cid}/reports/']"):
        with page.expect_navigation():
            page.locator(selector).locator("button[value=approve]").click()
    assert page.locator(f"form[action^='/registry/moderation/commitments/{cid}']").count() == 0
    _log_out(page)

    visitor = chromium.new_context().new_page()
    for path in (f"/{lang}/action-lines/C2", f"/{lang}/areas/KEN", f"/{lang}/outcome/67"):
        visitor.goto(f"{base}{path}")
        assert visitor.get_by_role("link", name=title).count() == 2, (path, visitor.locator("main").inner_text())
        usd = visitor.locator("table.usd")     # the list links it once, the US-dollar table once more
        assert usd.get_by_role("link", name=title).count() == 1 and "Federal Reserve H.10" in visitor.content()
    visitor.goto(f"{base}/registry/commitments/{cid}?lang={lang}")
    assert "400000.00 EUR" in visitor.locator("main").inner_text()

    from wsis.report import build_report

    build_report("2024-2025", lang, "html", tmp_path, settings=settings, as_of=dt.date.today())
    html = (tmp_path / f"wsis-report-2024-2025-{lang}.html").read_text(encoding="utf-8")
    usd = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.split('id="finance-usd"')[1]))
    assert title in usd and "Federal Reserve H.10" in usd
    # today's pledge and payment convert at the latest month of rates; after that month, flagged as such
    rate = re.search(r"EUR 0[.,]\d{4} \((20\d\d-\d\d)-01(\)|, )", usd)
    assert rate, usd[:1500]
    assert (rate.group(2) == ", ") == (today[:7] > rate.group(1)), usd[:1500]
