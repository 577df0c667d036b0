"""The IGF ecosystem (outcome document paras 97-103): national, regional, subregional and youth IGF
initiatives ("forums"), IGF outputs and their reported uptake.

Forums, outputs and uptake reports are moderated like initiatives: a contributor submits, another moderator
approves (four eyes: nobody approves their own submission). Only approved, undeleted records are public.
Forums and outputs keep their name (title) and description in several languages, as initiatives do; a page
shows the visitor's language and falls back to the entry's own language. Public entries are in the registry's
one full-text index (``wsis.registry.search``). CSV export and all-or-nothing import: ``wsis.registry.igf_csv``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, model_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wsis.errors import WsisError
from wsis.registry import search
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
from wsis.registry.models import (
    IGF_OUTPUT_KINDS,
    IGF_SCOPES,
    IgfForum,
    IgfForumText,
    IgfOutput,
    IgfOutputText,
    IgfUptake,
    utcnow,
)
from wsis.registry.policy import ANONYMOUS, Actor, require
from wsis.registry.schemas import Lang, ModerationIn, Strict
from wsis.registry.texts import merge_texts, set_texts, shown_texts

USED_BY_KINDS = ("un_process", "un_body", "national_policy", "other")
PARA = 97  # "more than 170 national, regional and youth IGF initiatives"


class ForumTextIn(Strict):
    """An IGF initiative's name and description in one language."""

    lang: Lang
    name: str = Field(min_length=3, max_length=300)
    description: str = Field(default="", max_length=5000)


class OutputTextIn(Strict):
    """An IGF output's title and description in one language."""

    lang: Lang
    title: str = Field(min_length=3, max_length=300)
    description: str = Field(default="", max_length=5000)


class ForumIn(Strict):
    """A national, regional, subregional or youth IGF initiative.

    ``name`` (with ``description``) is the text in ``lang``, the entry's own language; ``texts`` adds (or,
    without ``name``, gives) the texts in other languages. The first text's language is the entry's.
    """

    name: str | None = Field(default=None, min_length=3, max_length=300)
    lang: Lang = "en"
    description: str = Field(default="", max_length=5000)
    texts: list[ForumTextIn] = Field(default_factory=list, max_length=6)
    scope: Literal["national", "regional", "subregional", "youth"]
    countries: list[str] = Field(default_factory=list, max_length=250)
    year_founded: int | None = Field(default=None, ge=2006, le=2100)
    status: Literal["active", "inactive"] = "active"
    website: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def _texts(self) -> ForumIn:
        return merge_texts(self, ("name", "description"), ForumTextIn)


class OutputIn(Strict):
    """An IGF output: messages, a BPF or PN report, a dynamic-coalition output (texts as for ``ForumIn``)."""

    title: str | None = Field(default=None, min_length=3, max_length=300)
    lang: Lang = "en"
    description: str = Field(default="", max_length=5000)
    texts: list[OutputTextIn] = Field(default_factory=list, max_length=6)
    kind: Literal["messages", "bpf_report", "pn_report", "dc_output"]
    year: int = Field(ge=2006, le=2100)
    body: str = Field(default="", max_length=300)
    link: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def _texts(self) -> OutputIn:
        return merge_texts(self, ("title", "description"), OutputTextIn)


class UptakeIn(Strict):
    """Which UN process, body or national policy used an output, with a link to where it did."""

    used_by: str = Field(min_length=2, max_length=300)
    used_by_kind: Literal["un_process", "un_body", "national_policy", "other"]
    link: str = Field(min_length=10, max_length=500)
    note: str = Field(default="", max_length=2000)


assert set(IGF_SCOPES) == {"national", "regional", "subregional", "youth"}
assert set(IGF_OUTPUT_KINDS) == {"messages", "bpf_report", "pn_report", "dc_output"}


# ---- checks and dicts -------------------------------------------------------------------------------------

def _clean_texts(data: ForumIn | OutputIn, label: str) -> list[dict[str, str]]:
    return [{"lang": t.lang, label: required_text(getattr(t, label), label)[:300],
             "description": plain_text(t.description)} for t in data.texts]


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
    return {"texts": _clean_texts(data, "name"), "scope": data.scope, "countries": list(dict.fromkeys(countries)),
            "year_founded": data.year_founded, "status": data.status, "website": data.website}


