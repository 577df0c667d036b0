"""Registry pages of the IGF ecosystem under ``/registry/igf``: national, regional and youth initiatives (list,
entry, submission form) and IGF outputs with their reported uptake (list, entry, submission forms)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from wsis.errors import WsisError
from wsis.registry import igf
from wsis.registry.common import vocabulary
from wsis.web.registry.deps import caller, check_csrf, registry
from wsis.web.registry.i18n import _, form_errors
from wsis.web.registry.pages import PageId, _form, _lang, render

igf_pages = APIRouter(prefix="/registry/igf", include_in_schema=False)
SCOPES = ("national", "regional", "subregional", "youth")
OUTPUT_KINDS = ("messages", "bpf_report", "pn_report", "dc_output")
USED_BY_KINDS = ("un_process", "un_body", "national_policy", "other")


def _errors(exc: Exception, lang: str) -> list[dict[str, str]]:
    return form_errors(exc, lang)


@igf_pages.get("/", response_class=HTMLResponse)
def forums(request: Request) -> HTMLResponse:
    """Public IGF initiatives, the count compared with para 97, and a scope filter."""
    lang = _lang(request)
    scope = request.query_params.get("scope")
    scope = scope if scope in SCOPES else None
    reg = registry(request)
    page = igf.list_forums(reg, scope=scope, limit=500)
    return render(request, "igf_forums.html", lang, page=page, count=igf.forum_count(reg), scope=scope,
                  scopes=SCOPES, vocab=vocabulary(reg))


@igf_pages.get("/forums/{ident}", response_class=HTMLResponse)
def forum_page(request: Request, ident: PageId) -> HTMLResponse:
    """One IGF initiative."""
    lang = _lang(request)
    reg = registry(request)
    return render(request, "igf_forum.html", lang, item=igf.get_forum(reg, caller(request).actor, ident),
                  vocab=vocabulary(reg))


def _forum_ctx(request: Request, values: dict[str, Any], errors: list) -> dict[str, Any]:
    return {"values": values, "errors": errors, "vocab": vocabulary(registry(request)), "scopes": SCOPES,
            "kind": "forum"}


@igf_pages.get("/submit", response_class=HTMLResponse)
def forum_form(request: Request) -> HTMLResponse:
    """The form to submit an IGF initiative."""
    lang = _lang(request)
    return render(request, "igf_submit.html", lang, **_forum_ctx(request, {"status": "active"}, []))


@igf_pages.post("/submit", response_class=HTMLResponse)
async def forum_post(request: Request) -> HTMLResponse:
    """Validate; show the form again with an error summary, or confirm the (pending) submission."""
    form = await _form(request)
    lang = _lang(request, form.get("ui"))
    check_csrf(request, form.get("csrf_token"))
    actor = caller(request).actor
    values = {k: str(form.get(k, "")) for k in ("name", "scope", "year_founded", "status", "website")}
    values["countries"] = form.getlist("countries")
    if not actor.authenticated:
        err = [{"field": "", "message": _("You must log in to submit.", lang)}]
        return render(request, "igf_submit.html", lang, status=401, **_forum_ctx(request, values, err))
    try:
        data = igf.ForumIn.model_validate({**values, "year_founded": values["year_founded"] or None,
                                           "status": values["status"] or "active"})
        item = igf.submit_forum(registry(request), actor, data)
    except (ValidationError, WsisError) as exc:
        return render(request, "igf_submit.html", lang, status=422, **_forum_ctx(request, values, _errors(exc, lang)))
    return render(request, "igf_submitted.html", lang, status=201, item=item,
                  href=f"/registry/igf/forums/{item['id']}")


@igf_pages.get("/outputs", response_class=HTMLResponse)
def outputs(request: Request) -> HTMLResponse:
    """Public IGF outputs with their reported uptake."""
    lang = _lang(request)
    kind = request.query_params.get("kind")
    kind = kind if kind in OUTPUT_KINDS else None
    return render(request, "igf_outputs.html", lang, page=igf.list_outputs(registry(request), kind=kind, limit=500),
                  kind=kind, kinds=OUTPUT_KINDS)


def _output_ctx(values: dict[str, Any], errors: list) -> dict[str, Any]:
    return {"values": values, "errors": errors, "kinds": OUTPUT_KINDS, "kind": "output"}


@igf_pages.get("/outputs/submit", response_class=HTMLResponse)
def output_form(request: Request) -> HTMLResponse:
    """The form to submit an IGF output."""
    return render(request, "igf_submit.html", _lang(request), **_output_ctx({}, []))


@igf_pages.post("/outputs/submit", response_class=HTMLResponse)
async def output_post(request: Request) -> HTMLResponse:
    """Validate and submit an IGF output (pending moderation)."""
    form = await _form(request)
    lang = _lang(request, form.get("ui"))
    check_csrf(request, form.get("csrf_token"))
    actor = caller(request).actor
    values = {k: str(form.get(k, "")) for k in ("title", "kind", "year", "body", "link")}
    if not actor.authenticated:
        err = [{"field": "", "message": _("You must log in to submit.", lang)}]
        return render(request, "igf_submit.html", lang, status=401, **_output_ctx(values, err))
    try:
        item = igf.submit_output(registry(request), actor, igf.OutputIn.model_validate(values))
    except (ValidationError, WsisError) as exc:
        return render(request, "igf_submit.html", lang, status=422, **_output_ctx(values, _errors(exc, lang)))
    return render(request, "igf_submitted.html", lang, status=201, item=item,
                  href=f"/registry/igf/outputs/{item['id']}")


@igf_pages.get("/outputs/{ident}", response_class=HTMLResponse)
def output_page(request: Request, ident: PageId) -> HTMLResponse:
    """One IGF output, its approved uptake and the form to report more."""
    lang = _lang(request)
    item = igf.get_output(registry(request), caller(request).actor, ident)
    return render(request, "igf_output.html", lang, item=item, values={}, errors=[], used_by_kinds=USED_BY_KINDS)


@igf_pages.post("/outputs/{ident}/uptake", response_class=HTMLResponse)
async def uptake_post(request: Request, ident: PageId) -> HTMLResponse:
    """Report that a UN process, body or national policy used this output (pending moderation)."""
    form = await _form(request)
    lang = _lang(request, form.get("ui"))
    check_csrf(request, form.get("csrf_token"))
    actor = caller(request).actor
    reg = registry(request)
    item = igf.get_output(reg, actor, ident)
    values = {k: str(form.get(k, "")) for k in ("used_by", "used_by_kind", "link", "note")}
    ctx = {"item": item, "values": values, "used_by_kinds": USED_BY_KINDS}
    if not actor.authenticated:
        err = [{"field": "", "message": _("You must log in to submit.", lang)}]
        return render(request, "igf_output.html", lang, status=401, errors=err, **ctx)
    try:
        igf.report_uptake(reg, actor, ident, igf.UptakeIn.model_validate(values))
    except (ValidationError, WsisError) as exc:
        return render(request, "igf_output.html", lang, status=422, errors=_errors(exc, lang), **ctx)
    return render(request, "igf_output.html", lang, status=201, errors=[], reported=True,
                  **(ctx | {"values": {}}))
