"""Staff pages under ``/registry``: account management for admins (``/registry/admin``) and the
moderation of progress reports. Each form posts with the session's CSRF token; every action is audited
by the service it calls."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from wsis.errors import WsisError
from wsis.registry import admin, commitments
from wsis.registry.policy import ROLE_RANK
from wsis.web.registry.deps import ID_MAX, caller, check_csrf, registry
from wsis.web.registry.pages import _form, _lang, decision_of, render

staff = APIRouter(prefix="/registry", include_in_schema=False)
PageId = Annotated[int, Path(ge=1, le=ID_MAX)]


@staff.get("/admin", response_class=HTMLResponse)
def accounts_page(request: Request) -> HTMLResponse:
    """Every account, with disable/enable, role and token-revocation forms (admins)."""
    users = admin.list_users(registry(request), caller(request).actor)
    return render(request, "admin.html", _lang(request), users=users, roles=list(ROLE_RANK))


@staff.post("/admin/users/{ident}")
async def account_post(request: Request, ident: PageId):
    """Disable, enable, set the role of, or revoke the tokens of one account."""
    form = await _form(request)
    check_csrf(request, form.get("csrf_token"))
    reg, actor = registry(request), caller(request).actor
    action = form.get("action", "")
    if action in ("disable", "enable"):
        admin.set_active(reg, actor, ident, action == "enable")
    elif action == "role":
        admin.set_role(reg, actor, ident, str(form.get("role", "")))
    elif action == "revoke":
        admin.revoke_tokens(reg, actor, ident)
    else:
        raise WsisError("bad-action", "unknown account action", column="action",
                        expected="disable, enable, role or revoke", status=422)
    return RedirectResponse(f"/registry/admin?lang={_lang(request, form.get('ui'))}", status_code=303)


@staff.post("/moderation/commitments/{ident}")
async def commitment_post(request: Request, ident: PageId):
    """Approve or reject one commitment from the queue."""
    form = await _form(request)
    check_csrf(request, form.get("csrf_token"))
    commitments.moderate_commitment(registry(request), caller(request).actor, ident, decision_of(form))
    return RedirectResponse(f"/registry/moderation?lang={_lang(request, form.get('ui'))}", status_code=303)


@staff.post("/moderation/commitments/{ident}/reports/{report_id}")
async def report_post(request: Request, ident: PageId, report_id: PageId):
    """Approve or reject one progress report from the queue."""
    form = await _form(request)
    check_csrf(request, form.get("csrf_token"))
    commitments.moderate_report(registry(request), caller(request).actor, ident, report_id, decision_of(form))
    return RedirectResponse(f"/registry/moderation?lang={_lang(request, form.get('ui'))}", status_code=303)
