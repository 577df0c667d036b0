"""Observations of a release: the preferred view sliced per indicator and per area, latest values, coverage
and provenance. Slices come from tables the build sorted for them (``preferred`` by indicator,
``preferred_by_area`` and ``area_latest`` by area), and answers are cached per release id."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wsis.errors import WsisError
from wsis.query.memo import memo
from wsis.query.names import areas, members
from wsis.release.reader import Release
from wsis.schema import DISAGG, totals_where

MAX_AREA_SLICES = 8  # area-only queries for up to this many areas are served from cached per-area slices
ORDER = ("INDICATOR", "REF_AREA", "TIME_PERIOD", "SEX", "AGE", "URBANISATION", "DATASET_ID")


def dim_values(rel: Release, code: str) -> dict[str, list[str]]:
    """Values present for each disaggregation dimension of an indicator."""
    def build():
        cols = ", ".join(f'list(DISTINCT "{d}") AS "{d}"' for d in DISAGG)
        row = rel.sql(f"SELECT {cols} FROM preferred WHERE INDICATOR = ?", [code]).iloc[0]
        # an indicator without rows in this release gives null lists (None or pandas NA): no values
        return {d: sorted(row[d]) if hasattr(row[d], "__len__") else [] for d in DISAGG}
    return memo(("dims", rel.id, code), build)


def default_dims(rel: Release, code: str, chosen: dict[str, str] | None = None) -> dict[str, str]:
    """A full dimension selection: ``chosen`` values, else the total ``_T`` (or the first value present)."""
    vals = dim_values(rel, code)
    out = {}
    for d in DISAGG:
        present = vals.get(d) or ["_T"]
        want = (chosen or {}).get(d)
        if want is not None and want not in present:
            raise WsisError("unknown-code", f"{d}={want!r} has no data for {code}", column=d,
                            expected="one of " + ", ".join(present))
        out[d] = want or ("_T" if "_T" in present else present[0])
    return out


def series(rel: Release, code: str, area_codes: list[str], dims: dict[str, str]) -> pd.DataFrame:
    """Observations of one indicator for some areas under one dimension selection."""
    return observations(rel, code, areas=area_codes, dims=dims)[0]


def latest(rel: Release, code: str, dims: dict[str, str], year: int | None = None) -> pd.DataFrame:
    """Each area's latest value (or its value in ``year``) under a dimension selection."""
    def build():
        df, _n = observations(rel, code, dims=dims, start=year, end=year)
        if df.empty:
            return df
        return df.sort_values("TIME_PERIOD").groupby("REF_AREA", as_index=False).tail(1)
    return memo(("latest", rel.id, code, tuple(sorted(dims.items())), year), build)


def sources_of(rel: Release, code: str) -> pd.DataFrame:
    """Datasets (provider, publisher, licence, vintage, checksum, source kind) behind an indicator's preferred
    values."""
    def build():
        kind = "d.source_kind" if rel._has_source_kind else "'unknown'"
        df = rel.sql("SELECT d.DATASET_ID, d.provider, d.publisher, d.title, d.licence, d.vintage, d.path, "
                     f"d.sha256, {kind} AS source_kind, count(*) AS n FROM preferred p JOIN datasets d "
                     "USING (DATASET_ID) WHERE p.INDICATOR = ? GROUP BY ALL ORDER BY n DESC", [code])
        return df.astype(object).where(df.notna(), None)
    return memo(("src", rel.id, code), build)


def source_kinds(rel: Release, area: str) -> dict[str, str]:
    """Per indicator: the source kind of an area's latest total value (the value its indicator table shows)."""
    def build():
        if not rel._has_source_kind:
            return {}
        df = rel.sql("SELECT p.INDICATOR, arg_max(d.source_kind, p.TIME_PERIOD) AS kind FROM preferred_by_area p "
                     f"JOIN datasets d USING (DATASET_ID) WHERE p.REF_AREA = ? AND {totals_where('p')} "
                     "AND p.OBS_VALUE IS NOT NULL GROUP BY 1", [area])
        return dict(zip(df["INDICATOR"], df["kind"], strict=True))
    return memo(("kinds", rel.id, area), build)


def area_indicators(rel: Release, code: str) -> pd.DataFrame:
    """An area's latest total value for every indicator, with the first year for context (precomputed)."""
    def build():
        return rel.sql("SELECT INDICATOR, year, value, first_year, first_value, n FROM area_latest "
                       "WHERE REF_AREA = ? ORDER BY INDICATOR", [code])
    return memo(("areaind", rel.id, code), build)


