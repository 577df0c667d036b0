"""Server-rendered commitment pages under ``/registry/commitments``: the form to register a commitment
(financial or not), its page with the progress reports and what they disbursed, the edit form, and the form
to file a progress report. Forms carry the CSRF token like the initiative form."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from wsis.errors import WsisError
from wsis.registry import commitments
from wsis.registry.commitments import TEXT_FIELDS
from wsis.registry.common import vocabulary
from wsis.registry.reference import FINANCE_TYPES, STAKEHOLDER_GROUPS
from wsis.registry.schemas import CommitmentIn, CommitmentPatch, ProgressIn
from wsis.web.registry.deps import caller, check_csrf, registry
from wsis.web.registry.i18n import _, form_errors, posted_texts, text_values
from wsis.web.registry.pages import PageId, _field, _form, _lang, render

commitment_pages = APIRouter(prefix="/registry/commitments", include_in_schema=False)
TEXT = ("title", "lang", "description", "target", "deadline", "organisation", "stakeholder_group", "organisation_country",
        "sdg_targets", "paragraphs", "amount", "currency", "finance_type", "period_start", "period_end")
REPORT = ("reported_on", "summary", "percent_complete", "disbursed_amount", "disbursed_currency", "disbursed_on")


def _comma(value: Any) -> list[str]:
    return [s.strip() for s in str(value or "").split(",") if s.strip()]


def _ctx(request: Request, values: dict[str, Any], errors: list[dict[str, str]], ident: int | None = None) -> dict:
    return {"values": values, "errors": errors, "vocab": vocabulary(registry(request)), "ident": ident,
            "stakeholder_groups": STAKEHOLDER_GROUPS, "finance_types": FINANCE_TYPES}


def _errors(exc: Exception, lang: str) -> list[dict[str, str]]:
    # a per-language text's error is the form's, not one field's
    return form_errors(exc, lang, lambda loc: "" if loc[:1] == ("texts",) else _field(loc))


async def _values(request: Request) -> tuple[Any, dict[str, Any]]:
    form = await _form(request)
    check_csrf(request, form.get("csrf_token"))
    values = {k: str(form.get(k, "") or "").strip() for k in TEXT}
    values |= {k: form.getlist(k) for k in ("countries", "action_lines")}
    return form, values


@commitment_pages.get("/new", response_class=HTMLResponse)
def new_form(request: Request) -> HTMLResponse:
    """The form to register a commitment."""
    lang = _lang(request)
    return render(request, "commitment_form.html", lang, **_ctx(request, {"lang": lang}, []))


@commitment_pages.post("/new", response_class=HTMLResponse)
async def new_post(request: Request):
    """Register the commitment (pending moderation) and show its page; on errors show the form again."""
    form, v = await _values(request)
    lang = _lang(request, form.get("ui"))
    actor = caller(request).actor
    if not actor.authenticated:
        err = [{"field": "", "message": _("You must log in to submit.", lang)}]
        return render(request, "commitment_form.html", lang, status=401, **_ctx(request, v, err))
    data = {k: v[k] or None for k in ("title", "target", "deadline", "amount", "currency", "finance_type",
                                      "period_start", "period_end")}
    data |= {"lang": v["lang"] or lang, "description": v["description"], "countries": v["countries"], "action_lines": v["action_lines"],
             "sdg_targets": _comma(v["sdg_targets"]), "paragraphs": _comma(v["paragraphs"]),
             "organisation": {"name": v["organisation"], "stakeholder_group": v["stakeholder_group"],
                              "country": v["organisation_country"] or None}}
    if data["currency"]:
        data["currency"] = data["currency"].upper()
    try:
        out = commitments.submit_commitment(registry(request), actor, CommitmentIn.model_validate(data))
    except (ValidationError, WsisError) as exc:
        return render(request, "commitment_form.html", lang, status=422, **_ctx(request, v, _errors(exc, lang)))
    return RedirectResponse(f"/registry/commitments/{out['id']}?lang={lang}", status_code=303)


@commitment_pages.get("/{ident}", response_class=HTMLResponse)
def commitment_page(request: Request, ident: PageId) -> HTMLResponse:
    """A commitment, in the visitor's language or, saying so, in its own, with its approved progress reports
    (its owner and moderators also see pending ones)."""
    lang = _lang(request)
    actor = caller(request).actor
    item = commitments.get_commitment(registry(request), actor, ident, lang)
    mine = actor.authenticated and (actor.at_least("moderator") or item.get("owner_id") == actor.user_id)
    return render(request, "commitment.html", lang, item=item, mine=mine, report={}, errors=[])


@commitment_pages.get("/{ident}/edit", response_class=HTMLResponse)
def edit_form(request: Request, ident: PageId) -> HTMLResponse:
    """The edit form of a commitment (its owner or a moderator)."""
    lang = _lang(request)
    c = commitments.get_commitment(registry(request), caller(request).actor, ident, lang)
    values = {"deadline": c.get("deadline") or ""} | text_values(c["texts"], TEXT_FIELDS)
    values |= {"countries": c["countries"], "action_lines": c["action_lines"],
               "sdg_targets": ", ".join(c["sdg_targets"]), "paragraphs": ", ".join(c["paragraphs"])}
    return render(request, "commitment_form.html", lang, **_ctx(request, values, [], ident), item=c)


@commitment_pages.post("/{ident}/edit", response_class=HTMLResponse)
async def edit_post(request: Request, ident: PageId):
    """Save the changes (an owner's edit goes back to moderation). The form gives a text per language
    (``title_fr``, ...); a language left empty loses its text. A form with a single ``title`` changes the
    text in the commitment's own language."""
    form, v = await _values(request)
    lang = _lang(request, form.get("ui"))
    reg, actor = registry(request), caller(request).actor
    item = commitments.get_commitment(reg, actor, ident, lang)
    patch = {"deadline": v["deadline"] or None, "countries": v["countries"], "action_lines": v["action_lines"],
             "sdg_targets": _comma(v["sdg_targets"]), "paragraphs": _comma(v["paragraphs"])}
    texts = posted_texts(form, TEXT_FIELDS, item["original_lang"])
    if texts:
        patch["texts"] = texts
    else:
        patch |= {k: v[k] for k in TEXT_FIELDS}
    try:
        commitments.update_commitment(reg, actor, ident, CommitmentPatch.model_validate(patch))
    except (ValidationError, WsisError) as exc:
        return render(request, "commitment_form.html", lang, status=422,
                      **_ctx(request, v | text_values(texts, TEXT_FIELDS), _errors(exc, lang), ident), item=item)
    return RedirectResponse(f"/registry/commitments/{ident}?lang={lang}", status_code=303)


@commitment_pages.post("/{ident}/reports", response_class=HTMLResponse)
async def report_post(request: Request, ident: PageId):
    """File a progress report, with what was disbursed (amount, currency, date) if anything."""
    form = await _form(request)
    check_csrf(request, form.get("csrf_token"))
    lang = _lang(request, form.get("ui"))
    reg, actor = registry(request), caller(request).actor
    r = {k: str(form.get(k, "") or "").strip() for k in REPORT}
    data = {k: r[k] or None for k in REPORT}
    data["summary"] = r["summary"]
    if data["disbursed_currency"]:
        data["disbursed_currency"] = data["disbursed_currency"].upper()
    try:
        commitments.add_progress_report(reg, actor, ident, ProgressIn.model_validate(data))
    except (ValidationError, WsisError) as exc:
        item = commitments.get_commitment(reg, actor, ident, lang)
        return render(request, "commitment.html", lang, status=422, item=item, mine=True, report=r,
                      errors=_errors(exc, lang))
    return RedirectResponse(f"/registry/commitments/{ident}?lang={lang}", status_code=303)
