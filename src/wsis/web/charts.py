"""Server-rendered charts, drawn as SVG by our own small builder (no chart library, no JavaScript).

Two layouts share one drawing code:

- **fluid** (``width=None``, the dashboard): the SVG has no viewBox and fills its box. Text and rules are
  placed in percentages of the width, so text keeps its size (13 px) from a 320 px phone to a desktop;
  the data lines sit in a nested SVG stretched to the width (``preserveAspectRatio="none"``) with
  non-scaling strokes. The legend is an HTML list above the plot, so it wraps like text.
- **fixed** (``width=540``..., the report): plain pixel coordinates and the legend inside the SVG, for
  WeasyPrint and for rasterising (resvg through vl-convert).

A series' colour is a function of its area or group code (:func:`colour_of`), never of its position or
label, so an area keeps its colour in every language and on every page. The SVG is decorative for assistive
technology (``aria-hidden``): each chart on a page carries a title, a text description and a data table.
"""

from __future__ import annotations

import hashlib
import json
import math
import textwrap
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from functools import lru_cache
from html import escape

import pandas as pd
from babel import Locale
from babel.numbers import format_compact_decimal, format_decimal

from wsis.query.memo import LruMemo

# Eight colours (blue, red, olive, violet, orange, teal, brown, charcoal), each at least 3:1 against white
# (WCAG 1.4.11). They were tuned, starting from the Okabe-Ito hues, until every pair stays at least
# MIN_CVD_DISTANCE (CIEDE2000) apart in normal vision and in simulated protanopia, deuteranopia and
# tritanopia; tests/web/test_charts.py measures it.
PALETTE = ["#0046c9", "#a32b00", "#788e61", "#b656ff", "#dc5800", "#128f99", "#6d4c41", "#37474f"]
MIN_CVD_DISTANCE = 14.0
# Fixed colours for the groups shown together most often (world, income groups, LDC/LLDC/SIDS).
GROUP_COLOURS = {"WLD": 7, "HIC": 0, "UMC": 2, "LMC": 3, "LIC": 4, "LDC": 5, "LLDC": 1, "SIDS": 6}
DASHES = ["", "7 3", "2 3", "8 3 2 3"]  # second, third... series of the same colour in one chart
# Sequential blues for the map (ColorBrewer "Blues", Cynthia Brewer, Apache-2.0), darkest last; the
# lightest tints are left out so that "no data" grey stays distinct from the lowest class.
MAP_RAMP = ["#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"]
MISSING = "#e3e3e3"
INK, GRID, ZERO = "#333", "#dedede", "#8a8a8a"
FLUID_FONT, FIXED_FONT = 13, 11
_SVGS = LruMemo(256)  # the charts drawn most recently, by what they show


def _cached(key_parts: tuple, build: Callable[[], str]) -> str:
    key = hashlib.sha1(json.dumps(key_parts, default=str, sort_keys=True).encode()).hexdigest()
    return _SVGS.get((key,), build)


def colour_of(code: str) -> str:
    """The colour of an area or group: fixed for the common groups, else derived from the code itself."""
    i = GROUP_COLOURS.get(code)
    if i is None:
        i = zlib.crc32(code.encode("utf-8")) % len(PALETTE)
    return PALETTE[i]


def series_styles(codes: Sequence[str]) -> dict[str, tuple[str, str]]:
    """(colour, dash pattern) of each code: its own colour; when two codes of one chart share a colour, the
    later one in selection order is dashed."""
    seen: dict[str, int] = {}
    out = {}
    for c in codes:
        col = colour_of(c)
        n = seen.get(col, 0)
        seen[col] = n + 1
        out[c] = (col, DASHES[n % len(DASHES)])
    return out


# --- numbers -------------------------------------------------------------------------------------------

def nice_step(span: float, count: int) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about ``count`` intervals over ``span``."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(count, 1)
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag * 1.0001:
            return m * mag
    return 10 * mag


def ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """Round tick values covering [lo, hi] (the first <= lo, the last >= hi)."""
    step = nice_step(hi - lo, count)
    start, stop = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    if stop == start:
        stop += 1
    return [round(k * step, 10) for k in range(start, stop + 1)]


