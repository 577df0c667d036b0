"""Accessibility in real headless Chromium: axe-core finds no WCAG 2.2 A/AA violation on any page type, in
English and Arabic; the skip link and keyboard focus work."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["/", "/indicators", "/indicators/IT_USE_ii99", "/areas/KEN", "/groups/LDC", "/action-lines",
         "/action-lines/C2", "/outcome", "/compare?areas=KEN,UGA,LDC&indicator=IT_USE_ii99", "/releases",
         "/areas/NOPE", "/indicators/AI_GAIRI?areas=KEN,WLD", "/indicators/RIGHTS_SHUTDOWN_EVENTS", "/action-lines/C8"]

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["", "/ar"])
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violations(browser, live_server, path, lang):
    page = browser.new_page()
    page.goto(live_server + lang + path)
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("""async () => { const r = await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target)})); }""")
    page.close()
    assert result == [], result


def test_skip_link_and_keyboard_focus(browser, live_server):
    page = browser.new_page()
    page.goto(live_server + "/indicators/IT_USE_ii99")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.keyboard.press("Tab")
    tag = page.evaluate("document.activeElement.tagName")
    assert tag in ("A", "INPUT", "SELECT", "BUTTON", "SUMMARY", "DIV")
    page.close()
