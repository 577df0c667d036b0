"""Render the assembled report to HTML (Jinja2, inline SVG charts from the web app) and to PDF (WeasyPrint)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from wsis import query as data
from wsis.query import Release
from wsis.report.numbers import Fact, fmt, scaled
from wsis.report.wording import Wording
from wsis.web import charts

Progress = Callable[[str], None]
FONTS = {"ar": '"Noto Naskh Arabic", "Noto Sans Arabic", "Noto Sans", "DejaVu Sans", sans-serif',
         "zh": '"Noto Sans CJK SC", "Noto Sans", "DejaVu Sans", sans-serif'}
DEFAULT_FONT = '"Noto Sans", "DejaVu Sans", "Noto Sans CJK SC", "Noto Sans Arabic", sans-serif'


class Counter:
    """Figure and table numbers, in document order."""

    def __init__(self) -> None:
        self.n = {"figure": 0, "table": 0}

    def next(self, kind: str) -> int:
        """The next number of ``kind``."""
        self.n[kind] += 1
        return self.n[kind]


def _ref_json(ref: dict[str, Any]) -> str:
    return json.dumps(ref, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class Labels:
    """Names of areas, indicators, units and codes in the report's language."""

    def __init__(self, rel: Release, w: Wording):
        self.rel, self.w = rel, w
        self.names = data.names(rel, w.lang)
        ind = data.indicators(rel)
        self.ind_en = dict(zip(ind["INDICATOR"], ind["name"], strict=True))
        self.ind_names = data.indicator_names(rel, w.lang)

    def area(self, code: str | None) -> str:
        """An area's name (the wording's group labels first, then the release's names)."""
        if code is None:
            return "–"
        return self.w.label(f"area.{code}", self.names.get(code, code))

    def indicator(self, code: str) -> Markup:
        """An indicator's name: the report wording's short name, else the release's name in the report's
        language; an English catalogue name in another language's report is marked ``lang="en"``."""
        if self.w.has(f"indicator.{code}"):
            return Markup(escape(self.w.raw(f"indicator.{code}")))
        name = self.ind_names.get(code, code)
        if self.w.lang == "en" or name != self.ind_en.get(code, code):
            return Markup(escape(name))
        return Markup(f'<span lang="en">{escape(name)}</span>')

    def gap(self, g: dict[str, Any]) -> dict[str, Any]:
        """A measurement an action line still lacks, with measurement and custodian in the report's language;
        a text that fell back to English in another language's report is marked ``lang="en"``."""
        t = data.gap_text(g, self.w.lang)

        def mark(field: str) -> Markup:
            if self.w.lang != "en" and t[f"{field}_lang"] == "en":
                return Markup(f'<span lang="en">{escape(t[field])}</span>')
            return Markup(escape(t[field]))
        return {**t, "measurement": mark("measurement"), "custodian": mark("custodian")}

    def unit(self, unit: str | None) -> str:
        """The unit written out."""
        return self.w.label(f"unit.{unit}", unit or "")

    def section(self, name: str) -> str:
        """A section of the outcome document, named in the report's language."""
        return data.section_text(name, self.w.lang)

    def code(self, group: str, code: Any) -> str:
        """A status, light, finance type... label."""
        return self.w.label(f"{group}.{code}", str(code))


