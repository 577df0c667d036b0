"""UNICEF global database on school-age digital connectivity (UNICEF/ITU 2020): the share of children of
school age (about 3-17) with Internet access at home, in total, by area of residence and by wealth quintile.

The file's first line holds spreadsheet column letters, so the header is the second line. Shares are
written as "24%". A country listed more than once with identical values is kept once and reported as a
finding (Turkey appears three times in the published file); listed twice with different values, it is an
error. The survey period ("2018-19") is stored under its last year, the period itself in ``COMMENT_OBS``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wsis.errors import WsisError
from wsis.reference.areas import CODE_ALIASES
from wsis.sources.base import decode_text, make_frame, read_bytes, read_csv_strict, to_number
from wsis.sources.registry import AdapterContext, adapter

CODE = "IT_SCHAGE_HINET"
# column -> (URBANISATION, INCOME_WEALTH_QUANTILE), SDMX codes of the SDG global DSD
BREAKDOWNS = {"Total": ("_T", "_T"), "Rural (Residence)": ("R", "_T"), "Urban (Residence)": ("U", "_T"),
              "Poorest (Wealth quintile)": ("_T", "Q1"), "Richest (Wealth quintile)": ("_T", "Q5")}


def _survey_year(period: pd.Series, df: pd.DataFrame, path: Path) -> pd.Series:
    """``2018-19`` -> 2019, ``2013`` -> 2013; anything else is an error naming the row."""
    p = period.str.strip()
    m = p.str.extract(r"^(\d{4})(?:\s*[-–/]\s*(\d{2,4}))?$")
    bad = m[0].isna()
    if bad.any():
        i = bad.idxmax()
        raise WsisError("bad-year", f"{p[i]!r} is not a survey year or period", file=str(path),
                        row=int(df.at[i, "_ROW"]), column="Time period", expected="a year such as 2019 or 2018-19")
    first = m[0].astype(int)
    last = m[1].fillna("")
    end = [f if not s else (int(s) if len(s) == 4 else f // 100 * 100 + int(s)) for f, s in zip(first, last, strict=True)]
    return pd.Series(end, index=p.index, dtype="int64")


@adapter("unicef_schoolage")
def read_unicef_schoolage(path: Path, ctx: AdapterContext) -> pd.DataFrame:
    """Five values per country: total, rural, urban, poorest and richest quintile."""
    text = decode_text(path, read_bytes(path))
    first, _, rest = text.partition("\n")
    if not first.lower().startswith("column a"):
        raise WsisError("missing-header", "first line is not the row of spreadsheet column letters",
                        file=str(path), row=1, column="-", expected="'column A,column B,...' then the header")
    df = read_csv_strict(path, ("ISO3", "Time period", *BREAKDOWNS), text=rest)
    df["_ROW"] = df["_ROW"] + 1   # the skipped first line
    key = df.drop(columns="_ROW")
    dup = key.duplicated(keep="first")
    clash = df["ISO3"].duplicated(keep=False) & ~key.duplicated(keep=False)
    if clash.any():
        i = clash[clash].index[-1]
        raise WsisError("duplicate-key", f"country {df.at[i, 'ISO3']!r} is listed twice with different values",
                        file=str(path), row=int(df.at[i, "_ROW"]), column="ISO3", expected="one row per country")
    findings = [{"check_name": "duplicate-row", "severity": "warning",
                 "message": f"{iso} is listed {n} times with identical values; one row is kept",
                 "row_number": int(df.loc[dup & (df["ISO3"] == iso), "_ROW"].iloc[0]), "column_name": "ISO3", "n": int(n) - 1}
                for iso, n in df.loc[df["ISO3"].duplicated(keep=False), "ISO3"].value_counts().items()]
    df = df[~dup]
    years = _survey_year(df["Time period"], df, path)
    frames = []
    for col, (urb, q) in BREAKDOWNS.items():
        s = df[col].str.strip().str.rstrip("%")
        vals = to_number(df.assign(**{col: s}), col, path)
        keep = vals.notna()
        frames.append(make_frame(
            ctx.dataset_id, INDICATOR=CODE, REF_AREA=df.loc[keep, "ISO3"].str.strip().replace(CODE_ALIASES),
            TIME_PERIOD=years[keep], OBS_VALUE=vals[keep], URBANISATION=urb, INCOME_WEALTH_QUANTILE=q,
            UNIT_MEASURE="PT", OBS_STATUS="A", SOURCE_DETAIL=df.loc[keep, "Data source"].str.strip()
            if "Data source" in df else "UNICEF", COMMENT_OBS="survey period " + df.loc[keep, "Time period"].str.strip(),
            SOURCE_ROW=df.loc[keep, "_ROW"], SOURCE_COLUMN=col))
    out = pd.concat(frames, ignore_index=True)
    out.attrs["findings"] = findings
    return out
