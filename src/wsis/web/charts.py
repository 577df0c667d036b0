"""Server-rendered charts: Vega-Lite specifications (built with Altair) rendered to SVG by vl-convert.

Every chart is compacted after rendering (whole-pixel, relative path commands, no per-mark ARIA noise) and
cached per release. The SVG is decorative for assistive technology (``aria-hidden``): each chart on a page
carries a title, a text description and a data table as its accessible alternative.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict

import altair as alt
import pandas as pd

# A colour-blind-safe categorical palette (Okabe-Ito, darkened where needed for 3:1 on white).
PALETTE = ["#0b5394", "#c0392b", "#1e7b4f", "#8e44ad", "#b35900", "#00838f", "#6d4c41", "#37474f"]
MISSING = "#d9d9d9"
_CACHE: OrderedDict[str, str] = OrderedDict()
_LOCK = threading.Lock()
_MAX = 256
_NUM = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def _cached(key_parts: tuple, build) -> str:
    key = hashlib.sha1(json.dumps(key_parts, default=str, sort_keys=True).encode()).hexdigest()
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    svg = build()
    with _LOCK:
        _CACHE[key] = svg
        while len(_CACHE) > _MAX:
            _CACHE.popitem(last=False)
    return svg


def _relative_path(d: str) -> str:
    """Rewrite an absolute M/L/Z path (Vega's geoshape and line output) with whole-pixel relative steps."""
    out: list[str] = []
    cx = cy = 0
    for cmd, args in re.findall(r"([MLZmlz])([^MLZmlz]*)", d):
        if cmd in "Zz":
            out.append("z")
            continue
        nums = [round(float(n)) for n in _NUM.findall(args)]
        for i in range(0, len(nums) - 1, 2):
            x, y = nums[i], nums[i + 1]
            if cmd == "M" and i == 0:
                out.append(f"M{x} {y}")
            elif (x, y) != (cx, cy):
                out.append(f"l{x - cx} {y - cy}")
            cx, cy = x, y
    text = "".join(out)
    return re.sub(r" -", "-", text)


def compact_svg(svg: str) -> str:
    """Shrink vl-convert output: round and relativise paths, round numbers, drop ARIA noise and clip paths."""
    svg = re.sub(r'\sd="([^"]*)"', lambda m: f' d="{_relative_path(m.group(1))}"'
                 if re.fullmatch(r"[MLZmlz0-9.,\s\-e]*", m.group(1)) else m.group(0), svg)
    svg = re.sub(r'\s(?:aria-[a-z]+|role)="[^"]*"', "", svg)
    svg = re.sub(r'\sclass="[^"]*"', "", svg)
    svg = re.sub(r"(\d+\.\d)\d+", r"\1", svg)
    svg = re.sub(r"translate\((-?[\d.]+),(-?[\d.]+)\)",
                 lambda m: f"translate({round(float(m.group(1)))},{round(float(m.group(2)))})", svg)
    svg = re.sub(r'<svg ', '<svg aria-hidden="true" focusable="false" ', svg, count=1)
    return re.sub(r">\s+<", "><", svg)


def render(spec: dict) -> str:
    """Render a Vega-Lite spec to compact SVG."""
    import vl_convert as vlc

    return compact_svg(vlc.vegalite_to_svg(spec))


def _base_config() -> dict:
    return {"view": {"stroke": None}, "font": "sans-serif", "aria": False,
            "axis": {"labelColor": "#333", "titleColor": "#333", "gridColor": "#e6e6e6", "labelFontSize": 11},
            "legend": {"labelColor": "#333", "titleColor": "#333", "labelFontSize": 11}}


def line_chart(release_id: str, df: pd.DataFrame, y_title: str, target: float | None = None,
               width: int = 600, height: int = 260) -> str:
    """Lines over time: ``df`` has columns year, value, series (area names); an optional 2030 target rule."""
    data = df[["year", "value", "series"]].dropna().sort_values(["series", "year"])

    def build() -> str:
        base = alt.Chart(data).encode(
            x=alt.X("year:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y("value:Q", title=y_title),
            color=alt.Color("series:N", title=None, scale=alt.Scale(range=PALETTE),
                            legend=alt.Legend(orient="bottom", columns=4)),
        )
        layers = [base.mark_line(strokeWidth=2, aria=False), base.mark_point(size=18, filled=True, aria=False)]
        if target is not None:
            rule = alt.Chart(pd.DataFrame({"t": [target]})).mark_rule(strokeDash=[4, 3], color="#555", aria=False)
            layers.append(rule.encode(y="t:Q"))
        chart = alt.layer(*layers).properties(width=width, height=height)
        spec = chart.to_dict()
        spec["config"] = _base_config()
        return render(spec)

    return _cached(("line", release_id, data.to_json(), y_title, target, width, height), build)


def bar_chart(release_id: str, df: pd.DataFrame, x_title: str, width: int = 560) -> str:
    """Horizontal bars: ``df`` has columns label, value (already ordered)."""
    data = df[["label", "value"]].dropna()

    def build() -> str:
        chart = alt.Chart(data).mark_bar(color=PALETTE[0], aria=False).encode(
            y=alt.Y("label:N", title=None, sort=None), x=alt.X("value:Q", title=x_title),
        ).properties(width=width, height=max(40, 22 * len(data)))
        spec = chart.to_dict()
        spec["config"] = _base_config()
        return render(spec)

    return _cached(("bar", release_id, data.to_json(), x_title, width), build)


def choropleth(release_id: str, values: dict[str, float], m49_of: dict[str, str], islands: list[str],
               world_map, legend_title: str, reverse: bool = False) -> str:
    """World map: ``values`` maps ISO3 to a value; ``m49_of`` maps ISO3 to M49; small islands missing from the
    110m geometry (``islands``, ISO3) are drawn as points; ``world_map`` is the release's ``query.WorldMap``."""

    def build() -> str:
        world = world_map.geometry
        by_m49 = {m49_of[k]: v for k, v in values.items() if k in m49_of}
        feats = world.features()
        for f in feats:
            v = by_m49.get(f["id"])
            f["properties"]["v"] = None if v is None else round(float(v), 3)
        pts = world_map.points
        shown = set(world.shapes)
        points = [{"x": round(pts[i][0]), "y": round(pts[i][1]), "v": values.get(i)} for i in islands
                  if i in pts and m49_of.get(i) not in shown]
        scale = {"type": "quantize", "scheme": {"name": "blues", "extent": [0.15, 1]}, "nice": True,
                 "reverse": reverse}
        color = {"field": "properties.v", "type": "quantitative", "scale": scale, "title": legend_title,
                 "legend": {"orient": "bottom", "direction": "horizontal", "format": "~s"}}
        shapes = {"data": {"values": feats}, "mark": {"type": "geoshape", "stroke": "#fff", "strokeWidth": 0.5,
                                                     "aria": False, "invalid": None},
                  "encoding": {"color": {"condition": {"test": "datum.properties.v == null", "value": MISSING},
                                         **color}}}
        dots = {"data": {"values": points or [{"x": -10, "y": -10, "v": None}]},
                "mark": {"type": "circle", "size": 22, "stroke": "#333", "strokeWidth": 0.6, "opacity": 1,
                         "aria": False, "invalid": None},
                "encoding": {"longitude": {"field": "x", "type": "quantitative"},
                             "latitude": {"field": "y", "type": "quantitative"},
                             "color": {"condition": {"test": "datum.v == null", "value": MISSING},
                                       **{**color, "field": "v", "legend": None}}}}
        spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "width": world_map.width,
                "height": world.height, "projection": {"type": "identity", "scale": 1, "translate": [0, 0]}, "layer": [shapes, dots],
                "config": _base_config()}
        return render(spec)

    key = ("map", release_id, sorted((k, round(float(v), 3)) for k, v in values.items()), legend_title, reverse)
    return _cached(key, build)
