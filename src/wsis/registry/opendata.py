"""Open data: bulk export of everything public (CSV, JSON, Frictionless data package) and bulk CSV import.

Import validates every row first and reports each error by row and column; it writes all rows in one
transaction or none.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from wsis.errors import WsisError
from wsis.registry.cells import (
    bad_rows,
    check_organisation_country,
    neutralise_row,
    read_import_file,
    restore,
)
from wsis.registry.commitments import list_commitments
from wsis.registry.db import Registry
from wsis.registry.policy import Actor, require
from wsis.registry.schemas import InitiativeIn, ModerationIn
from wsis.registry.services import list_initiatives, moderate_initiative, submit_initiative
from wsis.registry.tracking import deliverables, roadmaps

LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
LIST_SEP = ";"
IMPORT_COLUMNS = ("lang", "title", "description", "organisation", "stakeholder_group", "organisation_country",
                  "countries", "action_lines", "sdg_targets", "gdc_objectives", "groups", "status", "start_date",
                  "end_date", "links", "contact_name", "contact_email")
REQUIRED = ("lang", "title", "organisation", "stakeholder_group")
EXPORT_ONLY = ("id", "updated_at")  # columns of initiatives.csv that an import ignores (round trip)

_FIELDS: dict[str, list[tuple[str, str]]] = {
    "initiatives": [("id", "integer"), ("lang", "string"), ("title", "string"), ("description", "string"),
                    ("organisation", "string"), ("stakeholder_group", "string"),
                    ("organisation_country", "string"), ("countries", "string"), ("action_lines", "string"),
                    ("sdg_targets", "string"), ("gdc_objectives", "string"), ("groups", "string"),
                    ("status", "string"), ("start_date", "date"), ("end_date", "date"), ("links", "string"),
                    ("contact_name", "string"), ("updated_at", "datetime")],
    "initiative_texts": [("initiative_id", "integer"), ("lang", "string"), ("title", "string"),
                         ("description", "string")],
    "commitments": [("id", "integer"), ("title", "string"), ("description", "string"), ("target", "string"),
                    ("lang", "string"), ("deadline", "date"), ("indicator_code", "string"), ("initiative_id", "integer"),
                    ("organisation", "string"), ("stakeholder_group", "string"), ("organisation_country", "string"),
                    ("countries", "string"), ("action_lines", "string"), ("sdg_targets", "string"),
                    ("paragraphs", "string"), ("amount", "number"), ("currency", "string"), ("finance_type", "string"),
                    ("period_start", "date"), ("period_end", "date"), ("registered_on", "date"),
                    ("light", "string"), ("active", "boolean"), ("last_report", "date")],
    "commitment_texts": [("commitment_id", "integer"), ("lang", "string"), ("title", "string"),
                         ("description", "string"), ("target", "string")],
    "progress_reports": [("id", "integer"), ("commitment_id", "integer"), ("reported_on", "date"),
                         ("percent_complete", "integer"), ("summary", "string"), ("disbursed_amount", "number"),
                         ("disbursed_currency", "string"), ("disbursed_on", "date")],
    "roadmaps": [("code", "string"), ("title", "string"), ("facilitator", "string"), ("status", "string")],
    "milestones": [("id", "integer"), ("roadmap", "string"), ("title", "string"), ("target", "string"),
                   ("indicator_codes", "string"), ("due_date", "date"), ("status", "string")],
    "deliverables": [("key", "string"), ("para", "integer"), ("title", "string"), ("responsible", "string"),
                     ("forum", "string"), ("due", "string"), ("due_year", "integer"), ("recurrence", "string"),
                     ("status", "string"), ("overdue", "boolean")],
}


def _j(values: list[Any]) -> str:
    return LIST_SEP.join(str(v) for v in values)


def _all(fetch) -> list[dict[str, Any]]:
    out, offset = [], 0
    while True:
        page = fetch(offset)
        out.extend(page["data"])
        offset += page["limit"]
        if offset >= page["count"] or not page["data"]:
            return out


def public_tables(reg: Registry) -> dict[str, list[dict[str, Any]]]:
    """Every public record, as flat rows per table (lists joined with ``;``)."""
    inis = _all(lambda o: list_initiatives(reg, limit=500, offset=o, facets=False))
    coms = _all(lambda o: list_commitments(reg, limit=500, offset=o))
    maps = roadmaps(reg)
    tables: dict[str, list[dict[str, Any]]] = {
        "initiatives": [{"id": i["id"], "lang": i["lang"], "title": i["title"], "description": i["description"],
                         "organisation": i["organisation"]["name"],
                         "stakeholder_group": i["organisation"]["stakeholder_group"],
                         "organisation_country": i["organisation"]["country"] or "",
                         **{k: _j(i[k]) for k in ("countries", "action_lines", "sdg_targets", "gdc_objectives",
                                                  "groups", "links")},
                         "status": i["status"], "start_date": i["start_date"] or "",
                         "end_date": i["end_date"] or "", "contact_name": i["contact_name"],
                         "updated_at": i["updated_at"]} for i in inis],
        "initiative_texts": [{"initiative_id": i["id"], **t} for i in inis for t in i["texts"]],
        "commitments": [{"id": c["id"], "title": c["title"], "description": c["description"], "target": c["target"],
                         "lang": c["original_lang"], "deadline": c["deadline"], "indicator_code": c["indicator_code"] or "",
                         "initiative_id": c["initiative_id"] or "", "organisation": c["organisation"]["name"],
                         "stakeholder_group": c["organisation"]["stakeholder_group"],
                         "organisation_country": c["organisation"]["country"] or "", "countries": _j(c["countries"]),
                         "action_lines": _j(c["action_lines"]), "sdg_targets": _j(c["sdg_targets"]),
                         "paragraphs": _j(c["paragraphs"]),
                         **{k: ((c["financial"] or {}).get(k) or "") for k in
                            ("amount", "currency", "finance_type", "period_start", "period_end")},
                         "registered_on": c["registered_on"], "light": c["report_status"]["light"],
                         "active": c["report_status"]["active"],
                         "last_report": c["report_status"]["last_report"] or ""} for c in coms],
        "commitment_texts": [{"commitment_id": c["id"], **t} for c in coms for t in c["texts"]],
        "progress_reports": [{"id": r["id"], "commitment_id": c["id"], "reported_on": r["reported_on"],
                              "percent_complete": "" if r["percent_complete"] is None else r["percent_complete"],
                              "summary": r["summary"],
                              **{f"disbursed_{k}": (r["disbursed"] or {}).get(k) or "" for k in ("amount", "currency")},
                              "disbursed_on": (r["disbursed"] or {}).get("date") or ""}
                             for c in coms for r in c["reports"]],
        "roadmaps": [{k: m[k] for k in ("code", "title", "facilitator", "status")} for m in maps],
        "milestones": [{"id": x["id"], "roadmap": m["code"], "title": x["title"], "target": x["target"],
                        "indicator_codes": _j(x["indicator_codes"]), "due_date": x["due_date"] or "",
                        "status": x["status"]} for m in maps for x in m["milestones"]],
        "deliverables": [{"key": d["key"], "para": d["para"], "title": d["title"],
                          "responsible": _j(d["responsible"]), "forum": d["forum"], "due": d["due"],
                          "due_year": d["due_year"] or "", "recurrence": d["recurrence"] or "",
                          "status": d["status"], "overdue": d["overdue"]} for d in deliverables(reg)],
    }
    return tables


def table_csv(rows: list[dict[str, Any]], name: str) -> str:
    """One table as RFC 4180 CSV text."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[f for f, _ in _FIELDS[name]], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(neutralise_row(r) for r in rows)  # no cell runs as a spreadsheet formula
    return buf.getvalue()