def coverage(rel: Release, group: str, code: str) -> pd.DataFrame:
    """Per year, how many of a group's members report an indicator (totals)."""
    mem = members(rel, group)
    if not mem:
        return pd.DataFrame(columns=["year", "reporting", "members"])
    ph = ",".join("?" * len(mem))
    df = rel.sql(f"SELECT TIME_PERIOD AS year, count(DISTINCT REF_AREA) AS reporting FROM preferred "
                 f"WHERE INDICATOR = ? AND REF_AREA IN ({ph}) AND {totals_where()} GROUP BY 1 ORDER BY 1",
                 [code, *mem])
    df["members"] = len(mem)
    return df


def group_coverage(rel: Release, group: str, window: int = 5) -> pd.DataFrame:
    """For each indicator: how many of a group's members have a total value in its last ``window`` years."""
    def build():
        mem = members(rel, group)
        cols = ["indicator", "reporting", "members", "share"]
        if not mem:
            return pd.DataFrame(columns=cols)
        tot = totals_where("p")
        ph = ",".join("?" * len(mem))
        df = rel.sql(f"WITH last AS (SELECT INDICATOR, max(TIME_PERIOD) AS y FROM preferred GROUP BY 1) "
                     f"SELECT p.INDICATOR AS indicator, count(DISTINCT p.REF_AREA) AS reporting FROM preferred p "
                     f"JOIN last l USING (INDICATOR) WHERE p.TIME_PERIOD > l.y - {int(window)} AND {tot} "
                     f"AND p.REF_AREA IN ({ph}) GROUP BY 1 ORDER BY 1", list(mem))
        df["members"] = len(mem)
        df["share"] = df["reporting"] / len(mem)
        return df[cols]
    return memo(("gcov", rel.id, group, window), build)


def obs_count(rel: Release, indicator: str | None = None, areas: list[str] | None = None,
              dims: dict[str, str] | None = None, start: int | None = None, end: int | None = None,
              datasets: list[str] | None = None, all_vintages: bool = False) -> int:
    """How many observations match the same filters as ``Release.observations`` (for paging envelopes)."""
    for k in (dims or {}):
        if k not in DISAGG:
            raise WsisError("unknown-dimension", f"unknown dimension {k!r}", column=k,
                            expected="one of " + ", ".join(DISAGG))

    def build():
        return rel.count_observations(indicator, areas, None, dims, all_vintages, start, end, datasets)

    key = ("count", rel.id, indicator, tuple(areas or ()), tuple(sorted((dims or {}).items())), start, end,
           tuple(datasets or ()), all_vintages)
    return memo(key, build)


def indicator_frame(rel: Release, code: str) -> pd.DataFrame:
    """All preferred observations of one indicator, read once per release (the ``preferred`` view ranks
    vintages with a window over the whole table, so filtering a cached slice is much faster per request)."""
    return memo(("frame", rel.id, code), lambda: rel.observations(indicator=code))


def area_frame(rel: Release, area: str) -> pd.DataFrame:
    """All preferred observations of one area, read once per release from the copy of the preferred table
    the build sorted by area (a few row groups), in the reader's order."""
    return memo(("areaframe", rel.id, area), lambda: rel.observations(areas=[area]))


def observations(rel: Release, indicator: str | None = None, areas: list[str] | None = None,
                 dims: dict[str, str] | None = None, start: int | None = None, end: int | None = None,
                 datasets: list[str] | None = None, all_vintages: bool = False, limit: int | None = None,
                 offset: int = 0) -> tuple[pd.DataFrame, int]:
    """Observations and their total count, served from the per-indicator cache when an indicator is given and
    from per-area slices for a query on a few areas."""
    for k in (dims or {}):
        if k not in DISAGG:
            raise WsisError("unknown-dimension", f"unknown dimension {k!r}", column=k,
                            expected="one of " + ", ".join(DISAGG))
    by_area = indicator is None and areas and len(areas) <= MAX_AREA_SLICES
    if all_vintages or datasets or not (indicator or by_area):
        kw = dict(indicator=indicator, areas=areas, dims=dims, start=start, end=end, datasets=datasets,
                  all_vintages=all_vintages)
        return rel.observations(**kw, limit=limit, offset=offset), obs_count(rel, **kw)
    if indicator and dims and len(dims) == len(DISAGG):
        df, where = _dims_slice(rel, indicator, dims)
        if areas:  # the rows of the chosen areas, in the slice's order
            pos = [where[a] for a in dict.fromkeys(areas) if a in where]
            df = df.take(np.sort(np.concatenate(pos))) if pos else df.iloc[:0]
        dims = None
        areas = None
    elif indicator:
        df = indicator_frame(rel, indicator)
    else:
        parts = [area_frame(rel, a) for a in dict.fromkeys(areas)]
        df = pd.concat(parts, ignore_index=True).sort_values(list(ORDER), kind="stable", ignore_index=True) \
            if len(parts) > 1 else parts[0]
    mask = pd.Series(True, index=df.index)
    if areas:
        mask &= df["REF_AREA"].isin(areas)
    if start is not None:
        mask &= df["TIME_PERIOD"] >= int(start)
    if end is not None:
        mask &= df["TIME_PERIOD"] <= int(end)
    for k, v in (dims or {}).items():
        mask &= df[k] == v
    sel = df[mask]
    total = len(sel)
    if limit is not None:
        sel = sel.iloc[offset:offset + limit]
    return sel.reset_index(drop=True), total


