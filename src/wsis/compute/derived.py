"""Series derived from other series of the release, each with its derivation recorded on every row.

``IT_INTL_BWPU``, international bandwidth per Internet user (bit/s): the lit/equipped international
bandwidth (``IT_INTL_BWTH``, Mbit/s) x 10^6 over the number of Internet users, itself the share of
individuals using the Internet (``IT_USE_ii99``, %) / 100 x the population (``SP_POP_TOTL``), for the same
country and year, each taken from the release's preferred series.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

BWPU_DATASET = "wsis:derived/bandwidth_per_user"
BWPU_METHOD = "IT_INTL_BWTH x 1e6 / (IT_USE_ii99 / 100 x SP_POP_TOTL)"
_TOTALS = ("SEX", "AGE", "URBANISATION", "INCOME_WEALTH_QUANTILE", "EDUCATION_LEV", "DISABILITY_STATUS",
           "TYPE_SKILL", "TYPE_SPEED", "GEO_SCOPE")


def bandwidth_per_user(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Observation rows of IT_INTL_BWPU for every country-year with all three inputs."""
    tot = " AND ".join(f"o.{d} = '_T'" for d in _TOTALS)

    def part(code: str, name: str) -> str:
        return (f"SELECT o.REF_AREA, o.TIME_PERIOD, o.OBS_VALUE AS {name}, o.DATASET_ID AS ds_{name} FROM preferred o "
                f"JOIN areas a ON a.code = o.REF_AREA AND a.kind = 'country' "
                f"WHERE o.INDICATOR = '{code}' AND {tot} AND o.OBS_VALUE IS NOT NULL")
    df = con.execute(f"""
        SELECT * FROM ({part('IT_INTL_BWTH', 'bw')}) b
        JOIN ({part('IT_USE_ii99', 'use')}) u USING (REF_AREA, TIME_PERIOD)
        JOIN ({part('SP_POP_TOTL', 'pop')}) p USING (REF_AREA, TIME_PERIOD)
        WHERE u.use > 0 AND p.pop > 0""").df()
    if df.empty:
        return df
    value = df["bw"] * 1e6 / (df["use"] / 100.0 * df["pop"])
    n = len(df)
    out = pd.DataFrame({
        "DATASET_ID": BWPU_DATASET, "INDICATOR": "IT_INTL_BWPU", "REF_AREA": df["REF_AREA"],
        "TIME_PERIOD": df["TIME_PERIOD"].astype("int32"), **dict.fromkeys(_TOTALS, "_T"),
        "OBS_VALUE": value.astype("float64"), "UNIT_MEASURE": "BIT_PER_S", "UNIT_MULT": 0, "OBS_STATUS": "A",
        "NATURE": "C", "SOURCE_DETAIL": "WSIS Monitor derivation", "COMMENT_OBS": None, "SE": np.nan,
        "CI_LOW": np.nan, "CI_HIGH": np.nan, "METHOD": BWPU_METHOD, "COVERAGE": np.nan,
        "DERIVED_FROM": df["ds_bw"] + ";" + df["ds_use"] + ";" + df["ds_pop"],
        "SOURCE_ROW": pd.array([pd.NA] * n, dtype="Int64"), "SOURCE_COLUMN": None})
    return out[np.isfinite(out["OBS_VALUE"])].reset_index(drop=True)
