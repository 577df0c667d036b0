"""Charts and the map, drawn by our own SVG builder: fluid and fixed layouts, stable colours per area code, a
palette that colour-blind readers can tell apart, compact geometry, small islands as points."""

from __future__ import annotations

import gzip
import itertools
import re

import pandas as pd
import pytest

from wsis.query import WorldMap
from wsis.reference import geometry as geo
from wsis.web import charts


def _frame(order: list[str], names: dict[str, str]) -> pd.DataFrame:
    rows = [{"year": y, "value": 10.0 * i + y - 2018, "series": names[c], "code": c}
            for i, c in enumerate(order) for y in (2018, 2019, 2020)]
    return pd.DataFrame(rows)


def _strokes(fragment: str) -> dict[str, str]:
    """Label -> swatch colour of a fluid chart's HTML key."""
    return {label: col for col, label in re.findall(r'<li><svg[^>]*><path d="M1 5h20" stroke="(#[0-9a-f]{6})"'
                                                   r'[^>]*/></svg>([^<]+)</li>', fragment)}


def test_equal_earth_projection_is_symmetric_and_bounded():
    x0, _ = geo.equal_earth(0, 0)
    xl, _ = geo.equal_earth(-180, 0)
    xr, _ = geo.equal_earth(180, 0)
    assert x0 == pytest.approx(geo.WIDTH / 2, abs=1)
    assert xl == pytest.approx(0, abs=1) and xr == pytest.approx(geo.WIDTH, abs=1)
    assert geo.equal_earth(0, geo.TOP_LAT_CLIP)[1] == pytest.approx(0, abs=1e-9)
    assert geo.equal_earth(0, 0)[1] < geo.map_height()


def test_world_geometry_is_simplified_quantized_and_cut_at_the_antimeridian():
    w = geo.load_world()
    assert len(w.shapes) > 160 and "010" not in w.shapes  # Antarctica dropped
    for rings in w.shapes.values():
        for ring in rings:
            assert all(isinstance(x, int) and -1 <= x <= geo.WIDTH + 1 for x, _ in ring)
    # Russia and Fiji cross the antimeridian: no ring may span (almost) the whole width.
    for m49 in ("643", "242"):
        for ring in w.shapes[m49]:
            xs = [x for x, _ in ring]
            assert max(xs) - min(xs) < geo.WIDTH * 0.6


def test_packaged_map_is_the_projected_world_atlas():
    """The package data (what a plain ``pip install`` draws) equals a fresh projection of npm world-atlas."""
    packaged, source = geo.packaged_world()
    fresh = geo.load_world()
    assert packaged.shapes == fresh.shapes and packaged.height == fresh.height
    assert source["package"].startswith("npm world-atlas ") and source["tolerance_degrees"] == geo.TOLERANCE


def test_choropleth_is_small_classes_values_and_marks_missing_islands(shared_data):
    values = {"KEN": 40.0, "FRA": 85.0, "TUV": 30.0, "MDV": 70.0}
    m49 = {"KEN": "404", "FRA": "250", "TUV": "798", "MDV": "462"}
    pts = geo.island_points(shared_data)
    world = WorldMap(geo.packaged_world()[0], {k: (round(x), round(y)) for k, (x, y) in pts.items()})
    out = charts.choropleth("test", values, m49, ["TUV", "MDV"], world, "Percent")
    assert out.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="map"') and 'aria-hidden="true"' in out
    assert len(gzip.compress(out.encode())) < 15_000
    mapsvg, key = out.split("</svg>", 1)
    assert "<text" not in mapsvg  # the scaled map holds no text; the legend is a fluid strip at full size
    assert ">Percent</text>" in key and ">20</text>" in key and ">100</text>" in key
    # Tuvalu and the Maldives are not in the 110m geometry: two circles; Kenya and France are shaded.
    assert "798" not in geo.load_world().shapes and "462" not in geo.load_world().shapes
    assert mapsvg.count("<circle") == 2
    # classes 20-40, ..., 80-100 get the ramp in order; lower-is-better reverses it
    assert charts.classes([30, 40, 70, 85]) == [20, 40, 60, 80, 100]
    rev = charts.choropleth("test", values, m49, ["TUV", "MDV"], world, "Percent", reverse=True)
    classes = re.compile(r'<rect [^>]*fill="(#[0-9a-f]+)"')
    assert classes.findall(rev.split("</svg>")[1]) == classes.findall(key)[::-1]
    assert len(classes.findall(key)) == 4