def make_env() -> Environment:
    """The Jinja2 environment of the report templates (autoescaped, strict, no whitespace surprises)."""
    env = Environment(loader=PackageLoader("wsis.report", "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return env


def num(fact: Fact | None, lang: str) -> Markup:
    """A number as ``<data value=raw data-ref=provenance>stated</data>``."""
    if fact is None:
        return Markup("–")
    return Markup('<data value="{}" data-decimals="{}" data-ref="{}">{}</data>').format(
        repr(float(fact.value)), fact.decimals, _ref_json(fact.ref), fact.text(lang))


def people(fact: Fact | None, w: Wording) -> Markup:
    """A large count of people in words (three significant figures)."""
    if fact is None:
        return Markup("–")
    text, stated, dec = scaled(fact.value, w.lang, {"million": w.raw("words.million"),
                                                    "billion": w.raw("words.billion")}, digits=fact.decimals)
    return Markup('<data value="{}" data-stated="{}" data-ref="{}">{}</data>').format(
        repr(float(fact.value)), repr(stated), _ref_json(fact.ref), text)


_SVG_HEAD = re.compile(r'<svg ([^>]*?)width="(\d+(?:\.\d+)?)"([^>]*?)viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"')


def pad_svg(svg: str, left: int = 36) -> str:
    """Widen a chart's canvas on the left: axis labels are laid out with vl-convert's font metrics and may
    come out wider in the PDF's fonts; the margin keeps them inside the figure."""
    def widen(m: re.Match) -> str:
        w, vw, vh = float(m.group(2)), float(m.group(4)), m.group(5)
        return (f'<svg {m.group(1)}width="{w + left:g}"{m.group(3)}viewBox="-{left} 0 {vw + left:g} {vh}"')
    return _SVG_HEAD.sub(widen, svg, count=1)


def build_charts(rel: Release, content: dict[str, Any], labels: Labels, w: Wording,
                 progress: Progress | None = None) -> dict[str, str]:
    """SVG charts with the web app's chart functions: trends and bar charts of each breakdown."""
    out: dict[str, str] = {}
    for block in content["divides"]:
        code, unit = block["indicator"], labels.unit(block["unit"])
        tr = block["trend"]
        if not tr.empty:
            df = pd.DataFrame({"year": tr["year"].astype(int), "value": tr["value"].astype(float),
                               "series": [labels.area(a) for a in tr["area"]], "code": list(tr["area"])})
            out[f"{block['topic']}-trend"] = pad_svg(charts.line_chart(rel.id, df, unit, width=540, height=220,
                                                                                 lang=w.lang))
        for name, bd in block["breakdowns"].items():
            if len(bd["rows"]) >= 2:
                df = pd.DataFrame({"label": [labels.area(r["area"]) for r in bd["rows"]],
                                   "value": [r["fact"].stated for r in bd["rows"]],
                                   "code": [r["area"] for r in bd["rows"]]})
                out[f"{block['topic']}-{name}"] = pad_svg(charts.bar_chart(rel.id, df, unit, width=420, lang=w.lang))
        if progress:
            progress(f"charts {code}")
    ai = (content.get("beyond") or {}).get("ai")
    if ai:  # AI readiness over time: no line joins the years on either side of a series break
        pts = [(a, r["year"], f.stated) for p in ai["periods"] for r in p["rows"]
               for a, f in zip(ai["areas"], r["cells"], strict=True) if f is not None]
        df = pd.DataFrame({"year": [y for _a, y, _v in pts], "value": [v for _a, _y, v in pts],
                           "series": [labels.area(a) for a, _y, _v in pts], "code": [a for a, _y, _v in pts]})
        out["ai-trend"] = pad_svg(charts.line_chart(rel.id, df, labels.unit("INDEX"), width=540, height=240,
                                                    lang=w.lang, breaks=ai["breaks"],
                                                    break_label=w.raw("ai.break_label")))
    return out


def render_html(rel: Release, content: dict[str, Any], meta: dict[str, Any], lang: str,
                progress: Progress | None = None) -> str:
    """The report as one self-contained HTML document."""
    w = Wording(lang)
    labels = Labels(rel, w)
    svgs = build_charts(rel, content, labels, w, progress)
    env = make_env()
    css = env.loader.get_source(env, "report.css")[0]
    font = FONTS.get(lang, DEFAULT_FONT)
    tpl = env.get_template("report.html")
    html = tpl.render(c=content, m=meta, t=w, lang=lang, dir="rtl" if lang == "ar" else "ltr",
                      css=Markup(css.replace("__FONT__", font)), L=labels, svgs=svgs, counter=Counter(),
                      num=lambda f: num(f, lang), people=lambda f: people(f, w),
                      fmt=lambda v, d=0: fmt(v, lang, d), Markup=Markup,
                      kinds_text=lambda ks: w.raw("common.sep").join(w.raw(f"kind.{k}") for k in ks))
    if progress:
        progress("html")
    return html


RASTER_LANGS = frozenset({"ar"})
_SVG = re.compile(r"<svg\b.*?</svg>", re.S)
_WIDTH = re.compile(r'<svg [^>]*?width="([\d.]+)"')


def raster_charts(html: str) -> str:
    """Inline SVG charts as PNG images (vl-convert's resvg shapes Arabic text and lays it out right to left;
    WeasyPrint's SVG renderer does not). The HTML output keeps the SVG, which browsers shape correctly."""
    import base64

    import vl_convert as vlc

    def one(m: re.Match) -> str:
        svg = m.group(0)
        w = _WIDTH.search(svg)
        png = base64.b64encode(vlc.svg_to_png(svg, scale=2)).decode("ascii")
        width = f' style="width:{float(w.group(1)):g}px"' if w else ""
        return f'<img alt="" src="data:image/png;base64,{png}"{width}>'

    return _SVG.sub(one, html)


def render_pdf(html: str, path, lang: str = "en", base_url: str | None = None) -> None:
    """Write a tagged, paginated PDF of the HTML with WeasyPrint (fonts come from fontconfig)."""
    from weasyprint import HTML

    if lang in RASTER_LANGS:
        html = raster_charts(html)
    HTML(string=html, base_url=base_url).write_pdf(str(path), pdf_tags=True, uncompressed_pdf=False)
