"""Initiatives (the stocktaking entries): submit, edit, soft-delete, moderate, browse, duplicates.

Every function takes the :class:`~wsis.registry.db.Registry` and the calling
:class:`~wsis.registry.policy.Actor`, checks authorisation first, and returns plain dicts.
Only approved, undeleted entries are public; others are visible to their owner and moderators.
"""

from __future__ import annotations

import difflib
from typing import Any

from sqlalchemy import false, func, or_, select, true
from sqlalchemy.orm import Session

from wsis.errors import WsisError
from wsis.registry import search
from wsis.registry.common import (
    TAG_KINDS,
    check_codes,
    check_dates,
    check_four_eyes,
    check_links,
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
from wsis.registry.db import Registry
from wsis.registry.models import Initiative, InitiativeText, Organisation, Tag, Version, utcnow
from wsis.registry.policy import ANONYMOUS, Actor, can, require
from wsis.registry.schemas import InitiativeIn, InitiativePatch, ModerationIn

DUPLICATE_THRESHOLD = 0.6
FACET_KINDS = ("action_lines", "countries", "groups", "sdg_targets", "gdc_objectives", "paragraphs")


def public_clause():
    """SQL condition of a public initiative."""
    return (Initiative.moderation == "approved") & Initiative.deleted_at.is_(None)


def initiative_dict(ini: Initiative, tags: dict[str, list[str]], lang: str | None = None) -> dict[str, Any]:
    """Plain-dict view of an initiative (title/description in ``lang`` when available)."""
    texts = [{"lang": t.lang, "title": t.title, "description": t.description} for t in ini.texts]
    best = next((t for t in texts if t["lang"] == lang), None) or \
        next((t for t in texts if t["lang"] == ini.original_lang), None) or (texts[0] if texts else {})
    org = ini.organisation
    return {
        "id": ini.id, "title": best.get("title", ""), "description": best.get("description", ""),
        "lang": best.get("lang"), "texts": texts,
        "organisation": {"id": org.id, "name": org.name, "stakeholder_group": org.stakeholder_group,
                         "country": org.country or None},
        **{k: list(tags.get(k, [])) for k in TAG_KINDS},
        "status": ini.status, "moderation": ini.moderation, "moderation_reason": ini.moderation_reason,
        "start_date": iso(ini.start_date), "end_date": iso(ini.end_date), "links": list(ini.links or []),
        "contact_name": ini.contact_name, "contact_email": ini.contact_email,
        "contact_public": bool(ini.contact_public), "version": ini.version,
        "owner_id": ini.owner_id, "created_at": iso(ini.created_at), "updated_at": iso(ini.updated_at),
        "deleted": ini.deleted_at is not None,
    }


def public_view(d: dict[str, Any]) -> dict[str, Any]:
    """What anyone may see of an entry: no account id, and the e-mail only if the submitter published it."""
    out = {k: v for k, v in d.items() if k not in ("owner_id",)}
    if "contact_email" in out and not out.get("contact_public"):
        out["contact_email"] = ""
    return out


def _private_ok(actor: Actor, owner_id: int | None) -> bool:
    """True when ``actor`` may see the private fields of an entry owned by ``owner_id``."""
    return actor.authenticated and (actor.at_least("moderator") or (owner_id is not None
                                                                     and owner_id == actor.user_id))


def _load(session: Session, ident: int) -> Initiative | None:
    return session.get(Initiative, ident)


def _visible(actor: Actor, ini: Initiative) -> bool:
    if ini.deleted_at is not None:
        return actor.at_least("admin") and actor.authenticated
    if ini.moderation == "approved":
        return True
    return can(actor, "initiative.view_unpublished", ini.owner_id)


def _snapshot(session: Session, ini: Initiative) -> dict[str, Any]:
    session.flush()
    session.refresh(ini)
    return initiative_dict(ini, get_tags(session, "initiative", [ini.id])[ini.id])


def _texts(data: InitiativeIn | InitiativePatch) -> list[InitiativeText]:
    return [InitiativeText(lang=t.lang, title=required_text(t.title, "title")[:300],
                           description=sanitise_html(t.description)) for t in data.texts or []]


def find_duplicates(session: Session, titles: list[str], org_name: str, exclude_id: int | None = None,
                    limit: int = 5, viewer: Actor | None = None) -> list[dict[str, Any]]:
    """Likely duplicates of a submission: entries with a similar title and a similar organisation name.

    With a ``viewer`` below moderator, only public entries and the viewer's own are considered.
    """
    want = [search.normalise(t) for t in titles if t]
    if not want:
        return []
    cand: set[int] = set()
    for t in titles:
        cand.update(list(search.match_ids(session, t, any_word=True, limit=200))[:200])
    org_norm = search.normalise(org_name)
    same_org = select(Initiative.id).join(Organisation).where(
        func.lower(Organisation.name) == org_name.lower(), Initiative.deleted_at.is_(None)).limit(500)
    cand.update(session.scalars(same_org))
    pending = select(Initiative.id).where(Initiative.moderation == "pending", Initiative.deleted_at.is_(None)) \
        .order_by(Initiative.id.desc()).limit(500)
    cand.update(session.scalars(pending))
    cand.discard(exclude_id)
    if not cand:
        return []
    rows = session.execute(select(InitiativeText.initiative_id, InitiativeText.title, Organisation.name)
                           .join(Initiative, Initiative.id == InitiativeText.initiative_id)
                           .join(Organisation, Organisation.id == Initiative.organisation_id)
                           .where(InitiativeText.initiative_id.in_(cand), Initiative.deleted_at.is_(None),
                                  _seen_by(viewer)))
    best: dict[int, dict[str, Any]] = {}
    for iid, title, oname in rows:
        norm = search.normalise(title)
        matchers = [difflib.SequenceMatcher(None, w, norm) for w in want]
        if max(m.quick_ratio() for m in matchers) < DUPLICATE_THRESHOLD - 0.25:
            continue  # cannot reach the threshold even with an identical organisation
        t_sim = max(m.ratio() for m in matchers)
        o_sim = difflib.SequenceMatcher(None, org_norm, search.normalise(oname)).ratio()
        score = round(0.75 * t_sim + 0.25 * o_sim, 3)
        if score >= DUPLICATE_THRESHOLD and score > best.get(iid, {}).get("score", 0):
            best[iid] = {"id": iid, "title": title, "organisation": oname, "score": score}
    return sorted(best.values(), key=lambda d: -d["score"])[:limit]


def _seen_by(viewer: Actor | None):
    """SQL condition: entries ``viewer`` may see in a duplicates list (everything for moderators)."""
    if viewer is None or viewer.at_least("moderator"):
        return true()
    mine = Initiative.owner_id == viewer.user_id if viewer.user_id is not None else false()
    return (Initiative.moderation == "approved") | mine


def submit_initiative(reg: Registry, actor: Actor, data: InitiativeIn,
                      idempotency_key: str | None = None) -> dict[str, Any]:
    """Submit a stocktaking entry (pending moderation). Returns the entry and likely duplicates.

    With an ``idempotency_key``, a repeated submission by the same user returns the first entry.
    """
    require(actor, "initiative.submit")
    vocab = vocabulary(reg)
    payload = data.model_dump()
    check_codes(vocab, payload)
    if data.organisation.country and data.organisation.country.upper() not in vocab.countries:
        raise WsisError("unknown-code", f"unknown country {data.organisation.country!r}",
                        column="organisation.country", expected="ISO 3166 alpha-3 code", status=422)
    check_dates(data.start_date, data.end_date)
    check_links(data.links)
    if idempotency_key is not None and (len(idempotency_key) > 100 or not idempotency_key.isprintable()):
        raise WsisError("bad-idempotency-key", "Idempotency-Key must be 1-100 printable characters", status=422)
    owner = actor.user_id or 0
    with reg.read() as rs:  # outside the write transaction: SQLite holds its write lock for less time
        dups = find_duplicates(rs, [t.title for t in data.texts], data.organisation.name, viewer=actor)

    def txn(s: Session) -> dict[str, Any]:
        if idempotency_key and actor.user_id is not None:
            prior = s.scalar(select(Initiative).where(Initiative.owner_id == owner,
                                                      Initiative.idempotency_key == idempotency_key))
            if prior is not None:
                return {"initiative": _snapshot(s, prior), "possible_duplicates": [], "replayed": True}
        org = organisation_id(s, data.organisation.name, data.organisation.stakeholder_group,
                              data.organisation.country)
        ini = Initiative(organisation_id=org, owner_id=actor.user_id, status=data.status,
                         start_date=data.start_date, end_date=data.end_date, links=list(data.links),
                         contact_name=plain_text(data.contact_name), contact_email=plain_text(data.contact_email),
                         contact_public=data.contact_public,
                         original_lang=data.texts[0].lang, idempotency_key=idempotency_key or None,
                         moderation="pending", texts=_texts(data))
        s.add(ini)
        s.flush()
        set_tags(s, "initiative", ini.id, payload)
        snap = _snapshot(s, ini)
        record(s, "initiative", ini.id, 1, "submit", actor, snap)
        return {"initiative": snap, "possible_duplicates": dups, "replayed": False}

    if actor.user_id is None:
        raise WsisError("forbidden", "submissions need a user account", status=403)
    return reg.write(txn)


def update_initiative(reg: Registry, actor: Actor, ident: int, patch: InitiativePatch) -> dict[str, Any]:
    """Change an entry. An owner's edit goes back to moderation; a moderator's edit keeps its state."""
    require(actor, "initiative.submit" if not actor.at_least("moderator") else "initiative.moderate")
    fields = patch.model_dump(exclude_unset=True)
    check_codes(vocabulary(reg), fields)
    if "links" in fields and fields["links"] is not None:
        check_links(fields["links"])

    def txn(s: Session) -> dict[str, Any]:
        ini = _load(s, ident)
        if ini is None or not _visible(actor, ini) or ini.deleted_at is not None:
            raise not_found("initiative", ident)
        require(actor, "initiative.edit", ini.owner_id)
        for key in ("status", "start_date", "end_date", "links"):
            if key in fields and (fields[key] is not None or key.endswith("date")):
                setattr(ini, key, fields[key])
        for key in ("contact_name", "contact_email"):
            if fields.get(key) is not None:
                setattr(ini, key, plain_text(fields[key]))
        if fields.get("contact_public") is not None:
            ini.contact_public = fields["contact_public"]
        check_dates(ini.start_date, ini.end_date)
        if patch.texts is not None:
            ini.texts.clear()
            s.flush()
            ini.texts.extend(_texts(patch))
        set_tags(s, "initiative", ini.id, fields)
        if not actor.at_least("moderator") or ini.owner_id == actor.user_id:
            ini.moderation, ini.moderation_reason = "pending", None
        ini.version += 1
        ini.updated_at = utcnow()
        snap = _snapshot(s, ini)
        search.index_initiative(s, ini)
        record(s, "initiative", ini.id, ini.version, "edit", actor, snap)
        return snap

    return reg.write(txn)


def delete_initiative(reg: Registry, actor: Actor, ident: int) -> None:
    """Soft-delete an entry (owner or admin); it leaves public views, search and exports."""
    require(actor, "initiative.submit")

    def txn(s: Session) -> None:
        ini = _load(s, ident)
        if ini is None or ini.deleted_at is not None or not _visible(actor, ini):
            raise not_found("initiative", ident)
        require(actor, "initiative.delete", ini.owner_id)
        ini.deleted_at = utcnow()
        ini.version += 1
        search.index_initiative(s, ini)
        record(s, "initiative", ini.id, ini.version, "delete", actor, {"deleted": True})

    reg.write(txn)


def moderate_initiative(reg: Registry, actor: Actor, ident: int, decision: ModerationIn) -> dict[str, Any]:
    """Approve or reject (with a reason) a submitted entry."""
    require(actor, "initiative.moderate")
    if decision.decision == "reject" and not decision.reason.strip():
        raise WsisError("reason-required", "a rejection needs a reason", column="reason",
                        expected="a short explanation for the contributor", status=422)

    def txn(s: Session) -> dict[str, Any]:
        ini = _load(s, ident)
        if ini is None or ini.deleted_at is not None:
            raise not_found("initiative", ident)
        check_four_eyes(s, actor, ini.owner_id, ini.organisation_id)
        ini.moderation = "approved" if decision.decision == "approve" else "rejected"
        ini.moderation_reason = plain_text(decision.reason) or None
        ini.version += 1
        ini.updated_at = utcnow()
        snap = _snapshot(s, ini)
        search.index_initiative(s, ini)
        record(s, "initiative", ini.id, ini.version, decision.decision, actor, snap)
        return snap

    return reg.write(txn)


def get_initiative(reg: Registry, actor: Actor, ident: int, lang: str | None = None) -> dict[str, Any]:
    """One entry, if the actor may see it (else 404, whether it exists or not)."""
    with reg.read() as s:
        ini = _load(s, ident)
        if ini is None or not _visible(actor, ini):
            raise not_found("initiative", ident)
        d = initiative_dict(ini, get_tags(s, "initiative", [ini.id])[ini.id], lang)
        return d if _private_ok(actor, ini.owner_id) else public_view(d)


def initiative_history(reg: Registry, actor: Actor, ident: int) -> list[dict[str, Any]]:
    """The audit trail of an entry (owner and moderators)."""
    require(actor, "initiative.history")
    with reg.read() as s:
        ini = _load(s, ident)
        if ini is None or not _visible(actor, ini):
            raise not_found("initiative", ident)
        require(actor, "initiative.history", ini.owner_id)
        rows = s.scalars(select(Version).where(Version.entity_type == "initiative", Version.entity_id == ident)
                         .order_by(Version.id))
        return [{"version": v.version, "action": v.action, "actor_id": v.actor_id, "at": iso(v.at),
                 "data": v.data} for v in rows]


def moderation_queue(reg: Registry, actor: Actor, limit: int = 100) -> list[dict[str, Any]]:
    """Pending initiatives, oldest first (moderators)."""
    require(actor, "moderation.queue")
    with reg.read() as s:
        inis = list(s.scalars(select(Initiative).where(Initiative.moderation == "pending",
                                                       Initiative.deleted_at.is_(None))
                              .order_by(Initiative.id).limit(limit)))
        tags = get_tags(s, "initiative", [i.id for i in inis])
        out = []
        for ini in inis:
            d = initiative_dict(ini, tags[ini.id])
            d["possible_duplicates"] = find_duplicates(s, [t["title"] for t in d["texts"]],
                                                       d["organisation"]["name"], exclude_id=ini.id)
            out.append(d)
        return out


def _filtered_ids(filters: dict[str, str | None]):
    stmt = select(Initiative.id).where(public_clause())
    for kind in FACET_KINDS:
        code = filters.get(kind)
        if code:
            stmt = stmt.where(Initiative.id.in_(
                select(Tag.entity_id).where(Tag.entity_type == "initiative", Tag.kind == kind,
                                            or_(Tag.code == code, Tag.code.startswith(code + "-")))))
    if filters.get("stakeholder_group"):
        stmt = stmt.where(Initiative.organisation_id.in_(
            select(Organisation.id).where(Organisation.stakeholder_group == filters["stakeholder_group"])))
    if filters.get("status"):
        stmt = stmt.where(Initiative.status == filters["status"])
    if filters.get("owner_id"):
        stmt = stmt.where(Initiative.owner_id == filters["owner_id"])
    return stmt


def _facets(s: Session, ids_stmt) -> dict[str, dict[str, int]]:
    sub = ids_stmt.subquery()
    out: dict[str, dict[str, int]] = {k: {} for k in (*FACET_KINDS, "stakeholder_group", "status")}
    rows = s.execute(select(Tag.kind, Tag.code, func.count(func.distinct(Tag.entity_id)))
                     .where(Tag.entity_type == "initiative", Tag.entity_id.in_(select(sub.c.id)))
                     .group_by(Tag.kind, Tag.code))
    for kind, code, n in rows:
        if kind in out:
            out[kind][code] = n
    for col, key in ((Organisation.stakeholder_group, "stakeholder_group"), (Initiative.status, "status")):
        q = select(col, func.count()).select_from(Initiative).join(Organisation) \
            .where(Initiative.id.in_(select(sub.c.id))).group_by(col)
        out[key] = {k: n for k, n in s.execute(q)}
    return {k: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))) for k, v in out.items()}


