"""Registry pages of the IGF ecosystem under ``/registry/igf``: national, regional and youth initiatives (list
with search, entry, submission and edit forms) and IGF outputs with their reported uptake (list with search,
entry, submission and edit forms), and the decisions posted from the moderation queue's IGF section."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from wsis.errors import WsisError
from wsis.registry import igf
from wsis.registry.common import vocabulary
from wsis.schema import NATIVE_NAMES
from wsis.web.registry.deps import caller, check_csrf, registry
from wsis.web.registry.i18n import _, form_errors, posted_texts, text_values
from wsis.web.registry.pages import PageId, _form, _lang, decision_of, render

igf_pages = APIRouter(prefix="/registry/igf", include_in_schema=False)
SCOPES = ("national", "regional", "subregional", "youth")
OUTPUT_KINDS = ("messages", "bpf_report", "pn_report", "dc_output")
USED_BY_KINDS = ("un_process", "un_body", "national_policy", "other")
FORUM_FIELDS = ("scope", "year_founded", "status", "website")
OUTPUT_FIELDS = ("kind", "year", "body", "link")


def _field(loc: tuple) -> str:
    named = [str(p) for p in loc if not isinstance(p, int)]
    return named[0] if named and named[0] != "texts" else ""  # a text's error is the form's, not a field's


def _errors(exc: Exception, lang: str) -> list[dict[str, str]]:
    return form_errors(exc, lang, field_of=_field)


def _query(request: Request) -> str:
    return (request.query_params.get("q") or "")[:200].replace("\x00", "")


def _can_edit(request: Request, item: dict[str, Any]) -> bool:
    actor = caller(request).actor
    return actor.at_least("moderator") or (actor.user_id is not None and actor.user_id == item.get("owner_id"))


def _page_ctx(kind: str) -> dict[str, Any]:
    return {"native_names": NATIVE_NAMES, "kind": kind}


@igf_pages.get("/", response_class=HTMLResponse)
def forums(request: Request) -> HTMLResponse:
    """Public IGF initiatives (names in the visitor's language), a search box, the count compared with para 97,
    and a scope filter."""
    lang = _lang(request)
    scope = request.query_params.get("scope")
    scope = scope if scope in SCOPES else None
    q = _query(request)
    reg = registry(request)
    page = igf.list_forums(reg, scope=scope, limit=500, q=q or None, lang=lang)
    return render(request, "igf_forums.html", lang, page=page, count=igf.forum_count(reg), scope=scope,
                  scopes=SCOPES, vocab=vocabulary(reg), q=q)


@igf_pages.get("/forums/{ident}", response_class=HTMLResponse)
def forum_page(request: Request, ident: PageId) -> HTMLResponse:
    """One IGF initiative, in the visitor's language or, saying so, in its own."""
    lang = _lang(request)
    reg = registry(request)
    item = igf.get_forum(reg, caller(request).actor, ident, lang)
    return render(request, "igf_forum.html", lang, item=item, vocab=vocabulary(reg), can_edit=_can_edit(request, item),
                  edit_href=f"/registry/igf/forums/{ident}/edit", **_page_ctx("forum"))


def _forum_ctx(request: Request, values: dict[str, Any], errors: list) -> dict[str, Any]:
    return {"values": values, "errors": errors, "vocab": vocabulary(registry(request)), "scopes": SCOPES,
            "action": "/registry/igf/submit", **_page_ctx("forum")}


@igf_pages.get("/submit", response_class=HTMLResponse)
def forum_form(request: Request) -> HTMLResponse:
    """The form to submit an IGF initiative."""
    lang = _lang(request)
    return render(request, "igf_submit.html", lang, **_forum_ctx(request, {"status": "active", "lang": lang}, []))


async def _posted(request: Request) -> tuple[Any, str, Any]:
    """The posted form, the page language and the caller (after the CSRF check)."""
    form = await _form(request)
    lang = _lang(request, form.get("ui"))
    check_csrf(request, form.get("csrf_token"))
    return form, lang, caller(request).actor


def _login_first(lang: str) -> list[dict[str, str]]:
    return [{"field": "", "message": _("You must log in to submit.", lang)}]


@igf_pages.post("/submit", response_class=HTMLResponse)
async def forum_post(request: Request) -> HTMLResponse:
    """Validate; show the form again with an error summary, or confirm the (pending) submission."""
    form, lang, actor = await _posted(request)
    values = {k: str(form.get(k, "")) for k in ("name", "lang", "description", *FORUM_FIELDS)}
    values["countries"] = form.getlist("countries")
    if not actor.authenticated:
        return render(request, "igf_submit.html", lang, status=401, **_forum_ctx(request, values, _login_first(lang)))
    try:
        data = igf.ForumIn.model_validate({**values, "lang": values["lang"] or lang,
                                           "year_founded": values["year_founded"] or None,
                                           "status": values["status"] or "active"})
        item = igf.submit_forum(registry(request), actor, data)
    except (ValidationError, WsisError) as exc:
        return render(request, "igf_submit.html", lang, status=422, **_forum_ctx(request, values, _errors(exc, lang)))
    return render(request, "igf_submitted.html", lang, status=201, item=item,
                  href=f"/registry/igf/forums/{item['id']}")


# ---- edit forms (owner or moderator; an owner's edit goes back to moderation) -----------------------------

def _edit_values(item: dict[str, Any], label: str, fields: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {k: "" if item.get(k) is None else str(item[k]) for k in fields}
    values["countries"] = item.get("countries", [])
    values |= text_values(item["texts"], (label, "description"))
    values["original_lang"] = item["original_lang"]
    return values


def _edit_ctx(request: Request, kind: str, ident: int, values: dict[str, Any], errors: list) -> dict[str, Any]:
    base = {"forum": "forums", "output": "outputs"}[kind]
    ctx = {"values": values, "errors": errors, "editing": True, **_page_ctx(kind),
           "action": f"/registry/igf/{base}/{ident}/edit"}
    if kind == "forum":
        return ctx | {"vocab": vocabulary(registry(request)), "scopes": SCOPES}
    return ctx | {"kinds": OUTPUT_KINDS}


def _edit_item(request: Request, kind: str, ident: int, lang: str) -> dict[str, Any]:
    reg, actor = registry(request), caller(request).actor
    item = igf.get_forum(reg, actor, ident, lang) if kind == "forum" else igf.get_output(reg, actor, ident, lang)
    if not _can_edit(request, item):
        raise WsisError("forbidden", "only the entry's owner or a moderator may edit it", status=403)
    return item


async def _edit_post(request: Request, kind: Literal["forum", "output"], ident: int) -> HTMLResponse:
    form, lang, actor = await _posted(request)
    label, fields = ("name", FORUM_FIELDS) if kind == "forum" else ("title", OUTPUT_FIELDS)
    if not actor.authenticated:
        raise WsisError("unauthenticated", "log in to edit", status=401)
    item = _edit_item(request, kind, ident, lang)
    texts = posted_texts(form, (label, "description"), item["original_lang"])
    values = {k: str(form.get(k, "")) for k in fields} | {"countries": form.getlist("countries")}
    shown = values | text_values(texts, (label, "description"))
    try:
        if kind == "forum":
            data = igf.ForumIn.model_validate({**values, "texts": texts, "year_founded": values["year_founded"] or None,
                                               "status": values["status"] or "active"})
            saved = igf.update_forum(registry(request), actor, ident, data)
        else:
            values.pop("countries")
            saved = igf.update_output(registry(request), actor, ident, igf.OutputIn.model_validate({**values,
                                                                                                   "texts": texts}))
    except (ValidationError, WsisError) as exc:
        return render(request, "igf_submit.html", lang, status=422,
                      **_edit_ctx(request, kind, ident, shown, _errors(exc, lang)))
    base = "forums" if kind == "forum" else "outputs"
    return RedirectResponse(f"/registry/igf/{base}/{saved['id']}?lang={lang}", status_code=303)


def _edit_form(request: Request, kind: Literal["forum", "output"], ident: int) -> HTMLResponse:
    lang = _lang(request)
    item = _edit_item(request, kind, ident, lang)
    values = _edit_values(item, *(("name", FORUM_FIELDS) if kind == "forum" else ("title", OUTPUT_FIELDS)))
    return render(request, "igf_submit.html", lang, **_edit_ctx(request, kind, ident, values, []))


@igf_pages.get("/forums/{ident}/edit", response_class=HTMLResponse)
def forum_edit_form(request: Request, ident: PageId) -> HTMLResponse:
    """The edit form of an IGF initiative: its fields and its texts in the six languages."""
    return _edit_form(request, "forum", ident)


@igf_pages.post("/forums/{ident}/edit", response_class=HTMLResponse)
async def forum_edit_post(request: Request, ident: PageId) -> HTMLResponse:
    """Save an edit (a new version in the audit trail) and go back to the entry."""
    return await _edit_post(request, "forum", ident)


@igf_pages.get("/outputs/{ident}/edit", response_class=HTMLResponse)
def output_edit_form(request: Request, ident: PageId) -> HTMLResponse:
    """The edit form of an IGF output."""
    return _edit_form(request, "output", ident)


@igf_pages.post("/outputs/{ident}/edit", response_class=HTMLResponse)
async def output_edit_post(request: Request, ident: PageId) -> HTMLResponse:
    """Save an edit of an IGF output."""
    return await _edit_post(request, "output", ident)


# ---- moderation decisions posted from /registry/moderation -----------------------------------------------

@igf_pages.post("/moderation/{kind}/{ident}")
async def moderation_post(request: Request, kind: Literal["forums", "outputs", "uptake"], ident: PageId):
    """Approve or reject one IGF initiative, output or uptake report (four eyes), back to the queue."""
    form, lang, actor = await _posted(request)
    decide = {"forums": igf.moderate_forum, "outputs": igf.moderate_output, "uptake": igf.moderate_uptake}[kind]
    decide(registry(request), actor, ident, decision_of(form))
    return RedirectResponse(f"/registry/moderation?lang={lang}#igf-queue", status_code=303)


# ---- outputs ----------------------------------------------------------------------------------------------

@igf_pages.get("/outputs", response_class=HTMLResponse)
def outputs(request: Request) -> HTMLResponse:
    """Public IGF outputs with their reported uptake, and a search box."""
    lang = _lang(request)
    kind = request.query_params.get("kind")
    kind = kind if kind in OUTPUT_KINDS else None
    q = _query(request)
    page = igf.list_outputs(registry(request), kind=kind, limit=500, q=q or None, lang=lang)
    return render(request, "igf_outputs.html", lang, page=page, kind=kind, kinds=OUTPUT_KINDS, q=q)


def _output_ctx(values: dict[str, Any], errors: list) -> dict[str, Any]:
    return {"values": values, "errors": errors, "kinds": OUTPUT_KINDS, "action": "/registry/igf/outputs/submit",
            **_page_ctx("output")}


@igf_pages.get("/outputs/submit", response_class=HTMLResponse)
def output_form(request: Request) -> HTMLResponse:
    """The form to submit an IGF output."""
    lang = _lang(request)
    return render(request, "igf_submit.html", lang, **_output_ctx({"lang": lang}, []))


@igf_pages.post("/outputs/submit", response_class=HTMLResponse)
async def output_post(request: Request) -> HTMLResponse:
    """Validate and submit an IGF output (pending moderation)."""
    form, lang, actor = await _posted(request)
    values = {k: str(form.get(k, "")) for k in ("title", "lang", "description", *OUTPUT_FIELDS)}
    if not actor.authenticated:
        return render(request, "igf_submit.html", lang, status=401, **_output_ctx(values, _login_first(lang)))
    try:
        data = igf.OutputIn.model_validate(values | {"lang": values["lang"] or lang})
        item = igf.submit_output(registry(request), actor, data)
    except (ValidationError, WsisError) as exc:
        return render(request, "igf_submit.html", lang, status=422, **_output_ctx(values, _errors(exc, lang)))
    return render(request, "igf_submitted.html", lang, status=201, item=item,
                  href=f"/registry/igf/outputs/{item['id']}")


def _output_page(request: Request, lang: str, item: dict[str, Any], status: int = 200, **ctx: Any) -> HTMLResponse:
    return render(request, "igf_output.html", lang, status=status, item=item, used_by_kinds=USED_BY_KINDS,
                  can_edit=_can_edit(request, item), edit_href=f"/registry/igf/outputs/{item['id']}/edit",
                  **_page_ctx("output"), **ctx)


@igf_pages.get("/outputs/{ident}", response_class=HTMLResponse)
def output_page(request: Request, ident: PageId) -> HTMLResponse:
    """One IGF output, its approved uptake and the form to report more."""
    lang = _lang(request)
    item = igf.get_output(registry(request), caller(request).actor, ident, lang)
    return _output_page(request, lang, item, values={}, errors=[])


@igf_pages.post("/outputs/{ident}/uptake", response_class=HTMLResponse)
async def uptake_post(request: Request, ident: PageId) -> HTMLResponse:
    """Report that a UN process, body or national policy used this output (pending moderation)."""
    form, lang, actor = await _posted(request)
    reg = registry(request)
    item = igf.get_output(reg, actor, ident, lang)
    values = {k: str(form.get(k, "")) for k in ("used_by", "used_by_kind", "link", "note")}
    if not actor.authenticated:
        return _output_page(request, lang, item, 401, values=values, errors=_login_first(lang))
    try:
        igf.report_uptake(reg, actor, ident, igf.UptakeIn.model_validate(values))
    except (ValidationError, WsisError) as exc:
        return _output_page(request, lang, item, 422, values=values, errors=_errors(exc, lang))
    return _output_page(request, lang, item, 201, values={}, errors=[], reported=True)
