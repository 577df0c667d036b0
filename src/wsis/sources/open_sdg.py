"""Open SDG national platform files (``data/indicator_X-Y-Z.csv``): ``Year``, disaggregation columns,
``Value``; a blank disaggregation is the total.

National totals and the disaggregations our data model has (sex, age, urban/rural, disability, skill,
speed, technology) are loaded. Rows broken down by sub-national geography or by breakdowns outside the
model (ethnicity, employment, income, deprivation, ...) are left out; the release manifest counts them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from wsis.errors import WsisError
from wsis.sources.base import make_frame, read_csv_strict, to_number, year_column
from wsis.sources.registry import AdapterContext, adapter

# Folder name under national_sdg/ -> ISO3 (a folder named with an ISO3 code works too).
COUNTRY_FOLDERS = {"uk": "GBR", "canada": "CAN", "armenia": "ARM"}
SEX = {"": "_T", "male": "M", "female": "F"}
URBAN = {"": "_T", "urban": "U", "rural": "R"}
DISABILITY = {"": "_T", "disabled (gss harmonised)": "PD", "not disabled (gss harmonised)": "NPD",
              "non-disabled (gss harmonised)": "NPD"}
TECH = {"2g mobile network": "2G", "3g mobile network": "3G", "4g mobile network": "4G",
        "3g, 4g, 4g+": "3G", "4g, 4g+": "4G", "5g": "5G", "long-term evolution (lte)": "4G",
        "evolved high-speed packet access (hspa+)": "3G"}
SPEED = {"": "_T", "10 mbps and over": "10MBPS", "between 2 mbps and 10 mbps": "2MT10MBPS",
         "between 256 kbps and 2 mbps": "256KT2MBPS"}
# SDG 4.4.1 skill codes (UN SDG codelist TYPE_OF_SKILL) for the national wordings that match one.
SKILL = {"copying or moving a file or folder": "COPA", "copied or moved files or folders digitally": "COPA",
         "creating presentations or documents containing or integrating pictures, tables or charts": "EPRS",
         "created presentations, or documents with text and pictures, tables or charts": "EPRS",
         "transferring files between computers or other devices": "TRAF",
         "installing software or applications": "SOFT", "written code in a programming language": "PCPR",
         "using spreadsheet software": "ARSP", "used spreadsheet software basic functions": "ARSP"}
UNITS = {"%": "PT", "percentage (%)": "PT", "rate per 100 population": "PER_100_POP", "number": "NUMBER"}
STATUS = {"normal value": "A", "estimated value": "E", "time series break": "B", "missing value": "M",
          "undefined": "A"}
# Series wordings -> catalogue code (None = not in the catalogue, rows left out).
SERIES = {"percentage of individuals who use a mobile telephone": "IT_MOB_OWN",
          "number of fixed internet broadband subscriptions": "IT_NET_BBN"}
# Columns whose non-blank values are sub-national or outside the data model: such rows are left out.
TOTAL_WORDS = {"", "canada", "total, 15 years and over", "total, highest certificate, diploma or degree completed",
               "total population centre", "total, internet users aged 15 years and over"}
OUTSIDE = ("Geography", "Region", "Local Authority", "Country", "Ethnicity", "Ethnic group", "Employment status",
           "Deprivation level", "Household income", "Socio-economic classification", "Working status",
           "Population centres", "Highest level of education")


def age_code(label: str) -> str | None:
    """An age label (``16 to 24``, ``aged 15-24 years``, ``75 and over``, ``25+``) -> SDMX-style code."""
    s = label.strip().lower()
    if s in TOTAL_WORDS:
        return "_T"
    m = re.search(r"(\d+)\s*(?:to|-)\s*(\d+)", s)
    if m:
        return f"Y{m[1]}T{m[2]}"
    m = re.search(r"(\d+)\s*(?:\+|years and over|and over)", s)
    return f"Y_GE{m[1]}" if m else None


def _indicator_for(stem: str, row: pd.Series, ctx: AdapterContext) -> tuple[str | None, dict]:
    dims: dict = {}
    series = row.get("Series", "").strip().lower()
    units = row.get("Units", row.get("Unit measure", "")).strip().lower()
    if stem == "17-8-1":
        return "IT_USE_ii99", dims
    if stem == "5-b-1":
        return (SERIES.get(series) if series else "IT_MOB_OWN"), dims
    if stem == "9-c-1":
        tech = TECH.get((row.get("Technology") or row.get("Category") or row.get("Series") or "").strip().lower())
        return ({"2G": "IT_MOB_2GNTWK", "3G": "IT_MOB_3GNTWK", "4G": "IT_MOB_4GNTWK", "5G": "IT_MOB_5GNTWK"}.get(tech)
                if tech else None), dims
    if stem == "17-6-1":
        if series:
            return SERIES.get(series), dims
        if units == "%":   # share of subscriptions by speed band (Armenia): not a catalogue measure
            return None, dims
        dims["TYPE_SPEED"] = SPEED.get(row.get("Speed (Mb/sec)", "").strip().lower())
        return ("IT_NET_BBN" if units == "number" else "IT_NET_BBP"), dims
    if stem == "4-4-1":
        skill = SKILL.get((row.get("Skill") or row.get("Activity related to digital skills") or "").strip().lower())
        dims["TYPE_SKILL"] = skill
        return ("SE_ADT_ACTS" if skill else None), dims
    return None, dims


@adapter("open_sdg")
def read_open_sdg(path: Path, ctx: AdapterContext) -> pd.DataFrame:
    """One Open SDG indicator file of one country."""
    folder = path.parent.name
    iso3 = COUNTRY_FOLDERS.get(folder.lower(), folder.upper())
    if iso3 not in ctx.areas.codes:
        raise WsisError("unknown-area", f"folder {folder!r} is not a known country", file=str(path), row=1,
                        column="-", expected="uk, canada, armenia or an ISO3 code")
    stem = path.stem.removeprefix("indicator_")
    df = read_csv_strict(path, ("Year", "Value"))
    vals = to_number(df, "Value", path)
    years = year_column(df, "Year", path)
    rows, dropped = [], 0
    for i, r in df.iterrows():
        if pd.isna(vals[i]) or any(r.get(c, "").strip().lower() not in TOTAL_WORDS for c in OUTSIDE if c in df):
            dropped += 1
            continue
        ind, dims = _indicator_for(stem, r, ctx)
        age = age_code(r.get("Age", r.get("Age group", "")))
        sex = SEX.get(r.get("Sex", "").strip().lower())
        urb = URBAN.get(r.get("Urban or rural", "").strip().lower())
        dis = DISABILITY.get(r.get("Disability status", "").strip().lower())
        if ind is None or None in (age, sex, urb, dis) or None in dims.values():
            dropped += 1
            continue
        units = (r.get("Units") or r.get("Unit measure") or "").strip().lower()
        rows.append({"INDICATOR": ind, "TIME_PERIOD": years[i], "OBS_VALUE": vals[i], "SEX": sex, "AGE": age,
                     "URBANISATION": urb, "DISABILITY_STATUS": dis, **dims,
                     "UNIT_MEASURE": UNITS.get(units, ctx.unit_of(ind)),
                     "OBS_STATUS": STATUS.get(r.get("Observation status", "").strip().lower(), "A"),
                     "SOURCE_ROW": r["_ROW"]})
    if not rows:
        out = make_frame(ctx.dataset_id, INDICATOR=pd.Series([], dtype=str), TIME_PERIOD=pd.Series([], dtype=int))
        out.attrs["skipped"] = f"no rows in the data model ({dropped} rows outside it)"
        return out
    t = pd.DataFrame(rows)
    out = make_frame(ctx.dataset_id, REF_AREA=iso3, SOURCE_DETAIL=f"Open SDG national platform ({folder})",
                     SOURCE_COLUMN="Value", NATURE="C", **{c: t[c] for c in t.columns})
    out.attrs["dropped_rows"] = dropped
    return out
