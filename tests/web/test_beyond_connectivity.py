"""Issue 12 on the dashboard: every new series has a page in English and Arabic that names the source kind
of the values it shows, draws AI readiness's series breaks, and says "none recorded" for shutdown zeros."""

from __future__ import annotations

import re

import pytest

NEW = ["EGOV_EGDI", "EGOV_OSI", "EGOV_TII", "EGOV_HCI", "EGOV_EPI", "ITU_GCI", "ITU_GCI_LEGAL", "ITU_GCI_TECH",
       "ITU_GCI_ORG", "ITU_GCI_CAPDEV", "ITU_GCI_COOP", "EN_EWT_GENV", "EN_EWT_GENPCAP", "EN_EWT_RCYV",
       "EN_EWT_RCYPCAP", "EN_EWT_RCYR", "SE_ACC_INTN", "SE_ACC_COMP", "IT_SCHAGE_HINET", "RIGHTS_SHUTDOWN_EVENTS",
       "RIGHTS_SHUTDOWN_COST_USD", "AI_GAIRI", "IT_FBB_LATN", "IT_FBB_ACTT", "IT_INTL_BWTH", "IT_INTL_BWPU",
       "IT_USF_OPER", "IT_UAS_ADPT"]


@pytest.mark.parametrize("code", NEW)
def test_new_indicator_page_answers_in_english_and_arabic(client, code):
    for prefix in ("", "/ar"):
        r = client.get(f"{prefix}/indicators/{code}")
        assert r.status_code == 200, (prefix, code, r.text[:300])
        assert f"<dd>{code}</dd>" in r.text


def _notes(html: str) -> list[str]:
    return re.findall(r'<p class="note">(.*?)</p>', html, flags=re.S)


def test_source_kind_is_named_where_values_are_shown(client):
    gci = client.get("/indicators/ITU_GCI").text
    assert any("values extracted from a PDF by a third party" in n for n in _notes(gci))
    cost = client.get("/indicators/RIGHTS_SHUTDOWN_COST_USD").text
    assert any("hand-transcribed secondary source, disputed method" in n for n in _notes(cost))
    egdi = client.get("/indicators/EGOV_EGDI?year=2024").text
    assert any("edited copy" in n for n in _notes(egdi))
    # first-hand publisher copies get no such note
    assert not any("Source of the values shown" in n for n in _notes(client.get("/indicators/IT_USE_ii99").text))


def test_ai_readiness_chart_shows_its_breaks_and_no_line_across_them(client):
    html = client.get("/indicators/AI_GAIRI?areas=KEN").text
    svg = html[html.index('<figure'):html.index('</figure>')]
    assert ">Series break 2020</text>" in svg and ">Series break 2025</text>" in svg
    assert svg.count('stroke-dasharray="2 3"') == 2
    # Kenya's 2019 and 2025 points each stand alone: the only path is 2020-2024
    assert svg.count('fill="none"') == 1
    assert any("Series break: 2020, 2025" in n for n in _notes(html))


def test_shutdown_zeros_read_none_recorded(client):
    html = client.get("/indicators/RIGHTS_SHUTDOWN_EVENTS?year=2024").text
    row = re.search(r'<a href="/areas/ARG">[^<]+</a></th><td>2024</td><td>([^<]+)</td>', html)
    assert row and row.group(1) == "none recorded"
    ind = re.search(r'<a href="/areas/IND">[^<]+</a></th><td>2024</td><td>([^<]+)</td>', html)
    assert ind and ind.group(1) == "84"


def _block(html: str) -> str:
    i = html.index('id="beyond-h"')
    return html[i:html.index("</table>", i)]


