"""Rendering: the Jinja2 environment (autoescaped) and the HTML / JSON / CSV twins of every page."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from wsis.errors import WsisError
from wsis.locale import language_name
from wsis.web.i18n import LANGS, NATIVE_NAMES, RTL, fmt_number, fmt_year, gettext_for

TEMPLATES = Path(__file__).parent / "templates"
FORMATS = ("html", "json", "csv")

env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                  trim_blocks=True, lstrip_blocks=True)


def _svg(markup: str | None) -> Markup:
    """Trusted SVG produced by our chart renderer (vl-convert output, escaped data inside)."""
    return Markup(markup or "")


env.filters["svg"] = _svg
env.globals.update(LANGS=LANGS, NATIVE_NAMES=NATIVE_NAMES, fmt_year=fmt_year, language_name=language_name)


def _column(s: pd.Series) -> list:
    """One column as JSON-safe Python values (NaN, infinities and NA become None)."""
    vals = s.tolist()
    if s.dtype.kind == "f":
        return [v if math.isfinite(v) else None for v in vals]
    if s.dtype.kind in "iub":  # nullable integer and boolean columns hold pd.NA
        return [None if v is pd.NA else v for v in vals] if s.hasnans else vals
    return [v if v is None or type(v) in (str, int, bool) or (type(v) is float and math.isfinite(v))
            else None if type(v) is float else jsonable(v) for v in vals]


def jsonable(obj: Any) -> Any:
    """Make frames, numpy scalars and NaN JSON-safe."""
    if isinstance(obj, pd.DataFrame):
        # Column-wise: ``tolist`` makes Python scalars in C; only missing, infinite and container cells
        # need a look, and ``dict(zip())`` builds the rows. Several times faster than per-cell recursion.
        cols = [str(c) for c in obj.columns]
        return [dict(zip(cols, row, strict=True)) for row in zip(*(_column(obj.iloc[:, i]) for i in range(len(cols))),
                                                                 strict=True)] if cols else [{}] * len(obj)
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set)):
        return [jsonable(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):
        try:
            obj = obj.item()
        except (ValueError, AttributeError):
            obj = str(obj)
    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    if obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, (str, int, float, bool)) or obj is None:
        return obj
    return str(obj)


def json_response(data: Any, status: int = 200) -> Response:
    """Compact JSON with NaN as null."""
    body = json.dumps(jsonable(data), ensure_ascii=False, separators=(",", ":"))
    return Response(body, status_code=status, media_type="application/json")


def csv_response(df: pd.DataFrame, name: str) -> Response:
    """A CSV download (text cells that a spreadsheet would run as formulas start with an apostrophe)."""
    from wsis.registry.cells import neutralise_frame

    buf = io.StringIO()
    neutralise_frame(df).to_csv(buf, index=False)
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}.csv"'})


def page_format(request: Request) -> str:
    """The requested twin: html (default), json or csv; anything else is a 400."""
    fmt = request.query_params.get("format", "html")
    if fmt not in FORMATS:
        raise WsisError("bad-format", f"unknown format {fmt!r}", column="format", expected="html, json or csv")
    return fmt


def base_context(ctx, title: str) -> dict[str, Any]:
    """What every template needs: language, direction, gettext, URL helper and formatters."""
    lang = ctx.lang
    path = ctx.request.url.path
    query = ctx.request.url.query
    here = path + ("?" + query if query else "")
    return {"lang": lang, "dir": "rtl" if lang in RTL else "ltr", "_": gettext_for(lang), "url": ctx.url,
            "title": title, "num": lambda v, d=1: fmt_number(v, lang, d), "here": here,
            "lang_url": lambda lg: here if lg == "en" else f"/{lg}{here}",
            "release_id": _safe_release_id(ctx), "twin": lambda fmt: _twin(ctx, fmt)}


def _safe_release_id(ctx) -> str | None:
    try:
        return ctx.release.id
    except WsisError:
        return None


def _twin(ctx, fmt: str) -> str:
    params = dict(ctx.request.query_params)
    params["format"] = fmt
    from urllib.parse import urlencode
    return ctx.url(ctx.request.url.path) + "?" + urlencode(params)


def respond(ctx, template: str, title: str, context: dict[str, Any], data: Any = None,
            table: pd.DataFrame | None = None, name: str = "data") -> Response:
    """Render a page, or its JSON (``data``, or what ``data()`` returns) or CSV (``table``) twin, as the
    ``format`` parameter asks."""
    fmt = page_format(ctx.request)
    if fmt == "json":
        data = data() if callable(data) else data  # a callable: what only the JSON twin needs, made for it
        return json_response({"release": _safe_release_id(ctx), "title": title, "data": data})
    if fmt == "csv":
        return csv_response(table if table is not None else pd.DataFrame(), name)
    html = env.get_template(template).render(**base_context(ctx, title), **context)
    return HTMLResponse(html)


def render_part(template: str, ctx, title: str, context: dict[str, Any]) -> str:
    """A template that makes one part of a page, with the context every page has (``respond`` puts the
    part into its page)."""
    return env.get_template(template).render(**base_context(ctx, title), **context)


def error_page(request: Request, err: WsisError) -> Response:
    """An HTML error page (the pages' counterpart of problem+json)."""
    from wsis.web.deps import get_ctx

    ctx = get_ctx(request)
    _ = gettext_for(ctx.lang)
    ctx_dict = base_context(ctx, _("Error"))
    ctx_dict["release_id"] = None
    html = env.get_template("error.html").render(**ctx_dict, err=err)
    return HTMLResponse(html, status_code=err.status)
