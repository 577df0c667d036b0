"""CSV export and all-or-nothing import of IGF forums and outputs (cells neutralised against formula injection).

Columns: the entry's fields, its own language's text (``name`` or ``title``, ``description``, ``lang``), then
the text in each UN language (``name_fr``, ``description_fr``, ...). A file with only the first columns, as
written before entries had several languages, still imports: its texts are in ``lang`` (English by default).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from wsis.errors import WsisError
from wsis.registry.cells import neutralise_row, read_import_file, restore
from wsis.registry.db import Registry
from wsis.registry.igf import (
    ForumIn,
    OutputIn,
    _check_forum,
    _check_output,
    list_forums,
    list_outputs,
    moderate_forum,
    moderate_output,
    submit_forum,
    submit_output,
)
from wsis.registry.policy import Actor, require
from wsis.registry.schemas import ModerationIn, Strict

LIST_SEP = ";"
TEXT_LANGS = ("ar", "en", "es", "fr", "ru", "zh")
FORUM_COLUMNS = ("name", "scope", "countries", "year_founded", "status", "website", "lang", "description")
OUTPUT_COLUMNS = ("title", "kind", "year", "body", "link", "lang", "description")


def _lang_columns(label: str) -> tuple[str, ...]:
    return tuple(c for lang in TEXT_LANGS for c in (f"{label}_{lang}", f"description_{lang}"))


def _spec(kind: str) -> tuple[type[Strict], tuple[str, ...], str]:
    if kind == "forums":
        return ForumIn, FORUM_COLUMNS + _lang_columns("name"), "name"
    if kind == "outputs":
        return OutputIn, OUTPUT_COLUMNS + _lang_columns("title"), "title"
    raise WsisError("bad-kind", f"unknown IGF kind {kind!r}", expected="forums or outputs", status=422)


def _csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(neutralise_row({k: LIST_SEP.join(v) if isinstance(v, list) else v for k, v in r.items()}))
    return buf.getvalue()


def _with_texts(row: dict[str, Any], label: str) -> dict[str, Any]:
    plain = {k: v for k, v in row.items() if k != "texts"}
    return plain | {k: v for t in row["texts"] for k, v in ((f"{label}_{t['lang']}", t[label]),
                                                          (f"description_{t['lang']}", t["description"]))}


def export_csv(reg: Registry, kind: str) -> str:
    """The public forums (``kind="forums"``) or outputs (``"outputs"``) as spreadsheet-safe CSV."""
    _, columns, label = _spec(kind)
    if kind == "forums":
        rows = list_forums(reg, limit=10**9)["items"]
    else:
        rows = [o | {"uptake": [f"{u['used_by']} <{u['link']}>" for u in o["uptake"]]}
                for o in list_outputs(reg, limit=10**9)["items"]]
        columns = (*columns, "uptake")
    return _csv([_with_texts(r, label) for r in rows], ("id", *columns))


def _texts_of(g: dict[str, str], label: str, filename: str, n: int) -> list[dict[str, str]]:
    """The row's texts: its own language's first (``name``/``lang``), then the per-language columns."""
    texts: dict[str, dict[str, str]] = {}
    if g.get(label):
        lang = g.get("lang") or "en"
        texts[lang] = {"lang": lang, label: g[label], "description": g.get("description", "")}
    for lang in TEXT_LANGS:
        if g.get(f"description_{lang}") and not g.get(f"{label}_{lang}"):
            raise WsisError("bad-row", f"a description in {lang} needs a {label} in {lang}", file=filename, row=n,
                            column=f"{label}_{lang}", expected=f"the {label} in {lang}", hint="nothing was imported",
                            status=422)
    for key, value in g.items():  # in the file's column order: the first language given is the entry's own
        lang = key.removeprefix(f"{label}_")
        if key != lang and value and lang not in texts:
            texts[lang] = {"lang": lang, label: value, "description": g.get(f"description_{lang}", "")}
    return list(texts.values())


def _column(loc: tuple, texts: list[dict[str, str]], label: str, has_own: bool) -> str:
    """The CSV column of a validation error's location (a text's field names its language's column)."""
    if len(loc) >= 3 and loc[0] == "texts" and isinstance(loc[1], int):
        if loc[1] == 0 and has_own:
            return str(loc[2])
        return f"{loc[2]}_{texts[loc[1]]['lang']}"
    return str(loc[0]) if loc else label


def _parse(text: str, filename: str, kind: str) -> list[tuple[int, Strict]]:
    model, columns, label = _spec(kind)
    base = FORUM_COLUMNS if kind == "forums" else OUTPUT_COLUMNS
    first = text.split("\n", 1)[0]
    # a spreadsheet saved in a locale whose decimal sign is the comma separates fields with ';'
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    if reader.fieldnames:
        reader.fieldnames = [(h or "").strip().lower() for h in reader.fieldnames]
    # a spreadsheet often saves an empty last column: no header, no values; it is left out
    header = [h for h in (reader.fieldnames or []) if h not in ("id", "uptake", "")]
    required = ("scope",) if kind == "forums" else ("kind", "year")
    if label not in header and not any(h.startswith(f"{label}_") for h in header):
        required = (label, *required)
    for col in required:
        if col not in header:
            raise WsisError("bad-header", f"missing column {col!r}", file=filename, row=1, column=col,
                            expected="columns " + ", ".join(base), status=422)
    for col in header:
        if col not in columns:
            raise WsisError("bad-header", f"unknown column {col!r}", file=filename, row=1, column=col,
                            expected="columns " + ", ".join(columns), status=422)
    items: list[tuple[int, Strict]] = []
    for n, row in enumerate(reader, start=2):
        if (row.get("") or "").strip():
            raise WsisError("bad-row", "a value in a column without a header", file=filename, row=n, column="",
                            expected="a header for every column that has values", hint="nothing was imported",
                            status=422)
        g = {k: restore((v or "").strip()) for k, v in row.items() if k in columns}
        data: dict[str, Any] = {k: v for k, v in g.items() if v != "" and k in base and k not in (label, "lang", "description")}
        data["texts"] = _texts_of(g, label, filename, n)
        if "countries" in data:
            data["countries"] = [c.strip() for c in data["countries"].split(LIST_SEP) if c.strip()]
        try:
            items.append((n, model.model_validate(data)))
        except ValidationError as exc:
            e = exc.errors()[0]
            col = _column(e["loc"], data["texts"], label, bool(g.get(label)))
            raise WsisError("bad-row", e["msg"], file=filename, row=n, column=col,
                            expected=f"a valid IGF {kind[:-1]} row", hint="nothing was imported",
                            status=422) from None
    return items


def import_csv(reg: Registry, actor: Actor, path: Path, kind: str, approve: bool = False) -> dict[str, Any]:
    """Import a CSV of IGF forums or outputs: every row or none. Moderators may import as approved."""
    require(actor, "data.import")
    _spec(kind)
    path = Path(path)
    text = read_import_file(path)
    return import_text(reg, actor, text, str(path), kind, approve)


def import_text(reg: Registry, actor: Actor, text: str, filename: str, kind: str,
                approve: bool = False) -> dict[str, Any]:
    """Import CSV text of IGF forums or outputs (every row checked first; all rows written, or none)."""
    require(actor, "data.import")
    _spec(kind)
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
