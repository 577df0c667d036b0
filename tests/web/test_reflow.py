"""Reflow (WCAG 2.2 SC 1.4.10) and readable charts on a phone, in real headless Chromium at 320 x 640 CSS px:
no page scrolls horizontally, no form control runs past the viewport, wide tables scroll inside a focusable
labelled region, and chart text is at least 11 px as rendered. Every page type in English and Arabic; the
pages with charts in the four other languages too (longer words, wide characters)."""

from __future__ import annotations

import pytest

CHARTS = {"/": 1, "/indicators/IT_USE_ii99": 2, "/areas/KEN": 1, "/compare?areas=KEN,UGA,LDC&indicator=IT_USE_ii99": 1,
          "/indicators/IT_USE_ii99?areas=WLD,HIC,UMC,LMC,LIC,LDC,LLDC,SIDS,KEN,UGA,RWA,ETH": 2,
          "/indicators/AI_GAIRI?areas=KEN,WLD": 2}
PAGES = [*CHARTS, "/indicators", "/areas", "/groups", "/groups/LDC", "/groups/HIC", "/action-lines",
         "/action-lines/C2", "/outcome", "/releases", "/areas/NOPE", "/registry/",
         "/registry/submit", "/registry/login"]
MEASURE = """() => {
  const vw = document.documentElement.clientWidth;
  const out = {vw, doc: document.documentElement.scrollWidth, body: document.body.scrollWidth, controls: [],
               text: [], charts: document.querySelectorAll('.svg svg').length, regions: [], overflow: []};
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea, button')) {
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > vw + 0.5 || r.left < -0.5)) out.controls.push(el.id || el.name || el.tagName);
  }
  for (const t of document.querySelectorAll('.svg svg text')) {
    const m = t.getScreenCTM();
    out.text.push(parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b));
  }
  for (const el of document.querySelectorAll('main *')) {
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > vw + 0.5 || r.left < -0.5) && !el.closest('[role=region]'))
      out.overflow.push(el.tagName + (el.id ? '#' + el.id : '') + (el.className && el.className.baseVal === undefined
                         ? '.' + el.className : ''));
  }
  for (const t of document.querySelectorAll('main table')) {
    const box = t.closest('[role=region]');
    if (t.scrollWidth > vw) out.regions.push(box ? [box.tabIndex, !!(box.getAttribute('aria-labelledby') ||
                                                    box.getAttribute('aria-label'))] : 'unwrapped');
  }
  return out;
}"""

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def phone(browser):
    """A 320 x 640 CSS px viewport."""
    ctx = browser.new_context(viewport={"width": 320, "height": 640})
    yield ctx
    ctx.close()


@pytest.mark.parametrize(("lang", "path"), [(lang, p) for lang in ("", "/ar") for p in PAGES]
                         + [(lang, p) for lang in ("/fr", "/es", "/ru", "/zh") for p in CHARTS])
def test_page_reflows_at_320px(phone, live_server, path, lang):
    page = phone.new_page()
    page.goto(live_server + lang + path)
    m = page.evaluate(MEASURE)
    page.close()
    assert m["vw"] == 320
    assert m["doc"] <= m["vw"] and m["body"] <= m["vw"], m
    assert m["overflow"] == [], m["overflow"][:10]
    assert m["controls"] == [], m["controls"]
    # a table wider than the screen scrolls inside a focusable region that has a name
    assert all(r == [0, True] for r in m["regions"]), m["regions"]
    if path in CHARTS:
        assert m["charts"] >= CHARTS[path] and m["text"], m
        assert min(m["text"]) >= 11, sorted(m["text"])[:5]
