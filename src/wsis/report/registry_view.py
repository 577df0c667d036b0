"""What the report reads from the registry: public initiatives, commitments, road maps and deliverables.

Everything is read through the registry's public service functions, as of a fixed date (so traffic lights
and overdue flags do not depend on the day the report is built), and fingerprinted: the *registry snapshot*
is the SHA-256 of the canonical JSON of the public content read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect

from wsis.errors import WsisError
from wsis.registry.commitments import list_commitments
from wsis.registry.db import Registry
from wsis.registry.services import list_initiatives
from wsis.registry.tracking import deliverables as list_deliverables
from wsis.registry.tracking import roadmaps as list_roadmaps

PAGE = 500
# Fields computed from "today" by the services; the report recomputes them as of its own date.
_VOLATILE = ("report_status", "overdue")


@dataclass(frozen=True)
class RegistrySnapshot:
    """The public registry content the report uses, and its fingerprint."""

    initiatives: list[dict[str, Any]]
    commitments: list[dict[str, Any]]
    roadmaps: list[dict[str, Any]]
    deliverables: list[dict[str, Any]]
    sha256: str
    as_of: dt.date


def _pages(fetch) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = fetch(offset)
        out.extend(page["data"])
        offset += PAGE
        if offset >= page["count"] or not page["data"]:
            return out


def _stable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _stable(v) for k, v in sorted(obj.items()) if k not in _VOLATILE}
    if isinstance(obj, list):
        return [_stable(v) for v in obj]
    return obj


def fingerprint(*parts: Any) -> str:
    """SHA-256 of the canonical JSON of the given content (volatile, date-relative fields left out)."""
    text = json.dumps(_stable(list(parts)), sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_registry(reg: Registry, as_of: dt.date) -> RegistrySnapshot:
    """Read every public record of the registry, with statuses evaluated as of ``as_of``."""
    try:
        tables = set(inspect(reg.engine).get_table_names())
    except Exception as exc:  # noqa: BLE001 - any driver error means the database cannot be read
        raise WsisError("registry-unavailable", f"cannot open the registry: {exc}", file=reg.url,
                        expected="a registry database", hint="run `wsis registry init`") from exc
    if not {"initiatives", "commitments", "deliverables", "roadmaps"} <= tables:
        raise WsisError("registry-uninitialised", "the registry has no tables", file=reg.url,
                        expected="an initialised registry", hint="run `wsis registry init` first")
    inis = _pages(lambda o: list_initiatives(reg, limit=PAGE, offset=o, facets=False))
    inis.sort(key=lambda i: i["id"])
    coms = _pages(lambda o: list_commitments(reg, limit=PAGE, offset=o, today=as_of))
    coms.sort(key=lambda c: c["id"])
    maps = list_roadmaps(reg)
    dels = []
    for d in list_deliverables(reg):
        d = dict(d)
        d["overdue"] = bool(d["due_year"] and d["due_year"] < as_of.year
                            and d["status"] not in ("delivered", "recurring"))
        dels.append(d)
    for c in coms:
        c.pop("owner_id", None)
    for i in inis:
        for k in ("owner_id", "contact_email", "moderation_reason"):
            i.pop(k, None)
    sha = fingerprint(inis, coms, maps, dels)
    return RegistrySnapshot(initiatives=inis, commitments=coms, roadmaps=maps, deliverables=dels, sha256=sha,
                            as_of=as_of)