@lru_cache(maxsize=8)
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def short(v: float, step: float = 1.0, lang: str = "en") -> str:
    """A tick or value label in the page's locale: compact for large values (25K, 2,5 M, 10 مليار, 100亿),
    with as many decimals as the step needs otherwise."""
    if abs(v) >= 10_000:
        return format_compact_decimal(v, locale=_locale(lang), fraction_digits=1)
    dec = 0 if step >= 1 or step == 0 else min(4, -math.floor(math.log10(step) + 1e-9))
    return format_decimal(v, format="#,##0" + ("." + "0" * dec if dec else ""), locale=_locale(lang))


def wrap(text: str, fit: int) -> list[str]:
    """Break a label into lines of at most ``fit`` characters (half as many when it has wide CJK characters)
    so that it never runs past a phone screen."""
    wide = any(unicodedata.east_asian_width(ch) in "WF" for ch in text)
    return textwrap.wrap(text, fit // 2 if wide else fit) or [text]


# --- layout ----------------------------------------------------------------------------------------------

class Frame:
    """Horizontal placement for one chart: fractions of the width become percentages (fluid) or pixels
    (fixed). ``rtl`` mirrors every position (bars grow from the right on right-to-left pages)."""

    def __init__(self, width: int | None, rtl: bool = False, lang: str = "en"):
        self.width, self.rtl, self.lang = width, rtl, lang
        self.fluid = width is None
        self.font = FLUID_FONT if self.fluid else FIXED_FONT

    def f(self, frac: float) -> float:
        """Mirror a fraction of the width when right-to-left."""
        return 1 - frac if self.rtl else frac

    def x(self, frac: float) -> str:
        """An x attribute for a fraction of the width (already mirrored)."""
        return f"{frac * 100:.2f}%".replace(".00%", "%") if self.fluid else f"{frac * self.width:.1f}".rstrip("0").rstrip(".")

    def anchor(self, frac: float) -> str:
        """Text anchor keeping a label near an edge inside the chart."""
        return "start" if frac < 0.08 else "end" if frac > 0.92 else "middle"

    def side(self, start: bool = True) -> str:
        """The anchor of text that begins at the reading start (or end) side."""
        return "end" if self.rtl == start else "start"

    def open(self, height: int) -> str:
        """The root element."""
        common = (f'aria-hidden="true" focusable="false" font-size="{self.font}" fill="{INK}"')
        if self.fluid:
            return f'<svg xmlns="http://www.w3.org/2000/svg" class="fl" width="100%" height="{height}" {common}>'
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{height}" '
                f'viewBox="0 0 {self.width} {height}" font-family="sans-serif" {common}>')

    def px(self, frac: float) -> float:
        """Plot-space x of a fraction: 0..1000 in the stretched fluid plot, pixels when fixed."""
        return frac * (1000 if self.fluid else self.width)

    def plot(self, top: float, height: float, body: str) -> str:
        """Wrap data marks drawn in plot space (stretched horizontally when fluid)."""
        if self.fluid:
            return (f'<svg y="{top:g}" width="100%" height="{height:g}" viewBox="0 0 1000 {height:g}" '
                    f'preserveAspectRatio="none" overflow="visible">{body}</svg>')
        return f'<g transform="translate(0,{top:g})">{body}</g>'

    def stroke_attrs(self) -> str:
        """Attributes keeping stroke widths in screen pixels inside the stretched plot."""
        return ' vector-effect="non-scaling-stroke"' if self.fluid else ""

    def markers(self, pts: list[tuple[float, float]], colour: str, size: float = 6) -> str:
        """Dots at plot-space points (zero-length round-capped segments survive the stretch as circles)."""
        if not pts:
            return ""
        if not self.fluid:
            return "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size / 2.4:g}" fill="{colour}"/>' for x, y in pts)
        d = "".join(f"M{x:.0f} {y:.1f}h0" for x, y in pts)
        return (f'<path d="{d}" stroke="{colour}" stroke-width="{size:g}" stroke-linecap="round"'
                f'{self.stroke_attrs()}/>')


