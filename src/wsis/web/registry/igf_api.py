"""JSON API of the IGF ecosystem under ``/api/v1/registry/igf`` (paras 97-103): forums, outputs, uptake."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from wsis.registry import igf
from wsis.registry.db import Registry
from wsis.registry.schemas import ModerationIn
from wsis.web.registry.deps import api_actor, registry

igf_api = APIRouter(prefix="/api/v1/registry/igf", tags=["registry: IGF"])

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10**7)]
Reg = Annotated[Registry, Depends(registry)]
Who = Annotated[Any, Depends(api_actor)]
Q = Annotated[str | None, Query(max_length=200, description="full-text search in every language's texts")]
LangQ = Annotated[Literal["ar", "en", "es", "fr", "ru", "zh"] | None,
                  Query(description="show name/title in this language when the entry has it")]
MAX_IMPORT = 5_000_000


def _csv(text: str, name: str) -> Response:
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@igf_api.get("/forums", summary="Public national, regional, subregional and youth IGF initiatives")
def list_forums(reg: Reg, actor: Who, scope: Literal["national", "regional", "subregional", "youth"] | None = None,
                status: Literal["active", "inactive"] | None = None,
                country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$")] = None,
                pending: bool = False, limit: Limit = 100, offset: Offset = 0, q: Q = None,
                lang: LangQ = None) -> dict[str, Any]:
    """``{data, count}`` by name, or by relevance with ``q``; ``pending=true`` is the moderation queue."""
    page = igf.list_forums(reg, actor, scope, status, country, pending, limit, offset, q, lang)
    return {"data": page["items"], "count": page["total"]}


@igf_api.get("/forums/count", summary="The count compared with para 97's 'more than 170'")
def forum_count(reg: Reg) -> dict[str, Any]:
    """Approved, active IGF initiatives by scope, countries covered, and the date of the count."""
    return {"data": igf.forum_count(reg)}


@igf_api.get("/forums.csv", summary="Public IGF initiatives as CSV")
def forums_csv(reg: Reg) -> Response:
    """Spreadsheet-safe CSV (the import's columns plus ``id``)."""
    return _csv(igf.export_csv(reg, "forums"), "igf_forums.csv")


@igf_api.post("/forums", status_code=201, summary="Submit an IGF initiative (pending moderation)")
def submit_forum(body: igf.ForumIn, reg: Reg, actor: Who) -> dict[str, Any]:
    """A contributor's submission; another moderator approves it."""
    return {"data": igf.submit_forum(reg, actor, body)}


@igf_api.get("/forums/{ident}", summary="One IGF initiative")
def get_forum(ident: Id, reg: Reg, actor: Who, lang: LangQ = None) -> dict[str, Any]:
    """Public, the caller's own, or any for moderators; ``texts`` holds every language's name."""
    return {"data": igf.get_forum(reg, actor, ident, lang)}


@igf_api.put("/forums/{ident}", summary="Replace an IGF initiative's fields")
def put_forum(ident: Id, body: igf.ForumIn, reg: Reg, actor: Who) -> dict[str, Any]:
    """Owner or moderator; an owner's edit goes back to moderation. The texts given replace the old ones."""
    return {"data": igf.update_forum(reg, actor, ident, body)}


@igf_api.post("/forums/{ident}/moderation", summary="Approve or reject an IGF initiative")
def moderate_forum(ident: Id, body: ModerationIn, reg: Reg, actor: Who) -> dict[str, Any]:
    """Moderators; never their own submission (four eyes)."""
    return {"data": igf.moderate_forum(reg, actor, ident, body)}


@igf_api.get("/outputs", summary="Public IGF outputs with their reported uptake")
def list_outputs(reg: Reg, actor: Who, kind: Literal["messages", "bpf_report", "pn_report", "dc_output"] | None = None,
                 year: Annotated[int | None, Query(ge=2006, le=2100)] = None, pending: bool = False,
                 limit: Limit = 100, offset: Offset = 0, q: Q = None, lang: LangQ = None) -> dict[str, Any]:
    """``{data, count}``, newest first, or by relevance with ``q``."""
    page = igf.list_outputs(reg, actor, kind, year, pending, limit, offset, q, lang)
    return {"data": page["items"], "count": page["total"]}


@igf_api.get("/outputs.csv", summary="Public IGF outputs as CSV")
def outputs_csv(reg: Reg) -> Response:
    """Spreadsheet-safe CSV; ``uptake`` lists 'body <link>' separated by ';'."""
    return _csv(igf.export_csv(reg, "outputs"), "igf_outputs.csv")


@igf_api.post("/outputs", status_code=201, summary="Submit an IGF output (pending moderation)")
def submit_output(body: igf.OutputIn, reg: Reg, actor: Who) -> dict[str, Any]:
    """Messages, a BPF or PN report, a dynamic-coalition output."""
    return {"data": igf.submit_output(reg, actor, body)}


@igf_api.get("/outputs/{ident}", summary="One IGF output")
def get_output(ident: Id, reg: Reg, actor: Who, lang: LangQ = None) -> dict[str, Any]:
    """With its approved uptake; ``texts`` holds every language's title."""
    return {"data": igf.get_output(reg, actor, ident, lang)}


@igf_api.put("/outputs/{ident}", summary="Replace an IGF output's fields")
def put_output(ident: Id, body: igf.OutputIn, reg: Reg, actor: Who) -> dict[str, Any]:
    """Owner or moderator; an owner's edit goes back to moderation. The texts given replace the old ones."""
    return {"data": igf.update_output(reg, actor, ident, body)}


@igf_api.get("/moderation", summary="The IGF moderation queue")
def moderation_queue(reg: Reg, actor: Who, lang: LangQ = None) -> dict[str, Any]:
    """Pending forums, outputs and uptake reports (moderators)."""
    return {"data": igf.moderation_queue(reg, actor, lang)}


@igf_api.post("/outputs/{ident}/moderation", summary="Approve or reject an IGF output")
def moderate_output(ident: Id, body: ModerationIn, reg: Reg, actor: Who) -> dict[str, Any]:
    """Moderators; four eyes."""
    return {"data": igf.moderate_output(reg, actor, ident, body)}


@igf_api.post("/outputs/{ident}/uptake", status_code=201, summary="Report an output's uptake")
def report_uptake(ident: Id, body: igf.UptakeIn, reg: Reg, actor: Who) -> dict[str, Any]:
    """Which UN process, body or national policy used the output, with a link (pending moderation)."""
    return {"data": igf.report_uptake(reg, actor, ident, body)}


@igf_api.post("/uptake/{ident}/moderation", summary="Approve or reject an uptake report")
def moderate_uptake(ident: Id, body: ModerationIn, reg: Reg, actor: Who) -> dict[str, Any]:
    """Moderators; four eyes."""
    return {"data": igf.moderate_uptake(reg, actor, ident, body)}


@igf_api.post("/{kind}/import", summary="Import a CSV of IGF forums or outputs (all rows or none)")
async def import_csv(kind: Literal["forums", "outputs"], request: Request, reg: Reg, actor: Who) -> dict[str, Any]:
    """The request body is the CSV (UTF-8). A bad row imports nothing and names its row and column.

    Imported rows are pending: another moderator approves them (four eyes); the CLI operator may publish at once.
    """
    raw = await request.body()
    from wsis.errors import WsisError

    try:
        text = raw[:MAX_IMPORT].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WsisError("bad-file", "the CSV is not UTF-8", file="request body", expected="a UTF-8 CSV",
                        status=422) from exc
    # the import writes in one transaction: run it off the event loop
    return await run_in_threadpool(igf.import_text, reg, actor, text, "request body", kind)
