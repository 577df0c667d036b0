"""Country profiles and group pages."""

from __future__ import annotations

import pandas as pd
from fastapi import APIRouter, Depends

from wsis import query as data
from wsis.errors import WsisError
from wsis.web import beyond, charts
from wsis.web.deps import Ctx, get_ctx
from wsis.web.labels import source_kind_label, unit_label
from wsis.web.pages.registry_part import registry_block, registry_html
from wsis.web.render import respond

router = APIRouter(include_in_schema=False)
GROUP_KINDS = [("income", "Income groups"), ("un_group", "UN country groups"), ("world", "World"),
               ("itu_region", "ITU regions"), ("wb_region", "World Bank regions"), ("m49_region", "UN regions"),
               ("m49_subregion", "UN subregions")]
INCOME = ("HIC", "UMC", "LMC", "LIC")
GAP_UNITS = ("PT", "PER_100_POP", "INDEX")  # gaps in points make sense for rates, not for counts or prices


@router.get("/areas")
def area_list(ctx: Ctx = Depends(get_ctx)):
    """Every country and territory."""
    rel = ctx.release
    nm = data.names(rel, ctx.lang)
    a = data.areas(rel)
    rows = sorted(({"code": c, "name": nm.get(c, c)} for c in a[a["kind"] == "country"]["code"]),
                  key=lambda r: r["name"])
    return respond(ctx, "areas.html", ctx._("Countries and territories"), {"rows": rows}, data=rows,
                   table=pd.DataFrame(rows), name="areas")


@router.get("/areas/{iso3}")
def area_page(iso3: str, ctx: Ctx = Depends(get_ctx)):
    """A country profile: every indicator, gaps to the world and the income group, progress toward 2030."""
    _ = ctx._
    rel = ctx.release
    row = data.area_row(rel, iso3)
    if row["kind"] != "country":
        raise WsisError("not-a-country", f"{iso3} is a group", column="iso3", expected="a country code",
                        hint=f"see /groups/{iso3}", status=404)
    nm = data.names(rel, ctx.lang)
    inds = data.indicators(rel).set_index("INDICATOR")
    ind_names = data.indicator_names(rel, ctx.lang)
    own = data.area_indicators(rel, iso3)
    world = data.area_indicators(rel, "WLD").set_index("INDICATOR")
    grps = data.groups_of(rel, iso3)
    inc = next((g for g in grps if g in INCOME), None)
    incdf = data.area_indicators(rel, inc).set_index("INDICATOR") if inc else pd.DataFrame()
    prog = data.progress(rel, area=iso3)
    status = {}
    if prog is not None and not prog.empty and "category" in prog.columns:
        status = dict(zip(prog["indicator"], prog["category"], strict=False))
    kinds = data.source_kinds(rel, iso3)
    rows = []
    for r in own.to_dict(orient="records"):
        code = r["INDICATOR"]
        caveat = inds["caveat"].get(code) if "caveat" in inds.columns else None  # "... disputed method"
        kind = source_kind_label(kinds.get(code), _, caveat)

        def gap(ref: pd.DataFrame, code: str = code, r: dict = r):
            if inds["unit"].get(code) not in GAP_UNITS or ref.empty or code not in ref.index:
                return None
            if int(ref.loc[code, "year"]) != int(r["year"]):
                return None
            return float(r["value"]) - float(ref.loc[code, "value"])
        rows.append({**r, "name": ind_names.get(code, code), "gap_world": gap(world), "gap_income": gap(incdf),
                     "status": _(str(status[code])) if code in status else None, "kind": kind or None})
    line = None
    if "IT_USE_ii99" in inds.index:
        codes = [iso3, "WLD"] + ([inc] if inc else [])
        df = data.series(rel, "IT_USE_ii99", codes, data.default_dims(rel, "IT_USE_ii99"))
        if not df.empty:
            order = {c: i for i, c in enumerate(codes)}
            df = df.assign(series=df["REF_AREA"].map(lambda c: nm.get(c, c)), code=df["REF_AREA"],
                           year=df["TIME_PERIOD"], value=df["OBS_VALUE"], o=df["REF_AREA"].map(order))
            df = df.sort_values(["o", "year"])
            line = charts.line_chart(rel.id, df, unit_label("PT", _), lang=ctx.lang)
    name = nm.get(iso3, iso3)
    block = registry_block(ctx, "country", iso3)
    ctx_dict = {"code": iso3, "rows": rows, "groups": [{"code": g, "name": nm.get(g, g)} for g in grps],
                "line": line, "line_title": _("Individuals using the Internet") + f": {name}",
                "line_desc": _("Compared with the world and the income group; the indicator table below gives every value."),
                "progress_available": bool(status), "beyond": beyond.area_rows(ctx, iso3),
                "registry_html": registry_html(ctx, f"/areas/{iso3}", block), "usd": block["usd"]}
    return respond(ctx, "area.html", name, ctx_dict, data={"area": row, "groups": grps, "indicators": rows,
                                                          "beyond_connectivity": ctx_dict["beyond"],
                                                          "commitments_usd": ctx_dict["usd"]},
                   table=pd.DataFrame(rows), name=iso3)


@router.get("/groups")
def group_list(ctx: Ctx = Depends(get_ctx)):
    """Country groups: income groups, LDC/LLDC/SIDS, regions."""
    _ = ctx._
    rel = ctx.release
    nm = data.names(rel, ctx.lang)
    a = data.areas(rel)
    n = data.group_sizes(rel)
    kinds = []
    for kind, label in GROUP_KINDS:
        sel = a[(a["kind"] == "group") & (a["group_type"] == kind)]
        rows = [{"code": c, "name": nm.get(c, c), "n": int(n.get(c, 0))} for c in sel["code"]]
        if rows:
            kinds.append((label, rows))
    flat = [{"kind": k, **r} for k, rows in kinds for r in rows]
    return respond(ctx, "groups.html", _("Groups"), {"kinds": kinds}, data=flat, table=pd.DataFrame(flat),
                   name="groups")


@router.get("/groups/{code}")
def group_page(code: str, ctx: Ctx = Depends(get_ctx)):
    """A group: members, the aggregates stored in the release, and coverage of each indicator."""
    rel = ctx.release
    row = data.area_row(rel, code)
    if row["kind"] != "group":
        raise WsisError("not-a-group", f"{code} is a country", column="code", expected="a group code such as LDC",
                        hint=f"see /areas/{code}", status=404)
    nm = data.names(rel, ctx.lang)
    inds = data.indicator_names(rel, ctx.lang)
    agg = data.area_indicators(rel, code)
    aggregates = [{**r, "name": inds.get(r["INDICATOR"], r["INDICATOR"])} for r in agg.to_dict(orient="records")]
    mem = data.members(rel, code)
    cov = data.group_coverage(rel, code)
    coverage = [{**r, "name": inds.get(r["indicator"], r["indicator"])} for r in cov.to_dict(orient="records")]
    members = sorted(({"code": m, "name": nm.get(m, m)} for m in mem), key=lambda r: r["name"])
    ctx_dict = {"code": code, "aggregates": aggregates, "coverage": coverage, "members": members}
    return respond(ctx, "group.html", nm.get(code, code), ctx_dict,
                   data={"group": row, "members": mem, "aggregates": aggregates, "coverage": coverage},
                   table=pd.DataFrame(aggregates), name=code)