def test_country_page_has_the_beyond_connectivity_block(client):
    block = _block(client.get("/areas/KEN").text)
    for theme in ("E-government", "Cybersecurity", "E-waste", "Internet shutdowns", "AI readiness"):
        assert f'<th scope="colgroup" colspan="4">{theme}</th>' in block
    assert "<td>0.6314</td>" in block and "<td>81.7</td>" in block and "<td>1.039</td>" in block
    assert "values extracted from a PDF by a third party" in block
    # AI readiness: one value per method period, each saying it is not comparable across the break
    assert block.count("not comparable with other periods (series break)") == 3
    assert "<td>43.557</td>" not in block and "<td>43.6</td>" in block
    # a country without any recorded shutdown says so instead of showing 0
    arg = _block(client.get("/areas/ARG").text)
    assert "<td>none recorded</td>" in arg
    # school connectivity by education level (India has it)
    ind = _block(client.get("/areas/IND").text)
    assert "Upper secondary education" in ind and "Schools" in ind
    j = client.get("/areas/KEN?format=json").json()["data"]
    assert {r["code"] for t in j["beyond_connectivity"] for r in t["rows"]} >= {"EGOV_EGDI", "ITU_GCI", "AI_GAIRI"}


def test_home_page_has_a_beyond_connectivity_section(client):
    html = client.get("/").text
    i = html.index(">Beyond connectivity</h2>")
    sec = html[i:html.index("</ul>", i)]
    for code in ("EGOV_EGDI", "ITU_GCI", "EN_EWT_GENPCAP", "RIGHTS_SHUTDOWN_EVENTS", "AI_GAIRI"):
        assert f'href="/indicators/{code}"' in sec
    assert 'href="/ar/indicators/AI_GAIRI"' in client.get("/ar/").text


def test_outcome_paragraphs_link_to_their_indicators(client):
    html = client.get("/outcome").text
    want = {36: "EGOV_EGDI", 37: "SE_ACC_INTN", 43: "EN_EWT_GENV", 44: "EN_EWT_RCYR", 45: "EN_EWT_RCYR",
            54: "ITU_GCI", 74: "RIGHTS_SHUTDOWN_EVENTS", 75: "RIGHTS_SHUTDOWN_EVENTS", 76: "RIGHTS_SHUTDOWN_COST_USD",
            85: "AI_GAIRI"}
    for para, code in want.items():
        i = html.index(f'<section id="p{para}"')
        assert f'href="/indicators/{code}"' in html[i:html.index("</section>", i)], para
    i = html.index('<section id="p1"')
    assert "/indicators/" not in html[i:html.index("</section>", i)]


def test_action_line_without_data_says_what_is_missing_and_who_publishes_it(client):
    c8 = client.get("/action-lines/C8").text
    i = c8.index(">Not yet measured</h3>")
    assert "UNESCO" in c8[i:c8.index("</ul>", i)]
    c5 = client.get("/action-lines/C5").text
    assert 'href="/indicators/ITU_GCI"' in c5


def test_country_indicator_table_names_non_first_hand_sources(client):
    html = client.get("/areas/KEN").text
    table = html[html.index('id="ind-h"'):html.index('id="beyond-h"')]
    gci = re.search(r'href="/indicators/ITU_GCI\?areas=KEN">[^<]+</a> <small>\(([^)]+)\)</small>', table)
    assert gci and gci.group(1) == "values extracted from a PDF by a third party"
    assert re.search(r'href="/indicators/IT_USE_ii99\?areas=KEN">[^<]+</a></th>', table)  # first-hand: no note


@pytest.mark.parametrize("lang", ["fr", "es", "ar", "ru", "zh"])
def test_caveats_and_scopes_are_in_the_page_language(client, lang):
    from wsis.catalogue import load_catalogue

    cat = load_catalogue()
    for code in ("RIGHTS_SHUTDOWN_EVENTS", "AI_GAIRI", "ITU_GCI"):
        text = client.get(f"/{lang}/indicators/{code}").text
        ind = cat.indicators[code]
        for english in (getattr(ind, "caveat", None), getattr(ind, "scope", None)):
            if english:
                assert english in html_text(client.get(f"/indicators/{code}").text)  # the check can fail
                assert english not in html_text(text), (lang, code)


def html_text(page: str) -> str:
    import html as h

    return h.unescape(re.sub(r"<[^>]+>", " ", page))
