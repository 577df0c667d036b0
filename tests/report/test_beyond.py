"""The report's beyond-connectivity content (issue 12), on a release built from the real mirror: the
environment, rights-online and AI sections in English and Arabic, data in the action-line sections, source
kinds and series breaks stated, and every number traceable to the release."""

from __future__ import annotations

import html
import json
import re

import pytest

from wsis.registry.db import Registry
from wsis.settings import Settings

DATA = re.compile(r'<data value="([^"]+)"[^>]*? data-ref="([^"]+)">([^<]*)</data>')


def _section(text: str, sid: str) -> str:
    start = text.index(f'<section id="{sid}"')
    return text[start:text.index("</section>", start)]


@pytest.fixture(scope="module")
def full(tmp_path_factory, shared_data) -> dict:
    """The 2024-2025 report in English and Arabic from a full-mirror release and an empty registry."""
    from wsis.build import build_release
    from wsis.report import build_report

    root = tmp_path_factory.mktemp("full_report")
    settings = Settings(data_dir=shared_data, home=root / "home", secret_key="test")
    build_release(settings=settings)
    reg = Registry(settings.registry_db_url, settings)
    reg.migrate()
    reg.dispose()
    build_report("2024-2025", "en,ar", "html", root / "out", settings=settings)
    return {lang: (root / "out" / f"wsis-report-2024-2025-{lang}.html").read_text(encoding="utf-8")
            for lang in ("en", "ar")}


def test_new_sections_exist_in_english_and_arabic(full):
    for lang, text in full.items():
        for sid in ("environment", "rights", "ai"):
            sec = _section(text, sid)
            assert "<table" in sec, (lang, sid)
            assert 'href="#' + sid + '"' in text  # listed in the contents
    assert "الحقوق على الإنترنت" in _section(full["ar"], "rights")


def test_shutdown_table_counts_distinct_events(full):
    sec = _section(full["en"], "rights")
    refs = {(r["area"], r["year"]): float(v) for v, ref, _s in DATA.findall(sec)
            for r in [json.loads(html.unescape(ref))]}
    assert refs[("WLD", 2024)] == 304 and refs[("WLD", 2023)] == 289
    # groups count each event once: the regions do not add up to the world
    regions = sum(v for (a, y), v in refs.items() if y == 2024 and a.startswith("ITU_"))
    assert regions != refs[("WLD", 2024)]
    assert "recorded none, not that no shutdown happened" in sec
    assert "edited copy" in sec and "disputed" in sec


def test_environment_uses_the_published_world_rows(full):
    sec = _section(full["en"], "environment")
    vals = {json.loads(html.unescape(ref))["area"]: float(v) for v, ref, _s in DATA.findall(sec)
            if json.loads(html.unescape(ref)).get("indicator") == "EN_EWT_GENPCAP"}
    assert vals["WLD"] == pytest.approx(7.28, abs=0.005)
    assert "53.6 million tonnes" in re.sub(r"<[^>]+>", "", sec) and "Target 3.2" in sec


def test_ai_section_states_its_breaks_and_splits_the_chart(full):
    sec = _section(full["en"], "ai")
    assert "changed its framework in 2020, 2025" in sec
    assert sec.count('scope="colgroup"') == 3  # one block per method period
    svg = sec[sec.index("<svg"):sec.index("</svg>")]
    assert svg.count('stroke-dasharray="2 3"') == 2


def test_action_line_sections_have_data_and_name_source_kinds(full):
    text = full["en"]
    with_data = [c for c in (f"C{i}" for i in range(1, 12)) if "<table" in _section(text, f"line-{c}")]
    assert len(with_data) >= 8
    assert "values extracted from a PDF by a third party" in _section(text, "line-C5")
    assert "Not yet measured in this release" in _section(text, "line-C8")
