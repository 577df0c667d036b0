"""World Bank WDI bulk CSV (wide: one column per year) and the datahub population file (long)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wsis.errors import WsisError
from wsis.sources.base import make_frame, read_csv_strict, to_number, year_column
from wsis.sources.registry import AdapterContext, adapter

WDI_ID = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")


def _wb_areas(codes: pd.Series, ctx: AdapterContext) -> pd.Series:
    codes = codes.str.strip()
    return codes.map({c: ctx.wb_area(c) for c in codes.unique()})


@adapter("wdi_wide")
def read_wdi_wide(path: Path, ctx: AdapterContext) -> pd.DataFrame:
    """WDI ``API_<code>_DS2_*.csv``: header on row 1 (the 4-line preamble of older downloads is skipped)."""
    from wsis.sources.base import decode_text, read_bytes

    text = decode_text(path, read_bytes(path))
    lines = text.split("\n")
    # Older WDI downloads start with "Data Source","World Development Indicators", then a blank line.
    skip = next((i for i, ln in enumerate(lines[:6]) if ln.lstrip('"').startswith("Country Name")), 0)
    df = read_csv_strict(path, WDI_ID, text="\n".join(lines[skip:]))
    df["_ROW"] += skip
    years = [c for c in df.columns if c.isdigit() and len(c) == 4]
    if not years:
        raise WsisError("missing-column", "no year columns in the header", file=str(path), row=skip + 1,
                        column="-", expected="columns 1960, 1961, ... after 'Indicator Code'")
    ctx.map_series(df, "Indicator Code", path)  # every series must be in the catalogue
    smap = ctx.series_map()
    long = df.melt(id_vars=[*WDI_ID, "_ROW"], value_vars=years, var_name="year", value_name="v")
    long["_ROW"] = long["_ROW"].astype(int)
    vals = to_number(long.rename(columns={"v": "value"}), "value", path)
    keep = vals.notna()
    long, vals = long[keep], vals[keep]
    ind = long["Indicator Code"].str.strip().map(smap)
    return make_frame(ctx.dataset_id, INDICATOR=ind, REF_AREA=_wb_areas(long["Country Code"], ctx),
                      TIME_PERIOD=long["year"].astype(int), OBS_VALUE=vals, UNIT_MEASURE=ind.map(ctx.unit_of),
                      OBS_STATUS="A", SOURCE_DETAIL="World Bank WDI",
                      SOURCE_ROW=long["_ROW"], SOURCE_COLUMN=long["year"])


@adapter("datahub_population")
def read_datahub_population(path: Path, ctx: AdapterContext) -> pd.DataFrame:
    """Long population file ``Country Name, Country Code, Year, Value`` (SP.POP.TOTL)."""
    df = read_csv_strict(path, ("Country Code", "Year", "Value"))
    vals = to_number(df, "Value", path)
    years = year_column(df, "Year", path)
    keep = vals.notna()
    return make_frame(ctx.dataset_id, INDICATOR="SP_POP_TOTL",
                      REF_AREA=_wb_areas(df.loc[keep, "Country Code"], ctx),
                      TIME_PERIOD=years[keep], OBS_VALUE=vals[keep], UNIT_MEASURE="PERSONS", OBS_STATUS="A",
                      SOURCE_DETAIL="World Bank WDI SP.POP.TOTL", SOURCE_ROW=df.loc[keep, "_ROW"],
                      SOURCE_COLUMN="Value")
