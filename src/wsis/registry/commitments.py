"""Commitments (pledges, financial or not) and their progress reports, with a reporting traffic light.

Traffic light (after the UN Partnerships platform), from the latest progress report, or from the
registration date while none has been filed:

* green  - reported (or registered) within the last 12 months (365 days);
* yellow - the last report is 12 to 24 months old (a report is due);
* red    - more than 24 months (730 days) without a report; the commitment is then *inactive*.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from wsis.errors import WsisError
from wsis.registry.common import (
    check_codes,
    check_dates,
    check_four_eyes,
    get_tags,
    iso,
    not_found,
    organisation_id,
    plain_text,
    record,
    required_text,
    sanitise_html,
    set_tags,
    vocabulary,
)
from wsis.registry.db import Registry, get_registry
from wsis.registry.models import Commitment, CommitmentText, Initiative, ProgressReport, Tag, utcnow
from wsis.registry.policy import ANONYMOUS, Actor, can, require
from wsis.registry.schemas import CommitmentIn, CommitmentPatch, CommitmentTextIn, ModerationIn, ProgressIn
from wsis.registry.texts import set_texts, shown_texts

EARLIEST = dt.date(2003, 1, 1)  # the year of the Geneva phase of WSIS
GREEN_DAYS = 365
YELLOW_DAYS = 730
TEXT_FIELDS = ("title", "description", "target")


def report_status(registered_on: dt.date, last_report: dt.date | None, today: dt.date | None = None) -> dict:
    """Traffic light of a commitment: ``{light, active, days_since, last_report}``.

    Dates after ``today`` are implausible (the forms refuse them) and are ignored, so a stored 2099 date can
    never keep a commitment green: with no plausible date left, it is red and inactive.
    """
    today = today or dt.date.today()
    plausible = [d for d in (last_report, registered_on) if d is not None and d <= today]
    if not plausible:
        return {"light": "red", "active": False, "days_since": None, "last_report": iso(last_report)}
    ref = max(plausible)
    days = max(0, (today - ref).days)
    light = "green" if days <= GREEN_DAYS else "yellow" if days <= YELLOW_DAYS else "red"
    return {"light": light, "active": days <= YELLOW_DAYS, "days_since": days, "last_report": iso(last_report)}


def commitment_dict(c: Commitment, tags: dict[str, list[str]], today: dt.date | None = None,
                    unpublished: bool = False, lang: str | None = None) -> dict[str, Any]:
    """Plain-dict view of a commitment with its reports and traffic light.

    ``title``/``description``/``target`` are the text in ``lang`` when the commitment has one, else in its
    own language (``original_lang``); ``lang`` tells which, ``texts`` lists them all.

    Only approved progress reports count and are listed, unless ``unpublished`` (owner and moderators),
    which lists pending and rejected ones too (the traffic light still counts approved reports only).
    """
    approved = [r for r in c.reports if r.moderation == "approved"]
    shown = c.reports if unpublished else approved
    last = max((r.reported_on for r in approved), default=None)
    return {
        "id": c.id, **shown_texts(c, TEXT_FIELDS, lang),
        "deadline": iso(c.deadline), "indicator_code": c.indicator_code, "initiative_id": c.initiative_id,
        "organisation": {"id": c.organisation.id, "name": c.organisation.name,
                         "stakeholder_group": c.organisation.stakeholder_group,
                         "country": c.organisation.country or None},
        "countries": tags.get("countries", []), "action_lines": tags.get("action_lines", []),
        "sdg_targets": tags.get("sdg_targets", []), "paragraphs": tags.get("paragraphs", []),
        "financial": {"amount": str(c.amount) if c.amount is not None else None, "currency": c.currency,
                      "finance_type": c.finance_type, "period_start": iso(c.period_start),
                      "period_end": iso(c.period_end)} if c.is_financial else None,
        "moderation": c.moderation, "moderation_reason": c.moderation_reason,
        "registered_on": iso(c.registered_on), "version": c.version, "owner_id": c.owner_id,
        "reports": [{"id": r.id, "reported_on": iso(r.reported_on), "summary": r.summary,
                     "percent_complete": r.percent_complete, "moderation": r.moderation,
                     "moderation_reason": r.moderation_reason,
                     "disbursed": {"amount": str(r.disbursed_amount), "currency": r.disbursed_currency,
                                   "date": iso(r.disbursed_on)} if r.disbursed_amount is not None else None}
                    for r in shown],
        "report_status": report_status(c.registered_on, last, today),
    }


def clean_text(t: CommitmentTextIn | dict[str, Any]) -> dict[str, str]:
    """A commitment text as stored: plain title and target, sanitised description."""
    t = t if isinstance(t, dict) else t.model_dump()
    return {"lang": t["lang"], "title": required_text(t["title"], "title")[:300],
            "description": sanitise_html(t.get("description") or ""), "target": plain_text(t["target"])}


def _patched_texts(c: Commitment, fields: dict[str, Any]) -> tuple[list[dict[str, str]], str] | None:
    """The commitment's texts after a patch, and its own language; None when the patch changes no text."""
    given = {k: fields[k] for k in TEXT_FIELDS if fields.get(k) is not None}
    if fields.get("texts") is None and not given:
        return None
    texts = fields["texts"] if fields.get("texts") is not None else \
        [{"lang": t.lang, **{k: getattr(t, k) for k in TEXT_FIELDS}} for t in c.texts] or \
        [{"lang": c.original_lang, **{k: getattr(c, k) or "" for k in TEXT_FIELDS}}]
    texts = [dict(t) for t in texts]
    if given:
        lang = fields.get("lang") or c.original_lang
        old = next((t for t in texts if t["lang"] == lang), None)
        if old is None:
            if "title" not in given or "target" not in given:
                raise WsisError("text-incomplete", f"a new text ({lang}) needs a title and a target",
                                column="title" if "title" not in given else "target",
                                expected="title and target in that language", status=422)
            texts.append({"lang": lang, "description": "", **given})
        else:
            old.update(given)
    own = c.original_lang if any(t["lang"] == c.original_lang for t in texts) else texts[0]["lang"]
    return [clean_text(t) for t in texts], own


