"""JSON API of the registry under ``/api/v1/registry``. Each route calls one service function."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from wsis.errors import WsisError
from wsis.registry import auth, commitments, opendata, services, tracking
from wsis.registry.db import Registry
from wsis.registry.policy import Actor, require
from wsis.registry.schemas import (
    CommitmentIn,
    CommitmentPatch,
    DeliverablePatch,
    InitiativeIn,
    InitiativePatch,
    LoginIn,
    MilestoneIn,
    ModerationIn,
    ProgressIn,
    TokenIn,
)
from wsis.web.registry.deps import SESSION_COOKIE, api_actor, caller, client_ip, registry, secure_cookie
from wsis.web.registry.igf_api import LangQ

api = APIRouter(prefix="/api/v1/registry", tags=["registry"])

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
CodeQ = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9._\-]{1,40}$")]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10**7)]
Reg = Annotated[Registry, Depends(registry)]
Who = Annotated[Actor, Depends(api_actor)]


def _envelope(request: Request, page: dict[str, Any]) -> dict[str, Any]:
    nxt = None
    if page["offset"] + page["limit"] < page["count"]:
        nxt = str(request.url.include_query_params(offset=page["offset"] + page["limit"], limit=page["limit"]))
    out = {"data": page["data"], "count": page["count"], "next": nxt}
    if "facets" in page:
        out["facets"] = page["facets"]
    return out


@api.get("/initiatives", summary="Search and browse public initiatives")
def list_initiatives(request: Request, reg: Reg, q: Annotated[str | None, Query(max_length=200)] = None,
                     lang: Literal["ar", "en", "es", "fr", "ru", "zh"] | None = None,
                     action_line: CodeQ = None, country: CodeQ = None, group: CodeQ = None,
                     sdg_target: CodeQ = None, gdc_objective: CodeQ = None, stakeholder_group: CodeQ = None,
                     status: CodeQ = None, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Full-text search (any UN language) with facets; ``{data, count, next, facets}``."""
    page = services.list_initiatives(reg, q=q, lang=lang, limit=limit, offset=offset, action_lines=action_line,
                                     countries=country, groups=group, sdg_targets=sdg_target,
                                     gdc_objectives=gdc_objective, stakeholder_group=stakeholder_group,
                                     status=status)
    return _envelope(request, page)


@api.post("/initiatives", status_code=201, summary="Submit an initiative (pending moderation)")
def submit_initiative(body: InitiativeIn, reg: Reg, actor: Who,
                      idempotency_key: Annotated[str | None, Header(max_length=100)] = None) -> dict[str, Any]:
    """Submit an entry; the answer lists likely duplicates. Repeat-safe with ``Idempotency-Key``."""
    res = services.submit_initiative(reg, actor, body, idempotency_key)
    return {"data": res["initiative"], "possible_duplicates": res["possible_duplicates"],
            "replayed": res["replayed"]}


@api.get("/initiatives/{ident}", summary="One initiative")
def get_initiative(ident: Id, reg: Reg, actor: Who,
                   lang: Literal["ar", "en", "es", "fr", "ru", "zh"] | None = None) -> dict[str, Any]:
    """An entry (public, or the caller's own, or any for moderators)."""
    return {"data": services.get_initiative(reg, actor, ident, lang)}


@api.patch("/initiatives/{ident}", summary="Edit an initiative")
def patch_initiative(ident: Id, body: InitiativePatch, reg: Reg, actor: Who) -> dict[str, Any]:
    """Change an entry (owner or moderator); an owner's change goes back to moderation."""
    return {"data": services.update_initiative(reg, actor, ident, body)}


@api.delete("/initiatives/{ident}", status_code=204, summary="Delete an initiative (soft)")
def delete_initiative(ident: Id, reg: Reg, actor: Who) -> Response:
    """Soft-delete an entry (owner or admin)."""
    services.delete_initiative(reg, actor, ident)
    return Response(status_code=204)


@api.post("/initiatives/{ident}/moderation", summary="Approve or reject an initiative")
def moderate_initiative(ident: Id, body: ModerationIn, reg: Reg, actor: Who) -> dict[str, Any]:
    """Moderators approve, or reject with a reason."""
    return {"data": services.moderate_initiative(reg, actor, ident, body)}


@api.get("/initiatives/{ident}/versions", summary="Audit trail of an initiative")
def initiative_versions(ident: Id, reg: Reg, actor: Who) -> dict[str, Any]:
    """Every version: who, when, what (owner and moderators)."""
    rows = services.initiative_history(reg, actor, ident)
    return {"data": rows, "count": len(rows), "next": None}


