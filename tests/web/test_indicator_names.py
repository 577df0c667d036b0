"""Indicator names follow the page language: catalogue translations, gap indicators composed from them."""

from __future__ import annotations

import html
import re

import pytest

from wsis import query as data
from wsis.catalogue import load_catalogue
from wsis.release.reader import open_release

CAT = load_catalogue()


def _h1(text: str) -> str:
    return html.unescape(re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S).group(1)).strip()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_indicator_page_uses_the_translated_name(client, lang):
    ind = CAT.indicators["IT_MOB_OWN"]
    r = client.get(f"/{lang}/indicators/IT_MOB_OWN")
    assert r.status_code == 200
    assert _h1(r.text) == ind.name_in(lang) != ind.name
    caps = [html.unescape(c) for c in re.findall(r"<caption[^>]*>([^<]*)</caption>", r.text)]
    assert any(c.startswith(ind.name_in(lang) + ": ") for c in caps)   # line chart table
    assert ind.name not in html.unescape(r.text)


def test_english_page_keeps_the_catalogue_name(client):
    r = client.get("/indicators/IT_MOB_OWN")
    assert _h1(r.text) == CAT.indicators["IT_MOB_OWN"].name


def test_every_catalogue_indicator_is_translated_in_the_release(web_settings):
    rel = open_release(settings=web_settings)
    for lang in ("fr", "es", "ar", "ru", "zh"):
        names = data.indicator_names(rel, lang)
        for code, ind in CAT.indicators.items():
            assert names[code] == ind.names[lang], (lang, code)
            assert names[code] != ind.name, (lang, code)


def test_gap_indicator_reads_base_name_and_translated_kind(client, web_settings):
    base = CAT.indicators["IT_USE_ii99"]
    fr = _h1(client.get("/fr/indicators/IT_USE_ii99_GPS").text)
    assert fr == base.name_in("fr") + " : indice de parité entre les sexes (femmes/hommes)"
    zh = _h1(client.get("/zh/indicators/IT_USE_ii99_URR").text)
    assert zh == base.name_in("zh") + "：城乡比率"
    en = _h1(client.get("/indicators/IT_USE_ii99_GPS").text)
    assert en == "Individuals using the Internet: gender parity score (female/male)"
    rel = open_release(settings=web_settings)
    derived = rel.indicators()
    derived = derived[derived["derived"].fillna(False).astype(bool)]["INDICATOR"]
    names = data.indicator_names(rel, "ar")
    assert len(derived) > 0 and all(names[c].startswith(base.name_in("ar")) or not c.startswith("IT_USE_ii99_")
                                    for c in derived)


def test_lists_and_home_use_the_page_language(client):
    names = {c: i.name_in("es") for c, i in CAT.indicators.items()}
    lst = html.unescape(client.get("/es/indicators").text)
    assert all(n in lst for n in names.values())
    home = html.unescape(client.get("/fr/").text)
    assert CAT.indicators["IT_USE_ii99"].name_in("fr") + " : " in home   # headline gaps table
    compare = html.unescape(client.get("/ru/compare?indicator=IT_NET_BBP&areas=KEN,WLD").text)
    assert _h1(compare).endswith(CAT.indicators["IT_NET_BBP"].name_in("ru"))
    assert f'>{CAT.indicators["IT_MOB_OWN"].name_in("ru")}</option>' in compare
    area = html.unescape(client.get("/fr/areas/KEN").text)
    assert CAT.indicators["IT_HH_INET"].name_in("fr") in area or CAT.indicators["IT_MOB_OWN"].name_in("fr") in area
    al = html.unescape(client.get("/ar/action-lines/C2").text)
    assert CAT.indicators["IT_NET_BBP"].name_in("ar") in al


def test_cache_is_per_language(web_settings):
    rel = open_release(settings=web_settings)
    fr, zh = data.indicator_names(rel, "fr"), data.indicator_names(rel, "zh")
    assert fr["IT_USE_ii99"] != zh["IT_USE_ii99"]
    assert data.indicator_names(rel, "fr") is fr   # cached per (release, language)
