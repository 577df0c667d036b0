"""Helpers shared by the registry services: audit trail, tags, vocabulary checks, sanitising."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import defaultdict
from typing import Any

import nh3
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from wsis.errors import WsisError
from wsis.registry.db import Registry
from wsis.registry.models import Organisation, Tag, User, Version
from wsis.registry.policy import Actor
from wsis.registry.reference import BENEFICIARY_GROUPS, Vocabulary, load_vocabulary

TAG_KINDS = ("countries", "action_lines", "sdg_targets", "gdc_objectives", "groups", "paragraphs")
_ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote", "h3", "h4"}
_LINK = re.compile(r"^https?://[^\s<>\"']{3,2000}$")


def vocabulary(reg: Registry) -> Vocabulary:
    """The reference vocabularies: from the source the serving app set (the current release's frameworks,
    see ``Registry.use_vocabulary``), else from the data dir of the registry's settings."""
    source = reg.vocabulary_source
    return source() if source is not None else load_vocabulary(reg.settings.data_dir)


def sanitise_html(value: str) -> str:
    """Rich text reduced to a safe subset of HTML (nh3): no scripts, handlers, styles or odd URLs."""
    return nh3.clean(value or "", tags=_ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")


def plain_text(value: str) -> str:
    """Text with every tag removed (titles, names), stored as the characters typed (``<5G>`` stays ``<5G>``).

    nh3 drops tags and escapes what is left; the escapes are undone here because every page escapes on
    output (once), and JSON, CSV and PDF want the text itself.
    """
    return html.unescape(nh3.clean(value or "", tags=set()))


def required_text(value: str, column: str) -> str:
    """``plain_text`` of a title, refused (422) when nothing but markup or spaces was typed."""
    text = " ".join(plain_text(value).split())
    if not text:
        raise WsisError("empty-title", "the title is empty once markup is removed", column=column,
                        expected="a title with text", status=422)
    return text


def check_four_eyes(session: Session, actor: Actor, owner_id: int | None, organisation: int | None,
                    author_id: int | None = None) -> None:
    """Nobody moderates their own entry or report, nor an entry of the organisation they work for.

    The local system (CLI import with ``--approve``) is the operator and is not held to this.
    """
    if actor.via == "system":
        return
    if actor.user_id is not None and actor.user_id in (owner_id, author_id):
        raise WsisError("four-eyes", "you cannot moderate your own submission", status=403,
                        hint="another moderator must review it")
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    org = session.get(Organisation, organisation) if organisation is not None else None
    if user is not None and org is not None and user.organisation.strip() and \
            " ".join(user.organisation.split()).casefold() == " ".join(org.name.split()).casefold():
        raise WsisError("four-eyes", "you cannot moderate an entry of your own organisation", status=403,
                        hint="a moderator from another organisation must review it")


def check_links(links: list[str]) -> list[str]:
    """Only http(s) URLs are accepted as links."""
    for i, link in enumerate(links):
        if not _LINK.match(link):
            raise WsisError("bad-link", f"link {i + 1} is not an http(s) URL", column="links",
                            expected="https://...", status=422)
    return links


def check_codes(vocab: Vocabulary, data: dict[str, Any]) -> None:
    """Every country, action line, SDG target, GDC objective, group and outcome paragraph must be a known code."""
    checks = {
        "countries": (lambda c: c in vocab.countries, "ISO 3166 alpha-3 codes such as KEN"),
        "action_lines": (lambda c: c in vocab.action_lines, "WSIS action lines C1..C11 or C7-EGOV etc."),
        "sdg_targets": (vocab.is_sdg_target, "SDG targets such as 9.c"),
        "gdc_objectives": (lambda c: c in vocab.gdc_objectives, "GDC objectives 1..5"),
        "groups": (lambda c: c in BENEFICIARY_GROUPS, ", ".join(BENEFICIARY_GROUPS)),
        "paragraphs": (lambda c: c in vocab.paragraphs,
                       "operative paragraphs of the outcome document in the release, such as 67"),
    }
    for kind, (ok, expected) in checks.items():
        for code in data.get(kind) or []:
            if not ok(code):
                raise WsisError("unknown-code", f"unknown code {code!r}", column=kind, expected=expected,
                                status=422)


def check_dates(start: dt.date | None, end: dt.date | None, column: str = "end_date") -> None:
    """An end date cannot come before the start date."""
    if start and end and end < start:
        raise WsisError("bad-dates", "the end date is before the start date", column=column,
                        expected="a date on or after the start date", status=422)


def set_tags(session: Session, entity_type: str, entity_id: int, data: dict[str, Any]) -> None:
    """Replace the tags of the kinds present in ``data``."""
    for kind in TAG_KINDS:
        if data.get(kind) is None:
            continue
        session.execute(delete(Tag).where(Tag.entity_type == entity_type, Tag.entity_id == entity_id,
                                          Tag.kind == kind))
        for code in dict.fromkeys(data[kind]):
            session.add(Tag(entity_type=entity_type, entity_id=entity_id, kind=kind, code=code))


def get_tags(session: Session, entity_type: str, ids: list[int]) -> dict[int, dict[str, list[str]]]:
    """Tags of many entities: ``{id: {kind: [codes]}}``."""
    out: dict[int, dict[str, list[str]]] = defaultdict(lambda: {k: [] for k in TAG_KINDS})
    if not ids:
        return out
    rows = session.execute(select(Tag.entity_id, Tag.kind, Tag.code)
                           .where(Tag.entity_type == entity_type, Tag.entity_id.in_(ids)).order_by(Tag.id))
    for eid, kind, code in rows:
        out[eid][kind].append(code)
    return out


def organisation_id(session: Session, name: str, group: str, country: str | None) -> int:
    """Get or create an organisation by (name, country); safe under concurrent writers."""
    name = " ".join(plain_text(name).split())[:300]
    country = (country or "").upper()
    stmt_mod = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(stmt_mod.insert(Organisation).values(name=name, stakeholder_group=group, country=country,
                                                         created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None))
                    .on_conflict_do_nothing(index_elements=["name", "country"]))
    return session.scalar(select(Organisation.id).where(Organisation.name == name, Organisation.country == country))


def record(session: Session, entity_type: str, entity_id: int, version: int, action: str, actor: Actor,
           data: dict[str, Any]) -> None:
    """Append one entry to the audit trail."""
    session.add(Version(entity_type=entity_type, entity_id=entity_id, version=version, action=action,
                        actor_id=actor.user_id, data=data))


def not_found(kind: str, ident: object) -> WsisError:
    """The one answer for missing *and* hidden entries (no existence leak)."""
    return WsisError("not-found", f"{kind} {ident} not found", status=404)


def iso(value: dt.date | dt.datetime | None) -> str | None:
    """ISO text of a date/datetime or None."""
    return value.isoformat() if value else None
