"""Road maps (one per action line, plus the joint WSIS-GDC one) and the outcome document's deliverables."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wsis.errors import WsisError
from wsis.registry.common import (
    check_codes,
    get_tags,
    iso,
    not_found,
    plain_text,
    record,
    set_tags,
    vocabulary,
)
from wsis.registry.db import Registry, get_registry
from wsis.registry.models import Deliverable, Milestone, RoadMap
from wsis.registry.policy import Actor, require
from wsis.registry.reference import JOINT_ROADMAP
from wsis.registry.schemas import DeliverablePatch, MilestoneIn

_INDICATOR = re.compile(r"^[A-Za-z0-9_.\-]{1,60}$")


def ensure_ready(reg: Registry) -> bool:
    """Create an absent registry empty, with its seeded deliverables and road maps; True when it did so.

    An initialised registry is left as it is (``wsis registry init`` upgrades it).
    """
    if reg.initialised():
        return False
    reg.migrate()
    seed_reference(reg)
    reg._initialised = True
    return True


def seed_reference(reg: Registry) -> dict[str, int]:
    """Insert the deliverables of ``deliverables_index`` and one road map per action line (idempotent).

    Existing rows keep their status; texts are refreshed from the data file.
    """
    vocab = vocabulary(reg)

    def txn(s: Session) -> dict[str, int]:
        seen: Counter[int] = Counter()
        existing = {d.key: d for d in s.scalars(select(Deliverable))}
        for item in vocab.deliverables:
            para = int(item["para"])
            seen[para] += 1
            key = f"p{para}-{seen[para]}"
            row = existing.get(key) or Deliverable(key=key, para=para)
            row.title = item["deliverable"]
            row.responsible = list(item.get("responsible") or [])
            row.forum = item.get("forum") or ""
            row.due = str(item.get("due") or "")
            row.due_year = item.get("due_year")
            row.recurrence = item.get("recurrence") or ""
            row.note = item.get("note") or ""
            if key not in existing:
                row.status = "recurring" if row.recurrence else "pending"
                s.add(row)
        maps = {m.code: m for m in s.scalars(select(RoadMap))}
        wanted = dict(vocab.action_lines)
        wanted[JOINT_ROADMAP] = "Joint WSIS-GDC implementation road map (A/RES/80/173 para 122)"
        for code, title in wanted.items():
            row = maps.get(code) or RoadMap(code=code)
            row.title = title
            row.facilitator = "UNGIS" if code == JOINT_ROADMAP else vocab.facilitators.get(code, "")
            if code not in maps:
                s.add(row)
        return {"deliverables": len(vocab.deliverables), "roadmaps": len(wanted)}

    return reg.write(txn)


def deliverable_dict(d: Deliverable, actors: dict[str, str], today: dt.date | None = None) -> dict[str, Any]:
    """Plain-dict view of a deliverable; ``overdue`` when its due year has passed and it is not delivered."""
    today = today or dt.date.today()
    overdue = bool(d.due_year and d.due_year < today.year and d.status not in ("delivered", "recurring"))
    return {"id": d.id, "key": d.key, "para": d.para, "title": d.title, "responsible": list(d.responsible),
            "responsible_names": [actors.get(a, a) for a in d.responsible], "forum": d.forum, "due": d.due,
            "due_year": d.due_year, "recurrence": d.recurrence or None, "note": d.note, "status": d.status,
            "overdue": overdue}


def deliverables(registry: Registry | None = None) -> list[dict[str, Any]]:
    """Every dated or recurring request of the outcome document, by due year then paragraph."""
    reg = registry or get_registry()
    actors = vocabulary(reg).actors
    with reg.read() as s:
        rows = s.scalars(select(Deliverable).order_by(Deliverable.due_year.is_(None), Deliverable.due_year,
                                                      Deliverable.para, Deliverable.key))
        return [deliverable_dict(d, actors) for d in rows]


def update_deliverable(reg: Registry, actor: Actor, ident: int, patch: DeliverablePatch) -> dict[str, Any]:
    """Set the status of a deliverable (moderators)."""
    require(actor, "deliverable.edit")

    def txn(s: Session) -> dict[str, Any]:
        d = s.get(Deliverable, ident)
        if d is None:
            raise not_found("deliverable", ident)
        d.status = patch.status
        d.version += 1
        out = deliverable_dict(d, vocabulary(reg).actors)
        record(s, "deliverable", d.id, d.version, "status", actor, out)
        return out

    return reg.write(txn)


def roadmap_dict(m: RoadMap, tags: dict[int, dict[str, list[str]]] | None = None) -> dict[str, Any]:
    """Plain-dict view of a road map and its milestones (with the outcome paragraphs they cite, from ``tags``)."""
    tags = tags or {}
    return {"code": m.code, "title": m.title, "facilitator": m.facilitator, "status": m.status,
            "milestones": [{"id": x.id, "title": x.title, "target": x.target,
                            "indicator_codes": list(x.indicator_codes), "due_date": iso(x.due_date),
                            "status": x.status, "paragraphs": list((tags.get(x.id) or {}).get("paragraphs") or [])}
                           for x in m.milestones]}


def _with_tags(s: Session, m: RoadMap) -> dict[str, Any]:
    return roadmap_dict(m, get_tags(s, "milestone", [x.id for x in m.milestones if x.id is not None]))


def roadmaps(registry: Registry | None = None) -> list[dict[str, Any]]:
    """Every road map (action lines in code order, then the joint WSIS-GDC one)."""
    reg = registry or get_registry()
    def order(m: RoadMap) -> tuple:
        nums = re.findall(r"\d+", m.code)
        return (m.code == JOINT_ROADMAP, int(nums[0]) if nums else 99, m.code)

    with reg.read() as s:
        return [_with_tags(s, m) for m in sorted(s.scalars(select(RoadMap)), key=order)]


def get_roadmap(reg: Registry, code: str) -> dict[str, Any]:
    """One road map by code (``C3``, ``C7-EGOV``, ``WSIS-GDC``)."""
    with reg.read() as s:
        m = s.scalar(select(RoadMap).where(RoadMap.code == code))
        if m is None:
            raise not_found("road map", code)
        return _with_tags(s, m)


def _check_milestone(reg: Registry, actor: Actor, data: MilestoneIn) -> None:
    require(actor, "roadmap.edit")
    for c in data.indicator_codes:
        if not _INDICATOR.match(c):
            raise WsisError("bad-indicator", f"not an indicator code: {c[:60]!r}", column="indicator_codes",
                            expected="a catalogue code such as IT_USE_ii99", status=422)
    check_codes(vocabulary(reg), {"paragraphs": data.paragraphs})


def add_milestone(reg: Registry, actor: Actor, code: str, data: MilestoneIn) -> dict[str, Any]:
    """Add a milestone (targets, catalogue indicators, outcome paragraphs, due date, status) to a road map
    (moderators)."""
    _check_milestone(reg, actor, data)

    def txn(s: Session) -> dict[str, Any]:
        m = s.scalar(select(RoadMap).where(RoadMap.code == code))
        if m is None:
            raise not_found("road map", code)
        milestone = Milestone(title=plain_text(data.title), target=plain_text(data.target),
                              indicator_codes=list(data.indicator_codes), due_date=data.due_date, status=data.status)
        m.milestones.append(milestone)
        if m.status == "not_started":
            m.status = "in_progress"
        m.version += 1
        s.flush()
        set_tags(s, "milestone", milestone.id, {"paragraphs": data.paragraphs})
        s.flush()
        out = _with_tags(s, m)
        record(s, "roadmap", m.id, m.version, "milestone", actor, out)
        return out

    return reg.write(txn)


def update_milestone(reg: Registry, actor: Actor, code: str, ident: int, data: MilestoneIn) -> dict[str, Any]:
    """Replace a milestone of road map ``code`` (every field, and the outcome paragraphs it cites, validated
    like ``add_milestone``) (moderators); the road map's version goes up and the change is audited."""
    _check_milestone(reg, actor, data)

    def txn(s: Session) -> dict[str, Any]:
        m = s.scalar(select(RoadMap).where(RoadMap.code == code))
        milestone = s.get(Milestone, ident) if m is not None else None
        if milestone is None or milestone.roadmap_id != m.id:
            raise not_found("milestone", f"{code}/{ident}")
        milestone.title, milestone.target = plain_text(data.title), plain_text(data.target)
        milestone.indicator_codes = list(data.indicator_codes)
        milestone.due_date, milestone.status = data.due_date, data.status
        set_tags(s, "milestone", milestone.id, {"paragraphs": data.paragraphs})
        m.version += 1
        s.flush()
        out = _with_tags(s, m)
        record(s, "roadmap", m.id, m.version, "milestone-edit", actor, out)
        return out

    return reg.write(txn)
