"""Follow-up of every recommendation (A/RES/80/173 paras 119, 124): the public entries that cite an
outcome-document paragraph (tag kind ``paragraphs``), and which paragraphs have reported action.

An initiative or a commitment counts once approved and not deleted; road-map milestones are public as soon
as a moderator adds them.
"""

from __future__ import annotations

from sqlalchemy import func, select

from wsis.registry.commitments import list_commitments
from wsis.registry.db import Registry, get_registry
from wsis.registry.models import Commitment, Initiative, Milestone, RoadMap, Tag
from wsis.registry.services import list_initiatives, public_clause

KIND = "paragraphs"


def _public_ids(entity_type: str):
    if entity_type == "initiative":
        return select(Initiative.id).where(public_clause())
    if entity_type == "commitment":
        return select(Commitment.id).where(Commitment.moderation == "approved", Commitment.deleted_at.is_(None))
    return select(Milestone.id)


def paragraphs_with_action(registry: Registry | None = None) -> dict[int, dict[str, int]]:
    """``{paragraph: {"initiative": n, "commitment": n, "milestone": n}}`` for every paragraph that at least
    one public entry cites; empty before ``wsis registry init``."""
    reg = registry or get_registry()
    if not reg.initialised():
        return {}
    out: dict[int, dict[str, int]] = {}
    with reg.read() as s:
        for entity_type in ("initiative", "commitment", "milestone"):
            rows = s.execute(select(Tag.code, func.count(func.distinct(Tag.entity_id)))
                             .where(Tag.entity_type == entity_type, Tag.kind == KIND,
                                    Tag.entity_id.in_(_public_ids(entity_type)))
                             .group_by(Tag.code))
            for code, n in rows:
                counts = out.setdefault(int(code), {"initiative": 0, "commitment": 0, "milestone": 0})
                counts[entity_type] = n
    return dict(sorted(out.items()))


def paragraph_entries(para: int, lang: str | None = None, registry: Registry | None = None) -> dict[str, list]:
    """The public initiatives, commitments and road-map milestones citing paragraph ``para``."""
    reg = registry or get_registry()
    if not reg.initialised():
        return {"initiatives": [], "commitments": [], "milestones": []}
    code = str(int(para))
    inis = list_initiatives(reg, lang=lang, limit=500, facets=False, paragraphs=code)["data"]
    coms = list_commitments(reg, paragraph=code, limit=500, lang=lang)["data"]
    with reg.read() as s:
        rows = s.execute(select(Milestone, RoadMap.code).join(RoadMap)
                         .where(Milestone.id.in_(select(Tag.entity_id).where(
                             Tag.entity_type == "milestone", Tag.kind == KIND, Tag.code == code)))
                         .order_by(Milestone.due_date, Milestone.id)).all()
        miles = [{"id": m.id, "roadmap": rm, "title": m.title, "status": m.status,
                  "due_date": m.due_date.isoformat() if m.due_date else None} for m, rm in rows]
    return {"initiatives": inis, "commitments": coms, "milestones": miles}

