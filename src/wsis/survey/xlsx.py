"""One publishable workbook per run, laid out as ITU's household ICT questionnaire tables.

Sheets: ``Table`` (one row per indicator, one column block per breakdown category: value, SE, CI, flag),
``Estimates`` (the same numbers one row per indicator x category, with n, CV and df) and ``Notes``
(design, input, software versions, flag legend, settings). Proportions are shown as percentages.
"""

from __future__ import annotations

import json
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

FLAGS = {"E": "use with caution: small sample or high coefficient of variation",
         "S": "suppressed: sample too small or coefficient of variation too high",
         "C": "suppressed so that a suppressed cell cannot be derived from published totals"}


def _category(r: dict, dims: dict[str, dict]) -> tuple[str, str]:
    """(breakdown, category) labels, with the release dimension names and codes where the file maps them."""
    cols = [c for c in str(r.get("by") or "").split(",") if c]
    if not cols:
        return "Total", "Total"
    names = [dims.get(c, {}).get("dimension", c) for c in cols]
    values = [str(dims.get(c, {}).get("values", {}).get(str(r[c]), r[c])) for c in cols]
    return " x ".join(names), " / ".join(f"{n}: {v}" for n, v in zip(names, values, strict=True))


def _long(df: pd.DataFrame) -> pd.DataFrame:
    dims = df.attrs.get("dimensions", {})
    labels = df.attrs.get("labels", {})
    rows = []
    for r in df.to_dict("records"):
        breakdown, cat = _category(r, dims)
        pct = r["statistic"] == "proportion"
        m = 100.0 if pct else 1.0
        hide = r.get("flag") in ("S", "C")

        def val(k: str, r: dict = r, m: float = m, hide: bool = hide) -> float | None:
            return None if hide or pd.isna(r[k]) else float(r[k]) * m
        rows.append({"Indicator": r["indicator"], "Label": labels.get(r["indicator"], ""),
                     "Series": r.get("series") or "", "Breakdown": breakdown, "Category": cat,
                     "Unit": "%" if pct else ("ratio" if r["statistic"] in ("ratio", "parity") else r["statistic"]),
                     "Value": val("estimate"), "SE": val("se"), "CI low": val("ci_low"), "CI high": val("ci_high"),
                     "CV": None if hide or pd.isna(r["cv"]) else float(r["cv"]), "n": int(r["n"]),
                     "df": None if pd.isna(r["df"]) else float(r["df"]), "Flag": r.get("flag") or ""})
    return pd.DataFrame(rows)


def _notes(df: pd.DataFrame) -> list[tuple[str, str]]:
    import duckdb

    import wsis

    prov = df.attrs.get("provenance", {})
    design = prov.get("design", "")
    text = Path(design).read_text(encoding="utf-8") if design and Path(design).is_file() else json.dumps(
        prov.get("design_spec", {}))
    read = prov.get("input", {})
    notes = [("Software", f"WSIS Monitor {wsis.__version__} (Python {platform.python_version()}, "
                          f"DuckDB {duckdb.__version__}); variances as R survey 4.1"),
             ("Written", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
             ("Microdata", str(prov.get("microdata", ""))),
             ("Read as", read.get("summary") or read.get("format", "")),
             ("Design file", str(design)), ("Design", text.strip()),
             ("Indicators", str(prov.get("indicators", ""))),
             ("Values", "proportions in percent; SE and confidence interval in the same unit; "
                        "CI = confidence interval at the level of the indicators file")]
    for key, title in (("indicator_set", "Indicator set"), ("age_scope", "Age scope"), ("recall", "Recall period")):
        if prov.get(key):
            notes.append((title, str(prov[key])))
    notes += [(f"Flag {k}", v) for k, v in FLAGS.items()]
    return notes


def write(df: pd.DataFrame, path: Path) -> None:
    """Write the workbook to ``path`` (openpyxl)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    long = _long(df)
    wb = Workbook()
    ws = wb.active
    ws.title = "Table"
    cats = list(dict.fromkeys(zip(long["Breakdown"], long["Category"], strict=True)))
    ws.cell(1, 1, "Indicator").font = Font(bold=True)
    ws.cell(1, 2, "Label").font = Font(bold=True)
    ws.cell(1, 3, "Unit").font = Font(bold=True)
    for j, (b, c) in enumerate(cats):
        col = 4 + 5 * j
        ws.cell(1, col, c if b != "Total" else "Total").font = Font(bold=True)
        ws.merge_cells(start_row=1, start_column=col, end_row=1, end_column=col + 4)
        ws.cell(1, col).alignment = Alignment(horizontal="center")
        for k, h in enumerate(("Value", "SE", "CI low", "CI high", "Flag")):
            ws.cell(2, col + k, h).font = Font(italic=True)
    index = {(b, c): j for j, (b, c) in enumerate(cats)}
    rows: dict[str, int] = {}
    for r in long.to_dict("records"):
        i = rows.setdefault(r["Indicator"], 3 + len(rows))
        ws.cell(i, 1, r["Indicator"])
        ws.cell(i, 2, r["Label"])
        ws.cell(i, 3, r["Unit"])
        col = 4 + 5 * index[(r["Breakdown"], r["Category"])]
        for k, key in enumerate(("Value", "SE", "CI low", "CI high", "Flag")):
            cell = ws.cell(i, col + k, r[key] if not (isinstance(r[key], float) and pd.isna(r[key])) else None)
            if k < 4:
                cell.number_format = "0.00"
    ws.freeze_panes = "D3"
    ws.column_dimensions["B"].width = 48
    est = wb.create_sheet("Estimates")
    est.append(list(long.columns))
    for c in est[1]:
        c.font = Font(bold=True)
    for r in long.itertuples(index=False):
        est.append([None if isinstance(v, float) and pd.isna(v) else v for v in r])
    for j in range(1, len(long.columns) + 1):
        est.column_dimensions[get_column_letter(j)].width = 14
    notes = wb.create_sheet("Notes")
    for k, v in _notes(df):
        notes.append([k, v])
        notes.cell(notes.max_row, 1).font = Font(bold=True)
        notes.cell(notes.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 100
    wb.save(path)


def read_table(path: Path | str) -> dict[str, Any]:
    """The workbook's sheets as lists of rows (for checks and tests)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