@api.get("/duplicates", summary="Likely duplicates of a title and organisation")
def duplicates(reg: Reg, actor: Who, title: Annotated[str, Query(min_length=3, max_length=300)],
               organisation: Annotated[str, Query(max_length=300)] = "") -> dict[str, Any]:
    """Entries with a similar title and organisation (titles only): public ones and the caller's own
    (every entry for moderators). Needs a contributor account."""
    require(actor, "duplicates.check")
    if "\x00" in title + organisation:
        raise WsisError("bad-text", "text must not contain NUL characters", column="title", status=422)
    with reg.read() as s:
        rows = services.find_duplicates(s, [title], organisation, viewer=actor)
    return {"data": rows, "count": len(rows), "next": None}


@api.get("/moderation/queue", summary="Entries awaiting moderation")
def moderation_queue(reg: Reg, actor: Who) -> dict[str, Any]:
    """Pending initiatives, oldest first, with their likely duplicates (moderators)."""
    rows = services.moderation_queue(reg, actor)
    return {"data": rows, "count": len(rows), "next": None}


@api.get("/commitments", summary="Public commitments with their reporting traffic light")
def list_commitments(request: Request, reg: Reg, action_line: CodeQ = None, country: CodeQ = None,
                     light: Literal["green", "yellow", "red"] | None = None, financial: bool | None = None,
                     limit: Limit = 50, offset: Offset = 0, lang: LangQ = None) -> dict[str, Any]:
    """Commitments, filtered by action line, country, traffic light or financial flag; each with its text in
    ``lang`` when it has one, else in its own language (``lang``, ``original_lang`` and ``texts`` say which)."""
    page = commitments.list_commitments(reg, action_line=action_line, country=country, light=light,
                                        financial=financial, limit=limit, offset=offset, lang=lang)
    return _envelope(request, page)


@api.post("/commitments", status_code=201, summary="Register a commitment")
def submit_commitment(body: CommitmentIn, reg: Reg, actor: Who) -> dict[str, Any]:
    """Register a pledge (financial when amount/currency/type are given), pending moderation."""
    return {"data": commitments.submit_commitment(reg, actor, body)}


@api.get("/commitments/{ident}", summary="One commitment")
def get_commitment(ident: Id, reg: Reg, actor: Who, lang: LangQ = None) -> dict[str, Any]:
    """A commitment with its progress reports and traffic light, its text in ``lang`` when it has one."""
    return {"data": commitments.get_commitment(reg, actor, ident, lang)}


@api.patch("/commitments/{ident}", summary="Edit a commitment")
def patch_commitment(ident: Id, body: CommitmentPatch, reg: Reg, actor: Who) -> dict[str, Any]:
    """Change a commitment (owner or moderator); an owner's change goes back to moderation."""
    return {"data": commitments.update_commitment(reg, actor, ident, body)}


@api.post("/commitments/{ident}/reports/{report_id}/moderation", summary="Approve or reject a progress report")
def moderate_report(ident: Id, report_id: Id, body: ModerationIn, reg: Reg, actor: Who) -> dict[str, Any]:
    """Moderators (never the report's author or the commitment's owner) publish or reject a report."""
    return {"data": commitments.moderate_report(reg, actor, ident, report_id, body)}


@api.get("/moderation/reports", summary="Progress reports awaiting moderation")
def report_queue(reg: Reg, actor: Who) -> dict[str, Any]:
    """Pending progress reports, oldest first (moderators)."""
    rows = commitments.pending_reports(reg, actor)
    return {"data": rows, "count": len(rows), "next": None}


@api.delete("/commitments/{ident}", status_code=204, summary="Delete a commitment (soft)")
def delete_commitment(ident: Id, reg: Reg, actor: Who) -> Response:
    """Soft-delete a commitment (owner or admin)."""
    commitments.delete_commitment(reg, actor, ident)
    return Response(status_code=204)


@api.post("/commitments/{ident}/moderation", summary="Approve or reject a commitment")
def moderate_commitment(ident: Id, body: ModerationIn, reg: Reg, actor: Who) -> dict[str, Any]:
    """Moderators approve, or reject with a reason."""
    return {"data": commitments.moderate_commitment(reg, actor, ident, body)}