def _visible(actor: Actor, c: Commitment) -> bool:
    if c.deleted_at is not None:
        return False
    return c.moderation == "approved" or can(actor, "commitment.view_unpublished", c.owner_id)


def _snap(s: Session, c: Commitment) -> dict[str, Any]:
    s.flush()
    s.refresh(c)
    return commitment_dict(c, get_tags(s, "commitment", [c.id])[c.id], unpublished=True)


def _private(actor: Actor, c: Commitment, d: dict[str, Any]) -> dict[str, Any]:
    """``d`` as ``actor`` may see it: owners and moderators see everything, others no account id."""
    if actor.authenticated and (actor.at_least("moderator") or c.owner_id == actor.user_id):
        return d
    return {k: v for k, v in d.items() if k != "owner_id"}


def check_commitment_dates(registered_on: dt.date | None, deadline: dt.date | None, max_years: int,
                           today: dt.date | None = None) -> None:
    """Plausible dates: registered between WSIS (2003) and today, a deadline within ``max_years`` of today."""
    today = today or dt.date.today()
    if registered_on is not None and not (EARLIEST <= registered_on <= today):
        raise WsisError("implausible-date", "the registration date is in the future or before WSIS (2003)",
                        column="registered_on", expected=f"a date from {EARLIEST} to today", status=422)
    if deadline is not None:
        latest = today.replace(year=today.year + max_years) if not (today.month == 2 and today.day == 29) \
            else dt.date(today.year + max_years, 2, 28)
        if not (EARLIEST <= deadline <= latest):
            raise WsisError("implausible-date", f"the deadline is more than {max_years} years ahead or before 2003",
                            column="deadline", expected=f"a date from {EARLIEST} to {latest}", status=422)
        if registered_on is not None and deadline < registered_on:
            raise WsisError("bad-dates", "the deadline is before the registration date", column="deadline",
                            expected="a date on or after registered_on", status=422)


def check_financial(data: CommitmentIn) -> list[bool]:
    """Amount, currency and finance type come together or not at all; which of them are given."""
    fin = [data.amount is not None, data.currency is not None, data.finance_type is not None]
    if any(fin) and not all(fin):
        missing = [n for n, ok in zip(("amount", "currency", "finance_type"), fin, strict=True) if not ok][0]
        raise WsisError("incomplete-financial", "a financial commitment needs amount, currency and type",
                        column=missing, expected="amount, currency (ISO 4217) and finance_type", status=422)
    return fin