def _path(pts: list[tuple[float, float]]) -> str:
    """A polyline with relative steps (short and exact to a tenth of a unit)."""
    (x0, y0), rest = pts[0], pts[1:]
    out = [f"M{x0:.0f} {y0:.1f}"]
    px, py = round(x0), round(y0, 1)
    for x, y in rest:
        x, y = round(x), round(y, 1)
        out.append(f"l{x - px:g} {y - py:g}".replace(" -", "-"))
        px, py = x, y
    return "".join(out)


def key_html(items: Sequence[tuple[str, str, str]]) -> str:
    """The HTML legend of a fluid chart: (label, colour, dash) per series, each with a line swatch."""
    lis = []
    for label, c, d in items:
        dash = f' stroke-dasharray="{d}"' if d else ""
        lis.append(f'<li><svg width="22" height="10" aria-hidden="true" focusable="false"><path d="M1 5h20" '
                   f'stroke="{c}" stroke-width="3"{dash}/></svg>{escape(label)}</li>')
    return f'<ul class="key" aria-hidden="true">{"".join(lis)}</ul>'


def _svg_key(fr: Frame, items: Sequence[tuple[str, str, str]], top: float) -> tuple[str, float]:
    """The legend inside a fixed-width SVG, flowing in rows; returns (markup, height used)."""
    out, x, y = [], 0.0, top + fr.font
    for label, c, d in items:
        w = 26 + len(label) * fr.font * 0.56
        if x and x + w > fr.width:
            x, y = 0.0, y + fr.font + 6
        dash = f' stroke-dasharray="{d}"' if d else ""
        out.append(f'<path d="M{x:.0f} {y - fr.font * 0.35:.1f}h18" stroke="{c}" stroke-width="3"{dash}/>'
                   f'<text x="{x + 22:.0f}" y="{y:.0f}">{escape(label)}</text>')
        x += w + 10
    return "".join(out), y - top + 8


def _y_axis(fr: Frame, ys: list[float], scale: Callable[[float], float], step: float,
            top: float) -> tuple[str, str]:
    """Gridlines across the width, and their labels sitting on them at the reading-start side. The labels
    are drawn over the data; in the fluid layout a white halo keeps them legible where a line passes."""
    lines, labels = [], []
    halo = ' stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"' if fr.fluid else ""
    for v in ys:
        y = top + scale(v)
        colour = ZERO if v == 0 else GRID
        lines.append(f'<line x1="0" x2="{fr.x(1)}" y1="{y:.1f}" y2="{y:.1f}" stroke="{colour}"/>')
        labels.append(f'<text x="{fr.x(fr.f(0))}" y="{y - 4:.1f}" text-anchor="{fr.side()}"{halo}>'
                      f'{short(v, step, fr.lang)}</text>')
    return "".join(lines), "".join(labels)


# --- charts ----------------------------------------------------------------------------------------------

def _line_rows(df: pd.DataFrame) -> list[tuple[str, str, int, float]]:
    """(code, name, year, value) of every point with a value, in frame order; plain Python for speed."""
    names = [str(n) for n in df["series"].tolist()]
    codes = [str(c) for c in df["code"].tolist()] if "code" in df.columns else names
    return [(c, n, int(y), float(v)) for c, n, y, v in zip(codes, names, df["year"].tolist(), df["value"].tolist(),
                                                           strict=True)
            if y is not None and v is not None and y == y and v == v]


