"""Home, indicator list, indicator page and comparison page."""

from __future__ import annotations

import re

import pandas as pd
from fastapi import APIRouter, Depends
from markupsafe import Markup

from wsis import query as data
from wsis.errors import WsisError
from wsis.web import beyond, charts
from wsis.web.deps import Ctx, get_ctx
from wsis.web.i18n import RTL
from wsis.web.labels import DIM_LABELS, NONE_RECORDED, code_label, source_kind_label, unit_label
from wsis.web.render import render_part, respond

router = APIRouter(include_in_schema=False)
CODE_RE = re.compile(r"^[A-Za-z0-9_]{2,12}$")
MAX_AREAS = 12
HOME_GROUPS = ["WLD", "HIC", "UMC", "LMC", "LIC", "LDC", "LLDC", "SIDS"]
QUICK = [("World and income groups", "WLD,HIC,UMC,LMC,LIC"), ("LDC, LLDC, SIDS", "WLD,LDC,LLDC,SIDS"),
         ("East Africa", "KEN,UGA,TZA,RWA,ETH")]


def parse_areas(ctx: Ctx, raw: str | None, default: list[str]) -> list[str]:
    """Validate a comma-separated list of area codes (400 on malformed or unknown codes)."""
    if raw is None or not raw.strip():
        return default
    codes = [c.strip().upper() if len(c.strip()) == 3 else c.strip() for c in raw.split(",") if c.strip()]
    if len(codes) > MAX_AREAS:
        raise WsisError("too-many-areas", f"{len(codes)} areas requested", column="areas",
                        expected=f"at most {MAX_AREAS} codes")
    known = set(data.areas(ctx.release)["code"])
    for c in codes:
        if not CODE_RE.match(c) or c not in known:
            raise WsisError("unknown-area", f"unknown area code {c[:20]!r}", column="areas",
                            expected="ISO3 or group codes such as KEN,UGA,LDC")
    return list(dict.fromkeys(codes))


def chosen_dims(ctx: Ctx) -> dict[str, str]:
    """Dimension values chosen in the query string (SEX=F, URBANISATION=R...)."""
    return {d: ctx.request.query_params[d] for d in data.DISAGG if d in ctx.request.query_params}


def line_svg(ctx: Ctx, code: str, area_codes: list[str], dims: dict[str, str], unit: str, target=None,
             breaks=()):
    """The line chart of an indicator for some areas, plus its table rows (year x area); ``breaks`` are the
    years a new method starts (no line crosses them)."""
    rel = ctx.release
    df = data.series(rel, code, area_codes, dims)
    nm = data.names(rel, ctx.lang)
    if df.empty:
        return None, [], []
    order = {c: i for i, c in enumerate(area_codes)}  # series in selection order, whatever the language
    # plain Python on the few rows of a chart: pandas' assign and sort cost more than the chart itself
    codes, years_, values = df["REF_AREA"].tolist(), df["TIME_PERIOD"].tolist(), df["OBS_VALUE"].tolist()
    ix = sorted(range(len(codes)), key=lambda i: (order[codes[i]], years_[i]))
    df = pd.DataFrame({"series": [nm.get(codes[i], codes[i]) for i in ix], "code": [codes[i] for i in ix],
                       "year": [years_[i] for i in ix], "value": [values[i] for i in ix]})
    svg = charts.line_chart(rel.id, df, unit_label(unit, ctx._), target=target, lang=ctx.lang, breaks=breaks,
                            break_label=ctx._("Series break"))
    # the data table: the last 25 years, newest first, one column per area (plain Python: a pandas pivot
    # cost more than the whole chart)
    names = list(dict.fromkeys(df["series"].tolist()))
    cells: dict[tuple[int, str], float] = {}
    for n, y, v in zip(df["series"].tolist(), df["year"].tolist(), df["value"].tolist(), strict=True):
        if v is not None and v == v:
            cells.setdefault((int(y), n), float(v))
    years = sorted({y for y, _ in cells})[-25:]
    return svg, names, [(y, [cells.get((y, n)) for n in names]) for y in reversed(years)]


