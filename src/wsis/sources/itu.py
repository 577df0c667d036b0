"""ITU data: DataHub CSV exports, the tidy internet-use-by-sex-and-location table, and IDI scores."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wsis.errors import WsisError
from wsis.reference.areas import CODE_ALIASES
from wsis.sources.base import make_frame, read_csv_strict, to_number, year_column
from wsis.sources.registry import AdapterContext, adapter

DATAHUB_COLUMNS = ("seriesCode", "entityIso", "dataValue", "dataYear")


@adapter("itu_datahub")
def read_itu_datahub(path: Path, ctx: AdapterContext) -> pd.DataFrame:
    """DataHub export. Units come from ``seriesCode`` (the file's ``seriesUnits`` is copied across series)."""
    df = read_csv_strict(path, DATAHUB_COLUMNS)
    ind = ctx.map_series(df, "seriesCode", path)
    vals = to_number(df, "dataValue", path)  # the API returns numbers as strings
    years = year_column(df, "dataYear", path)
    keep = vals.notna()
    note = df.get("dataNote", pd.Series("", index=df.index)).str.strip().replace("", None)
    src = df.get("dataSource", pd.Series("", index=df.index)).str.strip().replace("", None)
    return make_frame(ctx.dataset_id, INDICATOR=ind[keep], REF_AREA=df.loc[keep, "entityIso"].str.strip().replace(CODE_ALIASES),
                      TIME_PERIOD=years[keep], OBS_VALUE=vals[keep], UNIT_MEASURE=ind[keep].map(ctx.unit_of),
                      OBS_STATUS="A", SOURCE_DETAIL=src[keep].fillna("ITU"), COMMENT_OBS=note[keep],
                      SOURCE_ROW=df.loc[keep, "_ROW"], SOURCE_COLUMN="dataValue")


@adapter("itu_tidy")
def read_itu_tidy(path: Path, ctx: AdapterContext) -> pd.DataFrame:
    """``economy, iso3, year, location (total/urban/rural), sex (total/male/female), value_pct``."""
    df = read_csv_strict(path, ("iso3", "year", "location", "sex", "value_pct"))
    vals = to_number(df, "value_pct", path)
    years = year_column(df, "year", path)
    loc = df["location"].str.strip().str.lower().map({"total": "_T", "urban": "U", "rural": "R"})
    sex = df["sex"].str.strip().str.lower().map({"total": "_T", "male": "M", "female": "F"})
    for col, s in (("location", loc), ("sex", sex)):
        if s.isna().any():
            i = s.isna().idxmax()
            raise WsisError("unknown-code", f"{df.at[i, col]!r} is not a known {col}", file=str(path),
                            row=int(df.at[i, "_ROW"]), column=col,
                            expected="total, urban or rural" if col == "location" else "total, male or female")
    keep = vals.notna()
    return make_frame(ctx.dataset_id, INDICATOR="IT_USE_ii99", REF_AREA=df.loc[keep, "iso3"].str.strip(),
                      TIME_PERIOD=years[keep], OBS_VALUE=vals[keep], SEX=sex[keep], URBANISATION=loc[keep],
                      UNIT_MEASURE="PT", OBS_STATUS="A", SOURCE_DETAIL="ITU (latest year per economy)",
                      COMMENT_OBS="age scope varies by country", SOURCE_ROW=df.loc[keep, "_ROW"],
                      SOURCE_COLUMN="value_pct")


@adapter("idi_scores")
def read_idi(path: Path, ctx: AdapterContext) -> pd.DataFrame:
    """``iso3, idi_2024_score, edition`` (secondary transcription, flagged in COMMENT_OBS)."""
    df = read_csv_strict(path, ("iso3", "idi_2024_score"))
    vals = to_number(df, "idi_2024_score", path)
    keep = vals.notna()
    return make_frame(ctx.dataset_id, INDICATOR="IT_IDI_SCORE", REF_AREA=df.loc[keep, "iso3"].str.strip(),
                      TIME_PERIOD=2024, OBS_VALUE=vals[keep], UNIT_MEASURE="INDEX", OBS_STATUS="A",
                      SOURCE_DETAIL="ITU IDI 2024", COMMENT_OBS="secondary transcription; verify against ITU",
                      SOURCE_ROW=df.loc[keep, "_ROW"], SOURCE_COLUMN="idi_2024_score")
