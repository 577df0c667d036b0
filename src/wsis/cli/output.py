"""Shared output helpers for CLI commands: tables (rich), CSV and JSON."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported lazily: `wsis --help` must start fast on old laptops
    import pandas as pd


FORMATS = ("table", "csv", "json")


def emit(df: pd.DataFrame, fmt: str = "table", title: str | None = None) -> None:
    """Print a frame as a rich table, CSV or JSON records."""
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    from wsis.errors import WsisError

    if fmt not in FORMATS:
        raise WsisError("bad-format", f"unknown format {fmt!r}", column="--format", expected=" | ".join(FORMATS))
    if fmt == "csv":
        df.to_csv(sys.stdout, index=False)
    elif fmt == "json":
        recs = json.loads(df.to_json(orient="records", date_format="iso"))
        print(json.dumps(recs, indent=1, ensure_ascii=False))
    else:
        t = Table(title=title, show_lines=False)
        for c in df.columns:
            t.add_column(str(c), overflow="fold")
        for row in df.itertuples(index=False):
            t.add_row(*["" if pd.isna(v) else _fmt(v) for v in row])
        Console(width=200).print(t)


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.6g}" if abs(v) < 1e6 else f"{v:,.0f}"
    return str(v)