def _map_codes(rel) -> tuple[dict[str, str], list[str]]:
    """Country code -> M49 code, and the small-island states (drawn as points on the map)."""
    areas_df = data.areas(rel)
    countries = areas_df[areas_df["kind"] == "country"]
    m49 = {r.code: r.m49 for r in countries.itertuples() if isinstance(r.m49, str)}
    return m49, [r.code for r in countries.itertuples() if r.sids is True or str(r.sids) == "True"]


@router.get("/")
def home(ctx: Ctx = Depends(get_ctx)):
    """The divides at a glance."""
    _ = ctx._
    rel = ctx.release
    nm = data.names(rel, ctx.lang)
    inds = data.indicator_names(rel, ctx.lang)
    gaps = data.headline_gaps(rel)
    rows = [{**g, "name": inds.get(g["gap"], g["gap"]), "area_name": nm.get(g["area"], g["area"])}
            for g in gaps.to_dict(orient="records")]
    lat = data.latest(rel, "IT_USE_ii99", data.default_dims(rel, "IT_USE_ii99")) if "IT_USE_ii99" in inds else None
    chart = chart_rows = None
    if lat is not None and not lat.empty:
        sel = lat[lat["REF_AREA"].isin(HOME_GROUPS)].set_index("REF_AREA").reindex(HOME_GROUPS).dropna(subset=["OBS_VALUE"])
        chart_rows = [{"code": c, "name": nm.get(c, c), "year": int(r["TIME_PERIOD"]), "value": float(r["OBS_VALUE"])}
                      for c, r in sel.iterrows()]
        if chart_rows:
            chart = charts.bar_chart(rel.id, pd.DataFrame([{"label": r["name"], "value": r["value"], "code": r["code"]}
                                                           for r in chart_rows]), _("Percent"), rtl=ctx.lang in RTL,
                                     lang=ctx.lang)
    title = _("The digital divides at a glance")
    ctx_dict = {"gaps": rows, "chart": chart, "chart_rows": chart_rows or [],
                "chart_title": _("Individuals using the Internet, by group (%)"),
                "chart_desc": _("Latest year available for each group; high-income economies are far ahead of the least developed countries."),
                "n_ind": len(inds), "n_countries": int((data.areas(rel)["kind"] == "country").sum()),
                "beyond": beyond.home_rows(ctx)}
    return respond(ctx, "home.html", title, ctx_dict, data={"gaps": rows, "internet_use_by_group": chart_rows,
                                                             "beyond_connectivity": ctx_dict["beyond"]},
                   table=pd.DataFrame(rows), name="headline-gaps")


@router.get("/indicators")
def indicator_list(ctx: Ctx = Depends(get_ctx)):
    """Every indicator of the release."""
    rel = ctx.release
    df = data.indicators(rel).copy()
    df["name"] = df["INDICATOR"].map(data.indicator_names(rel, ctx.lang))
    span = data.indicator_spans(rel)
    df = df.merge(span, on="INDICATOR", how="left")
    df["action_lines"] = df["action_lines"].map(lambda v: list(v) if v is not None else [])
    df["unit_name"] = df["unit"].map(lambda u: unit_label(u, ctx._))
    rows = [{k: (None if k == "sdg" and pd.isna(v) else v) for k, v in r.items()} for r in df.to_dict(orient="records")]
    return respond(ctx, "indicators.html", ctx._("Indicators"), {"rows": rows}, data=rows,
                   table=df.drop(columns=["action_lines"]), name="indicators")


