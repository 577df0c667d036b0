"""US-dollar totals of financial commitments on the dashboard (para 67): the action-line page, the country page
and ``/outcome/{n}`` show pledged against disbursed in US dollars, computed by ``query.usd_totals`` as the
report is, with each rate's source and date, the latest-rate flag for a date after the mirror's last month,
the breakdown by group, and a currency without a rate listed apart. Six languages, pages under 50 KB.

The release is built from the mini data dir with the mirror's exchange rates; the registry holds three
made-up commitments (synthetic titles and organisations)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from tests.conftest import SHARED, make_data_dir

from wsis import query
from wsis.build import build_release
from wsis.locale import format_number, gettext_for
from wsis.registry import auth, commitments_for_action_line
from wsis.registry.commitments import (
    add_progress_report,
    moderate_commitment,
    moderate_report,
    submit_commitment,
)
from wsis.registry.db import get_registry
from wsis.registry.policy import SYSTEM, session_actor
from wsis.registry.schemas import CommitmentIn, ModerationIn, ProgressIn
from wsis.registry.tracking import seed_reference
from wsis.report import finance
from wsis.schema import LANGS
from wsis.settings import Settings
from wsis.web.app import create_app

APPROVE = ModerationIn(decision="approve")
TEMPLATE = Path(__file__).resolve().parents[2] / "src" / "wsis" / "web" / "templates" / "usd_totals.html"
LOCALE = TEMPLATE.parents[2] / "locale"
# 1,000,000 EUR registered in March 2024 (0.92 EUR per USD); 400,000 EUR paid on 2026-09-15, after the
# mirror's last month (June 2026, 0.8684: data README section 8), so at June's rate, flagged
EUR_PLEDGE, EUR_PAID = 1_000_000 / 0.92, 400_000 / 0.8684


def seed_money(settings: Settings) -> dict[str, int]:
    """Three approved financial commitments on action line C6: euros (KEN, para 67, a disbursement dated
    after the last rate), CFA francs (KEN, para 67, no rate) and US dollars (UGA)."""
    reg = get_registry(settings)
    reg.migrate()
    seed_reference(reg)
    owner = auth.create_user(reg, SYSTEM, "owner@example.org", "correct-horse-battery", "contributor", "Owner")
    mod = auth.create_user(reg, SYSTEM, "mod@example.org", "correct-horse-battery", "moderator", "Mod")
    actor, moderator = session_actor(owner["id"], "contributor"), session_actor(mod["id"], "moderator")
    org = {"name": "Synthetic Fund", "stakeholder_group": "international_organisation"}
    ids = {}
    for title, amount, currency, country, paid in (("Euro school fund", "1000000", "EUR", "KEN", "400000"),
                                                   ("CFA pledge", "500000", "XOF", "KEN", "200000"),
                                                   ("Dollar grant", "250000", "USD", "UGA", None)):
        com = submit_commitment(reg, actor, CommitmentIn(
            title=title, target="Connect 300 schools", deadline=dt.date(2029, 12, 31), organisation=org,
            countries=[country], action_lines=["C6"], paragraphs=["67"] if country == "KEN" else [],
            registered_on=dt.date(2024, 3, 1), amount=Decimal(amount), currency=currency, finance_type="grant"))
        moderate_commitment(reg, moderator, com["id"], APPROVE)
        ids[title] = com["id"]
        if paid:
            out = add_progress_report(reg, actor, com["id"], ProgressIn(
                reported_on=dt.date(2026, 10, 1), summary="Tranche paid", percent_complete=40,
                disbursed_amount=Decimal(paid), disbursed_currency=currency, disbursed_on=dt.date(2026, 9, 15)))
            moderate_report(reg, moderator, com["id"], out["reports"][-1]["id"], APPROVE)
    return ids


def rates_release(root: Path, secret: str) -> Settings:
    """Settings under ``root`` whose release is built from the mini data dir with the mirror's SDG titles and
    exchange rates (the money tests' release)."""
    data_dir = make_data_dir(root / "data", SHARED)
    (data_dir / "sdg_metadata").symlink_to(SHARED / "sdg_metadata")
    (data_dir / "exchange_rates").symlink_to(SHARED / "exchange_rates")
    settings = Settings(data_dir=data_dir, home=root / "home", secret_key=secret)
    build_release(settings)
    return settings


@pytest.fixture(scope="module")
def money_settings(tmp_path_factory) -> Settings:
    """A mini release with the mirror's exchange rates and a registry of three financial commitments."""
    settings = rates_release(tmp_path_factory.mktemp("money_pages"), "money-pages")
    seed_money(settings)
    return settings


@pytest.fixture(scope="module")
def money_client(money_settings):
    """An in-process client of the app on that release and registry."""
    with TestClient(create_app(money_settings)) as c:
        yield c


def _text(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))  # keeps the locales' no-break spaces