def list_initiatives(reg: Registry, actor: Actor = ANONYMOUS, q: str | None = None, lang: str | None = None,
                     limit: int = 50, offset: int = 0, facets: bool = True,
                     **filters: str | None) -> dict[str, Any]:
    """Search and browse public entries: ``{data, count, offset, limit, facets}``.

    Filters: action_lines, countries, groups, sdg_targets, gdc_objectives (codes), stakeholder_group, status.
    """
    limit = max(1, min(int(limit), 500))
    offset = max(0, int(offset))
    with reg.read() as s:
        stmt = _filtered_ids(filters)
        ranks: dict[int, float] | None = None
        if q and q.strip():
            ranks = search.match_ids(s, q, lang=lang)
            stmt = stmt.where(Initiative.id.in_(list(ranks) or [-1]))
        count = s.scalar(select(func.count()).select_from(stmt.subquery()))
        if ranks is not None:
            ids = sorted(s.scalars(stmt), key=lambda i: (-ranks.get(i, 0), -i))[offset:offset + limit]
        else:
            ids = list(s.scalars(stmt.order_by(Initiative.id.desc()).offset(offset).limit(limit)))
        rows = {i.id: i for i in s.scalars(select(Initiative).where(Initiative.id.in_(ids or [-1])))}
        tags = get_tags(s, "initiative", ids)
        data = [public_view(initiative_dict(rows[i], tags[i], lang)) for i in ids if i in rows]
        return {"data": data, "count": count, "offset": offset, "limit": limit,
                "facets": _facets(s, stmt) if facets else {}}


def initiatives_for_action_line(code: str, registry: Registry | None = None) -> list[dict[str, Any]]:
    """Public entries tagged with an action line (``C7`` includes its sub-lines)."""
    from wsis.registry.db import get_registry

    reg = registry or get_registry()
    return list_initiatives(reg, limit=500, facets=False, action_lines=code)["data"]


def initiatives_for_country(iso3: str, registry: Registry | None = None) -> list[dict[str, Any]]:
    """Public entries tagged with a country (ISO alpha-3)."""
    from wsis.registry.db import get_registry

    reg = registry or get_registry()
    return list_initiatives(reg, limit=500, facets=False, countries=iso3.upper())["data"]