def submit_commitment(reg: Registry, actor: Actor, data: CommitmentIn) -> dict[str, Any]:
    """Register a commitment (pending moderation)."""
    require(actor, "commitment.submit")
    if actor.user_id is None:
        raise WsisError("forbidden", "submissions need a user account", status=403)
    payload = data.model_dump()
    check_codes(vocabulary(reg), payload)
    check_dates(data.period_start, data.period_end, "period_end")
    check_commitment_dates(data.registered_on or dt.date.today(), data.deadline, reg.settings.deadline_max_years)
    fin = check_financial(data)

    def txn(s: Session) -> dict[str, Any]:
        if data.initiative_id is not None:
            ini = s.get(Initiative, data.initiative_id)
            if ini is None or ini.deleted_at is not None or not (
                    ini.moderation == "approved" or can(actor, "initiative.view_unpublished", ini.owner_id)):
                raise WsisError("not-found", f"initiative {data.initiative_id} not found", column="initiative_id",
                                status=422)
        org = organisation_id(s, data.organisation.name, data.organisation.stakeholder_group,
                              data.organisation.country)
        texts = [clean_text(t) for t in data.texts]
        c = Commitment(initiative_id=data.initiative_id, organisation_id=org, owner_id=actor.user_id,
                       title=texts[0]["title"], description=texts[0]["description"], target=texts[0]["target"],
                       deadline=data.deadline, indicator_code=data.indicator_code,
                       is_financial=all(fin), amount=data.amount, currency=data.currency,
                       finance_type=data.finance_type, period_start=data.period_start, period_end=data.period_end,
                       registered_on=data.registered_on or dt.date.today(), moderation="pending")
        set_texts(s, c, texts, CommitmentText, TEXT_FIELDS)
        s.add(c)
        s.flush()
        set_tags(s, "commitment", c.id, payload)
        snap = _snap(s, c)
        record(s, "commitment", c.id, 1, "submit", actor, snap)
        return snap

    return reg.write(txn)


def get_commitment(reg: Registry, actor: Actor, ident: int, lang: str | None = None) -> dict[str, Any]:
    """One commitment, if visible to the actor (else 404), with its text in ``lang`` when it has one."""
    with reg.read() as s:
        c = s.get(Commitment, ident)
        if c is None or not _visible(actor, c):
            raise not_found("commitment", ident)
        mine = can(actor, "commitment.view_unpublished", c.owner_id)
        return _private(actor, c, commitment_dict(c, get_tags(s, "commitment", [c.id])[c.id], unpublished=mine,
                                                  lang=lang))


def moderate_commitment(reg: Registry, actor: Actor, ident: int, decision: ModerationIn) -> dict[str, Any]:
    """Approve or reject (with a reason) a commitment."""
    require(actor, "commitment.moderate")
    if decision.decision == "reject" and not decision.reason.strip():
        raise WsisError("reason-required", "a rejection needs a reason", column="reason", status=422)

    def txn(s: Session) -> dict[str, Any]:
        c = s.get(Commitment, ident)
        if c is None or c.deleted_at is not None:
            raise not_found("commitment", ident)
        check_four_eyes(s, actor, c.owner_id, c.organisation_id)
        c.moderation = "approved" if decision.decision == "approve" else "rejected"
        c.moderation_reason = plain_text(decision.reason) or None
        c.version += 1
        c.updated_at = utcnow()
        snap = _snap(s, c)
        record(s, "commitment", c.id, c.version, decision.decision, actor, snap)
        return snap

    return reg.write(txn)


def delete_commitment(reg: Registry, actor: Actor, ident: int) -> None:
    """Soft-delete a commitment (owner or admin)."""
    require(actor, "commitment.submit")

    def txn(s: Session) -> None:
        c = s.get(Commitment, ident)
        if c is None or not _visible(actor, c):
            raise not_found("commitment", ident)
        require(actor, "commitment.delete", c.owner_id)
        c.deleted_at = utcnow()
        c.version += 1
        record(s, "commitment", c.id, c.version, "delete", actor, {"deleted": True})

    reg.write(txn)


def check_disbursement(data: ProgressIn) -> None:
    """A disbursement is an amount, a currency and a date, all three, paid no later than the report."""
    parts = {"disbursed_amount": data.disbursed_amount, "disbursed_currency": data.disbursed_currency,
             "disbursed_on": data.disbursed_on}
    given = [k for k, v in parts.items() if v is not None]
    if given and len(given) < 3:
        missing = next(k for k, v in parts.items() if v is None)
        raise WsisError("incomplete-disbursement", "a disbursement needs amount, currency and date", column=missing,
                        expected="disbursed_amount, disbursed_currency (ISO 4217) and disbursed_on", status=422)
    if data.disbursed_on is not None and not (EARLIEST <= data.disbursed_on <= data.reported_on):
        raise WsisError("implausible-date", "the disbursement is dated after the report or before WSIS (2003)",
                        column="disbursed_on", expected=f"a date from {EARLIEST} to the report's date", status=422)