def _check_output(data: OutputIn) -> dict[str, Any]:
    if data.link:
        check_links([data.link])
    return {"texts": _clean_texts(data, "title"), "kind": data.kind, "year": data.year,
            "body": plain_text(data.body), "link": data.link}


def _text_fields(row: IgfForum | IgfOutput, label: str, lang: str | None) -> dict[str, Any]:
    """The shown text (``lang`` if there is one, else the entry's own language) and every text."""
    return shown_texts(row, (label, "description"), lang)


def forum_dict(f: IgfForum, lang: str | None = None) -> dict[str, Any]:
    """The public fields of a forum (name in ``lang`` when it has one), plus its moderation state."""
    return {"id": f.id, **_text_fields(f, "name", lang), "scope": f.scope, "countries": list(f.countries or []),
            "year_founded": f.year_founded, "status": f.status, "website": f.website,
            "moderation": f.moderation, "version": f.version, "updated_at": iso(f.updated_at)}


def uptake_dict(u: IgfUptake) -> dict[str, Any]:
    """One uptake report."""
    return {"id": u.id, "output_id": u.output_id, "used_by": u.used_by, "used_by_kind": u.used_by_kind,
            "link": u.link, "note": u.note, "moderation": u.moderation}


def output_dict(o: IgfOutput, public: bool = True, lang: str | None = None) -> dict[str, Any]:
    """An output with its uptake (only approved uptake when ``public``)."""
    ups = [uptake_dict(u) for u in o.uptakes if not public or u.moderation == "approved"]
    return {"id": o.id, **_text_fields(o, "title", lang), "kind": o.kind, "year": o.year, "body": o.body,
            "link": o.link, "moderation": o.moderation, "version": o.version, "updated_at": iso(o.updated_at),
            "uptake": ups}


def _visible(actor: Actor, row) -> bool:
    if row.deleted_at is not None:
        return False
    return row.moderation == "approved" or actor.at_least("moderator") or \
        (actor.user_id is not None and actor.user_id == row.owner_id)


def _set_texts(s: Session, row: IgfForum | IgfOutput, texts: list[dict[str, str]], model, label: str) -> None:
    """Replace the row's texts; its first text's language is the entry's own, copied into name/title."""
    set_texts(s, row, texts, model, (label,))


def _index(s: Session, row: IgfForum | IgfOutput) -> None:
    """Keep the row's entry in the full-text index (public rows only)."""
    public = row.moderation == "approved" and row.deleted_at is None
    if isinstance(row, IgfForum):
        search.index_entry(s, "igf_forum", row.id, public, [(t.lang, f"{t.name} {t.description}") for t in row.texts])
    else:
        search.index_entry(s, "igf_output", row.id, public,
                           [(t.lang, f"{t.title} {t.description} {row.body}") for t in row.texts])


def _search(s: Session, entity: str, q: str | None) -> dict[int, float] | None:
    return search.match_ids(s, q, entity=entity) if q and q.strip() else None


def _ranked(rows: list[dict[str, Any]], ranks: dict[int, float] | None, key) -> list[dict[str, Any]]:
    if ranks is None:
        return sorted(rows, key=key)
    return sorted((r for r in rows if r["id"] in ranks), key=lambda r: (-ranks[r["id"]], key(r)))


# ---- forums -------------------------------------------------------------------------------------------------

def submit_forum(reg: Registry, actor: Actor, data: ForumIn) -> dict[str, Any]:
    """Submit an IGF initiative (pending moderation)."""
    require(actor, "initiative.submit")
    values = _check_forum(reg, data)
    texts = values.pop("texts")

    def txn(s: Session) -> dict[str, Any]:
        row = IgfForum(owner_id=actor.user_id, moderation="pending", name=texts[0]["name"], **values)
        _set_texts(s, row, texts, IgfForumText, "name")
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
        if hasattr(row, "texts"):
            _index(s, row)
        snap = dump(row)
        record(s, kind, row.id, getattr(row, "version", 1), decision.decision, actor, snap)
        return snap

    return reg.write(txn)