def datapackage(tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Frictionless data package descriptor of the CSV export."""
    return {
        "name": "wsis-registry", "title": "WSIS stocktaking and commitments registry (public records)",
        "licenses": [LICENCE],
        "sources": [{"title": "WSIS Monitor registry"}],
        "resources": [{"name": name.replace("_", "-"), "path": f"{name}.csv", "format": "csv",
                       "mediatype": "text/csv", "encoding": "utf-8", "profile": "tabular-data-resource",
                       "schema": {"fields": [{"name": f, "type": t} for f, t in _FIELDS[name]]},
                       "count": len(rows)} for name, rows in tables.items()],
    }


def export_all(reg: Registry, out_dir: Path) -> dict[str, int]:
    """Write every public table as CSV, ``registry.json`` and ``datapackage.json`` into ``out_dir``.

    The folder is written beside its final place and renamed in at the end (nothing half-written).
    """
    out_dir = Path(out_dir)
    tables = public_tables(reg)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=out_dir.parent))
    try:
        for name, rows in tables.items():
            (tmp / f"{name}.csv").write_text(table_csv(rows, name), encoding="utf-8", newline="")
        (tmp / "registry.json").write_text(json.dumps(tables, ensure_ascii=False, indent=1, default=str),
                                           encoding="utf-8")
        (tmp / "datapackage.json").write_text(json.dumps(datapackage(tables), indent=1), encoding="utf-8")
        if out_dir.exists():
            old = out_dir.with_name(f".{out_dir.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out_dir, old)
            os.replace(tmp, out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {name: len(rows) for name, rows in tables.items()}


def _split(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split(LIST_SEP) if v.strip()]


def parse_import(text: str, filename: str) -> tuple[list[tuple[int, InitiativeIn]], list[dict[str, Any]]]:
    """Check the shape of every row of a CSV of initiatives: ``([(row, item)], [errors by row/column])``."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise WsisError("bad-header", f"missing column {missing[0]!r}", file=filename, row=1, column=missing[0],
                        expected="columns " + ", ".join(IMPORT_COLUMNS), status=422)
    unknown = [c for c in header if c not in IMPORT_COLUMNS and c not in EXPORT_ONLY]
    if unknown:
        raise WsisError("bad-header", f"unknown column {unknown[0]!r}", file=filename, row=1, column=unknown[0],
                        expected="columns " + ", ".join(IMPORT_COLUMNS), status=422)
    items: list[tuple[int, InitiativeIn]] = []
    errors: list[dict[str, Any]] = []
    for n, row in enumerate(reader, start=2):
        g = {k: restore((v or "").strip()) for k, v in row.items() if k}  # undo the export's apostrophe
        data = {"texts": [{"lang": g.get("lang"), "title": g.get("title"), "description": g.get("description", "")}],
                "organisation": {"name": g.get("organisation"), "stakeholder_group": g.get("stakeholder_group"),
                                 "country": g.get("organisation_country") or None},
                **{k: _split(g.get(k, "")) for k in ("countries", "action_lines", "sdg_targets", "gdc_objectives",
                                                     "groups", "links")},
                "status": g.get("status") or "ongoing", "start_date": g.get("start_date") or None,
                "end_date": g.get("end_date") or None, "contact_name": g.get("contact_name", ""),
                "contact_email": g.get("contact_email", "")}
        try:
            items.append((n, InitiativeIn.model_validate(data)))
        except ValidationError as exc:
            for e in exc.errors():
                loc = [str(p) for p in e["loc"] if not isinstance(p, int)]
                col = {"texts": loc[-1] if loc else "", "organisation": "organisation"}.get(loc[0] if loc else "", "")
                col = col or (loc[0] if loc else "")
                if loc[:1] == ["organisation"] and len(loc) > 1:
                    col = {"name": "organisation", "country": "organisation_country"}.get(loc[1], loc[1])
                errors.append({"row": n, "column": col, "message": e["msg"]})
    return items, errors


