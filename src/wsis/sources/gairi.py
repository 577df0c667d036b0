"""Oxford Insights Government AI Readiness Index workbooks, 2019-2025 (one edition per file).

Header rows and column names differ between editions, so the header row is found by looking for the
``Country`` cell, and the total score column by its known names. The edition year comes from the file
name. The framework changed twice (2019: 0-10 scale; 2020-2024: three pillars; 2025: new framework):
the catalogue records those years as series breaks, and the value keeps its edition's scale.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd
from python_calamine import CalamineError

from wsis.errors import WsisError
from wsis.sources.base import make_frame
from wsis.sources.names import matcher_for, unmatched_findings
from wsis.sources.registry import AdapterContext, adapter

SCORE_HEADERS = ("Score", "Total", "Total Score", "{year} Total")
SUMMARY_ROWS = {"average", "mean", "median", "total"}   # rows of the ranking table that are not countries
FRAMEWORK = {2019: "2019 framework, 0-10 scale", 2025: "2025 framework"}


def _edition(path: Path) -> int:
    m = re.search(r"(20\d\d)", path.name)
    if not m:
        raise WsisError("bad-filename", "no edition year in the file name", file=str(path), row=1, column="-",
                        expected="a name containing the edition year, e.g. 2024-GAIRI-data.xlsx")
    return int(m.group(1))


def read_sheet(path: Path) -> pd.DataFrame:
    """The first sheet of a workbook as strings (no header); a damaged workbook is a one-line error."""
    try:
        # calamine (Rust) reads a sheet about ten times faster than openpyxl
        return pd.read_excel(path, sheet_name=0, header=None, dtype=str, engine="calamine")
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError, CalamineError) as exc:
        raise WsisError("truncated-file", f"not a readable .xlsx workbook ({type(exc).__name__})", file=str(path),
                        row=1, column="-", expected="a complete Excel workbook") from None


@adapter("gairi_xlsx")
def read_gairi(path: Path, ctx: AdapterContext) -> pd.DataFrame:
    """AI_GAIRI total score per country for one edition (the ranking sheet, left-most table)."""
    year = _edition(path)
    raw = read_sheet(path)
    hdr = next((i for i in range(min(len(raw), 10)) if "Country" in [str(v).strip() for v in raw.iloc[i]]), None)
    if hdr is None:
        raise WsisError("missing-column", "no header row with a 'Country' column in the first sheet",
                        file=str(path), row=1, column="Country", expected="a ranking table: rank, Country, score")
    head = [str(v).strip() for v in raw.iloc[hdr]]
    c_country = head.index("Country")
    wanted = [h.format(year=year) for h in SCORE_HEADERS]
    c_score = next((j for j, h in enumerate(head) if h in wanted and j > c_country), None)
    if c_score is None:
        raise WsisError("missing-column", "no total score column beside 'Country'", file=str(path), row=hdr + 1,
                        column="-", expected="one of " + ", ".join(wanted))
    body = raw.iloc[hdr + 1:, [c_country, c_score]].copy()
    body.columns = ["name", "score"]
    body["_ROW"] = range(hdr + 2, hdr + 2 + len(body))
    body = body[body["name"].notna() & body["name"].str.strip().ne("")]
    body = body[~body["name"].str.strip().str.lower().isin(SUMMARY_ROWS)]
    vals = pd.to_numeric(body["score"], errors="coerce")
    bad = vals.isna() & body["score"].notna()
    top = 10.0 if year == 2019 else 100.0
    bad |= (vals < 0) | (vals > top)
    if bad.any():
        i = bad.idxmax()
        raise WsisError("out-of-range", f"score {body.at[i, 'score']!r} is not a number in 0-{top:g}",
                        file=str(path), row=int(body.at[i, "_ROW"]), column=head[c_score],
                        expected=f"a score between 0 and {top:g}")
    matcher = matcher_for(ctx.areas)
    names = body["name"].str.strip()
    iso = matcher.match(names)
    keep = vals.notna() & iso.notna()
    out = make_frame(ctx.dataset_id, INDICATOR="AI_GAIRI", REF_AREA=iso[keep], TIME_PERIOD=year,
                     OBS_VALUE=vals[keep], UNIT_MEASURE="INDEX", OBS_STATUS="A",
                     SOURCE_DETAIL=f"Oxford Insights Government AI Readiness Index {year}",
                     COMMENT_OBS=FRAMEWORK.get(year, "2020-2024 framework (three pillars)"),
                     SOURCE_ROW=body.loc[keep, "_ROW"], SOURCE_COLUMN=head[c_score])
    out.attrs["findings"] = unmatched_findings(names, iso, body["_ROW"], "Country", matcher.reviewed)
    return out