def line_chart(release_id: str, df: pd.DataFrame, y_title: str, target: float | None = None,
               width: int | None = None, height: int | None = None, lang: str = "en",
               breaks: list[int] | tuple[int, ...] = (), break_label: str = "") -> str:
    """Lines over time. ``df`` has columns year, value, series (area names) and, optionally, code (area
    codes, which fix the colours; the series name is used otherwise); an optional 2030 target is a dashed
    rule. ``width=None`` gives the fluid dashboard layout (HTML key + SVG), a number a fixed-size SVG.
    Numbers are formatted for ``lang``. ``breaks`` are years a new method starts: no line joins values
    across one, and a dotted vertical rule labelled ``break_label`` marks it."""
    rows = _line_rows(df)
    if not rows:
        return ""

    def build() -> str:
        fr = Frame(width, lang=lang)
        groups: dict[str, list[tuple[int, float]]] = {}
        names: dict[str, str] = {}
        for code, name, year, value in rows:
            groups.setdefault(code, []).append((year, value))
            names.setdefault(code, name)
        order = list(groups)
        styles = series_styles(order)
        items = [(names[c], *styles[c]) for c in order]
        vals = [r[3] for r in rows] + ([target] if target is not None else [])
        lo, hi = min(0.0, min(vals)), max(0.0, max(vals))
        ys = ticks(lo, hi, 4)
        step = ys[1] - ys[0]
        y0, y1 = min(r[2] for r in rows), max(r[2] for r in rows)
        h = height or 250
        parts, top = [], 0.0
        if not fr.fluid:
            key, used = _svg_key(fr, items, 0)
            parts.append(key)
            top = used
        parts.append(f'<text x="{fr.x(fr.f(0))}" y="{top + fr.font:g}" text-anchor="{fr.side()}">'
                     f'{escape(y_title)}</text>')
        ptop = top + fr.font + 8 + fr.font + 6
        ph = h - ptop - (fr.font + 12)

        def sy(v: float) -> float:
            return ph * (1 - (v - ys[0]) / (ys[-1] - ys[0]))

        pad = 0.03
        span = max(y1 - y0, 1)

        def fx(year: float) -> float:
            return pad + (year - y0) / span * (1 - 2 * pad) if y1 > y0 else 0.5

        grid, grid_labels = _y_axis(fr, ys, sy, step, ptop)
        parts.append(grid)
        xs = ticks(y0, y1, 4 if fr.fluid or (fr.width or 0) < 500 else 6)
        xs = [t for t in xs if y0 <= t <= y1 and t == int(t)] or [y0]
        for t in xs:
            f = fx(t)
            parts.append(f'<text x="{fr.x(f)}" y="{ptop + ph + fr.font + 6:g}" text-anchor="{fr.anchor(f)}">'
                         f'{int(t)}</text>')
        if target is not None:
            ty = ptop + sy(target)
            parts.append(f'<line x1="0" x2="{fr.x(1)}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#555" '
                         f'stroke-dasharray="5 4"/>')
        body = []
        cuts = sorted(b for b in breaks if y0 < b <= y1)
        for b in cuts:  # the rule sits halfway between the last year of the old method and the first of the new
            f = fx(b - 0.5)
            body.append(f'<line x1="{fr.px(f):.1f}" x2="{fr.px(f):.1f}" y1="0" y2="{ph:.1f}" stroke="#333" '
                        f'stroke-width="2" stroke-dasharray="2 3"{fr.stroke_attrs()}/>')
            if break_label:
                # the label runs away from the nearer edge so that it stays inside a 320 px screen
                parts.append(f'<text x="{fr.x(f)}" y="{ptop - 4:g}" text-anchor="{"start" if f < 0.5 else "end"}">'
                             f'{escape(break_label)} {b}</text>')
        for c in order:
            pts_all = sorted(groups[c])
            col, dash = styles[c]
            for seg in _segments(pts_all, cuts):
                pts = [(fr.px(fx(yr)), sy(v)) for yr, v in seg]
                if len(pts) > 1:
                    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
                    body.append(f'<path d="{_path(pts)}" fill="none" stroke="{col}" stroke-width="2.5" '
                                f'stroke-linejoin="round"{dash_attr}{fr.stroke_attrs()}/>')
            pts = [(fr.px(fx(yr)), sy(v)) for yr, v in pts_all]
            # every point while they are few; on long series only the ends, so that phones do not get a bead chain
            body.append(fr.markers(pts if len(pts) <= 12 else [pts[0], pts[-1]], col))
        parts.append(fr.plot(ptop, ph, "".join(body)))
        parts.append(grid_labels)
        svg = fr.open(h) + "".join(parts) + "</svg>"
        return (key_html(items) + svg) if fr.fluid else svg

    return _cached(("line", release_id, rows, y_title, target, width, height, lang, tuple(breaks), break_label),
                   build)


