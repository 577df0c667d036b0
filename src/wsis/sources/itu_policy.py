"""ITU ICT Regulatory Tracker answers in DataHub exports (universal access/service policy and fund):
yes/no series stored as 1 (yes) and 0 (no). Only the series in the catalogue are read; the files also
hold multi-select and free-text series (``dataValue 1..11``) that are not indicators."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wsis.errors import WsisError
from wsis.reference.areas import CODE_ALIASES
from wsis.sources.base import make_frame, read_csv_strict, year_column
from wsis.sources.registry import AdapterContext, adapter

YES_NO = {"yes": 1.0, "no": 0.0}


@adapter("itu_yesno")
def read_itu_yesno(path: Path, ctx: AdapterContext) -> pd.DataFrame:
    """Yes/No answers of the catalogue's Regulatory Tracker series as 1/0."""
    df = read_csv_strict(path, ("seriesCode", "entityIso", "dataValue", "dataYear"))
    smap = ctx.series_map()
    df = df[df["seriesCode"].str.strip().isin(smap)]
    if df.empty:
        out = make_frame(ctx.dataset_id)
        out.attrs["skipped"] = "no yes/no series of the catalogue in this file"
        return out
    ans = df["dataValue"].str.strip().str.lower()
    vals = ans.map(YES_NO)
    bad = vals.isna() & ans.ne("")
    if bad.any():
        i = bad.idxmax()
        raise WsisError("non-numeric", f"answer {df.at[i, 'dataValue'][:40]!r} is not Yes or No", file=str(path),
                        row=int(df.at[i, "_ROW"]), column="dataValue", expected="Yes, No or blank")
    years = year_column(df, "dataYear", path)
    keep = vals.notna()
    ind = df["seriesCode"].str.strip().map(smap)
    return make_frame(ctx.dataset_id, INDICATOR=ind[keep],
                      REF_AREA=df.loc[keep, "entityIso"].str.strip().replace(CODE_ALIASES), TIME_PERIOD=years[keep],
                      OBS_VALUE=vals[keep], UNIT_MEASURE="YES_NO", OBS_STATUS="A",
                      SOURCE_DETAIL="ITU ICT Regulatory Tracker", COMMENT_OBS=ans[keep].str.capitalize(),
                      SOURCE_ROW=df.loc[keep, "_ROW"], SOURCE_COLUMN="dataValue")
