"""Server-rendered registry pages under ``/registry``: browse/search, entry, submission form, login,
moderation queue, action-line page, deliverables and road maps."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path as FsPath
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from wsis import query
from wsis.errors import WsisError
from wsis.query.texts import action_line_text, deliverable_text, gdc_objective_text
from wsis.registry import auth, commitments, services, tracking
from wsis.registry.common import vocabulary
from wsis.registry.policy import ANONYMOUS, can
from wsis.registry.reference import BENEFICIARY_GROUPS, PROJECT_STATUSES, STAKEHOLDER_GROUPS, Vocabulary
from wsis.registry.schemas import InitiativeIn, ModerationIn
from wsis.settings import get_settings
from wsis.web.registry.deps import (
    ANON_COOKIE,
    ID_MAX,
    OFFSET_MAX,
    SESSION_COOKIE,
    caller,
    check_csrf,
    client_ip,
    form_csrf,
    registry,
    secure_cookie,
    settings_of,
)
from wsis.web.registry.i18n import (
    LANGS,
    NATIVE_NAMES,
    RTL,
    _,
    error_text,
    field_label,
    form_errors,
    language_name,
    pick_lang,
)

pages = APIRouter(prefix="/registry", include_in_schema=False)
templates = Jinja2Templates(directory=str(FsPath(__file__).with_name("templates")))
PageId = Annotated[int, Path(ge=1, le=ID_MAX)]
FILTERS = ("action_lines", "countries", "groups", "sdg_targets", "gdc_objectives", "stakeholder_group", "status")


def _lang(request: Request, explicit: str | None = None) -> str:
    # inside the dashboard app, its middleware turns a language prefix (/fr/registry/...) or Accept-Language
    # into state["lang"]; the standalone registry app has no such state
    state = request.scope.get("state", {})
    settings = getattr(request.app.state, "wsis_settings", None) or get_settings()
    return pick_lang(explicit or state.get("wsis_ui_lang") or request.query_params.get("lang") or state.get("lang"),
                     request.headers.get("accept-language"), settings.lang_default)


def shown_text(item: dict[str, Any], lang: str) -> dict[str, Any]:
    """Title, description and language of an entry's text in ``lang``, else the text the entry came with."""
    own = next((x for x in item.get("texts") or [] if x.get("lang") == lang), None)
    return own or {"title": item.get("title", ""), "description": item.get("description", ""),
                   "lang": item.get("lang") or lang}


def _page_ctx(request: Request, lang: str) -> dict[str, Any]:
    """What every registry template needs besides its own data."""
    here = request.url.path
    keep = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"] if request.method == "GET" else []
    return {"request": request, "lang": lang, "dir": "rtl" if lang in RTL else "ltr", "langs": LANGS,
            "native_names": NATIVE_NAMES, "t": lambda s: _(s, lang),
            "language_name": lambda code: language_name(code, lang), "field_label": lambda f: field_label(f, lang),
            "shown": lambda item: shown_text(item, lang),
            "lang_url": lambda lg: here + "?" + urlencode([("lang", lg), *keep])}


def localised(vocab: Vocabulary, request: Request, lang: str) -> Vocabulary:
    """``vocab`` with country (from the served release), action-line and GDC-objective names in ``lang``;
    English where there is no release or no translation."""
    if lang == "en":
        return vocab
    try:
        local = query.names(query.release(settings_of(request)), lang)
    except WsisError:  # no release (a registry-only server): the vocabulary's English names
        local = {}
    countries = sorted(((c, local.get(c) or n) for c, n in vocab.countries.items()), key=lambda kv: kv[1])
    lines = {c: action_line_text({"code": c, "title": t}, lang)["title"] for c, t in vocab.action_lines.items()}
    gdc = {i: gdc_objective_text({"id": int(i) if str(i).isdigit() else i, "title": t}, lang)["title"]
           for i, t in vocab.gdc_objectives.items()}
    return replace(vocab, countries=dict(countries), action_lines=lines, gdc_objectives=gdc)