@api.post("/commitments/{ident}/reports", status_code=201, summary="File a progress report")
def add_report(ident: Id, body: ProgressIn, reg: Reg, actor: Who) -> dict[str, Any]:
    """A dated progress update (owner or moderator); public once a moderator approves it."""
    return {"data": commitments.add_progress_report(reg, actor, ident, body)}


@api.get("/roadmaps", summary="Road maps of the action lines and the joint WSIS-GDC road map")
def list_roadmaps(reg: Reg) -> dict[str, Any]:
    """Every road map with its milestones."""
    rows = tracking.roadmaps(reg)
    return {"data": rows, "count": len(rows), "next": None}


@api.get("/roadmaps/{code}", summary="One road map")
def get_roadmap(reg: Reg, code: Annotated[str, Path(pattern=r"^[A-Za-z0-9\-]{1,20}$")]) -> dict[str, Any]:
    """A road map by code (C1..C11, C7-EGOV..., WSIS-GDC)."""
    return {"data": tracking.get_roadmap(reg, code)}


@api.post("/roadmaps/{code}/milestones", status_code=201, summary="Add a road-map milestone")
def add_milestone(body: MilestoneIn, reg: Reg, actor: Who,
                  code: Annotated[str, Path(pattern=r"^[A-Za-z0-9\-]{1,20}$")]) -> dict[str, Any]:
    """Moderators add milestones with targets, indicators and due dates."""
    return {"data": tracking.add_milestone(reg, actor, code, body)}


@api.get("/deliverables", summary="Dated requests of the outcome document")
def list_deliverables(reg: Reg) -> dict[str, Any]:
    """Every deliverable with its paragraph, body, forum, due date and status."""
    rows = tracking.deliverables(reg)
    return {"data": rows, "count": len(rows), "next": None}


@api.patch("/deliverables/{ident}", summary="Set the status of a deliverable")
def patch_deliverable(ident: Id, body: DeliverablePatch, reg: Reg, actor: Who) -> dict[str, Any]:
    """Moderators record progress on a deliverable."""
    return {"data": tracking.update_deliverable(reg, actor, ident, body)}


@api.post("/auth/login", summary="Log in (sets a session cookie)")
def login(body: LoginIn, request: Request, reg: Reg) -> JSONResponse:
    """Password login; answers the CSRF token to send as ``X-CSRF-Token`` on unsafe requests."""
    token, csrf, actor = auth.login(reg, body.email, body.password, client_ip(request))
    resp = JSONResponse({"data": {"user_id": actor.user_id, "role": actor.role, "csrf_token": csrf}})
    resp.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure_cookie(request),
                    max_age=auth.SESSION_HOURS * 3600, path="/")
    return resp


@api.post("/auth/logout", status_code=204, summary="Log out")
def logout(request: Request, reg: Reg, actor: Who) -> Response:
    """End the session."""
    auth.logout(reg, caller(request).session_token)
    resp = Response(status_code=204)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


@api.get("/auth/me", summary="Who am I")
def me(actor: Who) -> dict[str, Any]:
    """The caller's id, role and scopes."""
    return {"data": {"user_id": actor.user_id, "role": actor.role, "scopes": sorted(actor.scopes),
                     "via": actor.via}}


@api.post("/auth/tokens", status_code=201, summary="Create a scoped API token")
def create_token(body: TokenIn, reg: Reg, actor: Who) -> dict[str, Any]:
    """A new API token (shown once); scopes are capped by the caller's role."""
    token = auth.create_token(reg, actor, body.name, list(body.scopes), body.days)
    return {"data": {"token": token, "scopes": sorted(set(body.scopes))}}


@api.get("/export/registry.json", summary="Everything public, as JSON")
def export_json(reg: Reg) -> JSONResponse:
    """Every public table in one JSON document."""
    return JSONResponse(json.loads(json.dumps(opendata.public_tables(reg), default=str)))


@api.get("/export/datapackage.json", summary="Frictionless data package descriptor")
def export_datapackage(reg: Reg) -> dict[str, Any]:
    """The data package (CC-BY-4.0) describing the CSV files under ``/export/``."""
    return opendata.datapackage(opendata.public_tables(reg))


@api.get("/export/{table}.csv", summary="One public table as CSV", response_class=PlainTextResponse)
def export_csv(reg: Reg, table: Literal["initiatives", "initiative_texts", "commitments", "progress_reports",
                                        "roadmaps", "milestones", "deliverables"]) -> Response:
    """A table of the open-data export."""
    text = opendata.table_csv(opendata.public_tables(reg)[table], table)
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{table}.csv"'})