def moderate_forum(reg: Registry, actor: Actor, ident: int, decision: ModerationIn) -> dict[str, Any]:
    """Approve or reject (with a reason) a submitted IGF initiative; four eyes apply."""
    return _moderate(reg, actor, IgfForum, "igf_forum", ident, decision, forum_dict)


def _update(reg: Registry, actor: Actor, model, kind: str, ident: int, values: dict[str, Any], dump):
    texts = values.pop("texts")
    text_model, label = (IgfForumText, "name") if model is IgfForum else (IgfOutputText, "title")

    def txn(s: Session) -> dict[str, Any]:
        row = s.get(model, ident)
        if row is None or not _visible(actor, row):
            raise not_found(kind.replace("_", " "), ident)
        require(actor, "initiative.edit", row.owner_id)
        for k, v in values.items():
            setattr(row, k, v)
        _set_texts(s, row, texts, text_model, label)
        # an owner's edit goes back to moderation; a moderator's edit of another's entry keeps its state
        if not actor.at_least("moderator") or row.owner_id == actor.user_id:
            row.moderation, row.moderation_reason = "pending", None
        row.version += 1
        row.updated_at = utcnow()
        s.flush()
        _index(s, row)
        snap = dump(row)
        record(s, kind, row.id, row.version, "edit", actor, snap)
        return snap

    return reg.write(txn)


def update_forum(reg: Registry, actor: Actor, ident: int, data: ForumIn) -> dict[str, Any]:
    """Replace an IGF initiative's fields and texts (owner or moderator); an owner's edit goes back to
    moderation, as for initiatives. Every edit is a new version in the audit trail."""
    require(actor, "initiative.submit")
    return _update(reg, actor, IgfForum, "igf_forum", ident, _check_forum(reg, data), forum_dict)


def get_forum(reg: Registry, actor: Actor, ident: int, lang: str | None = None) -> dict[str, Any]:
    """One IGF initiative, if the actor may see it (else 404), with its name in ``lang`` when it has one."""
    with reg.read() as s:
        row = s.get(IgfForum, ident)
        if row is None or not _visible(actor, row):
            raise not_found("IGF initiative", ident)
        return forum_dict(row, lang) | {"owner_id": row.owner_id}


def list_forums(reg: Registry, actor: Actor = ANONYMOUS, scope: str | None = None, status: str | None = None,
                country: str | None = None, pending: bool = False, limit: int = 100,
                offset: int = 0, q: str | None = None, lang: str | None = None) -> dict[str, Any]:
    """Public IGF initiatives by name in ``lang``, or by relevance to the search ``q`` (any language).

    ``pending=True``: the moderation queue (moderators only)."""
    if pending:
        require(actor, "moderation.queue")
    with reg.read() as s:
        stmt = select(IgfForum).where(IgfForum.deleted_at.is_(None),
                                      IgfForum.moderation == ("pending" if pending else "approved"))
        if scope:
            stmt = stmt.where(IgfForum.scope == scope)
        if status:
            stmt = stmt.where(IgfForum.status == status)
        ranks = _search(s, "igf_forum", q)
        rows = [forum_dict(f, lang) for f in s.scalars(stmt.order_by(IgfForum.id))]
    if country:
        rows = [r for r in rows if country.upper() in r["countries"]]
    rows = _ranked(rows, ranks, lambda r: (r["name"].casefold(), r["id"]))
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
    texts = values.pop("texts")

    def txn(s: Session) -> dict[str, Any]:
        row = IgfOutput(owner_id=actor.user_id, moderation="pending", title=texts[0]["title"], **values)
        _set_texts(s, row, texts, IgfOutputText, "title")
        s.add(row)
        s.flush()
        snap = output_dict(row, public=False)
        record(s, "igf_output", row.id, 1, "submit", actor, snap)
        return snap

    return reg.write(txn)