def test_fluid_line_chart_keeps_text_at_full_size_and_is_cached():
    df = _frame(["WLD", "KEN"], {"WLD": "World", "KEN": "Kenya"})
    out = charts.line_chart("test", df, "Percent", target=45.0)
    key, svg = out.split("</ul>", 1)
    assert key.startswith('<ul class="key"') and set(_strokes(out)) == {"World", "Kenya"}
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="fl" width="100%"')
    assert "viewBox" not in svg.split(">", 1)[0]  # the root does not scale: 13 px text stays 13 px
    assert 'font-size="13"' in svg and 'preserveAspectRatio="none"' in svg
    assert svg.count('fill="none"') == 2 and 'stroke-dasharray="5 4"' in svg  # two lines, the target rule
    assert ">Percent</text>" in svg and ">2018</text>" in svg and ">2020</text>" in svg
    assert charts.line_chart("test", df, "Percent", target=45.0) is out


def test_fixed_line_chart_for_the_report_has_its_legend_inside():
    df = _frame(["WLD", "KEN"], {"WLD": "World", "KEN": "Kenya"})
    svg = charts.line_chart("test", df, "Percent", width=540, height=220)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" width="540" height="220" viewBox="0 0 540 220"')
    assert ">World</text>" in svg and ">Kenya</text>" in svg and "<ul" not in svg
    assert svg.count("<circle") == 6


def test_labels_are_escaped():
    df = _frame(["WLD"], {"WLD": "<script>x</script> & co"})
    out = charts.line_chart("test", df, "a<b")
    assert "<script>" not in out and "&lt;script&gt;" in out and "a&lt;b" in out
    bars = charts.bar_chart("test", pd.DataFrame({"label": ["<b>"], "value": [1.0]}), "x")
    assert "<b>" not in bars and "&lt;b&gt;" in bars


def test_colour_follows_the_area_code_not_the_label_or_position():
    en = {"WLD": "World", "HIC": "High-income economies", "LIC": "Low-income economies", "KEN": "Kenya"}
    ar = {"WLD": "العالم", "HIC": "البلدان المرتفعة الدخل", "LIC": "البلدان المنخفضة الدخل", "KEN": "كينيا"}
    a = _strokes(charts.line_chart("test", _frame(["WLD", "HIC", "LIC", "KEN"], en), "Percent"))
    b = _strokes(charts.line_chart("test", _frame(["KEN", "LIC", "HIC", "WLD"], ar), "نسبة مئوية"))
    for code in en:
        assert a[en[code]] == b[ar[code]] == charts.colour_of(code)
    # the common groups have distinct fixed colours; every colour comes from the palette
    fixed = [charts.colour_of(c) for c in charts.GROUP_COLOURS]
    assert len(set(fixed)) == len(fixed) == len(charts.PALETTE)
    assert all(charts.colour_of(c) in charts.PALETTE for c in ("KEN", "UGA", "BRA", "R_AFR", "xyz"))
    # bars are coloured by code too
    bars = charts.bar_chart("test", pd.DataFrame({"label": ["x", "y"], "value": [1.0, 2.0], "code": ["HIC", "LDC"]}),
                            "Percent")
    assert re.findall(r'<rect [^>]*fill="(#[0-9a-f]+)"', bars) == [charts.colour_of("HIC"), charts.colour_of("LDC")]


def test_two_codes_of_the_same_colour_in_one_chart_are_told_apart_by_dashes():
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    twin = next("".join(t) for t in itertools.product(letters, repeat=3)
                if charts.colour_of("".join(t)) == charts.colour_of("WLD") and "".join(t) != "WLD")
    styles = charts.series_styles(["WLD", "HIC", twin])
    assert styles["WLD"] == (charts.colour_of("WLD"), "") and styles["HIC"][1] == ""
    assert styles[twin][0] == styles["WLD"][0] and styles[twin][1] != ""
    # the same pair in the other order: the colours stay, the first one drawn is solid
    assert charts.series_styles([twin, "WLD"]) == {twin: (styles["WLD"][0], ""), "WLD": styles[twin]}


def test_rtl_bars_grow_from_the_right():
    df = pd.DataFrame({"label": ["a", "b"], "value": [50.0, 100.0]})
    ltr = charts.bar_chart("test", df, "Percent")
    rtl = charts.bar_chart("test", df, "Percent", rtl=True)
    xs = [float(x) for x in re.findall(r'<rect x="([\d.]+)%"', ltr)]
    assert xs == [0, 0]
    widths = [float(w) for w in re.findall(r'width="([\d.]+)%"', rtl) if w != "100"]
    rx = [float(x) for x in re.findall(r'<rect x="([\d.]+)%"', rtl)]
    assert [round(x + w) for x, w in zip(rx, widths, strict=True)] == [100, 100]
    assert 'text-anchor="end"' in rtl.split("<rect")[0]