def _segments(pts: list[tuple[int, float]], cuts: list[int]) -> list[list[tuple[int, float]]]:
    """Split sorted (year, value) points into runs that no series break crosses."""
    out: list[list[tuple[int, float]]] = [[]]
    k = 0
    for yr, v in pts:
        while k < len(cuts) and yr >= cuts[k]:
            k += 1
            if out[-1]:
                out.append([])
        out[-1].append((yr, v))
    return [s for s in out if s]


def bar_chart(release_id: str, df: pd.DataFrame, x_title: str, width: int | None = None,
              rtl: bool = False, lang: str = "en") -> str:
    """Horizontal bars, one row per label with the label above its bar and the value at its end. ``df`` has
    columns label, value (already ordered) and, optionally, code (colours each bar by area)."""
    data = df[["label", "value"] + (["code"] if "code" in df.columns else [])].dropna(subset=["value"])
    if data.empty:
        return ""

    def build() -> str:
        fr = Frame(width, rtl, lang)
        vals = data["value"].astype(float).tolist()
        lo, hi = min(0.0, min(vals)), max(0.0, max(vals))
        span = (hi - lo) or 1.0
        room = 0.84  # the rest of the width holds the value label
        zero = (0 - lo) / span * room
        line = fr.font + 3
        # the narrowest fluid box is about 288 px (a 320 px screen less the page margins)
        fit = int((288 if fr.fluid else fr.width) / (fr.font * 0.6))
        parts = [f'<text x="{fr.x(fr.f(0))}" y="{fr.font:g}" text-anchor="{fr.side()}">{escape(x_title)}</text>']
        y = fr.font + 10
        for r in data.itertuples(index=False):
            v = float(r.value)
            a, b = sorted((zero, zero + v / span * room))
            col = colour_of(str(r.code)) if "code" in data.columns else PALETTE[0]
            x0, x1 = fr.f(a), fr.f(b)
            for k, text in enumerate(wrap(str(r.label), fit)):
                parts.append(f'<text x="{fr.x(fr.f(0))}" y="{y + fr.font + k * line:g}" '
                             f'text-anchor="{fr.side()}">{escape(text)}</text>')
                y += line if k else 0
            parts.append(f'<rect x="{fr.x(min(x0, x1))}" y="{y + fr.font + 4:g}" width="{fr.x(abs(x1 - x0))}" '
                         f'height="14" fill="{col}"/>')
            end = fr.f(b if v >= 0 else a)
            anchor = fr.side(v >= 0)
            dx = 4 if anchor == "start" else -4
            parts.append(f'<text x="{fr.x(end)}" dx="{dx}" y="{y + fr.font + 15:g}" text-anchor="{anchor}">'
                         f'{short(v, 0.1 if abs(v) < 1000 else 1, fr.lang)}</text>')
            y += fr.font + 4 + 14 + 9
        return fr.open(int(y)) + "".join(parts) + "</svg>"

    return _cached(("bar", release_id, data.to_json(), x_title, width, rtl, lang), build)


# --- the map ---------------------------------------------------------------------------------------------

def _ring_path(ring: list[tuple[int, int]]) -> str:
    (x0, y0), out = ring[0], []
    out.append(f"M{x0} {y0}")
    for (ax, ay), (bx, by) in zip(ring, ring[1:], strict=False):
        out.append(f"l{bx - ax} {by - ay}".replace(" -", "-"))
    return "".join(out) + "z"


def _shape_paths(world) -> dict[str, str]:
    """M49 -> compact path data of a world geometry (computed once per geometry)."""
    cached = getattr(_shape_paths, "_memo", None)
    if cached is not None and cached[0] is world:
        return cached[1]
    paths = {m49: "".join(_ring_path(r) for r in rings) for m49, rings in world.shapes.items()}
    _shape_paths._memo = (world, paths)  # type: ignore[attr-defined]
    return paths


