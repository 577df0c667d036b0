"""Spreadsheet-safe cells (CSV/formula injection, as OWASP recommends).

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a
leading apostrophe, so a spreadsheet shows it as text instead of running it as a formula. A cell that
already begins with apostrophes before such a character gets one more, so :func:`restore` (used by the
CSV import) gives the original text back exactly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wsis.errors import WsisError

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _escaped_form(text: str) -> bool:
    return text.lstrip("'").startswith(TRIGGERS)


def neutralise(value: Any) -> Any:
    """``value`` safe for a spreadsheet cell (only text changes; numbers and None pass through)."""
    if isinstance(value, str) and value and (value.startswith(TRIGGERS) or
                                             (value.startswith("'") and _escaped_form(value))):
        return "'" + value
    return value


def restore(value: str) -> str:
    """The original text of a cell written by :func:`neutralise`."""
    if value.startswith("'") and _escaped_form(value):
        return value[1:]
    return value


def neutralise_row(row: dict[str, Any]) -> dict[str, Any]:
    """Every text cell of a CSV row made safe."""
    return {k: neutralise(v) for k, v in row.items()}


def neutralise_frame(df):
    """A copy of a pandas frame whose text cells are safe (numeric columns are left as they are)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype) in ("string", "str"):
            out[col] = out[col].map(neutralise)
    return out


def read_import_file(path: Path) -> str:
    """The text of a CSV to import (UTF-8, with or without the BOM spreadsheets write); one line otherwise."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise WsisError("bad-file", f"cannot read file: {exc}", file=str(path), expected="a UTF-8 CSV file") from exc


def bad_rows(filename: str, errors: list[dict[str, Any]], what: str) -> WsisError:
    """The one error of an all-or-nothing import: the first bad row and column, every error in ``extra``."""
    errors = sorted(errors, key=lambda e: (e["row"], str(e["column"])))
    first = errors[0]
    return WsisError("bad-rows", f"{len(errors)} error(s); first: {first['message']}", file=filename,
                     row=first["row"], column=first["column"], expected=f"a valid {what} row",
                     hint="nothing was imported", status=422, extra={"errors": errors})


def check_organisation_country(vocab: Any, item: Any) -> None:
    """An imported row's organisation country must be a known country code."""
    if item.organisation.country and item.organisation.country.upper() not in vocab.countries:
        raise WsisError("unknown-code", "unknown country", column="organisation_country", status=422)

