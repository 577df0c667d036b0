"""Alliance for Affordable Internet (A4AI) price tables."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from wsis.sources.base import make_frame, read_csv_strict, to_number, year_column
from wsis.sources.registry import AdapterContext, adapter


def _stack(df: pd.DataFrame, path: Path, ctx: AdapterContext, area_col: str, years: pd.Series, scale: dict[str, float],
           comment: str | None) -> pd.DataFrame:
    smap = ctx.series_map()
    parts = []
    for col in [c for c in df.columns if c in smap]:
        vals = to_number(df, col, path) * scale.get(col, 1.0)
        keep = vals.notna()
        parts.append(make_frame(ctx.dataset_id, INDICATOR=smap[col], REF_AREA=df.loc[keep, area_col].str.strip(),
                                TIME_PERIOD=years[keep], OBS_VALUE=vals[keep], UNIT_MEASURE=ctx.unit_of(smap[col]),
                                OBS_STATUS="A", SOURCE_DETAIL="Alliance for Affordable Internet",
                                COMMENT_OBS=comment, SOURCE_ROW=df.loc[keep, "_ROW"], SOURCE_COLUMN=col))
    return pd.concat(parts, ignore_index=True)


@adapter("a4ai_pricing")
def read_a4ai_pricing(path: Path, ctx: AdapterContext) -> pd.DataFrame:
    """``A4AI-Mobile-Broadband-Pricing-<YYYY>Q<n>.csv``; shares of GNI are fractions, stored here as %."""
    df = read_csv_strict(path, ("ISO3", "Cost_1_GB_USD", "Cost_1_GB_Share_GNICM"))
    m = re.search(r"(\d{4})Q(\d)", path.name)
    year, quarter = (int(m[1]), f"{m[1]}Q{m[2]}") if m else (0, None)
    years = pd.Series(year, index=df.index)
    return _stack(df, path, ctx, "ISO3", years, {"Cost_1_GB_Share_GNICM": 100.0},
                  f"price collected in {quarter}" if quarter else None)


@adapter("a4ai_decile")
def read_a4ai_decile(path: Path, ctx: AdapterContext) -> pd.DataFrame:
    """Affordability for the poorest decile, 2015–2019 (shares as fractions, stored as %)."""
    df = read_csv_strict(path, ("iso3c", "year", "Afford", "Afford_decile_1"))
    years = year_column(df, "year", path)
    return _stack(df, path, ctx, "iso3c", years, {"Afford": 100.0, "Afford_decile_1": 100.0}, None)
