"""SDMX REST 2.1 under /sdmx: dataflow, datastructure, codelist, conceptscheme and data/{flow}/{key}.

Answers are SDMX-ML 2.1 (structure-specific data by default, generic data on request) or, for data,
SDMX-CSV 1.0 when the Accept header asks for ``application/vnd.sdmx.data+csv`` or ``format=csv`` is given.
Query parameters are checked in ``params``; data messages are built in ``datamsg``; ``schema``,
``availableconstraint`` and the 501 answers live in ``resources``; errors are SDMX-ML error messages.
"""

from __future__ import annotations

import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from wsis.errors import WsisError
from wsis.query import Release
from wsis.web.deps import Ctx, get_ctx
from wsis.web.sdmx import datamsg as dm
from wsis.web.sdmx import history as sdmx_history
from wsis.web.sdmx import messages as m
from wsis.web.sdmx import params as p
from wsis.web.sdmx.resources import router as resources_router
from wsis.web.sdmx.select import observations_for, parse_key

router = APIRouter(prefix="/sdmx", include_in_schema=False, route_class=p.SdmxRoute)
XML = "application/vnd.sdmx.structure+xml; version=2.1"


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
    p.structure_params(request)
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


@router.get("/data/{flow}")
@router.get("/data/{flow}/{key}")
@router.get("/data/{flow}/{key}/{provider}")
def data(request: Request, flow: str, key: str = "all", provider: str = "all", ctx: Ctx = Depends(get_ctx)):
    """Observations for a key in SDMX-ML or SDMX-CSV, with every SDMX 2.1 data-query parameter honoured."""
    flow_id = flow.split(",")[1] if flow.count(",") >= 1 else flow
    if flow_id != m.FLOW:
        raise WsisError("sdmx-not-found", f"no dataflow {flow[:40]!r}", column="flow", expected=m.FLOW, status=404)
    q = p.data_query(request)
    if provider not in ("all", "ALL"):
        raise WsisError("sdmx-no-results", f"no data provider {provider[:40]!r}", column="providerRef",
                        status=404, hint="this service has no data providers: use all")
    sel = parse_key(key)

    def select(rel: Release) -> pd.DataFrame:
        return observations_for(rel, sel, q.start, q.end)

    if q.uses_history:
        return sdmx_history.respond(ctx.settings, ctx.release.id, select, q)
    df = p.limit_per_series(select(ctx.release), q.first_n, q.last_n)
    if df.empty:
        raise WsisError("sdmx-no-results", "no observations match the query", column="key", status=404,
                        hint="SDMX REST answers 404 for an empty result")
    return dm.respond([dm.DataSetPart(df)], q)


router.include_router(resources_router)
