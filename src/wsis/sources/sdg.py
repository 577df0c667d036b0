"""UN SDG Global Database CSV (database extracts and SDG API series downloads), and local datasets in
the release's own layout (survey estimates published with ``wsis survey publish``)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from wsis.sources.base import ATTRIBUTES, DIMENSIONS, make_frame, read_csv_strict, to_number, year_column
from wsis.sources.registry import AdapterContext, adapter

SEX = {"BOTHSEX": "_T", "FEMALE": "F", "MALE": "M", "": "_T"}
LOCATION = {"ALLAREA": "_T", "URBAN": "U", "RURAL": "R", "": "_T"}
UNITS = {"PERCENT": "PT", "PER_100_POP": "PER_100_POP", "NUMBER": "NUMBER"}


@adapter("sdg_csv")
def read_sdg_csv(path: Path, ctx: AdapterContext) -> pd.DataFrame:
    """SDG database CSV: ``SeriesCode, GeoAreaCode, TimePeriod, Value, Sex, Units, ...``."""
    df = read_csv_strict(path, ("SeriesCode", "GeoAreaCode", "TimePeriod", "Value"))
    ind = ctx.map_series(df, "SeriesCode", path)
    vals = to_number(df, "Value", path)
    years = year_column(df, "TimePeriod", path)
    geo = df["GeoAreaCode"].str.strip().str.zfill(3)
    area = geo.map(ctx.areas.m49_to_code()).fillna("M49_" + geo)

    def col(name: str, mapping: dict[str, str] | None = None) -> pd.Series:
        s = df[name].str.strip() if name in df else pd.Series("", index=df.index)
        return s.map(mapping).fillna(s) if mapping else s

    sex = col("Sex", SEX)
    skill = col("Type of skill").replace("", "_T")
    nature = col("Nature").replace("", None)
    keep = vals.notna()
    return make_frame(ctx.dataset_id, INDICATOR=ind[keep], REF_AREA=area[keep], TIME_PERIOD=years[keep],
                      OBS_VALUE=vals[keep], SEX=sex[keep], URBANISATION=col("Location", LOCATION)[keep],
                      TYPE_SKILL=skill[keep], UNIT_MEASURE=col("Units", UNITS)[keep].replace("", None),
                      OBS_STATUS="A", NATURE=nature[keep], SOURCE_DETAIL=col("Source")[keep].replace("", None),
                      COMMENT_OBS=col("FootNote")[keep].replace("", None), SOURCE_ROW=df.loc[keep, "_ROW"],
                      SOURCE_COLUMN="Value")


def read_local(path: Path, dataset_id: str) -> tuple[pd.DataFrame, dict]:
    """A CSV in the release layout (INDICATOR, REF_AREA, TIME_PERIOD, ..., OBS_VALUE, SE, CI_LOW, CI_HIGH)
    and its ``.provenance.json`` sidecar."""
    df = read_csv_strict(path, ("INDICATOR", "REF_AREA", "TIME_PERIOD", "OBS_VALUE"))
    vals = to_number(df, "OBS_VALUE", path)
    cols: dict = {"INDICATOR": df["INDICATOR"].str.strip(), "REF_AREA": df["REF_AREA"].str.strip(),
                  "TIME_PERIOD": year_column(df, "TIME_PERIOD", path), "OBS_VALUE": vals,
                  "SOURCE_ROW": df["_ROW"], "SOURCE_COLUMN": "OBS_VALUE"}
    for c in (*DIMENSIONS[3:], *ATTRIBUTES, "METHOD"):
        if c in df:
            cols[c] = df[c].replace("", "_T" if c in DIMENSIONS else None)
    for c in ("SE", "CI_LOW", "CI_HIGH"):
        if c in df:
            cols[c] = to_number(df, c, path)
    if "UNIT_MULT" in cols:
        cols["UNIT_MULT"] = pd.to_numeric(cols["UNIT_MULT"], errors="coerce").fillna(0).astype(int)
    side = path.with_name(path.name.removesuffix(".csv") + ".provenance.json")
    meta = json.loads(side.read_text(encoding="utf-8")) if side.exists() else {}
    frame = make_frame(dataset_id, **cols)
    return frame, meta