@router.get("/indicators/{code}")
def indicator_page(code: str, ctx: Ctx = Depends(get_ctx)):
    """One indicator: line chart, map, table, selectors, metadata, progress and downloads."""
    _ = ctx._
    rel = ctx.release
    dims = data.default_dims(rel, code, chosen_dims(ctx))
    area_codes = parse_areas(ctx, ctx.request.query_params.get("areas"), [])
    part = indicator_values(ctx, code, dims, ctx.request.query_params.get("year"))
    ind, target = part["ind"], part["target"]
    area_codes = area_codes or part["default_areas"]
    tval = None
    if target:
        try:
            tval = float(target.get("target", target.get("value")))
        except (TypeError, ValueError):
            tval = None
    line, line_areas, line_rows = line_svg(ctx, code, area_codes, dims, ind["unit"], tval, part["breaks"])
    nm = data.names(rel, ctx.lang)
    title = ind["name"]
    names_sel = ", ".join(nm.get(a, a) for a in area_codes)
    ctx_dict = {
        "ind": ind, "areas_param": ",".join(area_codes), "years": part["years"], "year": part["year"],
        "dims": part["dims"], "sel": dims, "dim_labels": DIM_LABELS, "code_label": lambda c: code_label(c, _),
        "quick": [(_(label), codes) for label, codes in QUICK],
        "line": line, "line_areas": line_areas, "line_rows": line_rows,
        "line_title": f"{title}: {names_sel}", "line_desc": _("Values over time, one line per area.") + " "
        + part["unit"] + ".", "values_html": part["html"],
    }
    def out() -> dict:
        return {"indicator": ind, "selection": dims, "areas": area_codes, "year": part["year"],
                "values": part["table"], "series": data.series(rel, code, area_codes, dims),
                "sources": part["sources"], "target": target}
    return respond(ctx, "indicator.html", title, ctx_dict, data=out, table=pd.DataFrame(part["table"]), name=code)


_VALUES = data.LruMemo(256)  # indicator x language x breakdown x year parts kept per process (about 40 KB each)


def indicator_values(ctx: Ctx, code: str, dims: dict[str, str], year_q: str | None) -> dict:
    """Everything on an indicator page that the chart's areas do not change: the map, the table of values
    by country, the metadata and sources, rendered once per release, language, breakdown and map year (so
    a new selection of areas only draws its line chart)."""
    key = (ctx.release.id, code, ctx.lang, tuple(sorted(dims.items())), year_q)
    return _VALUES.get(key, lambda: _indicator_values(ctx, code, dims, year_q))


def _indicator_values(ctx: Ctx, code: str, dims: dict[str, str], year_q: str | None) -> dict:
    _ = ctx._
    rel = ctx.release
    ind = data.translated(rel, data.indicator_row(rel, code), ctx.lang)
    nm = data.names(rel, ctx.lang)
    lat_all = data.latest(rel, code, dims)
    have = set(lat_all["REF_AREA"]) if not lat_all.empty else set()
    default = [a for a in ("WLD", "HIC", "LIC", "LDC") if a in have] or sorted(have)[:4]
    target = data.target_for(rel, code)
    breaks = list(ind.get("breaks") or [])
    # Countries with a value per year, for the selected breakdown (groups and sub-series not counted).
    years_df = data.country_years(rel, code, dims)
    years = [int(y) for y in years_df["y"]][::-1][:30]
    if year_q is not None:
        if not year_q.isdigit() or int(year_q) not in years:
            raise WsisError("bad-year", f"no data for year {year_q[:10]!r}", column="year",
                            expected="one of " + ", ".join(map(str, years[:10])))
        year = int(year_q)
    else:  # the most recent year with at least half the best coverage
        best = years_df["n"].max() if not years_df.empty else 0
        ok = years_df[years_df["n"] >= best / 2]
        year = int(ok["y"].max()) if not ok.empty else (years[0] if years else None)
    in_year = data.latest(rel, code, dims, year) if year else pd.DataFrame()
    m49, islands = data.memo(("map-codes", rel.id), lambda: _map_codes(rel))
    cvals = {} if in_year.empty else {a: v for a, v in zip(in_year["REF_AREA"], in_year["OBS_VALUE"], strict=False)
                                       if a in m49 and pd.notna(v)}
    unit = unit_label(ind["unit"], _)
    map_svg = charts.choropleth(rel.id, cvals, m49, islands, data.world_map(rel), unit,
                                reverse=ind.get("higher_is_better") is False, lang=ctx.lang) if cvals else None
    prog = data.progress(rel, indicator=code)
    status = {}
    if prog is not None and not prog.empty and "category" in prog.columns:
        status = dict(zip(prog["area"], prog["category"], strict=False))
    table = sorted(value_rows(ctx, in_year, nm, status, m49), key=lambda r: r["name"])
    kinds = sorted({r["kind"] for r in table if r["kind"]})
    sdg = ctx.frameworks.sdg_title(ind["sdg"], ctx.lang) if ind.get("sdg") else None
    sources = [{**s, "kind": source_kind_label(s.get("source_kind"), _,
                                                "disputed" if "disputed" in str(ind.get("caveat") or "") else None)}
               for s in data.sources_of(rel, code).to_dict(orient="records")]
    vals = data.dim_values(rel, code)
    values = {
        "ind": ind, "breaks": breaks, "kinds": kinds, "map": map_svg, "map_title": f"{ind['name']}, {year}",
        "map_desc": _("World map shaded by value; grey means no data.") + " " + _("The table below lists every value."),
        "table": table, "progress_available": bool(status), "sdg": sdg, "target": data.target_text(target, ctx.lang),
        "unit_name": unit, "sources": sources, "kind_column": len({r["kind"] for r in table}) > 1,
    }
    html = Markup(render_part("indicator_values.html", ctx, ind["name"], values))
    return {"ind": ind, "target": target, "breaks": breaks, "default_areas": default, "years": years, "year": year,
            "dims": [(d, vals[d]) for d in data.DISAGG if len(vals.get(d, [])) > 1], "unit": unit,
            "table": table, "sources": sources, "html": html}