def test_rate_rule_flags_the_latest_rate_for_a_later_date(money_settings):
    rel = query.release(money_settings)
    june = query.usd_rate(rel, "EUR", dt.date(2026, 6, 20))
    assert (june["date"], june["per_usd"], june["beyond_latest"]) == ("2026-06-01", 0.8684, False)
    later = query.usd_rate(rel, "EUR", dt.date(2026, 9, 15))
    assert (later["date"], later["per_usd"], later["beyond_latest"]) == ("2026-06-01", 0.8684, True)
    assert query.usd_rate(rel, "EUR", dt.date(2024, 3, 31))["beyond_latest"] is False
    assert query.usd_rate(rel, "EUR", dt.date(2002, 12, 31)) is None          # before the first rate: none
    assert query.usd_rate(rel, "XOF", dt.date(2024, 3, 1)) is None
    assert query.usd_rate(rel, "USD", dt.date(2030, 1, 1))["beyond_latest"] is False


def test_one_computation_feeds_the_report_and_the_pages(money_settings, money_client):
    rel = query.release(money_settings)
    coms = commitments_for_action_line("C6", get_registry(money_settings))
    usd = query.usd_totals(rel, coms)
    assert usd == finance.summarise(coms, rel, dt.date(2026, 12, 1))["usd"]
    assert usd["total"]["pledged"] == pytest.approx(EUR_PLEDGE + 250_000)
    assert usd["total"]["disbursed"] == pytest.approx(EUR_PAID)
    assert usd["total"]["beyond_latest"] == ["2026-06"]
    assert [(r["currency"], r["date"], r["beyond_latest"]) for r in usd["total"]["rates"]] == \
        [("EUR", "2024-03-01", False), ("EUR", "2026-06-01", True)]
    assert [a["title"] for a in usd["apart"]] == ["CFA pledge"]
    groups = {g["group"]: (g["n"], round(g["pledged"])) for g in usd["by_group"]}
    assert groups["LDC"] == (1, 250_000) and groups["LMC"] == (1, round(EUR_PLEDGE))   # UGA; KEN
    # the page's JSON twin carries the same totals
    page = money_client.get("/action-lines/C6?format=json").json()["data"]
    assert page["usd"]["total"]["pledged"] == pytest.approx(usd["total"]["pledged"])


