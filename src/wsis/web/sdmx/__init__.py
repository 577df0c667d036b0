"""SDMX REST 2.1 under /sdmx: dataflow, datastructure, codelist, conceptscheme and data/{flow}/{key}.

Answers are SDMX-ML 2.1 (structure-specific data) or, for data, SDMX-CSV 1.0 when the Accept header asks for
``application/vnd.sdmx.data+csv`` or ``format=csv`` is given.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from wsis.errors import WsisError
from wsis.web import data as data_svc
from wsis.web.deps import Ctx, get_ctx
from wsis.web.sdmx import messages as m

router = APIRouter(prefix="/sdmx", include_in_schema=False)
XML = "application/vnd.sdmx.structure+xml; version=2.1"
DATA_XML = "application/vnd.sdmx.structurespecificdata+xml; version=2.1"
CSV = "application/vnd.sdmx.data+csv; version=1.0.0; charset=utf-8"
PERIOD = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
KEYPART = re.compile(r"^[A-Za-z0-9_@$\-]*$")


def _check_artefact(agency: str, ident: str, version: str, known: list[str]) -> None:
    if agency not in (m.AGENCY, "all", "ALL"):
        raise WsisError("sdmx-not-found", f"no agency {agency[:40]!r}", column="agencyID", expected=m.AGENCY,
                        status=404)
    if ident not in ("all", "ALL", *known):
        raise WsisError("sdmx-not-found", f"no artefact {ident[:40]!r}", column="resourceID",
                        expected=", ".join(known[:20]), status=404)
    if version not in ("latest", "all", "+", "~", m.VERSION):
        raise WsisError("sdmx-not-found", f"no version {version[:20]!r}", column="version", expected=m.VERSION,
                        status=404)


def _refs(request: Request, default: str) -> str:
    refs = request.query_params.get("references", default)
    allowed = ("none", "parents", "parentsandsiblings", "children", "descendants", "all", "datastructure",
               "codelist", "conceptscheme", "dataflow")
    if refs not in allowed:
        raise WsisError("bad-parameter", f"unknown references value {refs[:30]!r}", column="references",
                        expected=", ".join(allowed))
    return refs


def _xml(body: str) -> Response:
    return Response(body, media_type=XML)


@router.get("/dataflow")
@router.get("/dataflow/{agency}")
@router.get("/dataflow/{agency}/{ident}")
@router.get("/dataflow/{agency}/{ident}/{version}")
def dataflow(request: Request, agency: str = "all", ident: str = "all", version: str = "latest",
             ctx: Ctx = Depends(get_ctx)):
    """The dataflow (with its structure and codelists when ``references`` asks for them)."""
    _check_artefact(agency, ident, version, [m.FLOW])
    refs = _refs(request, "none")
    deep = refs in ("all", "descendants", "children", "datastructure")
    full = refs in ("all", "descendants")
    return _xml(m.structure_message(ctx.release, flows=True, dsd=deep, concepts=full,
                                    cl_ids=m.all_codelist_ids() if full else []))


@router.get("/datastructure")
@router.get("/datastructure/{agency}")
@router.get("/datastructure/{agency}/{ident}")
@router.get("/datastructure/{agency}/{ident}/{version}")
def datastructure(request: Request, agency: str = "all", ident: str = "all", version: str = "latest",
                  ctx: Ctx = Depends(get_ctx)):
    """The data structure definition, with its codelists and concept scheme unless ``references=none``."""
    _check_artefact(agency, ident, version, [m.DSD])
    refs = _refs(request, "children")
    kids = refs != "none" and refs != "parents"
    return _xml(m.structure_message(ctx.release, flows=refs in ("parents", "parentsandsiblings", "all"), dsd=True,
                                    concepts=kids, cl_ids=m.all_codelist_ids() if kids else []))


@router.get("/codelist")
@router.get("/codelist/{agency}")
@router.get("/codelist/{agency}/{ident}")
@router.get("/codelist/{agency}/{ident}/{version}")
def codelist(request: Request, agency: str = "all", ident: str = "all", version: str = "latest",
             ctx: Ctx = Depends(get_ctx)):
    """One codelist, or all of them."""
    ids = m.all_codelist_ids()
    _check_artefact(agency, ident, version, ids)
    _refs(request, "none")
    return _xml(m.structure_message(ctx.release, flows=False, dsd=False, concepts=False,
                                    cl_ids=ids if ident in ("all", "ALL") else [ident]))


@router.get("/conceptscheme")
@router.get("/conceptscheme/{agency}")
@router.get("/conceptscheme/{agency}/{ident}")
@router.get("/conceptscheme/{agency}/{ident}/{version}")
def conceptscheme(request: Request, agency: str = "all", ident: str = "all", version: str = "latest",
                  ctx: Ctx = Depends(get_ctx)):
    """The concept scheme."""
    _check_artefact(agency, ident, version, ["CS_WSIS"])
    _refs(request, "none")
    return _xml(m.structure_message(ctx.release, flows=False, dsd=False, concepts=True, cl_ids=[]))


def parse_key(key: str) -> dict[str, list[str]]:
    """An SDMX key (``IT_USE_ii99.KEN+UGA....``) as dimension -> allowed values; empty parts are wildcards.
    Missing trailing parts are wildcards too."""
    if key in ("all", "ALL", ""):
        return {}
    parts = key.split(".")
    if len(parts) > len(m.SERIES_DIMS):
        raise WsisError("bad-key", f"key has {len(parts)} parts", column="key",
                        expected=f"at most {len(m.SERIES_DIMS)} dot-separated parts: " + ".".join(m.SERIES_DIMS))
    out = {}
    for dim, part in zip(m.SERIES_DIMS, parts, strict=False):
        if not KEYPART.match(part.replace("+", "")):
            raise WsisError("bad-key", f"malformed key part {part[:30]!r}", column=dim, expected="codes joined by +")
        if part:
            out[dim] = [p for p in part.split("+") if p]
    return out


def _year(v: str | None, name: str) -> int | None:
    if v is None:
        return None
    if not PERIOD.match(v):
        raise WsisError("bad-period", f"malformed {name} {v[:20]!r}", column=name, expected="YYYY, YYYY-MM or YYYY-MM-DD")
    return int(v[:4])


def representation(fmt: str, accept: str) -> str:
    """The negotiated data format: ``csv`` (``format=csv`` or a CSV ``Accept``) or ``xml``.

    The response cache keys on this, never on the raw header, so odd Accept headers share one entry.
    """
    return "csv" if fmt in ("csv", "csvfile", "sdmx-csv") or "csv" in accept else "xml"


@router.get("/data/{flow}")
@router.get("/data/{flow}/{key}")
@router.get("/data/{flow}/{key}/{provider}")
def data(request: Request, flow: str, key: str = "all", provider: str = "all", ctx: Ctx = Depends(get_ctx)):
    """Observations for a key, ``startPeriod``/``endPeriod`` filtered, in SDMX-ML or SDMX-CSV."""
    flow_id = flow.split(",")[1] if flow.count(",") >= 1 else flow
    if flow_id != m.FLOW:
        raise WsisError("sdmx-not-found", f"no dataflow {flow[:40]!r}", column="flow", expected=m.FLOW, status=404)
    q = request.query_params
    start, end = _year(q.get("startPeriod"), "startPeriod"), _year(q.get("endPeriod"), "endPeriod")
    sel = parse_key(key)
    rel = ctx.release
    single = {d: v[0] for d, v in sel.items() if len(v) == 1 and d not in ("INDICATOR", "REF_AREA")}
    inds = sel.get("INDICATOR") or [None]
    frames = [data_svc.observations(rel, i, areas=sel.get("REF_AREA"), dims=single, start=start, end=end)[0]
              if i else rel.observations(areas=sel.get("REF_AREA"), dims=single, start=start, end=end)
              for i in inds]
    import pandas as pd

    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    for d, vals in sel.items():
        if len(vals) > 1 and d not in ("INDICATOR", "REF_AREA"):
            df = df[df[d].isin(vals)]
    if df.empty:
        raise WsisError("sdmx-no-results", "no observations match the query", column="key", status=404,
                        hint="SDMX REST answers 404 for an empty result")
    if representation(q.get("format", ""), request.headers.get("accept", "")) == "csv":
        return Response(m.csv_message(df), media_type=CSV)
    return Response(m.data_message(df), media_type=DATA_XML)
