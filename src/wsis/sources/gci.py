"""ITU Global Cybersecurity Index 2020, long format ``cc_iso3c, ref_year, variable, value``.

The mirror's copy holds values the Blavatnik School extracted from ITU's PDF report (a secondary
extraction, recorded as such in the provenance). The overall score is 0-100 and each of the five pillars
0-20 (the catalogue's ``value_range``, checked by ``checks.ranges.ScoreRange``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wsis.reference.areas import CODE_ALIASES
from wsis.sources.base import make_frame, read_csv_strict, to_number, year_column
from wsis.sources.registry import AdapterContext, adapter


@adapter("gci_long")
def read_gci(path: Path, ctx: AdapterContext) -> pd.DataFrame:
    """GCI overall score and pillars per economy (one edition per file)."""
    df = read_csv_strict(path, ("cc_iso3c", "ref_year", "variable", "value"))
    ind = ctx.map_series(df, "variable", path)
    vals = to_number(df, "value", path)
    years = year_column(df, "ref_year", path)
    keep = vals.notna()
    return make_frame(ctx.dataset_id, INDICATOR=ind[keep],
                      REF_AREA=df.loc[keep, "cc_iso3c"].str.strip().replace(CODE_ALIASES), TIME_PERIOD=years[keep],
                      OBS_VALUE=vals[keep], UNIT_MEASURE="INDEX", OBS_STATUS="A",
                      SOURCE_DETAIL="ITU Global Cybersecurity Index 2020 (values extracted from the ITU report)",
                      SOURCE_ROW=df.loc[keep, "_ROW"], SOURCE_COLUMN="value")