@pytest.mark.parametrize("lang", LANGS)
def test_pages_show_usd_totals_in_every_language(money_client, lang):
    prefix = "" if lang == "en" else f"/{lang}"
    n0 = lambda v: format_number(v, lang, 0)  # noqa: E731 - the pages' formatter
    for path, pledged, titles in (("/action-lines/C6", EUR_PLEDGE + 250_000, ["Dollar grant", "Euro school fund"]),
                                  ("/areas/KEN", EUR_PLEDGE, ["Euro school fund"]),
                                  ("/outcome/67", EUR_PLEDGE, ["Euro school fund"])):
        r = money_client.get(prefix + path)
        assert r.status_code == 200, (path, r.text[:300])
        assert len(r.content) <= 50 * 1024, (path, len(r.content))
        html = r.text
        assert 'id="usd-h"' in html, path
        usd = _text(html.split('id="usd-h"')[1])
        assert n0(pledged) in usd and n0(EUR_PAID) in usd, (path, usd[:600])
        for t in titles:
            assert t in usd
        assert "EUR " + format_number(0.92, lang, 4) + " (2024-03-01)" in usd
        flag = gettext_for(lang)("latest available rate (%(month)s) used for a later date") % {"month": " 2026-06 "}
        assert "EUR " + format_number(0.8684, lang, 4) + " (2026-06-01) : " + flag.strip() in usd, usd
        assert "Federal Reserve H.10" in usd
        apart = usd.split("CFA pledge")[1][:200]
        assert "XOF" in apart and format_number(500000, lang, 2) in apart and format_number(200000, lang, 2) in apart
        if lang != "en":   # translated, not English
            assert "Financial commitments in US dollars" not in html and "used for a later date" not in html


def test_currency_without_rate_is_never_converted(money_client):
    usd = money_client.get("/areas/KEN?format=json").json()["data"]["commitments_usd"]
    assert [r["title"] for r in usd["rows"]] == ["Euro school fund"]
    assert usd["apart"][0]["pledged"] == 500000.0 and usd["apart"][0]["disbursed"] == [
        {"currency": "XOF", "amount": 200000.0}]
    html = _text(money_client.get("/areas/KEN").text.split('id="usd-h"')[1])
    assert html.index("CFA pledge") > html.index("Commitments in a currency without an exchange rate")


def test_strings_are_in_every_catalogue_once():
    source = TEMPLATE.read_text(encoding="utf-8")
    ids = {a or b for a, b in re.findall(r"""_\((?:'([^']+)'|"([^"]+)")\)""", source)}
    assert len(ids) >= 15
    for lang in LANGS:
        if lang == "en":
            continue
        po = LOCALE / lang / "LC_MESSAGES" / "wsis.po"
        raw = re.findall(r'^msgid "(.+)"$', po.read_text(encoding="utf-8"), re.M)
        assert len(raw) == len(set(raw)), (lang, sorted({m for m in raw if raw.count(m) > 1}))
        with po.open("rb") as fh:
            cat = read_po(fh, locale=lang)
        for msgid in ids:
            assert cat.get(msgid) is not None and cat.get(msgid).string, (lang, msgid)


def test_report_flags_the_latest_rate_too(money_settings, tmp_path):
    from wsis.report import build_report

    build_report("2024-2025", "en,fr", "html", tmp_path, settings=money_settings, as_of=dt.date(2026, 12, 1))
    en = _text((tmp_path / "wsis-report-2024-2025-en.html").read_text(encoding="utf-8").split('id="finance-usd"')[1])
    assert "EUR 0.8684 (2026-06-01, latest available rate (2026-06) used for a later date)" in en
    assert "EUR 0.9200 (2024-03-01);" in en                        # a rate of its own month: no flag
    fr = _text((tmp_path / "wsis-report-2024-2025-fr.html").read_text(encoding="utf-8").split('id="finance-usd"')[1])
    assert "dernier taux disponible (2026-06) utilisé pour une date ultérieure" in fr


