"""UN DESA E-Government Survey data-centre exports (``EGOV_DATA_<year>.csv``), 2003-2024.

The files name countries (with trailing spaces) instead of coding them; names are matched through the
reference data and the reviewed alias list (:mod:`wsis.sources.names`). The 2024 copy in the mirror was
edited by a third party: its headers are renamed and a ``Region`` column (with wrong values) was added;
only the scores are read, never ``Region``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wsis.errors import WsisError
from wsis.sources.base import make_frame, read_csv_strict, to_number, year_column
from wsis.sources.names import matcher_for, unmatched_findings
from wsis.sources.registry import AdapterContext, adapter

# catalogue code -> header in the official export, header in the edited 2024 copy
COLUMNS = {
    "EGOV_EGDI": ("E-Government Index", "E_Index"),
    "EGOV_EPI": ("E-Participation Index", "E_Participation"),
    "EGOV_OSI": ("Online Service Index", "Online_Service"),
    "EGOV_HCI": ("Human Capital Index", "Human_Capital"),
    "EGOV_TII": ("Telecommunication Infrastructure Index", "Tele_Infra"),
}
LAYOUTS = (("Survey Year", "Country Name", 0), ("Survey Year", "Country", 1))


def _layout(path: Path) -> tuple[str, str, int]:
    """Which of the two header layouts a file uses (from its first line)."""
    with path.open("r", encoding="utf-8-sig") as fh:
        header = [h.strip().strip('"') for h in fh.readline().split(",")]
    for year_col, name_col, k in LAYOUTS:
        if name_col in header and COLUMNS["EGOV_EGDI"][k] in header:
            return year_col, name_col, k
    return LAYOUTS[0]  # let the strict reader name the missing column


@adapter("egov_csv")
def read_egov(path: Path, ctx: AdapterContext) -> pd.DataFrame:
    """Five indices (EGDI and its components) per country and survey year; scores are 0-1."""
    year_col, name_col, k = _layout(path)
    cols = {code: heads[k] for code, heads in COLUMNS.items()}
    df = read_csv_strict(path, (year_col, name_col, *cols.values()))
    years = year_column(df, year_col, path)
    names = df[name_col].str.strip()
    matcher = matcher_for(ctx.areas)
    iso = matcher.match(names)
    dup = iso.notna() & iso.duplicated(keep="first")
    if dup.any():
        i = dup.idxmax()
        first = int(df.loc[iso[iso == iso[i]].index[0], "_ROW"])
        raise WsisError("duplicate-key", f"country {names[i]!r} ({iso[i]}) appears twice (first at row {first})",
                        file=str(path), row=int(df.at[i, "_ROW"]), column=name_col,
                        expected="one row per country and survey year")
    frames = []
    for code, col in cols.items():
        vals = to_number(df, col, path)   # the 0-1 range is checked by checks.ranges.ScoreRange
        keep = vals.notna() & iso.notna()
        frames.append(make_frame(ctx.dataset_id, INDICATOR=code, REF_AREA=iso[keep], TIME_PERIOD=years[keep],
                                 OBS_VALUE=vals[keep], UNIT_MEASURE="INDEX", OBS_STATUS="A",
                                 SOURCE_DETAIL="UN DESA E-Government Survey", SOURCE_ROW=df.loc[keep, "_ROW"],
                                 SOURCE_COLUMN=col))
    out = pd.concat(frames, ignore_index=True)
    out.attrs["findings"] = unmatched_findings(names, iso, df["_ROW"], name_col, matcher.reviewed)
    return out