def render(request: Request, name: str, lang: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    """Render a page with the common context (language, direction, translations, caller, CSRF token)."""
    token, new_cookie = form_csrf(request)
    c = caller(request)
    if isinstance(ctx.get("vocab"), Vocabulary):
        ctx["vocab"] = localised(ctx["vocab"], request, lang)
    ctx |= _page_ctx(request, lang) | {"actor": c.actor, "csrf_token": token}
    resp = templates.TemplateResponse(request, f"registry/{name}", ctx, status_code=status)
    if new_cookie:
        resp.set_cookie(ANON_COOKIE, new_cookie, httponly=True, samesite="lax", secure=secure_cookie(request),
                        path="/")
    return resp


def error_page(request: Request, err: WsisError) -> HTMLResponse:
    """An error as an HTML page in the visitor's language (the registry's counterpart of problem+json).

    It reads no database: the error may be that the registry is busy or unreachable."""
    lang = _lang(request)
    text, text_lang = error_text(err, lang)
    cached = getattr(request.state, "wsis_caller", None)
    ctx = _page_ctx(request, lang) | {"actor": cached.actor if cached else ANONYMOUS, "csrf_token": "",
                                       "err": err, "text": text, "text_lang": text_lang}
    resp = templates.TemplateResponse(request, "registry/error.html", ctx, status_code=err.status)
    if err.extra.get("retry_after"):
        resp.headers["Retry-After"] = str(err.extra["retry_after"])
    return resp


async def _form(request: Request):
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("multipart/"):
        raise WsisError("uploads-refused", "file uploads are not accepted", status=415,
                        expected="application/x-www-form-urlencoded")
    form = await request.form()
    if form.get("ui") in LANGS:  # the form's language, for an error page raised after this point
        request.state.wsis_ui_lang = form.get("ui")
    return form


@pages.get("/", response_class=HTMLResponse)
def browse(request: Request) -> HTMLResponse:
    """Search form, facets and results."""
    lang = _lang(request)
    qp = request.query_params
    filters = {k: qp.get(k) or None for k in FILTERS}
    q = (qp.get("q") or "")[:200].replace("\x00", "")
    try:
        offset = int(qp.get("offset", "0")[:12])
    except ValueError:
        offset = -1
    if not 0 <= offset <= OFFSET_MAX:
        raise WsisError("bad-parameter", "offset is not a number between 0 and 10000000", column="offset",
                        expected="0 to 10000000", status=400)
    page = services.list_initiatives(registry(request), q=q or None, limit=20, offset=offset, **filters)
    return render(request, "browse.html", lang, q=q, page=page, filters=filters,
                  vocab=vocabulary(registry(request)))


@pages.get("/initiatives/{ident}", response_class=HTMLResponse)
def initiative_page(request: Request, ident: PageId) -> HTMLResponse:
    """One entry."""
    lang = _lang(request)
    item = services.get_initiative(registry(request), caller(request).actor, ident, lang)
    return render(request, "initiative.html", lang, item=item, vocab=vocabulary(registry(request)))


def _form_ctx(request: Request, lang: str, values: dict[str, Any], errors: list[dict[str, str]]) -> dict:
    return {"values": values, "errors": errors, "vocab": vocabulary(registry(request)),
            "stakeholder_groups": STAKEHOLDER_GROUPS, "beneficiary_groups": BENEFICIARY_GROUPS,
            "project_statuses": PROJECT_STATUSES}


@pages.get("/submit", response_class=HTMLResponse)
def submit_form(request: Request) -> HTMLResponse:
    """The initiative submission form."""
    lang = _lang(request)
    return render(request, "submit.html", lang, **_form_ctx(request, lang, {"lang": lang}, []))


_FIELD_OF = {("texts", "lang"): "lang", ("texts", "title"): "title", ("texts", "description"): "description",
             ("organisation", "name"): "organisation", ("organisation", "stakeholder_group"): "stakeholder_group",
             ("organisation", "country"): "organisation_country", ("organisation.country",): "organisation_country"}


def _field(loc: tuple) -> str:
    parts = tuple(str(p) for p in loc if not isinstance(p, int))
    return _FIELD_OF.get(parts[:2], _FIELD_OF.get(parts[:1], parts[0] if parts else ""))


@pages.post("/submit", response_class=HTMLResponse)
async def submit_post(request: Request) -> HTMLResponse:
    """Validate the form; on errors show it again with an error summary, else confirm the submission."""
    form = await _form(request)
    lang = _lang(request, form.get("ui"))
    check_csrf(request, form.get("csrf_token"))
    actor = caller(request).actor
    values = {k: form.get(k, "") for k in ("lang", "title", "description", "organisation", "stakeholder_group",
                                           "organisation_country", "sdg_targets", "status", "start_date",
                                           "end_date", "links", "contact_name", "contact_email")}
    values["contact_public"] = form.get("contact_public") == "yes"
    for k in ("countries", "action_lines", "gdc_objectives", "groups"):
        values[k] = form.getlist(k)
    if not actor.authenticated:
        err = [{"field": "", "message": _("You must log in to submit.", lang)}]
        return render(request, "submit.html", lang, status=401, **_form_ctx(request, lang, values, err))
    data = {"texts": [{"lang": values["lang"], "title": values["title"], "description": values["description"]}],
            "organisation": {"name": values["organisation"], "stakeholder_group": values["stakeholder_group"],
                             "country": values["organisation_country"] or None},
            "countries": values["countries"], "action_lines": values["action_lines"],
            "sdg_targets": [s.strip() for s in str(values["sdg_targets"]).split(",") if s.strip()],
            "gdc_objectives": values["gdc_objectives"], "groups": values["groups"],
            "status": values["status"] or "ongoing", "start_date": values["start_date"] or None,
            "end_date": values["end_date"] or None,
            "links": [s.strip() for s in str(values["links"]).splitlines() if s.strip()],
            "contact_name": values["contact_name"], "contact_email": values["contact_email"],
            "contact_public": values["contact_public"]}
    try:
        res = services.submit_initiative(registry(request), actor, InitiativeIn.model_validate(data))
    except (ValidationError, WsisError) as exc:
        errors = form_errors(exc, lang, _field)
        return render(request, "submit.html", lang, status=422, **_form_ctx(request, lang, values, errors))
    return render(request, "submitted.html", lang, status=201, item=res["initiative"],
                  duplicates=res["possible_duplicates"])


@pages.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    """The login form."""
    nxt = request.query_params.get("next", "/registry/")
    return render(request, "login.html", _lang(request), errors=[], next=nxt if nxt.startswith("/registry") else "/registry/")


@pages.post("/login", response_class=HTMLResponse)
async def login_post(request: Request):
    """Check the password, open a session and go on to ``next`` (a registry page only)."""
    form = await _form(request)
    lang = _lang(request, form.get("ui"))
    check_csrf(request, form.get("csrf_token"), anonymous_ok=True)
    nxt = str(form.get("next") or "/registry/")
    if not nxt.startswith("/registry") or nxt.startswith("//"):
        nxt = "/registry/"
    try:
        token, _csrf, _actor = auth.login(registry(request), str(form.get("email", "")),
                                          str(form.get("password", "")), client_ip(request))
    except WsisError as err:
        text, text_lang = error_text(err, lang)
        resp = render(request, "login.html", lang, status=err.status, next=nxt,
                      errors=[{"field": "email", "label": _("E-mail", lang), "message": text, "lang": text_lang}])
        if err.extra.get("retry_after"):
            resp.headers["Retry-After"] = str(err.extra["retry_after"])
        return resp
    resp = RedirectResponse(nxt, status_code=303)
    resp.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure_cookie(request),
                    max_age=auth.SESSION_HOURS * 3600, path="/")
    return resp


