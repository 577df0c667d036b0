"""SDMX REST 2.1 ``/schema/`` and ``/availableconstraint/`` resources.

``/schema/{context}/{agency}/{id}/{version}`` serves the XSD of the structure-specific data message for the
data structure or the dataflow (``dimensionAtObservation`` picks the packaging). Metadata structures,
metadataflows and provision agreements answer 501: this service has none of them.

``/availableconstraint/{flow}/{key}/{provider}/{component}`` answers with an ``Actual`` content constraint
whose cube region lists the dimension values of the data the key selects (``mode=exact``) or that remain
valid choices for each dimension (``mode=available``), within ``startPeriod``/``endPeriod`` and, with
``updatedAfter``, among the observations changed since then (sdmx-rest v2_1/ws/rest/docs/4_6_1_other_queries.md).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from wsis.errors import WsisError
from wsis.query import Release
from wsis.query.history import timeline_changes
from wsis.web.deps import Ctx, get_ctx
from wsis.web.sdmx import messages as m
from wsis.web.sdmx import params as p
from wsis.web.sdmx.schema import TIME, obs_dimensions, schema_xsd
from wsis.web.sdmx.select import observations_for, parse_key

router = APIRouter(include_in_schema=False, route_class=p.SdmxRoute)
SCHEMA_XML = "application/vnd.sdmx.schema+xml; version=2.1"
STRUCTURE_XML = "application/vnd.sdmx.structure+xml; version=2.1"
SCHEMA_CONTEXTS = {"datastructure": m.DSD, "dataflow": m.FLOW}
UNSUPPORTED_CONTEXTS = ("metadatastructure", "metadataflow", "provisionagreement")
AVAILABILITY_PARAMS = ("startPeriod", "endPeriod", "updatedAfter", "references", "mode")
REFERENCES = ("none", "all", "datastructure", "conceptscheme", "codelist", "dataproviderscheme", "dataflow")


@router.get("/schema/{context}/{agency}/{ident}")
@router.get("/schema/{context}/{agency}/{ident}/{version}")
def schema(request: Request, context: str, agency: str, ident: str, version: str = "latest",
           ctx: Ctx = Depends(get_ctx)):
    """The XSD that validates structure-specific data for the DSD or the dataflow."""
    p.check_names(request, ("dimensionAtObservation", "explicitMeasure"))
    if context in UNSUPPORTED_CONTEXTS:
        raise p.not_implemented(f"schema for a {context}", "context", "this service has none")
    if context not in SCHEMA_CONTEXTS:
        raise WsisError("bad-parameter", f"unknown schema context {context[:30]!r}", column="context",
                        expected=", ".join([*SCHEMA_CONTEXTS, *UNSUPPORTED_CONTEXTS]))
    if agency != m.AGENCY or ident != SCHEMA_CONTEXTS[context] or version not in ("latest", "~", "+", m.VERSION):
        raise WsisError("sdmx-not-found", f"no {context} {agency[:20]}:{ident[:40]}({version[:10]})",
                        column="resourceID", expected=f"{m.AGENCY}:{SCHEMA_CONTEXTS[context]}({m.VERSION})",
                        status=404)
    q = request.query_params
    dim = q.get("dimensionAtObservation", TIME)
    if dim not in obs_dimensions():
        raise WsisError("bad-parameter", f"no dimension {dim[:40]!r} in {m.DSD}", column="dimensionAtObservation",
                        expected=", ".join(obs_dimensions()))
    if q.get("explicitMeasure", "false") not in ("true", "false"):
        raise WsisError("bad-parameter", "explicitMeasure must be true or false", column="explicitMeasure",
                        expected="true or false")
    # explicitMeasure only changes schemas whose DSD has a measure dimension; ours has none.
    return Response(schema_xsd(ctx.release, dim), media_type=SCHEMA_XML)


def _key_value(dim: str, values: pd.Series) -> str:
    if dim == TIME:
        years = values.astype(int)
        return (f'<com:KeyValue id="{TIME}"><com:TimeRange>'
                f'<com:StartPeriod isInclusive="true">{years.min()}</com:StartPeriod>'
                f'<com:EndPeriod isInclusive="true">{years.max()}</com:EndPeriod></com:TimeRange></com:KeyValue>')
    body = "".join(f"<com:Value>{escape(str(v))}</com:Value>" for v in sorted(values.dropna().unique()))
    return f'<com:KeyValue id="{dim}">{body}</com:KeyValue>'


def _changed(ctx: Ctx, sel: dict, q: p.DataQuery) -> pd.DataFrame:
    def select(rel: Release) -> pd.DataFrame:
        return observations_for(rel, sel, q.start, q.end)

    if q.updated_after is None:
        return select(ctx.release)
    parts = [f for ch in timeline_changes(ctx.settings, ctx.release.id, select, after=q.updated_after, each=False)
             for f in (ch.replaced, ch.deleted) if not f.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _constraint(cube: dict[str, pd.Series], mode: str) -> str:
    region = "".join(_key_value(d, v) for d, v in cube.items())
    name = {"exact": "Data the query returns", "available": "Values that remain valid choices"}[mode]
    return (f'<str:Constraints><str:ContentConstraint id="CC_AVAILABILITY" agencyID="{m.AGENCY}" version="1.0" '
            f'isFinal="false" type="Actual">{m._names({"en": name})}'
            f'<str:ConstraintAttachment><str:Dataflow><Ref id="{m.FLOW}" agencyID="{m.AGENCY}" version="{m.VERSION}" '
            f'package="datastructure" class="Dataflow"/></str:Dataflow></str:ConstraintAttachment>'
            f'<str:CubeRegion include="true">{region}</str:CubeRegion></str:ContentConstraint></str:Constraints>')


def _partial_codelists(rel: Release, cube: dict[str, pd.Series]) -> str:
    cls = m.codelists(rel)
    out = []
    for d, vals in cube.items():
        if d == TIME:
            continue
        cl = m.dim_codelist(d)
        used = set(vals.dropna().astype(str))
        codes = {c: n for c, n in cls.get(cl, {}).items() if c in used}
        out.append(m._codelist_xml(cl, codes).replace('isFinal="true"', 'isFinal="true" isPartial="true"', 1))
    return "".join(out)


@router.get("/availableconstraint/{flow}")
@router.get("/availableconstraint/{flow}/{key}")
@router.get("/availableconstraint/{flow}/{key}/{provider}")
@router.get("/availableconstraint/{flow}/{key}/{provider}/{component}")
def available_constraint(request: Request, flow: str, key: str = "all", provider: str = "all",
                         component: str = "all", ctx: Ctx = Depends(get_ctx)):
    """The dimension values of the data a query selects (``mode=exact``) or could still select (``available``)."""
    p.check_names(request, AVAILABILITY_PARAMS)
    flow_id = flow.split(",")[1] if flow.count(",") >= 1 else flow
    if flow_id != m.FLOW:
        raise WsisError("sdmx-not-found", f"no dataflow {flow[:40]!r}", column="flow", expected=m.FLOW, status=404)
    if provider not in ("all", "ALL"):
        raise WsisError("sdmx-no-results", f"no data provider {provider[:40]!r}", column="providerRef",
                        status=404, hint="this service has no data providers: use all")
    dims = [*m.SERIES_DIMS, TIME]
    if component not in ("all", "ALL", *dims):
        raise WsisError("sdmx-not-found", f"no dimension {component[:40]!r}", column="componentID",
                        expected=", ".join(dims), status=404)
    qp = request.query_params
    mode, refs = qp.get("mode", "exact"), qp.get("references", "none")
    if mode not in ("exact", "available"):
        raise WsisError("bad-parameter", f"unknown mode {mode[:20]!r}", column="mode", expected="exact, available")
    if refs not in REFERENCES:
        raise WsisError("bad-parameter", f"unknown references value {refs[:30]!r}", column="references",
                        expected=", ".join(REFERENCES))
    q = p.DataQuery(start=p.period_year(qp.get("startPeriod"), "startPeriod"),
                    end=p.period_year(qp.get("endPeriod"), "endPeriod"),
                    updated_after=p.parse_datetime(qp.get("updatedAfter")))
    sel = parse_key(key)
    wanted = dims if component in ("all", "ALL") else [component]
    cube: dict[str, pd.Series] = {}
    exact = _changed(ctx, sel, q)
    if exact.empty:
        raise WsisError("sdmx-no-results", "no data match the query", column="key", status=404,
                        hint="SDMX REST answers 404 for an empty result")
    for d in wanted:
        # A valid choice for d: a value that still gives data with every other part of the key kept.
        frame = exact if mode == "exact" or d not in sel else _changed(ctx, {k: v for k, v in sel.items()
                                                                               if k != d}, q)
        cube[d] = frame[d]
    rel = ctx.release
    flows = refs in ("all", "dataflow")
    parts = ['<?xml version="1.0" encoding="UTF-8"?><mes:Structure '
             + " ".join(f'xmlns:{k}="{v}"' for k, v in m.NS.items() if k in ("mes", "str", "com")) + ">",
             m._header(), "<mes:Structures>"]
    if flows:
        parts.append(f"<str:Dataflows>{m._dataflow_xml()}</str:Dataflows>")
    if refs in ("all", "codelist"):
        parts.append(f"<str:Codelists>{_partial_codelists(rel, cube)}</str:Codelists>")
    if refs in ("all", "conceptscheme"):
        parts.append(f"<str:Concepts>{m._concepts_xml()}</str:Concepts>")
    if refs in ("all", "datastructure"):
        parts.append(f"<str:DataStructures>{m._dsd_xml()}</str:DataStructures>")
    parts.append(_constraint(cube, mode) + "</mes:Structures></mes:Structure>")
    return Response("".join(parts), media_type=STRUCTURE_XML)


# The other SDMX 2.1 REST resources: the standard asks every service to answer them, with 501 at least.
NOT_IMPLEMENTED = ("structure", "metadatastructure", "categoryscheme", "categorisation", "hierarchicalcodelist",
                   "metadataflow", "provisionagreement", "structureset", "process", "reportingtaxonomy",
                   "organisationscheme", "agencyscheme", "dataproviderscheme", "dataconsumerscheme",
                   "organisationunitscheme", "contentconstraint", "attachmentconstraint", "metadata")


@router.get("/{resource}")
@router.get("/{resource}/{rest:path}")
def not_implemented_resource(resource: str, rest: str = ""):
    """501 for an SDMX 2.1 resource this service does not implement; 404 for anything else."""
    if resource in NOT_IMPLEMENTED:
        raise p.not_implemented(f"the {resource} resource", "resource",
                                "served: dataflow, datastructure, codelist, conceptscheme, data, schema, "
                                "availableconstraint")
    raise WsisError("not-found", f"no SDMX resource {resource[:40]!r}", column="resource", status=404)
