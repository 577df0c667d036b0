"""Internet shutdowns: Access Now #KeepItOn STOP events (parquet snapshot) and Top10VPN cost estimates.

``RIGHTS_SHUTDOWN_EVENTS`` counts events per country and year the way Access Now counts them (its
``count_year``). An event that lists several countries (``"Laos; Myanmar"``) counts for each of them.
Every country of the reference data gets a value for every year of the dataset: 0 where Access Now
recorded no event, flagged "none recorded" (no event *recorded*, not proof that none happened).
The events themselves go to the release (``frame.attrs["events"]``) so group values can count each event
once (compute/events.py). ``GEO_SCOPE``: ``NAT`` when Access Now's ``area_name`` says national or
nationwide, ``SUBNAT`` for the other events with a known ``geo_scope``; "Not sure" and blanks count only
in the total.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from wsis.errors import WsisError
from wsis.sources.base import make_frame, read_csv_strict, to_number, year_column
from wsis.sources.names import NameMatcher, matcher_for, unmatched_findings
from wsis.sources.registry import AdapterContext, adapter

ACCESS_NOW_COLUMNS = ("country", "start_date", "end_date", "count_year", "geo_scope", "area_name")
NONE_RECORDED = "none recorded"
_NATIONAL = re.compile(r"^\s*nation", re.IGNORECASE)


@lru_cache(maxsize=1)
def reviewed_date_errata() -> frozenset[tuple[str, str, str]]:
    """(country, start, end) of the events reviewed by hand whose end precedes their start."""
    doc = yaml.safe_load((resources.files("wsis.sources") / "shutdown_errata.yaml").read_text(encoding="utf-8"))
    return frozenset((e["country"], e["start"], e["end"]) for e in doc.get("end_before_start") or [])


def _read_parquet(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq
    from pyarrow import ArrowException

    try:
        schema = pq.read_schema(path)
    except (ArrowException, OSError) as exc:
        raise WsisError("truncated-file", f"not a readable parquet file ({str(exc).splitlines()[0][:80]})",
                        file=str(path), row=1, column="-", expected="a complete parquet file") from None
    missing = [c for c in ACCESS_NOW_COLUMNS if c not in schema.names]
    if missing:
        raise WsisError("missing-column", f"required column {missing[0]!r} is missing", file=str(path), row=1,
                        column=missing[0], expected="columns " + ", ".join(ACCESS_NOW_COLUMNS))
    try:
        return pq.read_table(path, columns=list(ACCESS_NOW_COLUMNS)).to_pandas()
    except (ArrowException, OSError) as exc:
        raise WsisError("truncated-file", f"parquet data unreadable ({str(exc).splitlines()[0][:80]})",
                        file=str(path), row=1, column="-", expected="a complete parquet file") from None


def _check_dates(df: pd.DataFrame, path: Path) -> None:
    start = pd.to_datetime(df["start_date"], errors="coerce")
    end = pd.to_datetime(df["end_date"], errors="coerce")
    bad = (end < start).fillna(False)
    reviewed = reviewed_date_errata()
    for i in np.flatnonzero(bad.to_numpy()):
        key = (str(df["country"].iat[i]).strip(), str(start.iat[i].date()), str(end.iat[i].date()))
        if key not in reviewed:
            raise WsisError("end-before-start", f"event in {key[0]!r} ends {key[2]}, before it starts {key[1]}",
                            file=str(path), row=int(i) + 1, column="end_date",
                            expected="an end date on or after the start date (or blank while ongoing)")


def events_table(df: pd.DataFrame, matcher: NameMatcher, dataset_id: str) -> pd.DataFrame:
    """One row per (event, affected country): event id, record number, name, ISO3, year, scope."""
    ev = pd.DataFrame({"record": np.arange(1, len(df) + 1), "country": df["country"].astype("string"),
                       "year": df["count_year"].astype("int64")})
    national = df["area_name"].astype("string").str.match(_NATIONAL).fillna(False).to_numpy()
    known = df["geo_scope"].astype("string").fillna("Not sure").str.strip().ne("Not sure").to_numpy()
    ev["geo_scope"] = np.where(national, "NAT", np.where(known, "SUBNAT", "_T"))
    ev["event_id"] = dataset_id + "#" + ev["record"].astype(str)
    ev["name"] = ev["country"].str.split(";")
    ev = ev.explode("name", ignore_index=True)
    ev["name"] = ev["name"].str.strip()
    ev["iso3"] = matcher.match(ev["name"])
    return ev


@adapter("access_now_events")
def read_access_now(path: Path, ctx: AdapterContext) -> pd.DataFrame:
    """Shutdown events per country, year and scope, plus zeros ("none recorded") for every other country."""
    df = _read_parquet(path)
    if df.empty:
        raise WsisError("no-data-rows", "the parquet file holds no events", file=str(path), row=1, column="-",
                        expected="one row per shutdown event")
    if df["count_year"].isna().any():
        i = int(np.flatnonzero(df["count_year"].isna().to_numpy())[0])
        raise WsisError("bad-year", "count_year is blank", file=str(path), row=i + 1, column="count_year",
                        expected="the year Access Now counts the event in")
    _check_dates(df, path)
    matcher = matcher_for(ctx.areas)
    ev = events_table(df, matcher, ctx.dataset_id)
    known = ev[ev["iso3"].notna()]
    total = known.groupby(["iso3", "year"]).agg(n=("event_id", "nunique"), row=("record", "min")).reset_index()
    total["geo_scope"] = "_T"
    scoped = known[known["geo_scope"] != "_T"].groupby(["iso3", "year", "geo_scope"]).agg(
        n=("event_id", "nunique"), row=("record", "min")).reset_index()
    years = range(int(ev["year"].min()), int(ev["year"].max()) + 1)
    grid = pd.MultiIndex.from_product([sorted(ctx.areas.countries["code"]), years], names=["iso3", "year"])
    zeros = grid.difference(pd.MultiIndex.from_frame(total[["iso3", "year"]])).to_frame(index=False)
    zeros = zeros.assign(n=0, row=pd.NA, geo_scope="_T")
    rows = pd.concat([total, scoped, zeros], ignore_index=True)
    out = make_frame(ctx.dataset_id, INDICATOR="RIGHTS_SHUTDOWN_EVENTS", REF_AREA=rows["iso3"],
                     TIME_PERIOD=rows["year"], OBS_VALUE=rows["n"].astype("float64"), GEO_SCOPE=rows["geo_scope"],
                     UNIT_MEASURE="NUMBER", OBS_STATUS="A", SOURCE_DETAIL="Access Now #KeepItOn STOP dataset",
                     COMMENT_OBS=np.where(rows["n"] == 0, NONE_RECORDED, None),
                     SOURCE_ROW=rows["row"], SOURCE_COLUMN="count_year")
    out.attrs["events"] = ev[["event_id", "iso3", "year", "geo_scope"]].reset_index(drop=True)
    out.attrs["findings"] = unmatched_findings(ev["name"], ev["iso3"], ev["record"], "country", matcher.reviewed)
    return out


@adapter("top10vpn_cost")
def read_top10vpn(path: Path, ctx: AdapterContext) -> pd.DataFrame:
    """Top10VPN's estimated cost of shutdowns in US$ (a hand transcription; Top10VPN's method is disputed)."""
    df = read_csv_strict(path, ("country", "cost_usd", "year"))
    vals = to_number(df, "cost_usd", path)
    years = year_column(df, "year", path)
    matcher = matcher_for(ctx.areas)
    names = df["country"].str.strip()
    iso = matcher.match(names)
    keep = vals.notna() & iso.notna()
    out = make_frame(ctx.dataset_id, INDICATOR="RIGHTS_SHUTDOWN_COST_USD", REF_AREA=iso[keep],
                     TIME_PERIOD=years[keep], OBS_VALUE=vals[keep], UNIT_MEASURE="USD", OBS_STATUS="A",
                     SOURCE_DETAIL="Top10VPN Cost of Internet Shutdowns (secondary transcription)",
                     COMMENT_OBS="secondary transcription; Top10VPN's estimation method is disputed",
                     SOURCE_ROW=df.loc[keep, "_ROW"], SOURCE_COLUMN="cost_usd")
    out.attrs["findings"] = unmatched_findings(names, iso, df["_ROW"], "country", matcher.reviewed)
    return out