def add_progress_report(reg: Registry, actor: Actor, ident: int, data: ProgressIn) -> dict[str, Any]:
    """File a dated progress report on a commitment (its owner, or a moderator); it waits for moderation."""
    require(actor, "commitment.submit")
    if data.reported_on > dt.date.today():
        raise WsisError("future-date", "a report cannot be dated in the future", column="reported_on",
                        expected="today or earlier", status=422)
    if data.reported_on < EARLIEST:
        raise WsisError("implausible-date", "a report cannot be dated before WSIS (2003)", column="reported_on",
                        expected=f"a date from {EARLIEST} to today", status=422)

    check_disbursement(data)

    def txn(s: Session) -> dict[str, Any]:
        c = s.get(Commitment, ident)
        if c is None or not _visible(actor, c):
            raise not_found("commitment", ident)
        require(actor, "commitment.report", c.owner_id)
        if data.disbursed_amount is not None and not c.is_financial:
            raise WsisError("not-financial", "only a financial commitment records disbursements",
                            column="disbursed_amount", expected="no amount on a non-financial commitment",
                            status=422)
        s.add(ProgressReport(commitment_id=c.id, author_id=actor.user_id or 0, reported_on=data.reported_on,
                             summary=sanitise_html(data.summary), percent_complete=data.percent_complete,
                             moderation="pending", disbursed_amount=data.disbursed_amount,
                             disbursed_currency=data.disbursed_currency, disbursed_on=data.disbursed_on))
        c.version += 1
        c.updated_at = utcnow()
        snap = _snap(s, c)
        record(s, "commitment", c.id, c.version, "report", actor, snap)
        return snap

    return reg.write(txn)


def moderate_report(reg: Registry, actor: Actor, ident: int, report_id: int,
                    decision: ModerationIn) -> dict[str, Any]:
    """Approve or reject (with a reason) a progress report; only approved reports are public."""
    require(actor, "commitment.moderate")
    if decision.decision == "reject" and not decision.reason.strip():
        raise WsisError("reason-required", "a rejection needs a reason", column="reason", status=422)

    def txn(s: Session) -> dict[str, Any]:
        c = s.get(Commitment, ident)
        r = s.get(ProgressReport, report_id)
        if c is None or c.deleted_at is not None or r is None or r.commitment_id != c.id:
            raise not_found("progress report", report_id)
        check_four_eyes(s, actor, c.owner_id, c.organisation_id, author_id=r.author_id)
        r.moderation = "approved" if decision.decision == "approve" else "rejected"
        r.moderation_reason = plain_text(decision.reason) or None
        c.version += 1
        c.updated_at = utcnow()
        snap = _snap(s, c)
        record(s, "commitment", c.id, c.version, f"report-{decision.decision}", actor,
               snap | {"report_id": r.id})
        return snap

    return reg.write(txn)


def update_commitment(reg: Registry, actor: Actor, ident: int, patch: CommitmentPatch) -> dict[str, Any]:
    """Change a commitment (owner or moderator). It goes back to moderation unless a moderator other than
    the owner made the change, like an initiative."""
    require(actor, "commitment.submit")
    fields = patch.model_dump(exclude_unset=True)
    check_codes(vocabulary(reg), fields)

    def txn(s: Session) -> dict[str, Any]:
        c = s.get(Commitment, ident)
        if c is None or not _visible(actor, c):
            raise not_found("commitment", ident)
        require(actor, "commitment.edit", c.owner_id)
        for key in ("deadline", "indicator_code"):
            if key in fields and fields[key] is not None:
                setattr(c, key, fields[key])
        texts = _patched_texts(c, fields)
        if texts is not None:
            set_texts(s, c, texts[0], CommitmentText, TEXT_FIELDS, original=texts[1])
        check_commitment_dates(c.registered_on, c.deadline, reg.settings.deadline_max_years)
        set_tags(s, "commitment", c.id, fields)
        if not actor.at_least("moderator") or c.owner_id == actor.user_id:
            c.moderation, c.moderation_reason = "pending", None
        c.version += 1
        c.updated_at = utcnow()
        snap = _snap(s, c)
        record(s, "commitment", c.id, c.version, "edit", actor, snap)
        return snap

    return reg.write(txn)