def moderate_output(reg: Registry, actor: Actor, ident: int, decision: ModerationIn) -> dict[str, Any]:
    """Approve or reject an IGF output; four eyes apply."""
    return _moderate(reg, actor, IgfOutput, "igf_output", ident, decision, lambda o: output_dict(o, False))


def update_output(reg: Registry, actor: Actor, ident: int, data: OutputIn) -> dict[str, Any]:
    """Replace an IGF output's fields and texts (owner or moderator), as :func:`update_forum` does."""
    require(actor, "initiative.submit")
    return _update(reg, actor, IgfOutput, "igf_output", ident, _check_output(data), lambda o: output_dict(o, False))


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


def get_output(reg: Registry, actor: Actor, ident: int, lang: str | None = None) -> dict[str, Any]:
    """One IGF output with its approved uptake (moderators also see pending uptake)."""
    with reg.read() as s:
        row = s.get(IgfOutput, ident)
        if row is None or not _visible(actor, row):
            raise not_found("IGF output", ident)
        return output_dict(row, public=not actor.at_least("moderator"), lang=lang) | {"owner_id": row.owner_id}


def list_outputs(reg: Registry, actor: Actor = ANONYMOUS, kind: str | None = None, year: int | None = None,
                 pending: bool = False, limit: int = 100, offset: int = 0, q: str | None = None,
                 lang: str | None = None) -> dict[str, Any]:
    """Public IGF outputs, newest first, or by relevance to the search ``q`` (``pending=True``: the queue)."""
    if pending:
        require(actor, "moderation.queue")
    with reg.read() as s:
        stmt = select(IgfOutput).where(IgfOutput.deleted_at.is_(None),
                                       IgfOutput.moderation == ("pending" if pending else "approved"))
        if kind:
            stmt = stmt.where(IgfOutput.kind == kind)
        if year:
            stmt = stmt.where(IgfOutput.year == year)
        ranks = _search(s, "igf_output", q)
        rows = [output_dict(o, lang=lang) for o in s.scalars(stmt.order_by(IgfOutput.id))]
    rows = _ranked(rows, ranks, lambda r: (-r["year"], r["id"]))
    return {"total": len(rows), "items": rows[offset:offset + limit]}


def moderation_queue(reg: Registry, actor: Actor, lang: str | None = None, limit: int = 100) -> dict[str, Any]:
    """Pending IGF initiatives, outputs and uptake reports, oldest first (moderators)."""
    require(actor, "moderation.queue")
    with reg.read() as s:
        forums = s.scalars(select(IgfForum).where(IgfForum.moderation == "pending", IgfForum.deleted_at.is_(None))
                           .order_by(IgfForum.id).limit(limit))
        outputs = s.scalars(select(IgfOutput).where(IgfOutput.moderation == "pending",
                                                    IgfOutput.deleted_at.is_(None)).order_by(IgfOutput.id).limit(limit))
        ups = s.scalars(select(IgfUptake).join(IgfOutput).where(IgfUptake.moderation == "pending",
                                                                IgfOutput.deleted_at.is_(None))
                        .order_by(IgfUptake.id).limit(limit))
        return {"forums": [forum_dict(f, lang) | {"owner_id": f.owner_id} for f in forums],
                "outputs": [output_dict(o, False, lang) | {"owner_id": o.owner_id} for o in outputs],
                "uptake": [uptake_dict(u) | {"author_id": u.author_id,
                                             "output_title": _text_fields(u.output, "title", lang)["title"]}
                           for u in ups]}


def after_restore(s: Session) -> None:
    """After a restore from an older backup: give entries without texts their name (title) as their text in
    ``original_lang``, and put the public ones back in the search index."""
    for model, text_model, label in ((IgfForum, IgfForumText, "name"), (IgfOutput, IgfOutputText, "title")):
        for row in s.scalars(select(model)):
            if not row.texts:
                row.texts.append(text_model(lang=row.original_lang or "en", description="",
                                            **{label: getattr(row, label)}))
                s.flush()
            _index(s, row)


# CSV export and import live beside; re-exported here for the CLI and the API
from wsis.registry.igf_csv import export_csv, import_csv, import_text  # noqa: E402,F401