@pytest.fixture(scope="module")
def money_server(money_settings):
    """The app on that release and registry, served by uvicorn on 127.0.0.1."""
    from tests.conftest import serve_in_thread

    with serve_in_thread(create_app(money_settings)) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/action-lines/C6", "/areas/KEN", "/outcome/67"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_usd_totals_reflow_at_320px(browser, money_server, lang, path, tmp_path):
    """Real Chromium at 320 x 640 CSS px: each page with US-dollar totals scrolls only inside
    its labelled table regions (WCAG 1.4.10) and axe-core finds no violation; screenshots (the whole page
    and the totals) are kept in ``tmp_path``."""
    from tests.web.test_axe import AXE
    from tests.web.test_reflow import MEASURE

    prefix = "" if lang == "en" else f"/{lang}"
    ctx = browser.new_context(viewport={"width": 320, "height": 640})
    page = ctx.new_page()
    page.goto(f"{money_server}{prefix}{path}")
    assert page.locator("#usd-h").is_visible()
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    m = page.evaluate(MEASURE)
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate("""async () => { const r = await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});
        return r.violations.map(v => ({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target)})); }""")
    name = path.strip("/").replace("/", "-")
    page.screenshot(path=str(tmp_path / f"{name}-{lang}-320-full.png"), full_page=True)
    page.evaluate("document.getElementById('usd-h').scrollIntoView()")
    shot = tmp_path / f"{name}-usd-{lang}-320.png"
    page.screenshot(path=str(shot))
    ctx.close()
    assert m["vw"] == 320 and m["doc"] <= 320 and m["body"] <= 320, (m["overflow"][:10], m["regions"])
    assert m["overflow"] == [], m["overflow"][:10]
    assert violations == [], violations
    assert all(r == [0, True] for r in m["regions"]), m["regions"]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_many_commitments_keep_the_page_light(money_settings, money_client):
    """60 dollar pledges and 25 in CFA francs on C8 (synthetic): the totals count them all, the page lists 20
    of each with a line for the rest and stays under 50 KB in every language."""
    reg = get_registry(money_settings)
    with reg.read() as s:
        from wsis.registry.models import User

        ids = {u.email: u.id for u in s.query(User)}
    actor = session_actor(ids["owner@example.org"], "contributor")
    mod = session_actor(ids["mod@example.org"], "moderator")
    org = {"name": "Synthetic Donor", "stakeholder_group": "private_sector"}
    for i in range(85):
        currency = "USD" if i < 60 else "XOF"
        com = submit_commitment(reg, actor, CommitmentIn(
            title=f"Synthetic pledge number {i} for rural broadband", target="Connect villages",
            deadline=dt.date(2029, 12, 31), organisation=org, countries=["RWA"], action_lines=["C8"],
            registered_on=dt.date(2024, 5, 1), amount=Decimal(1000 + i), currency=currency, finance_type="grant"))
        moderate_commitment(reg, mod, com["id"], APPROVE)
    usd = money_client.get("/action-lines/C8?format=json").json()["data"]["usd"]
    assert usd["total"]["n"] == 60 and usd["total"]["pledged"] == sum(1000 + i for i in range(60))
    assert len(usd["apart"]) == 25
    for lang in LANGS:
        r = money_client.get(("" if lang == "en" else f"/{lang}") + "/action-lines/C8")
        assert len(r.content) <= 50 * 1024, (lang, len(r.content))
        text = _text(r.text.split('id="usd-h"')[1])
        assert text.count("Synthetic pledge number") == 40
        assert gettext_for(lang)("%(n)s more commitments are counted in the total.") % {"n": "40"} in text
        assert gettext_for(lang)("%(n)s more commitments are listed in the registry.") % {"n": "5"} in text


def test_commitment_blocks_show_the_original_text_and_say_so(money_client):
    """The commitments (English only) on the Arabic dashboard pages are marked ``lang="en"`` with the notice."""
    notice_ar = gettext_for("ar")("No text in this language; shown in {language}.").split("{language}")[0]
    for path in ("/ar/outcome/67", "/ar/action-lines/C6", "/ar/areas/KEN"):
        html = money_client.get(path).text
        assert 'lang="en" dir="auto">Euro school fund</a> <small class="fallback">' in html and notice_ar in html
        assert "الإنجليزية" in html  # the language named in the page's language
    assert 'class="fallback"' not in money_client.get("/outcome/67").text
