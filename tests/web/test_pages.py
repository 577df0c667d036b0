"""Every page type renders with the real release, in English and Arabic, with JSON and CSV twins."""

from __future__ import annotations

import json

import pytest

from wsis.build import build_release
from wsis.release.reader import open_release

PAGES = ["/", "/indicators", "/indicators/IT_USE_ii99", "/areas", "/areas/KEN", "/groups", "/groups/LDC",
         "/action-lines", "/action-lines/C2", "/outcome", "/compare?areas=KEN,UGA,LDC&indicator=IT_USE_ii99",
         "/releases"]


@pytest.mark.parametrize("path", PAGES)
def test_page_and_twins(client, path):
    r = client.get(path)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith("text/html")
    assert '<main id="main"' in r.text and 'href="#main"' in r.text
    sep = "&" if "?" in path else "?"
    j = client.get(path + sep + "format=json")
    assert j.status_code == 200 and j.json()["data"] is not None
    c = client.get(path + sep + "format=csv")
    assert c.status_code == 200 and c.headers["content-type"].startswith("text/csv")


def test_arabic_is_right_to_left_and_translated(client):
    r = client.get("/ar/indicators/IT_USE_ii99")
    assert r.status_code == 200
    assert '<html lang="ar" dir="rtl">' in r.text
    assert "الانتقال إلى المحتوى الرئيسي" in r.text  # the skip link, translated
    assert "كينيا" in r.text  # Kenya, from the M49 Arabic names
    assert 'href="/ar/areas/KEN"' in r.text


def test_accept_language_picks_the_language_and_prefix_wins(client):
    fr = client.get("/", headers={"accept-language": "fr-CH, fr;q=0.9, en;q=0.8"})
    assert '<html lang="fr"' in fr.text and "Les fractures numériques" in fr.text
    zh = client.get("/zh/", headers={"accept-language": "fr"})
    assert '<html lang="zh"' in zh.text and "数字鸿沟概览" in zh.text
    assert "Accept-Language" in fr.headers.get("vary", "")


def test_numbers_are_formatted_per_locale(client, web_settings):
    rel = open_release(settings=web_settings)
    big = client.get("/fr/groups/WLD").text
    # French groups thousands with a narrow no-break space and uses a decimal comma.
    assert "\u202f" in big or "," in big
    assert rel.id in client.get("/").text


def test_indicator_values_match_the_release(client, web_settings):
    rel = open_release(settings=web_settings)
    obs = rel.observations("IT_USE_ii99", areas=["KEN"], dims={"SEX": "_T", "AGE": "_T", "URBANISATION": "_T"})
    last = obs.sort_values("TIME_PERIOD").iloc[-1]
    data = client.get(f"/indicators/IT_USE_ii99?areas=KEN&year={int(last['TIME_PERIOD'])}&format=json").json()["data"]
    ken = [v for v in data["values"] if v["code"] == "KEN"][0]
    assert ken["value"] == pytest.approx(float(last["OBS_VALUE"]))


def test_disaggregation_selector_changes_the_series(client):
    f = client.get("/indicators/IT_USE_ii99?SEX=F&format=json").json()["data"]
    assert f["selection"]["SEX"] == "F"
    assert all(r["SEX"] == "F" for r in f["series"])
    html = client.get("/indicators/IT_USE_ii99").text
    assert '<select id="d-SEX" name="SEX">' in html


def test_map_has_disclaimer_and_island_points(client):
    html = client.get("/indicators/IT_USE_ii99").text
    assert "do not imply official endorsement" in html
    assert html.count("<svg") >= 2  # line chart and map
    mapsvg = html.split('class="map"', 1)[1].split("</svg>", 1)[0]
    assert mapsvg.count("<circle") >= 10  # small islands drawn as circles


def test_output_is_escaped_and_bad_parameters_are_400(client):
    r = client.get("/compare?areas=%3Cscript%3Ealert(1)%3C/script%3E")
    assert r.status_code == 400
    assert "<script>alert" not in r.text and "&lt;script&gt;alert" in r.text
    j = client.get("/indicators/IT_USE_ii99?year=abcd&format=json")
    assert j.status_code == 400 and j.headers["content-type"] == "application/problem+json"
    assert j.json()["column"] == "year"
    assert client.get("/indicators/NOPE").status_code == 404
    assert client.get("/areas/KEN?format=xml").status_code == 400


def test_security_headers(client):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"]
    assert "<script>" not in r.text and " style=" not in r.text.split("<svg")[0]


def test_etag_and_last_modified_give_304(client):
    r = client.get("/indicators")
    etag = r.headers["etag"]
    assert r.headers["last-modified"]
    again = client.get("/indicators", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""


def test_gzip(client):
    r = client.get("/outcome", headers={"accept-encoding": "gzip"})
    assert r.headers.get("content-encoding") == "gzip"


def test_new_release_is_served_without_restart(tmp_path, mini_data_dir, shared_data):
    from fastapi.testclient import TestClient

    from wsis.settings import Settings
    from wsis.web.app import create_app

    s = Settings(data_dir=mini_data_dir, home=tmp_path / "home")
    first = build_release(s)["release_id"]
    c = TestClient(create_app(s))
    assert first in c.get("/releases").text
    (mini_data_dir / "wdi" / "API_IT.NET.USER.ZS_DS2_en_csv_v2_mini.csv").write_text(
        (mini_data_dir / "wdi" / "API_IT.NET.USER.ZS_DS2_en_csv_v2_mini.csv").read_text().replace("40.8", "41.8"))
    second = build_release(s)["release_id"]
    assert second != first
    page = c.get("/releases").text
    assert f"{second} (current)" in page
    assert json.loads(c.get("/api/v1/releases").text)["count"] == 2


def test_an_area_keeps_its_colour_in_every_language_and_on_every_page(client):
    import re

    from wsis.web import charts

    key = re.compile(r'<li><svg[^>]*><path d="M1 5h20" stroke="(#[0-9a-f]{6})"')
    seen = {}
    for lang in ("", "/ar", "/zh", "/fr"):
        for path in ("/indicators/IT_USE_ii99?areas=WLD,HIC,LIC,LDC", "/indicators/IT_USE_ii99?areas=LDC,LIC,HIC,WLD",
                     "/compare?areas=LDC,WLD&indicator=IT_USE_ii99"):
            html = client.get(lang + path).text
            codes = path.split("areas=")[1].split("&")[0].split(",")
            got = key.findall(html.split('class="key"', 1)[1].split("</ul>", 1)[0])
            assert got == [charts.colour_of(c) for c in codes], (lang, path)
            for c, col in zip(codes, got, strict=True):
                assert seen.setdefault(c, col) == col
    home = client.get("/ar/").text
    assert charts.colour_of("HIC") in home and charts.colour_of("LDC") in home


def test_line_data_table_follows_the_selection_newest_year_first(client):
    import re

    html = client.get("/indicators/IT_USE_ii99?areas=LDC,WLD").text
    table = html.split('<caption id="line-c">', 1)[1].split("</table>", 1)[0]
    heads = re.findall(r'<th scope="col">([^<]*)</th>', table)
    assert heads[1:] == ["Least developed countries", "World"]
    years = [int(y) for y in re.findall(r'<th scope="row">(\d{4})</th>', table)]
    assert years == sorted(years, reverse=True) and 0 < len(years) <= 25
    first = re.findall(r"<td>([^<]*)</td>", table.split("</tr>", 2)[1])
    assert len(first) == 2 and all(re.fullmatch(r"[\d.,]+|–", v) for v in first)
