"""Staff forms for road-map milestones under ``/registry/roadmaps/{code}/milestones``: add one, or edit one,
with its target, catalogue indicators, due date, status and the outcome-document paragraphs it cites
(checked against the release's paragraphs by ``tracking``, as initiatives' and commitments' citations are).
Moderators only; the forms carry the session's CSRF token."""

from __future__ import annotations

from typing import Any, get_args

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from wsis.errors import WsisError
from wsis.registry import tracking
from wsis.registry.policy import require
from wsis.registry.schemas import MilestoneIn
from wsis.web.registry.commitment_pages import _comma, _errors
from wsis.web.registry.deps import caller, check_csrf, registry
from wsis.web.registry.pages import PageId, _form, _lang, render

roadmap_pages = APIRouter(prefix="/registry/roadmaps", include_in_schema=False)
FIELDS = ("title", "target", "indicator_codes", "paragraphs", "due_date", "status")
STATUSES = get_args(MilestoneIn.model_fields["status"].annotation)


def _milestone(request: Request, code: str, ident: int) -> dict[str, Any]:
    found = next((m for m in tracking.get_roadmap(registry(request), code)["milestones"] if m["id"] == ident), None)
    if found is None:
        raise WsisError("not-found", f"milestone {code[:20]}/{ident} not found", status=404)
    return found


def _page(request: Request, lang: str, code: str, values: dict[str, Any], errors: list, ident: int | None = None,
          status: int = 200) -> HTMLResponse:
    roadmap = tracking.get_roadmap(registry(request), code)
    return render(request, "milestone_form.html", lang, status=status, roadmap=roadmap, values=values,
                  errors=errors, ident=ident, statuses=STATUSES)


async def _save(request: Request, code: str, ident: int | None):
    form = await _form(request)
    check_csrf(request, form.get("csrf_token"))
    lang = _lang(request, form.get("ui"))
    v = {k: str(form.get(k, "") or "").strip() for k in FIELDS}
    reg, actor = registry(request), caller(request).actor
    try:
        data = MilestoneIn.model_validate({"title": v["title"], "target": v["target"],
                                           "indicator_codes": _comma(v["indicator_codes"]),
                                           "paragraphs": _comma(v["paragraphs"]), "due_date": v["due_date"] or None,
                                           "status": v["status"] or "planned"})
        if ident is None:
            tracking.add_milestone(reg, actor, code, data)
        else:
            tracking.update_milestone(reg, actor, code, ident, data)
    except (ValidationError, WsisError) as exc:
        return _page(request, lang, code, v, _errors(exc, lang), ident, status=422)
    return RedirectResponse(f"/registry/roadmaps?lang={lang}#rm-{code}", status_code=303)


@roadmap_pages.get("/{code}/milestones/new", response_class=HTMLResponse)
def new_milestone(request: Request, code: str) -> HTMLResponse:
    """The form to add a milestone to road map ``code`` (moderators)."""
    require(caller(request).actor, "roadmap.edit")
    return _page(request, _lang(request), code, {"status": "planned"}, [])


@roadmap_pages.post("/{code}/milestones/new", response_class=HTMLResponse)
async def new_milestone_post(request: Request, code: str):
    """Add the milestone; on errors show the form again with an error summary."""
    return await _save(request, code, None)


@roadmap_pages.get("/{code}/milestones/{ident}/edit", response_class=HTMLResponse)
def edit_milestone(request: Request, code: str, ident: PageId) -> HTMLResponse:
    """The form to edit a milestone, its cited paragraphs included (moderators)."""
    require(caller(request).actor, "roadmap.edit")
    m = _milestone(request, code, ident)
    values = {"title": m["title"], "target": m["target"], "indicator_codes": ", ".join(m["indicator_codes"]),
              "paragraphs": ", ".join(m["paragraphs"]), "due_date": m["due_date"] or "", "status": m["status"]}
    return _page(request, _lang(request), code, values, [], ident)


@roadmap_pages.post("/{code}/milestones/{ident}/edit", response_class=HTMLResponse)
async def edit_milestone_post(request: Request, code: str, ident: PageId):
    """Save the milestone; on errors show the form again with an error summary."""
    return await _save(request, code, ident)
