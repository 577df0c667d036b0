"""The JSON/CSV API under /api/v1 (documented in the OpenAPI document at /api/v1/openapi.json).

Lists come in an envelope ``{data, count, next}``; ``format=csv`` gives the same rows as CSV; errors are
problem+json.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel

from wsis import query as data
from wsis.errors import WsisError
from wsis.web.deps import Ctx, get_ctx
from wsis.web.render import csv_response, json_response


def reject_unknown_parameters(request: Request) -> None:
    """A misspelt filter (``?area=KEN`` for ``?areas=KEN``) is a 400, never silently ignored."""
    route = request.scope.get("route")
    if route is None or not hasattr(route, "dependant"):
        return
    allowed, todo = {"format"}, [route.dependant]
    while todo:  # the route's own query parameters and those of its dependencies
        dep = todo.pop()
        allowed |= {p.alias for p in dep.query_params}
        todo += dep.dependencies
    unknown = sorted(k for k in request.query_params if k not in allowed)
    if unknown:
        raise WsisError("unknown-parameter", f"unknown query parameter {unknown[0]!r}", column=unknown[0],
                        expected="one of " + ", ".join(sorted(allowed)), status=400)


router = APIRouter(prefix="/api/v1", tags=["open data"], dependencies=[Depends(reject_unknown_parameters)])
CODE = r"^[A-Za-z0-9_\-]{1,40}$"
Fmt = Annotated[Literal["json", "csv"], Query(description="json (default) or csv")]
Limit = Annotated[int, Query(ge=1, le=10000, description="page size")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="rows to skip")]
Codes = Annotated[str | None, Query(max_length=2000, pattern=r"^[A-Za-z0-9_\-,]*$",
                                    description="comma-separated codes")]
Dim = Annotated[str | None, Query(max_length=40, pattern=CODE)]


class Envelope(BaseModel):
    """A page of rows."""

    data: list[dict]
    count: int
    next: str | None = None


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str


ERRORS = {400: {"model": Problem, "description": "bad parameter"},
          404: {"model": Problem, "description": "not found"}}


def envelope(request: Request, df: pd.DataFrame | list, count: int, limit: int, offset: int, fmt: str, name: str):
    """Wrap rows as {data, count, next} (or CSV)."""
    frame = df if isinstance(df, pd.DataFrame) else pd.DataFrame(df)
    if fmt == "csv":
        return csv_response(frame, name)
    nxt = None
    if offset + len(frame) < count:
        params = dict(request.query_params)
        params["offset"] = str(offset + limit)
        nxt = f"{request.url.path}?{urlencode(params)}"
    return json_response({"data": frame, "count": int(count), "next": nxt})


def _split(raw: str | None) -> list[str] | None:
    return [c for c in (raw or "").split(",") if c] or None


def _page(items: list, limit: int, offset: int) -> list:
    return items[offset:offset + limit]


@router.get("/observations", response_model=Envelope, responses=ERRORS)
def observations(request: Request, ctx: Ctx = Depends(get_ctx), indicator: Dim = None, areas: Codes = None,
                 start: Annotated[int | None, Query(ge=1900, le=2100)] = None,
                 end: Annotated[int | None, Query(ge=1900, le=2100)] = None,
                 SEX: Dim = None, AGE: Dim = None, URBANISATION: Dim = None, INCOME_WEALTH_QUANTILE: Dim = None,
                 EDUCATION_LEV: Dim = None, DISABILITY_STATUS: Dim = None, TYPE_SKILL: Dim = None,
                 TYPE_SPEED: Dim = None, GEO_SCOPE: Dim = None,
                 datasets: Annotated[str | None, Query(max_length=2000)] = None,
                 all_vintages: bool = False, limit: Limit = 1000, offset: Offset = 0, format: Fmt = "json"):
    """Observations filtered on every dimension (the preferred vintage unless ``all_vintages``)."""
    dims = {k: v for k, v in dict(SEX=SEX, AGE=AGE, URBANISATION=URBANISATION,
                                  INCOME_WEALTH_QUANTILE=INCOME_WEALTH_QUANTILE, EDUCATION_LEV=EDUCATION_LEV,
                                  DISABILITY_STATUS=DISABILITY_STATUS, TYPE_SKILL=TYPE_SKILL,
                                  TYPE_SPEED=TYPE_SPEED, GEO_SCOPE=GEO_SCOPE).items() if v is not None}
    rel = ctx.release
    if start is not None and end is not None and start > end:
        raise WsisError("bad-period", f"start {start} is after end {end}", column="start", expected="start <= end")
    kw = dict(indicator=indicator, areas=_split(areas), dims=dims, start=start, end=end,
              datasets=[d for d in (datasets or "").split(",") if d] or None, all_vintages=all_vintages)
    df, count = data.observations(rel, **kw, limit=limit, offset=offset)
    return envelope(request, df, count, limit, offset, format, "observations")


@router.get("/indicators", response_model=Envelope, responses=ERRORS)
def indicators(request: Request, ctx: Ctx = Depends(get_ctx), limit: Limit = 1000, offset: Offset = 0,
               format: Fmt = "json"):
    """The indicators of the current release."""
    df = data.indicators(ctx.release).copy()
    df["action_lines"] = df["action_lines"].map(lambda v: ",".join(v) if v is not None else "")
    return envelope(request, df.iloc[offset:offset + limit], len(df), limit, offset, format, "indicators")


@router.get("/indicators/{code}", responses=ERRORS)
def indicator(code: Annotated[str, Path(pattern=CODE, max_length=40)], ctx: Ctx = Depends(get_ctx)):
    """One indicator with its sources and 2030 target."""
    row = data.indicator_row(ctx.release, code)
    return json_response({**row, "sources": data.sources_of(ctx.release, code), "target": data.target_for(ctx.release, code)})


@router.get("/areas", response_model=Envelope, responses=ERRORS)
def areas(request: Request, ctx: Ctx = Depends(get_ctx),
          kind: Annotated[Literal["country", "group"] | None, Query()] = None,
          lang: Annotated[Literal["ar", "en", "es", "fr", "ru", "zh"], Query()] = "en",
          limit: Limit = 1000, offset: Offset = 0, format: Fmt = "json"):
    """Countries and groups, with names in a UN language."""
    df = data.areas(ctx.release).copy()
    if kind:
        df = df[df["kind"] == kind]
    nm = data.names(ctx.release, lang)
    df["name"] = df["code"].map(lambda c: nm.get(c, c))
    return envelope(request, df.iloc[offset:offset + limit], len(df), limit, offset, format, "areas")


@router.get("/groups", response_model=Envelope, responses=ERRORS)
def groups(request: Request, ctx: Ctx = Depends(get_ctx), limit: Limit = 1000, offset: Offset = 0,
           format: Fmt = "json"):
    """Country groups with their members."""
    rel = ctx.release
    a = data.areas(rel)
    rows = [{"code": c, "group_type": t, "name": n, "members": ",".join(data.members(rel, c))}
            for c, t, n in zip(a["code"], a["group_type"], a["name"], strict=False) if isinstance(t, str)]
    return envelope(request, _page(rows, limit, offset), len(rows), limit, offset, format, "groups")


@router.get("/gaps", response_model=Envelope, responses=ERRORS)
def gaps(request: Request, ctx: Ctx = Depends(get_ctx), indicator: Dim = None, limit: Limit = 1000,
         offset: Offset = 0, format: Fmt = "json"):
    """Digital-divide gaps: the headline gaps computed at build time (latest year per gap and area).
    ``indicator`` keeps the gaps of one base indicator (IT_USE_ii99) or one gap (IT_USE_ii99_HIC_LIC_PP)."""
    df = data.headline_gaps(ctx.release)
    if indicator:
        df = df[(df["base_indicator"] == indicator) | (df["gap"] == indicator)]
    return envelope(request, df.iloc[offset:offset + limit], len(df), limit, offset, format, "gaps")


@router.get("/progress", response_model=Envelope, responses=ERRORS)
def progress(request: Request, ctx: Ctx = Depends(get_ctx), area: Dim = None, indicator: Dim = None,
             limit: Limit = 1000, offset: Offset = 0, format: Fmt = "json"):
    """Progress toward the 2030 targets (empty when this release has no progress assessment)."""
    df = data.progress(ctx.release, area=area, indicator=indicator)
    return envelope(request, df.iloc[offset:offset + limit], len(df), limit, offset, format, "progress")


@router.get("/targets", response_model=Envelope, responses=ERRORS)
def targets(request: Request, ctx: Ctx = Depends(get_ctx), limit: Limit = 1000, offset: Offset = 0,
            format: Fmt = "json"):
    """The 2030 targets with their citations."""
    df = data.targets(ctx.release)
    return envelope(request, df.iloc[offset:offset + limit], len(df), limit, offset, format, "targets")


@router.get("/action-lines", response_model=Envelope, responses=ERRORS)
def action_lines(request: Request, ctx: Ctx = Depends(get_ctx), limit: Limit = 1000, offset: Offset = 0,
                 format: Fmt = "json"):
    """The WSIS action lines (C7 sub-lines included) with their linked SDG targets and indicators."""
    fw = ctx.frameworks
    inds = data.indicators(ctx.release)
    rows = []
    for code in fw.action_line_codes():
        al = fw.action_line(code)
        base = code.split("-")[0]
        m = fw.matrix[fw.matrix["action_line"] == base]
        rows.append({"code": code, "title": al["title"], "description": al.get("short_description"),
                     "sdg_targets": ",".join(sorted({t for t in m["sdg_target"] if t})),
                     "indicators": ",".join(i for i, a in zip(inds["INDICATOR"], inds["action_lines"], strict=False)
                                            if a is not None and base in list(a)),
                     "paragraphs": ",".join(str(p["para"]) for p in fw.paragraphs_for_action_line(code))})
    return envelope(request, _page(rows, limit, offset), len(rows), limit, offset, format, "action-lines")


@router.get("/releases", response_model=Envelope, responses=ERRORS)
def releases(request: Request, ctx: Ctx = Depends(get_ctx), limit: Limit = 100, offset: Offset = 0,
             format: Fmt = "json"):
    """Every published release, newest first."""
    rows = data.list_releases(ctx.settings)
    return envelope(request, _page(rows, limit, offset), len(rows), limit, offset, format, "releases")
