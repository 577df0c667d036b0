"""DDF datapoint files: Gapminder Systema Globalis (``geo,time,<concept>``) and the UN SDG DDF mirror
(``geo_area,nature,[sex|type_of_speed],units,year,<series>``)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from wsis.errors import WsisError
from wsis.reference.areas import CODE_ALIASES
from wsis.sources.base import make_frame, read_csv_strict, to_number, year_column
from wsis.sources.registry import AdapterContext, adapter

_DDF_NAME = re.compile(r"ddf--datapoints--(?P<concept>[a-z0-9_]+)--by--(?P<keys>[a-z0-9_\-]+?)\.csv(\.gz)?$")
SEX = {"bothsex": "_T", "female": "F", "male": "M"}
SPEED = {"anys": "_T", "256kt2mbps": "256KT2MBPS", "2mt10mbps": "2MT10MBPS", "10mbps": "10MBPS"}
# UN SDG "nature" codes (C country data, CA country adjusted, E estimated, G global monitoring, M modelled,
# N non-relevant, NOTSPEC not specified).
NATURE = {"c": "C", "ca": "CA", "e": "E", "g": "G", "m": "M", "n": "N", "notspec": None}
UNITS = {"percent": "PT", "per_100_pop": "PER_100_POP", "number": "NUMBER", "tonnes": "T", "kg": "KG_PER_CAPITA"}
# DDF education_level -> EDUCATION_LEV of the SDG global DSD (ISCED 2011 levels: ISCED11_1 primary,
# ISCED11_2 lower secondary, ISCED11_3 upper secondary; _T all levels).
EDUCATION = {"primar": "ISCED11_1", "lowsec": "ISCED11_2", "uppsec": "ISCED11_3", "t": "_T",
             "prepri": "ISCED11_02", "second": "ISCED11_2_3"}


def _concept(path: Path) -> tuple[str, list[str]]:
    m = _DDF_NAME.search(path.name)
    if not m:
        raise WsisError("bad-filename", "not a DDF datapoints file name", file=str(path), row=1, column="-",
                        expected="ddf--datapoints--<concept>--by--<key>--<key>.csv")
    return m["concept"], m["keys"].split("--")


def _indicator(ctx: AdapterContext, concept: str, path: Path) -> str:
    smap = ctx.series_map()
    if concept not in smap:
        raise WsisError("unknown-indicator", f"concept {concept!r} is not in the catalogue", file=str(path),
                        row=1, column=concept, expected="one of " + ", ".join(sorted(smap)))
    return smap[concept]


def gapminder_geo_map(path: Path, ctx: AdapterContext) -> dict[str, str]:
    """Gapminder geo id -> ISO3, from the entity file beside the datapoints (falls back to upper-casing)."""
    ent = path.parent / "ddf--entities--geo--country.csv"
    out: dict[str, str] = {}
    if ent.exists():
        e = pd.read_csv(ent, dtype=str, keep_default_na=False)
        out = {g: (a or g.upper()) for g, a in zip(e["country"], e.get("iso3166_1_alpha3", e["country"]), strict=True)}
    return {k: CODE_ALIASES.get(v.upper(), v.upper()) for k, v in out.items()} | {"chanisl": "CHI", "kos": "XKX"}


@adapter("ddf_geo_time")
def read_ddf_geo_time(path: Path, ctx: AdapterContext) -> pd.DataFrame:
    """Gapminder ``geo,time,<concept>``; geo is a lower-case ISO3 code."""
    concept, _ = _concept(path)
    ind = _indicator(ctx, concept, path)
    df = read_csv_strict(path, ("geo", "time", concept))
    vals = to_number(df, concept, path)
    years = year_column(df, "time", path)
    keep = vals.notna()
    geo = df.loc[keep, "geo"].str.strip()
    gmap = gapminder_geo_map(path, ctx)
    return make_frame(ctx.dataset_id, INDICATOR=ind, REF_AREA=geo.map(gmap).fillna(geo.str.upper()),
                      TIME_PERIOD=years[keep], OBS_VALUE=vals[keep], UNIT_MEASURE=ctx.unit_of(ind),
                      OBS_STATUS="A", SOURCE_DETAIL="Gapminder (World Bank WDI / ITU)",
                      SOURCE_ROW=df.loc[keep, "_ROW"], SOURCE_COLUMN=concept)


@adapter("sdg_ddf")
def read_sdg_ddf(path: Path, ctx: AdapterContext) -> pd.DataFrame:
    """UN SDG database DDF mirror; ``geo_area`` is the M49 numeric code."""
    concept, keys = _concept(path)
    ind = _indicator(ctx, concept, path)
    df = read_csv_strict(path, ("geo_area", "year", concept, *[k for k in keys if k != "year"]))
    vals = to_number(df, concept, path)
    years = year_column(df, "year", path)
    m49 = ctx.areas.m49_to_code()
    geo = df["geo_area"].str.strip().str.zfill(3)
    area = geo.map(m49).fillna("M49_" + geo)
    cols = dict(INDICATOR=ind, REF_AREA=area, TIME_PERIOD=years, OBS_VALUE=vals, OBS_STATUS="A",
                SOURCE_DETAIL="UN SDG Global Database (DDF mirror, 2020-10)", SOURCE_ROW=df["_ROW"],
                SOURCE_COLUMN=concept)
    if "sex" in df:
        cols["SEX"] = df["sex"].str.strip().map(SEX).fillna(df["sex"].str.upper())
    if "type_of_speed" in df:
        cols["TYPE_SPEED"] = df["type_of_speed"].str.strip().map(SPEED).fillna(df["type_of_speed"].str.upper())
    if "education_level" in df:
        lev = df["education_level"].str.strip()
        cols["EDUCATION_LEV"] = lev.map(EDUCATION).fillna(lev.str.upper())
    if "nature" in df:
        cols["NATURE"] = df["nature"].str.strip().map(NATURE)
    if "units" in df:
        units = df["units"].str.strip().map(UNITS).fillna(df["units"].str.upper())
        # "per 100 population" of a share of individuals is a percentage: store it in the catalogue unit.
        if ctx.unit_of(ind) == "PT":
            units = units.replace("PER_100_POP", "PT")
        cols["UNIT_MEASURE"] = units
    out = make_frame(ctx.dataset_id, **cols)
    return out[vals.notna().to_numpy()].reset_index(drop=True)