def _dims_slice(rel: Release, indicator: str, dims: dict[str, str]) -> tuple[pd.DataFrame, dict]:
    """An indicator's rows under one full dimension selection, and where each area's rows are in it: a chart
    of a few areas then takes its rows instead of scanning the indicator's every breakdown."""
    def build():
        df = indicator_frame(rel, indicator)
        mask = pd.Series(True, index=df.index)
        for k, v in dims.items():
            mask &= df[k] == v
        sel = df[mask].reset_index(drop=True)
        return sel, {a: np.asarray(ix) for a, ix in sel.groupby("REF_AREA", sort=False).indices.items()}
    return memo(("dimslice", rel.id, indicator, tuple(sorted(dims.items()))), build)


def disagg_codes(rel: Release) -> dict[str, list[str]]:
    """Every code used by each breakdown dimension, unit and status across the release (SDMX code lists)."""
    def build():
        cols = ", ".join(f'list(DISTINCT "{d}") AS "{d}"' for d in DISAGG)
        row = rel.sql(f"SELECT {cols}, list(DISTINCT UNIT_MEASURE) AS UNIT_MEASURE, "
                      f"list(DISTINCT OBS_STATUS) AS OBS_STATUS FROM observations").iloc[0]
        return {k: sorted(x for x in (row[k] if row[k] is not None else []) if x)
                for k in (*DISAGG, "UNIT_MEASURE", "OBS_STATUS")}
    return memo(("disagg", rel.id), build)


def coverage_counts(rel: Release, start: int, end: int) -> dict[str, int]:
    """Per indicator: UN Member States with any value between ``start`` and ``end``."""
    def build():
        df = rel.sql("SELECT INDICATOR, count(DISTINCT REF_AREA) AS n FROM preferred WHERE TIME_PERIOD "
                     "BETWEEN ? AND ? AND OBS_VALUE IS NOT NULL AND REF_AREA IN (SELECT code FROM areas "
                     "WHERE un_status = 'member') GROUP BY 1", [int(start), int(end)])
        return dict(zip(df["INDICATOR"], df["n"].astype(int), strict=True))
    return memo(("covcounts", rel.id, start, end), build)


def latest_totals(rel: Release, area: str, end: int) -> dict[str, tuple[int, float]]:
    """Per indicator: an area's latest (year, value) of the total up to ``end``."""
    def build():
        df = rel.sql(f"SELECT INDICATOR, max(TIME_PERIOD) AS y, arg_max(OBS_VALUE, TIME_PERIOD) AS v "
                     f"FROM preferred WHERE REF_AREA = ? AND {totals_where()} AND OBS_VALUE IS NOT NULL "
                     f"AND TIME_PERIOD <= ? GROUP BY 1", [area, int(end)])
        return {r.INDICATOR: (r.y, r.v) for r in df.itertuples()}
    return memo(("latesttot", rel.id, area, end), build)


def indicator_spans(rel: Release) -> pd.DataFrame:
    """Per indicator: first and last year and the number of preferred observations."""
    return memo(("spans", rel.id), lambda: rel.sql(
        "SELECT INDICATOR, min(TIME_PERIOD) AS first, max(TIME_PERIOD) AS last, count(*) AS n FROM preferred "
        "GROUP BY 1"))


def country_years(rel: Release, code: str, dims: dict[str, str]) -> pd.DataFrame:
    """Per year (``y``): how many countries have a value of an indicator under a breakdown (``n``)."""
    def build():
        df = indicator_frame(rel, code)
        a = areas(rel)
        mask = df["REF_AREA"].isin(set(a[a["kind"] == "country"]["code"]))
        for k, v in dims.items():
            mask &= df[k] == v
        out = df[mask].groupby("TIME_PERIOD").size().reset_index(name="n")
        return out.rename(columns={"TIME_PERIOD": "y"}).sort_values("y", ignore_index=True)
    return memo(("years", rel.id, code, tuple(sorted(dims.items()))), build)