def import_csv(reg: Registry, actor: Actor, path: Path, approve: bool = False) -> dict[str, Any]:
    """Import a CSV of initiatives as ``actor``: all rows or none. Moderators may import as approved."""
    require(actor, "data.import")
    path = Path(path)
    text = read_import_file(path)
    items, errors = parse_import(text, str(path))
    from wsis.registry import common

    vocab = common.vocabulary(reg)
    for n, item in items:
        try:
            common.check_codes(vocab, item.model_dump())
            check_organisation_country(vocab, item)
            common.check_dates(item.start_date, item.end_date)
            common.check_links(item.links)
        except WsisError as err:
            errors.append({"row": n, "column": err.column, "message": err.message})
    if errors:
        raise bad_rows(str(path), errors, "initiative")
    return _import_items(reg, actor, [item for _, item in items], approve)


def _import_items(reg: Registry, actor: Actor, items: list[InitiativeIn], approve: bool) -> dict[str, Any]:
    # One transaction for every row: inside batch() the services' writes share it.
    ids: list[int] = []
    with reg.batch():
        for item in items:
            res = submit_initiative(reg, actor, item)
            ids.append(res["initiative"]["id"])
            if approve:
                moderate_initiative(reg, actor, ids[-1], ModerationIn(decision="approve"))
    return {"imported": len(ids), "ids": ids, "approved": approve}