def classes(values: Sequence[float], count: int = 5) -> list[float]:
    """Equal-width class breaks on round numbers covering the values (at most ``len(MAP_RAMP)`` classes)."""
    lo, hi = min(values), max(values)
    if hi == lo:
        hi = lo + 1
    br = ticks(lo, hi, count)
    while len(br) - 1 > len(MAP_RAMP):
        count -= 1
        br = ticks(lo, hi, count)
    return br


def _class_colours(n: int, reverse: bool) -> list[str]:
    idx = [round(i * (len(MAP_RAMP) - 1) / max(n - 1, 1)) for i in range(n)]
    cols = [MAP_RAMP[i] for i in idx]
    return cols[::-1] if reverse else cols


def map_key(breaks: list[float], colours: list[str], title: str, lang: str = "en") -> str:
    """The map's legend: a fluid strip of classes with their bounds, text at full size at any width."""
    fr = Frame(None)
    n = len(colours)
    step = breaks[1] - breaks[0]
    parts = [f'<text x="0" y="{fr.font}">{escape(title)}</text>']
    for i, c in enumerate(colours):
        parts.append(f'<rect x="{fr.x(i / n)}" y="{fr.font + 6}" width="{fr.x(1 / n)}" height="12" fill="{c}"/>')
    for i, b in enumerate(breaks):
        f = i / n
        parts.append(f'<text x="{fr.x(f)}" y="{2 * fr.font + 22}" text-anchor="{fr.anchor(f)}">{short(b, step, lang)}</text>')
    return fr.open(2 * fr.font + 27) + "".join(parts) + "</svg>"


def choropleth(release_id: str, values: dict[str, float], m49_of: dict[str, str], islands: list[str],
               world_map, legend_title: str, reverse: bool = False, lang: str = "en") -> str:
    """World map shaded in classes: ``values`` maps ISO3 to a value; ``m49_of`` maps ISO3 to M49; small
    islands missing from the 110m geometry (``islands``, ISO3) are drawn as circles; ``world_map`` is the
    release's ``query.WorldMap``. Returns the map SVG (it scales with the page; it holds no text) followed by
    its fluid legend."""

    def build() -> str:
        world = world_map.geometry
        paths = _shape_paths(world)
        vals = [float(v) for v in values.values()]
        breaks = classes(vals) if vals else [0.0, 1.0]
        n = len(breaks) - 1
        colours = _class_colours(n, reverse)

        def cls(v: float) -> int:
            return min(n - 1, max(0, int((v - breaks[0]) / (breaks[1] - breaks[0]))))

        by_m49 = {m49_of[k]: float(v) for k, v in values.items() if k in m49_of}
        fills: dict[str, list[str]] = {}
        for m49, d in paths.items():
            v = by_m49.get(m49)
            fills.setdefault(MISSING if v is None else colours[cls(v)], []).append(d)
        shapes = "".join(f'<path fill="{c}" d="{"".join(ds)}"/>' for c, ds in fills.items())
        pts = world_map.points
        dots = []
        for i in islands:
            if i in pts and m49_of.get(i) not in world.shapes:
                v = values.get(i)
                c = MISSING if v is None else colours[cls(float(v))]
                dots.append(f'<circle cx="{pts[i][0]:.0f}" cy="{pts[i][1]:.0f}" r="3" fill="{c}"/>')
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" class="map" width="{world_map.width}" height="{world.height}" '
               f'viewBox="0 0 {world_map.width} {world.height}" aria-hidden="true" focusable="false">'
               f'<g stroke="#fff" stroke-width=".5" stroke-linejoin="round">{shapes}</g>'
               f'<g stroke="#333" stroke-width=".6">{"".join(dots)}</g></svg>')
        return svg + map_key(breaks, colours, legend_title, lang)

    key = ("map", release_id, sorted((k, round(float(v), 3)) for k, v in values.items()), legend_title, reverse,
           lang)
    return _cached(key, build)