@pages.post("/logout")
async def logout_post(request: Request):
    """End the session."""
    form = await _form(request)
    check_csrf(request, form.get("csrf_token"))
    auth.logout(registry(request), caller(request).session_token)
    resp = RedirectResponse(f"/registry/?lang={_lang(request)}", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


@pages.get("/moderation", response_class=HTMLResponse)
def moderation_page(request: Request) -> HTMLResponse:
    """The moderation queue (moderators)."""
    lang = _lang(request)
    items = services.moderation_queue(registry(request), caller(request).actor)
    reports = commitments.pending_reports(registry(request), caller(request).actor)
    pledges = commitments.pending_commitments(registry(request), caller(request).actor)
    from wsis.registry.igf import moderation_queue as igf_queue  # decisions are posted to igf_pages

    return render(request, "moderation.html", lang, items=items, reports=reports, pledges=pledges,
                  igf=igf_queue(registry(request), caller(request).actor, lang))


def decision_of(form) -> ModerationIn:
    """The moderation decision posted by a queue form (422 unless approve or reject)."""
    try:
        return ModerationIn(decision=form.get("decision", ""), reason=form.get("reason", ""))
    except ValidationError as exc:
        raise WsisError("bad-decision", "decision must be approve or reject", column="decision",
                        status=422) from exc


@pages.post("/moderation/{ident}")
async def moderation_post(request: Request, ident: PageId):
    """Approve or reject one entry from the queue."""
    form = await _form(request)
    check_csrf(request, form.get("csrf_token"))
    services.moderate_initiative(registry(request), caller(request).actor, ident, decision_of(form))
    return RedirectResponse(f"/registry/moderation?lang={_lang(request, form.get('ui'))}", status_code=303)


@pages.get("/action-lines/{code}", response_class=HTMLResponse)
def action_line_page(request: Request, code: str) -> HTMLResponse:
    """Initiatives, commitments and road map of one action line."""
    lang = _lang(request)
    reg = registry(request)
    vocab = vocabulary(reg)
    if code not in vocab.action_lines:
        raise WsisError("not-found", f"action line {code[:20]} not found", status=404)
    title = action_line_text({"code": code, "title": vocab.action_lines[code]}, lang)["title"]
    return render(request, "action_line.html", lang, code=code, title=title,
                  initiatives=services.initiatives_for_action_line(code, reg),
                  commitments=commitments.commitments_for_action_line(code, reg, lang),
                  roadmap=tracking.get_roadmap(reg, code))


@pages.get("/deliverables", response_class=HTMLResponse)
def deliverables_page(request: Request) -> HTMLResponse:
    """The outcome document's dated requests."""
    lang = _lang(request)
    items = [deliverable_text(d | {"deliverable": d["title"]}, lang) for d in tracking.deliverables(registry(request))]
    return render(request, "deliverables.html", lang, items=[d | {"title": d["deliverable"]} for d in items],
                  unofficial=any(d["unofficial"] for d in items))


@pages.get("/roadmaps", response_class=HTMLResponse)
def roadmaps_page(request: Request) -> HTMLResponse:
    """Road maps and their milestones."""
    return render(request, "roadmaps.html", _lang(request), items=tracking.roadmaps(registry(request)),
                  can_edit=can(caller(request).actor, "roadmap.edit"))
