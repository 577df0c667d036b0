"""Bulk CSV import of commitments (financial or not), all rows or none, like the import of initiatives
(:mod:`wsis.registry.opendata`): every row is checked first and each error reported by row and column.

The columns are those of the export's ``commitments.csv`` plus the organisation's group and country; the
export-only columns (``id``, ``light``, ``active``, ``last_report``) are ignored, so an export re-imports.
The optional ``lang`` column gives the language of a row's title, description and target (default ``en``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from wsis.errors import WsisError
from wsis.registry import common
from wsis.registry.cells import bad_rows, check_organisation_country, read_import_file, restore
from wsis.registry.commitments import (
    check_commitment_dates,
    check_financial,
    moderate_commitment,
    submit_commitment,
)
from wsis.registry.db import Registry
from wsis.registry.opendata import LIST_SEP
from wsis.registry.policy import Actor, require
from wsis.registry.schemas import CommitmentIn, ModerationIn

COLUMNS = ("title", "description", "target", "lang", "deadline", "organisation", "stakeholder_group",
           "organisation_country", "initiative_id", "indicator_code", "countries", "action_lines", "sdg_targets",
           "paragraphs", "amount", "currency", "finance_type", "period_start", "period_end", "registered_on")
REQUIRED = ("title", "target", "deadline", "organisation", "stakeholder_group")
EXPORT_ONLY = ("id", "light", "active", "last_report")
_LISTS = ("countries", "action_lines", "sdg_targets", "paragraphs")


def _split(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split(LIST_SEP) if v.strip()]


def _row(g: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {k: g.get(k) or None for k in COLUMNS if k not in _LISTS}
    data |= {k: _split(g.get(k, "")) for k in _LISTS}
    data["description"] = g.get("description", "")
    data["lang"] = (g.get("lang") or "en").lower()  # the language of title, description and target
    data["organisation"] = {"name": g.get("organisation"), "stakeholder_group": g.get("stakeholder_group"),
                            "country": g.get("organisation_country") or None}
    for k in ("stakeholder_group", "organisation_country"):
        data.pop(k, None)
    return data


def _column(loc: list[str], message: str = "") -> str:
    if loc[:1] == ["organisation"] and len(loc) > 1:
        return {"name": "organisation", "country": "organisation_country"}.get(loc[1], loc[1])
    named = re.search(r"\(field (\w+)", message)  # a check across fields names its field in its message
    return loc[0] if loc else named.group(1) if named else ""


def parse_commitments(text: str, filename: str) -> tuple[list[tuple[int, CommitmentIn]], list[dict[str, Any]]]:
    """Check the header and the shape of every row: ``([(row, item)], [errors by row and column])``."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    for col in REQUIRED:
        if col not in header:
            raise WsisError("bad-header", f"missing column {col!r}", file=filename, row=1, column=col,
                            expected="columns " + ", ".join(COLUMNS), status=422)
    for col in header:
        if col not in COLUMNS and col not in EXPORT_ONLY:
            raise WsisError("bad-header", f"unknown column {col!r}", file=filename, row=1, column=col,
                            expected="columns " + ", ".join(COLUMNS), status=422)
    items: list[tuple[int, CommitmentIn]] = []
    errors: list[dict[str, Any]] = []
    for n, row in enumerate(reader, start=2):
        g = {k: restore((v or "").strip()) for k, v in row.items() if k}
        try:
            items.append((n, CommitmentIn.model_validate(_row(g))))
        except ValidationError as exc:
            errors += [{"row": n, "column": _column([str(p) for p in e["loc"] if not isinstance(p, int)], e["msg"]),
                        "message": e["msg"]} for e in exc.errors()]
    return items, errors


def import_commitments(reg: Registry, actor: Actor, path: Path, approve: bool = False) -> dict[str, Any]:
    """Import a CSV of commitments as ``actor``: all rows or none. Moderators may import them approved."""
    require(actor, "data.import")
    path = Path(path)
    text = read_import_file(path)
    items, errors = parse_commitments(text, str(path))
    vocab = common.vocabulary(reg)
    for n, item in items:
        try:
            common.check_codes(vocab, item.model_dump())
            check_organisation_country(vocab, item)
            common.check_dates(item.period_start, item.period_end, "period_end")
            check_commitment_dates(item.registered_on or dt.date.today(), item.deadline,
                                   reg.settings.deadline_max_years)
            check_financial(item)
        except WsisError as err:
            errors.append({"row": n, "column": err.column, "message": err.message})
    if errors:
        raise bad_rows(str(path), errors, "commitment")
    ids: list[int] = []
    with reg.batch():  # one transaction: a row refused while writing leaves nothing behind either
        for _, item in items:
            ids.append(submit_commitment(reg, actor, item)["id"])
            if approve:
                moderate_commitment(reg, actor, ids[-1], ModerationIn(decision="approve"))
    return {"imported": len(ids), "ids": ids, "approved": approve}