def value_rows(ctx: Ctx, df: pd.DataFrame, nm: dict, status: dict, keep) -> list[dict]:
    """Table rows (country, year, value, progress, source kind, "none recorded") of latest values."""
    _ = ctx._
    if df.empty:
        return []
    kinds = df["source_kind"] if "source_kind" in df.columns else [None] * len(df)
    notes = df["COMMENT_OBS"] if "COMMENT_OBS" in df.columns else [None] * len(df)
    return [{"code": a, "name": nm.get(a, a), "year": int(y), "value": float(v),
             "status": _(str(status[a])) if a in status else None,
             "kind": source_kind_label(k, _, c), "none": c == NONE_RECORDED and float(v) == 0}
            for a, y, v, k, c in zip(df["REF_AREA"], df["TIME_PERIOD"], df["OBS_VALUE"], kinds, notes, strict=True)
            if a in keep and pd.notna(v)]


@router.get("/compare")
def compare(ctx: Ctx = Depends(get_ctx)):
    """Areas side by side for one indicator."""
    _ = ctx._
    rel = ctx.release
    code = ctx.request.query_params.get("indicator", "IT_USE_ii99")
    ind = data.translated(rel, data.indicator_row(rel, code), ctx.lang)
    area_codes = parse_areas(ctx, ctx.request.query_params.get("areas"), ["KEN", "UGA", "WLD"])
    dims = data.default_dims(rel, code, chosen_dims(ctx))
    line, _a, _r = line_svg(ctx, code, area_codes, dims, ind["unit"])
    nm = data.names(rel, ctx.lang)
    df = data.series(rel, code, area_codes, dims)
    countries = set(data.areas(rel).query("kind == 'country'")["code"])
    rows = []
    for a in area_codes:
        s = df[df["REF_AREA"] == a].sort_values("TIME_PERIOD")
        first = s.iloc[0] if not s.empty else None
        last = s.iloc[-1] if not s.empty else None
        rows.append({"code": a, "name": nm.get(a, a), "href": ("/areas/" if a in countries else "/groups/") + a,
                     "year": None if last is None else int(last["TIME_PERIOD"]),
                     "value": None if last is None else last["OBS_VALUE"],
                     "first_year": None if first is None else int(first["TIME_PERIOD"]),
                     "first_value": None if first is None else first["OBS_VALUE"],
                     "change": None if last is None else last["OBS_VALUE"] - first["OBS_VALUE"]})
    title = _("Compare") + ": " + ind["name"]
    ind_names = data.indicator_names(rel, ctx.lang)
    options = [{"INDICATOR": c, "name": ind_names.get(c, c)} for c in data.indicators(rel)["INDICATOR"]]
    ctx_dict = {"areas_param": ",".join(area_codes), "indicators": options,
                "ind": ind, "line": line, "line_title": ind["name"] + ": " + ", ".join(r["name"] for r in rows),
                "line_desc": _("Values over time, one line per area.") + " " + unit_label(ind["unit"], _) + ".",
                "rows": rows}
    return respond(ctx, "compare.html", title, ctx_dict, data={"indicator": code, "areas": rows, "series": df},
                   table=df, name=f"compare-{code}")