def pending_commitments(reg: Registry, actor: Actor, limit: int = 100) -> list[dict[str, Any]]:
    """Commitments awaiting moderation, oldest first (moderators)."""
    require(actor, "moderation.queue")
    with reg.read() as s:
        rows = list(s.scalars(select(Commitment).where(Commitment.moderation == "pending",
                                                       Commitment.deleted_at.is_(None))
                              .order_by(Commitment.id).limit(limit)))
        tags = get_tags(s, "commitment", [c.id for c in rows])
        return [commitment_dict(c, tags[c.id], unpublished=True) for c in rows]


def pending_reports(reg: Registry, actor: Actor, limit: int = 100) -> list[dict[str, Any]]:
    """Progress reports awaiting moderation, oldest first (moderators)."""
    require(actor, "moderation.queue")
    with reg.read() as s:
        rows = s.execute(select(ProgressReport, Commitment).join(Commitment)
                         .where(ProgressReport.moderation == "pending", Commitment.deleted_at.is_(None))
                         .order_by(ProgressReport.id).limit(limit)).all()
        return [{"id": r.id, "commitment_id": c.id, "commitment_title": c.title, "reported_on": iso(r.reported_on),
                 "summary": r.summary, "percent_complete": r.percent_complete, "author_id": r.author_id,
                 "disbursed": {"amount": str(r.disbursed_amount), "currency": r.disbursed_currency,
                               "date": iso(r.disbursed_on)} if r.disbursed_amount is not None else None}
                for r, c in rows]


def list_commitments(reg: Registry, actor: Actor = ANONYMOUS, action_line: str | None = None,
                     country: str | None = None, light: str | None = None, financial: bool | None = None,
                     paragraph: str | None = None, limit: int = 50, offset: int = 0, today: dt.date | None = None,
                     lang: str | None = None) -> dict[str, Any]:
    """Public commitments, filtered: ``{data, count, offset, limit}``; texts in ``lang`` where they exist."""
    limit = max(1, min(int(limit), 500))
    offset = max(0, int(offset))
    stmt = select(Commitment).where(Commitment.moderation == "approved", Commitment.deleted_at.is_(None))
    for kind, code in (("action_lines", action_line), ("countries", country), ("paragraphs", paragraph)):
        if code:
            stmt = stmt.where(Commitment.id.in_(select(Tag.entity_id).where(
                Tag.entity_type == "commitment", Tag.kind == kind,
                or_(Tag.code == code, Tag.code.startswith(code + "-")))))
    if financial is not None:
        stmt = stmt.where(Commitment.is_financial.is_(financial))
    with reg.read() as s:
        rows = list(s.scalars(stmt.order_by(Commitment.id.desc())))
        tags = get_tags(s, "commitment", [c.id for c in rows])
        data = [_private(ANONYMOUS, c, commitment_dict(c, tags[c.id], today, lang=lang)) for c in rows]
    if light:
        data = [d for d in data if d["report_status"]["light"] == light]
    return {"data": data[offset:offset + limit], "count": len(data), "offset": offset, "limit": limit}


def commitments_for_action_line(code: str, registry: Registry | None = None,
                                lang: str | None = None) -> list[dict[str, Any]]:
    """Public commitments tagged with an action line (``C7`` includes its sub-lines), texts in ``lang``."""
    return list_commitments(registry or get_registry(), action_line=code, limit=500, lang=lang)["data"]


def commitments_for_country(iso3: str, registry: Registry | None = None,
                            lang: str | None = None) -> list[dict[str, Any]]:
    """Public commitments tagged with a country (ISO alpha-3), texts in ``lang``."""
    return list_commitments(registry or get_registry(), country=iso3.upper(), limit=500, lang=lang)["data"]


def after_restore(s: Session) -> None:
    """After a restore from a backup made before 0006_commitment_texts: give each commitment without texts
    its title, description and target as its text in ``original_lang``."""
    for c in s.scalars(select(Commitment)):
        if not c.texts:
            c.texts.append(CommitmentText(lang=c.original_lang or "en", title=c.title, description=c.description or "",
                                          target=c.target))
    s.flush()
