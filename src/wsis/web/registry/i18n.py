"""Languages of the registry pages: the same picker and gettext catalogues as the dashboard.

``_(text, lang)`` looks ``text`` up in the ``wsis`` gettext catalogue of ``lang`` (``wsis/locale``) and falls
back to English; the msgids are the English strings. Form and page errors are shown in the visitor's
language too: a field is named by its form label, a pydantic error type or a ``WsisError`` code has its own
sentence; anything else is shown in English and marked ``lang="en"``. The problem+json API stays English.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from wsis.errors import WsisError
from wsis.locale import gettext_for, language_name  # noqa: F401 - language_name re-exported for the pages
from wsis.schema import LANGS, NATIVE_NAMES, RTL  # noqa: F401 - re-exported for the page templates
from wsis.web.i18n import pick_lang  # noqa: F401 - the one language picker

# form field -> the msgid of its label
FIELD_LABELS = {
    "lang": "Language of the text", "title": "Title", "description": "Description",
    "organisation": "Organisation name", "stakeholder_group": "Stakeholder group",
    "organisation_country": "Country of the organisation", "countries": "Countries covered",
    "action_lines": "WSIS action lines", "sdg_targets": "SDG targets", "gdc_objectives": "Global Digital Compact objectives",
    "groups": "Beneficiary groups", "status": "Status", "start_date": "Start date", "end_date": "End date",
    "links": "Links (one per line)", "contact_name": "Contact name", "contact_email": "Contact e-mail",
    "target": "Measurable target", "deadline": "Deadline", "amount": "Amount pledged", "currency": "Currency (ISO 4217, e.g. EUR)",
    "finance_type": "Type of finance", "period_start": "Start date", "period_end": "End date",
    "paragraphs": "Outcome-document paragraphs", "reported_on": "Date", "summary": "Summary",
    "percent_complete": "Per cent complete", "disbursed_amount": "Amount disbursed",
    "disbursed_currency": "Currency (ISO 4217, e.g. EUR)", "disbursed_on": "Date of disbursement", "email": "E-mail",
    "password": "Password", "reason": "Reason (required to reject)", "name": "Name", "scope": "Scope",
    "year_founded": "Year founded", "website": "Website", "kind": "Kind of output", "year": "Year",
    "body": "Produced by", "link": "Link", "note": "Note", "due_date": "Due date",
    "indicator_codes": "Catalogue indicators (comma-separated, e.g. IT_USE_ii99)",
}

# WsisError code -> what a visitor is told (msgid); the English detail stays in the API's problem+json
ERROR_TEXTS = {
    "not-found": "This page or entry does not exist, or is not public.",
    "forbidden": "You are not allowed to do this.",
    "login-required": "You must log in first.",
    "bad-token": "Your API token is invalid, expired or revoked.",
    "csrf": "The form has expired. Reload the page and submit it again.",
    "bad-credentials": "The e-mail or the password is wrong.",
    "too-many-attempts": "Too many failed logins: try again in {n} seconds.",
    "busy": "The registry is busy. Try again in a moment.",
    "read-only": "The registry is read-only for maintenance. Try again later.",
    "reason-required": "A rejection needs a reason.",
    "four-eyes": "Another moderator must decide: you cannot moderate your own or your organisation's entry.",
    "bad-decision": "Choose approve or reject.",
    "unknown-code": "Choose a value from the list.",
    "implausible-date": "This date is not plausible.",
    "future-date": "This date is in the future.",
    "bad-dates": "The dates are in the wrong order.",
    "empty-title": "The title is empty.",
    "bad-link": "A link must start with http:// or https://.",
    "incomplete-financial": "A financial commitment needs an amount, a currency and a type of finance.",
    "incomplete-disbursement": "A disbursement needs an amount, a currency and a date.",
    "not-financial": "Only a financial commitment records disbursements.",
    "uploads-refused": "File uploads are not accepted.",
    "bad-parameter": "A value in the address is not valid.",
    "invalid-request": "A value in the address is not valid.",
    "method-not-allowed": "This page cannot be used that way.",
    "body-too-large": "The form is too large.",
    "internal-error": "Something went wrong on our side. Try again later.",
    "bad-countries": "A national IGF covers exactly one country.",
    "bad-action": "This action is not known.",
}

# pydantic error type -> msgid ({n} is the bound, when the error carries one)
INPUT_TEXTS = {
    "missing": "Required", "string_too_short": "Too short: at least {n} characters",
    "string_too_long": "Too long: at most {n} characters", "too_long": "Too many values: at most {n}",
    "too_short": "Required", "literal_error": "Choose a value from the list.",
    "enum": "Choose a value from the list.", "date_parsing": "Not a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "Not a date (YYYY-MM-DD)", "date_type": "Not a date (YYYY-MM-DD)",
    "int_parsing": "Not a whole number", "float_parsing": "Not a number", "decimal_parsing": "Not a number",
    "greater_than": "Out of range", "greater_than_equal": "Out of range", "less_than": "Out of range",
    "less_than_equal": "Out of range", "string_pattern_mismatch": "Not in the expected format",
    "url_parsing": "Not a web address", "url_scheme": "A link must start with http:// or https://.",
    "value_error": "Not a valid value", "decimal_max_digits": "Out of range", "decimal_max_places": "Out of range",
}


def _(text: str, lang: str = "en") -> str:
    """``text`` translated into ``lang`` (English when no translation exists)."""
    return gettext_for(lang)(text)


def field_label(field: str, lang: str) -> str:
    """The form label naming ``field`` in ``lang`` (the field's name when it has no label)."""
    return _(FIELD_LABELS[field], lang) if field in FIELD_LABELS else field


def error_text(err: WsisError, lang: str) -> tuple[str, str]:
    """(text, its language): the visitor's sentence for ``err``, or its English line when it has none."""
    msgid = ERROR_TEXTS.get(err.code)
    if msgid is None and err.status == 404:
        msgid = ERROR_TEXTS["not-found"]
    text = _(msgid, lang) if msgid else ""
    if msgid and (text != msgid or lang == "en"):
        return text.replace("{n}", str(err.extra.get("retry_after", ""))), lang
    return str(err), "en"


def _input_text(e: dict[str, Any], lang: str) -> tuple[str, str]:
    msgid = INPUT_TEXTS.get(str(e.get("type", "")))
    ctx = e.get("ctx") or {}
    n = next((ctx[k] for k in ("max_length", "min_length") if k in ctx), "")
    if e.get("type") in ("string_too_short", "too_short") and (n == 1 or not e.get("input")):
        msgid = "Required"  # an empty field, whatever its minimum length
    if msgid is None or (lang != "en" and _(msgid, lang) == msgid):
        return str(e.get("msg", "")), "en"
    return _(msgid, lang).replace("{n}", str(n)), lang


def form_errors(exc: Exception, lang: str, field_of=None) -> list[dict[str, str]]:
    """The error summary of a form: ``[{field, label, message, lang}]`` in the visitor's language.

    ``field_of(loc)`` names the form field of a pydantic location (default: its first named part). A
    ``WsisError`` other than 409/422 is re-raised (it becomes an error page).
    """
    out: list[dict[str, str]] = []
    if isinstance(exc, ValidationError):
        for e in exc.errors():
            loc = e.get("loc", ())
            field = field_of(loc) if field_of else str(next((p for p in loc if not isinstance(p, int)), ""))
            text, tlang = _input_text(dict(e), lang)
            out.append({"field": field, "label": field_label(field, lang), "message": text, "lang": tlang})
        return out
    if not isinstance(exc, WsisError) or exc.status not in (409, 422):
        raise exc
    field = {"organisation.country": "organisation_country"}.get(exc.column or "", exc.column or "")
    text, tlang = error_text(exc, lang)
    return [{"field": field, "label": field_label(field, lang), "message": text, "lang": tlang}]


# codes that pages show through t() (each is a msgid of every catalogue); the rest come from
# wsis.registry.reference and the IGF pages' tuples
ROLES = ("contributor", "moderator", "admin")
MODERATION_STATES = ("pending", "approved", "rejected")
LIGHTS = ("green", "yellow", "red")
TRACKING_STATUSES = ("pending", "in_progress", "delivered", "overdue", "recurring", "not_started", "planned",
                     "on_track", "at_risk", "done", "missed")


def text_values(texts: list[dict[str, str]], fields: tuple[str, ...]) -> dict[str, str]:
    """An entry's texts as the edit form's per-language fields (``title_fr``, ``description_fr``, ...)."""
    return {f"{f}_{t['lang']}": t[f] for t in texts for f in fields}


def posted_texts(form: Any, fields: tuple[str, ...], original: str) -> list[dict[str, str]]:
    """The texts posted by an edit form (fields ``title_fr``, ...), the entry's own language first; a
    language whose fields are all empty has no text."""
    out = []
    for lang in (original, *(x for x in LANGS if x != original)):
        text = {f: str(form.get(f"{f}_{lang}", "") or "").strip() for f in fields}
        if any(text.values()):
            out.append({"lang": lang, **text})
    return out
