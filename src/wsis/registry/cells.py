"""Spreadsheet-safe cells (CSV/formula injection, as OWASP recommends).

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a
leading apostrophe, so a spreadsheet shows it as text instead of running it as a formula. A cell that
already begins with apostrophes before such a character gets one more, so :func:`restore` (used by the
CSV import) gives the original text back exactly.
"""

from __future__ import annotations

from typing import Any

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
