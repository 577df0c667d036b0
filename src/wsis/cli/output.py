"""Shared output helpers for CLI commands: tables (rich) that fit the terminal, CSV and JSON.

A table prints the command's essential columns and fits the terminal width (``COLUMNS``, 80 when unknown);
when even those do not fit as a table, each record prints as a block of ``column  value`` lines.
``--wide`` prints every column, however wide. CSV and JSON always carry every column.
"""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported lazily: `wsis --help` must start fast on old laptops
    import pandas as pd


FORMATS = ("table", "csv", "json")
MIN_CELL = 12  # a column narrower than this (after folding) is unreadable: print blocks instead


def term_width() -> int:
    """Width of the terminal: ``COLUMNS`` when set, else the terminal's, else 80."""
    return max(40, shutil.get_terminal_size(fallback=(80, 24)).columns)


def emit(df: pd.DataFrame, fmt: str = "table", title: str | None = None, essential: Sequence[str] | None = None,
         wide: bool = False) -> None:
    """Print a frame as a table that fits the terminal (``essential`` columns unless ``wide``), CSV or JSON."""
    from wsis.errors import WsisError

    if fmt not in FORMATS:
        raise WsisError("bad-format", f"unknown format {fmt!r}", column="--format", expected=" | ".join(FORMATS))
    if fmt == "csv":
        df.to_csv(sys.stdout, index=False)
    elif fmt == "json":
        recs = json.loads(df.to_json(orient="records", date_format="iso"))
        print(json.dumps(recs, indent=1, ensure_ascii=False))
    elif wide:
        _table(df, title, width=None)
    else:
        width = term_width()
        cols = [c for c in (essential or df.columns) if c in df.columns]
        shown = df[cols]
        cells = _cells(shown)
        natural = [_width([c, *col]) for c, col in zip(cols, cells, strict=True)]
        if 3 * len(cols) + 1 + sum(min(n, MIN_CELL) for n in natural) <= width:
            _table(shown, title, width=width)
        else:
            _blocks(shown, title, width)
        hidden = len(df.columns) - len(cols)
        if hidden:
            print(textwrap.fill(f"({hidden} more column{'s' if hidden > 1 else ''}: --wide, or --format csv|json)",
                                width))


def _cells(df: pd.DataFrame) -> list[list[str]]:
    import pandas as pd

    return [["" if pd.isna(v) else _fmt(v) for v in df[c]] for c in df.columns]


def _table(df: pd.DataFrame, title: str | None, width: int | None) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title, show_lines=False)
    for c in df.columns:
        t.add_column(str(c), overflow="fold")
    cells = _cells(df)
    for row in zip(*cells, strict=True) if cells else []:
        t.add_row(*row)
    if width is None:  # --wide: as wide as the longest cell of each column, never folded
        natural = [_width([c, *col]) for c, col in zip(df.columns, cells, strict=True)]
        width = max(term_width(), 3 * len(natural) + 1 + sum(n + 2 for n in natural))
    Console(width=width, soft_wrap=False).print(t)


def _blocks(df: pd.DataFrame, title: str | None, width: int) -> None:
    """One record per block: ``column  value`` lines, values wrapped under themselves."""
    cols = [str(c) for c in df.columns]
    key_w = min(max(len(c) for c in cols), width // 3)
    val_w = width - key_w - 2
    if title:
        print(textwrap.fill(title, width))
    cells = _cells(df)
    for i, row in enumerate(zip(*cells, strict=True) if cells else []):
        print(("─" * 3 + f" {i + 1} ").ljust(width, "─")[:width])
        for c, v in zip(cols, row, strict=True):
            if not v:
                continue
            lines = _wrap(v, val_w)
            key = c if len(c) <= key_w else c[:key_w - 1] + "…"
            print(f"{key:<{key_w}}  {lines[0]}")
            for line in lines[1:]:
                print(" " * (key_w + 2) + line)


def _wrap(text: str, width: int) -> list[str]:
    """Wrap to ``width`` terminal cells (a Chinese character takes two)."""
    from rich.cells import cell_len

    out = []
    for line in textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]:
        while cell_len(line) > width:
            cut = max(i for i in range(1, len(line) + 1) if cell_len(line[:i]) <= width)
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return out


def _width(values) -> int:
    from rich.cells import cell_len

    return max((cell_len(str(v)) for v in values), default=0)


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.6g}" if abs(v) < 1e6 else f"{v:,.0f}"
    return str(v)