def test_long_bar_labels_wrap_to_fit_a_phone():
    ru = "Не имеющие выхода к морю развивающиеся страны"
    zh = "内陆发展中国家和小岛屿发展中国家以及最不发达国家"
    assert charts.wrap(ru, 36) == ["Не имеющие выхода к морю", "развивающиеся страны"]
    assert all(len(line) <= 18 for line in charts.wrap(zh, 36)) and "".join(charts.wrap(zh, 36)) == zh
    svg = charts.bar_chart("test", pd.DataFrame({"label": [ru, "World"], "value": [38.7, 67.4]}), "Процент")
    assert ">Не имеющие выхода к морю</text>" in svg and ">развивающиеся страны</text>" in svg
    one = charts.bar_chart("test", pd.DataFrame({"label": ["LLDC", "World"], "value": [38.7, 67.4]}), "Процент")
    bars = re.compile(r'<rect [^>]*y="([\d.]+)"')
    assert [float(y) for y in bars.findall(svg)] == [float(y) + 16 for y in bars.findall(one)]  # one line more


def test_ticks_are_round_and_cover_the_range():
    assert charts.ticks(0, 93.1) == [0, 25, 50, 75, 100]
    assert charts.ticks(2005, 2023, 4) == [2005, 2010, 2015, 2020, 2025]
    assert charts.ticks(0, 0.37) == [0, 0.1, 0.2, 0.3, 0.4]
    assert charts.short(1_500_000) == "1.5M" and charts.short(25000) == "25K" and charts.short(0.25, 0.05) == "0.25"
    # in the page's locale: decimal sign, grouping, compact words
    assert charts.short(67.4, 0.1, "fr") == "67,4" and charts.short(2500.0, 1, "en") == "2,500"
    assert charts.short(1e10, 1, "ar") == "10\xa0مليار" and charts.short(1e10, 1, "zh") == "100亿"
    assert charts.short(2.5e6, 1, "ru") == "2,5\xa0млн"


def test_palette_is_distinguishable_for_colour_blind_readers():
    """Every pair of series colours stays apart (CIEDE2000) in normal vision and in simulated protanopia and
    deuteranopia (Machado et al. 2009, severity 1) and tritanopia (Brettel et al. 1997); each colour has 3:1
    contrast on white (WCAG 1.4.11) and the map's classes get darker in order for every reader."""
    from coloraide import Color

    def seen(hexes, how):
        cs = [Color(h) for h in hexes]
        if how is None:
            return cs
        return [c.filter(how, method="brettel" if how == "tritan" else "machado") for c in cs]

    worst = {}
    for how in (None, "protan", "deutan", "tritan"):
        cs = seen(charts.PALETTE, how)
        worst[how] = min(a.delta_e(b, method="2000") for a, b in itertools.combinations(cs, 2))
        ramp = [c.convert("lab")["lightness"] for c in seen(charts.MAP_RAMP, how)]
        assert all(a - b > 5 for a, b in zip(ramp, ramp[1:], strict=False)), (how, ramp)
        missing = seen([charts.MISSING], how)[0]
        assert min(missing.delta_e(c, method="2000") for c in seen(charts.MAP_RAMP, how)) > 8
    assert min(worst.values()) >= charts.MIN_CVD_DISTANCE, worst
    assert all(Color(h).contrast("white") >= 3 for h in charts.PALETTE)


def test_a_series_break_cuts_the_line_and_is_marked():
    rows = [{"year": y, "value": v, "series": "Kenya", "code": "KEN"}
            for y, v in ((2019, 4.0), (2020, 40.0), (2021, 42.0), (2024, 43.5), (2025, 60.0))]
    svg = charts.line_chart("test", pd.DataFrame(rows), "Index", breaks=[2020, 2025, 2030], break_label="Break")
    # 2019 and 2025 stand alone: one path (2020-2024) and no segment joins the methods
    assert svg.count('fill="none"') == 1
    assert svg.count('stroke-dasharray="2 3"') == 2  # 2030 lies outside the data: no rule
    assert ">Break 2020</text>" in svg and ">Break 2025</text>" in svg and "Break 2030" not in svg
    assert charts._segments([(2019, 1.0), (2020, 2.0), (2021, 3.0)], [2020]) == [[(2019, 1.0)], [(2020, 2.0), (2021, 3.0)]]
    plain = charts.line_chart("test", pd.DataFrame(rows), "Index")
    assert plain.count('fill="none"') == 1 and 'stroke-dasharray="2 3"' not in plain
