"""Every visible catalogue sentence is in the page's language: no English definition, target wording,
outcome-document summary, action-line description, missing measurement or its custodian, or GDC objective appears on a French, Spanish, Arabic, Russian or Chinese page, and units are
shown by name, not code."""

from __future__ import annotations

import html
import re

import pytest

from wsis.catalogue import load_catalogue
from wsis.compute.gaps import GAP_KINDS
from wsis.compute.targets import load_targets
from wsis.reference import load_frameworks
from wsis.web.labels import UNIT_LABELS

LANGS = ("fr", "es", "ar", "ru", "zh")
CAT = load_catalogue()
MIN_LEN = 24  # shorter fragments ("A/RES/80/173, para 22.") are codes and citations, not English prose


def _sentences(text: str) -> set[str]:
    """The text itself and its sentences and clauses long enough to be unmistakably English."""
    text = " ".join(text.split())
    parts = {text} | {p.strip() for p in re.split(r"(?<=[.;:])\s+", text)}
    return {p for p in parts if len(p) >= MIN_LEN}


@pytest.fixture(scope="module")
def english(shared_data) -> set[str]:
    """Every English sentence of the catalogue a page can show."""
    fw = load_frameworks(shared_data)
    out: set[str] = set()
    for ind in CAT.indicators.values():
        out |= _sentences(ind.definition)
    for _name, _unit, _hib, definition in GAP_KINDS.values():
        out |= _sentences(definition)
    for t in load_targets():
        out |= _sentences(t.title) | _sentences(t.citation)
    for p in fw.paragraphs:
        out |= _sentences(p["summary"]) | _sentences(p["section"])
    for d in fw.deliverables:
        out |= _sentences(d["deliverable"])
    out |= _sentences(fw.document["title"])
    for code in fw.action_line_codes():
        al = fw.action_line(code)
        out |= _sentences(al["title"]) | _sentences(al.get("short_description") or "")
    for g in fw.gdc_objectives:
        out |= _sentences(g["title"])
    for m in _gaps():   # whole texts: a clause such as "ITU ICT Regulatory Tracker" is also a source's name
        out |= {t for t in (m["measurement"], m["custodian"]) if len(t) >= MIN_LEN}
    return out


def _gaps() -> list[dict]:
    """The measurements the action lines still lack and their custodians (action_lines.yaml), with the line."""
    return [{**m, "line": line} for line, spec in CAT.action_lines.items() for m in (spec or {}).get("missing") or []]


def _visible(page: str) -> str:
    page = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _leaks(client, path: str, english: set[str]) -> list[str]:
    r = client.get(path)
    assert r.status_code == 200, path
    text = _visible(r.text)
    return sorted(s for s in english if s in text)


def _pages(fw) -> list[str]:
    """Every page type that shows catalogue text, each catalogue item in at least one language, the pages with
    targets and the outcome document in all five."""
    codes = sorted(CAT.indicators)
    pages = [f"/{LANGS[i % 5]}/indicators/{c}" for i, c in enumerate(codes)]
    pages += [f"/{lg}/indicators/{t.indicator}" for t in load_targets() for lg in LANGS
              if t.indicator in CAT.indicators]
    pages += [f"/{LANGS[i % 5]}/indicators/IT_USE_ii99_{k}" for i, k in enumerate(GAP_KINDS)]
    pages += [f"/{lg}/outcome" for lg in LANGS] + [f"/{lg}/action-lines" for lg in LANGS]
    pages += [f"/{lg}/outcome/{n}" for lg in LANGS for n in (36, 37, 67)]
    pages += [f"/{LANGS[i % 5]}/action-lines/{c}" for i, c in enumerate(fw.action_line_codes())]
    pages += [f"/{lg}/action-lines/{m['line']}" for m in _gaps() for lg in LANGS]
    return sorted(set(pages))


def test_missing_measurements_are_checked_and_shown(client, english):
    """The missing-measurement sentences are among the checked ones, and C8's shows on its English page but
    not on its French one, where the translation is marked unofficial."""
    c8 = [m for m in _gaps() if m["line"] == "C8"]
    assert c8 and all(m["measurement"] in english and m["custodian"] in english for m in c8)
    en, fr = _visible(client.get("/action-lines/C8").text), client.get("/fr/action-lines/C8").text
    assert all(m["measurement"] in en and m["custodian"] in en for m in c8)
    assert not any(m["measurement"] in _visible(fr) or m["custodian"] in _visible(fr) for m in c8)
    i = fr.index("<h3>")
    assert "traduction non officielle" in _visible(fr[i:fr.index("</ul>", i)])
    assert 'lang="en"' not in fr[i:fr.index("</ul>", i)]


def test_english_page_shows_the_catalogue_sentences(client, english):
    """The check can fail: the English pages do show these sentences."""
    assert len(_leaks(client, "/outcome", english)) > 100
    assert CAT.indicators["IT_USE_ii99"].definition in _visible(client.get("/indicators/IT_USE_ii99").text)


def test_no_english_catalogue_sentence_on_other_language_pages(client, english, shared_data):
    fw = load_frameworks(shared_data)
    found = {}
    for path in _pages(fw):
        leaks = _leaks(client, path, english)
        if leaks:
            found[path] = leaks[:3]
    assert not found, found


@pytest.mark.parametrize("lang", ["", "/fr", "/ar"])
def test_units_are_named_not_coded(client, lang):
    text = _visible(client.get(f"{lang}/indicators/IT_NET_BBP").text)
    assert not re.search(r"\bPER_100_POP\b", text)
    listing = _visible(client.get(f"{lang}/indicators").text)
    assert not any(re.search(rf"\b{code}\b", listing) for code in UNIT_LABELS if "_" in code or code == "PT")
    if not lang:
        assert "Per 100 inhabitants" in text


@pytest.mark.parametrize("lang", LANGS)
def test_own_translations_carry_the_unofficial_mark(client, lang):
    from wsis.web.i18n import gettext_for

    mark = gettext_for(lang)("unofficial translation")
    assert mark != "unofficial translation"
    assert mark in _visible(client.get(f"/{lang}/indicators/IT_USE_ii99").text)
    assert mark not in _visible(client.get("/indicators/IT_USE_ii99").text)


@pytest.mark.parametrize("lang", ["fr", "ar", "zh"])
def test_country_page_names_its_groups_in_the_page_language(client, web_settings, lang):
    """The groups a country belongs to (M49, income, ITU, World Bank regions and aggregates) are named in
    the page language on its page."""
    from wsis.release.reader import open_release

    rel = open_release(None, web_settings)
    groups = rel.sql("SELECT a.code, a.name FROM group_members m JOIN areas a ON a.code = m.\"group\" "
                     "WHERE m.iso3 = 'KEN' AND a.code <> 'WLD'")
    assert len(groups) > 10
    named = rel.sql("SELECT code FROM area_names WHERE lang = ?", [lang])["code"]
    assert set(groups["code"]) <= set(named)
    text = _visible(client.get(f"/{lang}/areas/KEN").text)
    english = [n for n in groups["name"] if len(n) >= 12 and re.search(rf"(?<![\w(]){re.escape(n)}(?![\w)])", text)]
    assert not english, english
