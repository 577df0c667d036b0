"""The IGF ecosystem (outcome document paras 97-103): national, regional, subregional and youth IGF
initiatives ("forums"), IGF outputs and their reported uptake.

Forums, outputs and uptake reports are moderated like initiatives: a contributor submits, another moderator
approves (four eyes: nobody approves their own submission). Only approved, undeleted records are public.
CSV export and all-or-nothing import follow the initiatives' (cells neutralised against formula injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wsis.errors import WsisError
from wsis.registry.cells import neutralise_row, read_import_file, restore
from wsis.registry.common import (
    check_four_eyes,
    check_links,
    iso,
    not_found,
    plain_text,
    record,
    required_text,
    vocabulary,
)
from wsis.registry.db import Registry
from wsis.registry.models import IGF_OUTPUT_KINDS, IGF_SCOPES, IgfForum, IgfOutput, IgfUptake, utcnow
from wsis.registry.policy import ANONYMOUS, Actor, require
from wsis.registry.schemas import ModerationIn, Strict

LIST_SEP = ";"
FORUM_COLUMNS = ("name", "scope", "countries", "year_founded", "status", "website")
OUTPUT_COLUMNS = ("title", "kind", "year", "body", "link")
USED_BY_KINDS = ("un_process", "un_body", "national_policy", "other")
PARA = 97  # "more than 170 national, regional and youth IGF initiatives"


class ForumIn(Strict):
    """A national, regional, subregional or youth IGF initiative."""

    name: str = Field(min_length=3, max_length=300)
    scope: Literal["national", "regional", "subregional", "youth"]
    countries: list[str] = Field(default_factory=list, max_length=250)
    year_founded: int | None = Field(default=None, ge=2006, le=2100)
    status: Literal["active", "inactive"] = "active"
    website: str = Field(default="", max_length=500)


class OutputIn(Strict):
    """An IGF output: messages, a BPF or PN report, a dynamic-coalition output."""

    title: str = Field(min_length=3, max_length=300)
    kind: Literal["messages", "bpf_report", "pn_report", "dc_output"]
    year: int = Field(ge=2006, le=2100)
    body: str = Field(default="", max_length=300)
    link: str = Field(default="", max_length=500)


class UptakeIn(Strict):
    """Which UN process, body or national policy used an output, with a link to where it did."""

    used_by: str = Field(min_length=2, max_length=300)
    used_by_kind: Literal["un_process", "un_body", "national_policy", "other"]
    link: str = Field(min_length=10, max_length=500)
    note: str = Field(default="", max_length=2000)


assert set(IGF_SCOPES) == {"national", "regional", "subregional", "youth"}
assert set(IGF_OUTPUT_KINDS) == {"messages", "bpf_report", "pn_report", "dc_output"}


# ---- checks and dicts -------------------------------------------------------------------------------------

def _check_forum(reg: Registry, data: ForumIn) -> dict[str, Any]:
    countries = [c.upper() for c in data.countries]
    known = vocabulary(reg).countries
    for code in countries:
        if code not in known:
            raise WsisError("unknown-code", f"unknown code {code!r}", column="countries",
                            expected="ISO 3166 alpha-3 codes such as KEN", status=422)
    if data.scope == "national" and len(countries) != 1:
        raise WsisError("bad-countries", "a national IGF covers exactly one country", column="countries",
                        expected="one ISO 3166 alpha-3 code", status=422)
    if data.website:
        check_links([data.website])
    return {"name": required_text(data.name, "name"), "scope": data.scope, "countries": list(dict.fromkeys(countries)),
            "year_founded": data.year_founded, "status": data.status, "website": data.website}


def _check_output(data: OutputIn) -> dict[str, Any]:
    if data.link:
        check_links([data.link])
    return {"title": required_text(data.title, "title"), "kind": data.kind, "year": data.year,
            "body": plain_text(data.body), "link": data.link}


def forum_dict(f: IgfForum) -> dict[str, Any]:
    """The public fields of a forum, plus its moderation state."""
    return {"id": f.id, "name": f.name, "scope": f.scope, "countries": list(f.countries or []),
            "year_founded": f.year_founded, "status": f.status, "website": f.website,
            "moderation": f.moderation, "version": f.version, "updated_at": iso(f.updated_at)}


def uptake_dict(u: IgfUptake) -> dict[str, Any]:
    """One uptake report."""
    return {"id": u.id, "output_id": u.output_id, "used_by": u.used_by, "used_by_kind": u.used_by_kind,
            "link": u.link, "note": u.note, "moderation": u.moderation}


def output_dict(o: IgfOutput, public: bool = True) -> dict[str, Any]:
    """An output with its uptake (only approved uptake when ``public``)."""
    ups = [uptake_dict(u) for u in o.uptakes if not public or u.moderation == "approved"]
    return {"id": o.id, "title": o.title, "kind": o.kind, "year": o.year, "body": o.body, "link": o.link,
            "moderation": o.moderation, "version": o.version, "updated_at": iso(o.updated_at), "uptake": ups}


def _visible(actor: Actor, row) -> bool:
    if row.deleted_at is not None:
        return False
    return row.moderation == "approved" or actor.at_least("moderator") or \
        (actor.user_id is not None and actor.user_id == row.owner_id)


# ---- forums -------------------------------------------------------------------------------------------------

def submit_forum(reg: Registry, actor: Actor, data: ForumIn) -> dict[str, Any]:
    """Submit an IGF initiative (pending moderation)."""
    require(actor, "initiative.submit")
    values = _check_forum(reg, data)

    def txn(s: Session) -> dict[str, Any]:
        row = IgfForum(owner_id=actor.user_id, moderation="pending", **values)
        s.add(row)
        s.flush()
        snap = forum_dict(row)
        record(s, "igf_forum", row.id, 1, "submit", actor, snap)
        return snap

    if actor.user_id is None and actor.via != "system":
        raise WsisError("forbidden", "submissions need a user account", status=403)
    return reg.write(txn)


def _moderate(reg: Registry, actor: Actor, model, kind: str, ident: int, decision: ModerationIn,
              dump) -> dict[str, Any]:
    require(actor, "initiative.moderate")
    if decision.decision == "reject" and not decision.reason.strip():
        raise WsisError("reason-required", "a rejection needs a reason", column="reason",
                        expected="a short explanation for the contributor", status=422)

    def txn(s: Session) -> dict[str, Any]:
        row = s.get(model, ident)
        if row is None or getattr(row, "deleted_at", None) is not None:
            raise not_found(kind.replace("_", " "), ident)
        owner = getattr(row, "owner_id", None) or getattr(row, "author_id", None)
        check_four_eyes(s, actor, owner, None)
        row.moderation = "approved" if decision.decision == "approve" else "rejected"
        row.moderation_reason = plain_text(decision.reason) or None
        if hasattr(row, "version"):
            row.version += 1
            row.updated_at = utcnow()
        snap = dump(row)
        record(s, kind, row.id, getattr(row, "version", 1), decision.decision, actor, snap)
        return snap

    return reg.write(txn)


def moderate_forum(reg: Registry, actor: Actor, ident: int, decision: ModerationIn) -> dict[str, Any]:
    """Approve or reject (with a reason) a submitted IGF initiative; four eyes apply."""
    return _moderate(reg, actor, IgfForum, "igf_forum", ident, decision, forum_dict)


def update_forum(reg: Registry, actor: Actor, ident: int, data: ForumIn) -> dict[str, Any]:
    """Replace an IGF initiative's fields (owner or moderator); an owner's edit goes back to moderation."""
    require(actor, "initiative.submit")
    values = _check_forum(reg, data)

    def txn(s: Session) -> dict[str, Any]:
        row = s.get(IgfForum, ident)
        if row is None or not _visible(actor, row):
            raise not_found("IGF initiative", ident)
        require(actor, "initiative.edit", row.owner_id)
        for k, v in values.items():
            setattr(row, k, v)
        if not actor.at_least("moderator") or row.owner_id == actor.user_id:
            row.moderation, row.moderation_reason = "pending", None
        row.version += 1
        row.updated_at = utcnow()
        snap = forum_dict(row)
        record(s, "igf_forum", row.id, row.version, "edit", actor, snap)
        return snap

    return reg.write(txn)


def get_forum(reg: Registry, actor: Actor, ident: int) -> dict[str, Any]:
    """One IGF initiative, if the actor may see it (else 404)."""
    with reg.read() as s:
        row = s.get(IgfForum, ident)
        if row is None or not _visible(actor, row):
            raise not_found("IGF initiative", ident)
        return forum_dict(row)


def list_forums(reg: Registry, actor: Actor = ANONYMOUS, scope: str | None = None, status: str | None = None,
                country: str | None = None, pending: bool = False, limit: int = 100,
                offset: int = 0) -> dict[str, Any]:
    """Public IGF initiatives by name (``pending=True``: the moderation queue, moderators only)."""
    if pending:
        require(actor, "moderation.queue")
    with reg.read() as s:
        stmt = select(IgfForum).where(IgfForum.deleted_at.is_(None),
                                      IgfForum.moderation == ("pending" if pending else "approved"))
        if scope:
            stmt = stmt.where(IgfForum.scope == scope)
        if status:
            stmt = stmt.where(IgfForum.status == status)
        rows = [forum_dict(f) for f in s.scalars(stmt.order_by(IgfForum.name, IgfForum.id))]
    if country:
        rows = [r for r in rows if country.upper() in r["countries"]]
    return {"total": len(rows), "items": rows[offset:offset + limit]}


def forum_count(reg: Registry, today: dt.date | None = None) -> dict[str, Any]:
    """The count para 97 is compared with: approved, active IGF initiatives by scope, their countries, the date."""
    today = today or dt.date.today()
    with reg.read() as s:
        rows = s.execute(select(IgfForum.scope, IgfForum.countries, IgfForum.updated_at)
                         .where(IgfForum.deleted_at.is_(None), IgfForum.moderation == "approved",
                                IgfForum.status == "active")).all()
        inactive = s.scalar(select(func.count()).select_from(IgfForum)
                            .where(IgfForum.deleted_at.is_(None), IgfForum.moderation == "approved",
                                   IgfForum.status == "inactive")) or 0
    by_scope = {sc: sum(1 for r in rows if r.scope == sc) for sc in IGF_SCOPES}
    countries = {c for r in rows for c in (r.countries or [])}
    latest = max((r.updated_at for r in rows), default=None)
    return {"para": PARA, "count": len(rows), "by_scope": by_scope, "inactive": int(inactive),
            "countries": len(countries), "as_of": today.isoformat(),
            "latest_change": latest.date().isoformat() if latest else None}


# ---- outputs and uptake -------------------------------------------------------------------------------------

def submit_output(reg: Registry, actor: Actor, data: OutputIn) -> dict[str, Any]:
    """Submit an IGF output (pending moderation)."""
    require(actor, "initiative.submit")
    values = _check_output(data)

    def txn(s: Session) -> dict[str, Any]:
        row = IgfOutput(owner_id=actor.user_id, moderation="pending", **values)
        s.add(row)
        s.flush()
        snap = output_dict(row, public=False)
        record(s, "igf_output", row.id, 1, "submit", actor, snap)
        return snap

    return reg.write(txn)


def moderate_output(reg: Registry, actor: Actor, ident: int, decision: ModerationIn) -> dict[str, Any]:
    """Approve or reject an IGF output; four eyes apply."""
    return _moderate(reg, actor, IgfOutput, "igf_output", ident, decision, lambda o: output_dict(o, False))


def report_uptake(reg: Registry, actor: Actor, output_id: int, data: UptakeIn) -> dict[str, Any]:
    """Report that a UN process, body or national policy used a public IGF output (pending moderation)."""
    require(actor, "initiative.submit")
    check_links([data.link])

    def txn(s: Session) -> dict[str, Any]:
        out = s.get(IgfOutput, output_id)
        if out is None or not _visible(actor, out):
            raise not_found("IGF output", output_id)
        row = IgfUptake(output_id=out.id, author_id=actor.user_id, used_by=required_text(data.used_by, "used_by"),
                        used_by_kind=data.used_by_kind, link=data.link, note=plain_text(data.note),
                        moderation="pending")
        s.add(row)
        s.flush()
        snap = uptake_dict(row)
        record(s, "igf_uptake", row.id, 1, "submit", actor, snap)
        return snap

    return reg.write(txn)


def moderate_uptake(reg: Registry, actor: Actor, ident: int, decision: ModerationIn) -> dict[str, Any]:
    """Approve or reject an uptake report; four eyes apply."""
    return _moderate(reg, actor, IgfUptake, "igf_uptake", ident, decision, uptake_dict)


def get_output(reg: Registry, actor: Actor, ident: int) -> dict[str, Any]:
    """One IGF output with its approved uptake (moderators also see pending uptake)."""
    with reg.read() as s:
        row = s.get(IgfOutput, ident)
        if row is None or not _visible(actor, row):
            raise not_found("IGF output", ident)
        return output_dict(row, public=not actor.at_least("moderator"))


def list_outputs(reg: Registry, actor: Actor = ANONYMOUS, kind: str | None = None, year: int | None = None,
                 pending: bool = False, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """Public IGF outputs, newest first (``pending=True``: the moderation queue)."""
    if pending:
        require(actor, "moderation.queue")
    with reg.read() as s:
        stmt = select(IgfOutput).where(IgfOutput.deleted_at.is_(None),
                                       IgfOutput.moderation == ("pending" if pending else "approved"))
        if kind:
            stmt = stmt.where(IgfOutput.kind == kind)
        if year:
            stmt = stmt.where(IgfOutput.year == year)
        rows = [output_dict(o) for o in s.scalars(stmt.order_by(IgfOutput.year.desc(), IgfOutput.id))]
    return {"total": len(rows), "items": rows[offset:offset + limit]}


# ---- CSV export and all-or-nothing import ------------------------------------------------------------------

def _csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(neutralise_row({k: LIST_SEP.join(v) if isinstance(v, list) else v for k, v in r.items()}))
    return buf.getvalue()


def export_csv(reg: Registry, kind: str) -> str:
    """The public forums (``kind="forums"``) or outputs (``"outputs"``) as spreadsheet-safe CSV."""
    if kind == "forums":
        return _csv(list_forums(reg, limit=10**9)["items"], ("id", *FORUM_COLUMNS))
    if kind == "outputs":
        rows = [o | {"uptake": [f"{u['used_by']} <{u['link']}>" for u in o["uptake"]]}
                for o in list_outputs(reg, limit=10**9)["items"]]
        return _csv(rows, ("id", *OUTPUT_COLUMNS, "uptake"))
    raise WsisError("bad-kind", f"unknown IGF kind {kind!r}", expected="forums or outputs", status=422)


def _parse(text: str, filename: str, kind: str) -> list[tuple[int, Strict]]:
    model, columns = (ForumIn, FORUM_COLUMNS) if kind == "forums" else (OutputIn, OUTPUT_COLUMNS)
    first = text.split("\n", 1)[0]
    # a spreadsheet saved in a locale whose decimal sign is the comma separates fields with ';'
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    if reader.fieldnames:
        reader.fieldnames = [(h or "").strip().lower() for h in reader.fieldnames]
    header = [h for h in (reader.fieldnames or []) if h != "id" and h != "uptake"]
    required = ("name", "scope") if kind == "forums" else ("title", "kind", "year")
    for col in required:
        if col not in header:
            raise WsisError("bad-header", f"missing column {col!r}", file=filename, row=1, column=col,
                            expected="columns " + ", ".join(columns), status=422)
    for col in header:
        if col not in columns:
            raise WsisError("bad-header", f"unknown column {col!r}", file=filename, row=1, column=col,
                            expected="columns " + ", ".join(columns), status=422)
    items: list[tuple[int, Strict]] = []
    for n, row in enumerate(reader, start=2):
        g = {k: restore((v or "").strip()) for k, v in row.items() if k in columns}
        data: dict[str, Any] = {k: v for k, v in g.items() if v != ""}
        if "countries" in data:
            data["countries"] = [c.strip() for c in data["countries"].split(LIST_SEP) if c.strip()]
        try:
            items.append((n, model.model_validate(data)))
        except ValidationError as exc:
            e = exc.errors()[0]
            col = next((str(p) for p in e["loc"] if not isinstance(p, int)), "")
            raise WsisError("bad-row", e["msg"], file=filename, row=n, column=col,
                            expected=f"a valid IGF {kind[:-1]} row", hint="nothing was imported",
                            status=422) from None
    return items


def import_csv(reg: Registry, actor: Actor, path: Path, kind: str, approve: bool = False) -> dict[str, Any]:
    """Import a CSV of IGF forums or outputs: every row or none. Moderators may import as approved."""
    require(actor, "data.import")
    if kind not in ("forums", "outputs"):
        raise WsisError("bad-kind", f"unknown IGF kind {kind!r}", expected="forums or outputs", status=422)
    path = Path(path)
    text = read_import_file(path)
    return import_text(reg, actor, text, str(path), kind, approve)


def import_text(reg: Registry, actor: Actor, text: str, filename: str, kind: str,
                approve: bool = False) -> dict[str, Any]:
    """Import CSV text of IGF forums or outputs (every row checked first; all rows written, or none)."""
    require(actor, "data.import")
    if kind not in ("forums", "outputs"):
        raise WsisError("bad-kind", f"unknown IGF kind {kind!r}", expected="forums or outputs", status=422)
    items = _parse(text.removeprefix("\ufeff"), filename, kind)
    for n, item in items:  # vocabulary and links, before anything is written
        try:
            _check_forum(reg, item) if kind == "forums" else _check_output(item)
        except WsisError as err:
            raise WsisError(err.code, err.message, file=filename, row=n, column=err.column,
                            expected=err.expected, hint="nothing was imported", status=422) from None
    submit, moderate = (submit_forum, moderate_forum) if kind == "forums" else (submit_output, moderate_output)
    ids: list[int] = []
    with reg.batch():
        for _, item in items:
            ids.append(submit(reg, actor, item)["id"])
            if approve:
                moderate(reg, actor, ids[-1], ModerationIn(decision="approve"))
    return {"imported": len(ids), "ids": ids, "approved": approve, "kind": kind}
