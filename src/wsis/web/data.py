"""Read-side services shared by pages, the JSON API and the report: every query goes through the release
reader (no SQL in routes or templates), cached per release id (a release never changes)."""

from __future__ import annotations

import importlib
import threading
from typing import Any

import duckdb
import pandas as pd

from wsis.catalogue.i18n import catalogue_text
from wsis.errors import WsisError
from wsis.release.reader import Release
from wsis.sources.base import DIMENSIONS
from wsis.web.i18n import gettext_for

DISAGG = [d for d in DIMENSIONS if d not in ("INDICATOR", "REF_AREA", "TIME_PERIOD")]
_CACHE: dict[tuple, Any] = {}
_LOCK = threading.Lock()
GAP_PAIRS = [("HIC", "LIC"), ("WLD", "LDC"), ("UMC", "LMC"), ("WLD", "LLDC"), ("WLD", "SIDS")]


def _memo(key: tuple, build):
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    val = build()
    with _LOCK:
        if len(_CACHE) > 4096:
            _CACHE.clear()
        _CACHE[key] = val
    return val


def compute_fn(module: str, name: str):
    """A compute-layer function if that layer is installed, else None (pages then say "not computed")."""
    try:
        mod = importlib.import_module(f"wsis.compute.{module}")
    except ImportError:
        return None
    return getattr(mod, name, None)


def names(rel: Release, lang: str) -> dict[str, str]:
    """Area code -> name in a language (English fallback)."""
    def build():
        df = rel.sql("SELECT code, lang, name FROM area_names WHERE lang IN (?, 'en')", [lang])
        out = dict(zip(df[df["lang"] == "en"]["code"], df[df["lang"] == "en"]["name"], strict=False))
        out.update(dict(zip(df[df["lang"] == lang]["code"], df[df["lang"] == lang]["name"], strict=False)))
        return out
    return _memo(("names", rel.id, lang), build)


def areas(rel: Release) -> pd.DataFrame:
    """The areas table (countries and groups)."""
    return _memo(("areas", rel.id), rel.areas)


def area_row(rel: Release, code: str) -> dict[str, Any]:
    """One area; unknown codes are a 404 WsisError."""
    a = areas(rel)
    sel = a[a["code"] == code]
    if sel.empty:
        raise WsisError("unknown-area", f"unknown area {code!r}", column="area",
                        expected="an ISO3 code or a group code such as LDC", status=404)
    return {k: (None if pd.isna(v) else v) for k, v in sel.iloc[0].to_dict().items()}


def indicators(rel: Release) -> pd.DataFrame:
    """The release's indicator table."""
    return _memo(("inds", rel.id), rel.indicators)


def _gap_kind(template: str) -> str:
    """The gap-kind words of a compute-layer name template (``"{name}: urban/rural ratio"`` -> the words)."""
    return template.split(": ", 1)[1] if ": " in template else template


def indicator_names(rel: Release, lang: str) -> dict[str, str]:
    """Indicator code -> name in a language: the release's translation, else the English name. Derived gap
    indicators read "<base name>: <gap kind>", the kind words from the interface's gettext catalogue."""
    def build():
        ind = indicators(rel)
        out = dict(zip(ind["INDICATOR"], ind["name"], strict=True))
        if lang == "en":
            return out
        try:
            out.update(rel.indicator_names(lang))
        except duckdb.CatalogException:  # a release built before the indicator_names table existed
            return out
        codes, kinds = compute_fn("gaps", "gap_codes"), compute_fn("gaps", "GAP_KINDS")
        if codes is None or kinds is None:
            return out
        _ = gettext_for(lang)
        derived = set(ind[ind["derived"].fillna(False).astype(bool)]["INDICATOR"])
        for code, (base, kind) in codes().items():
            if code in derived and base in out and kind in kinds:
                out[code] = _("{name}: {kind}").format(name=out[base], kind=_(_gap_kind(kinds[kind][0])))
        return out
    return _memo(("indnames", rel.id, lang), build)


def translated(rel: Release, row: dict[str, Any], lang: str) -> dict[str, Any]:
    """An indicator row with ``name`` and ``definition`` in the page language (``name_en`` and
    ``definition_en`` keep the catalogue's English; ``definition_unofficial`` marks our own translation)."""
    code = row["INDICATOR"]
    english = row.get("definition") or ""
    text = catalogue_text("definition", code, lang, english)
    if text.lang == "en" and row.get("derived"):
        codes = compute_fn("gaps", "gap_codes")
        kind = (codes() if codes else {}).get(code, (None, None))[1]
        text = catalogue_text("derived_definition", kind, lang, english)
    return {**row, "name": indicator_names(rel, lang).get(code, row["name"]), "name_en": row["name"],
            "definition": text.text, "definition_en": english, "definition_unofficial": text.unofficial}


def target_text(target: dict[str, Any] | None, lang: str) -> dict[str, Any] | None:
    """A 2030 target with ``title`` and ``citation`` in the page language (``unofficial`` when translated)."""
    if not target:
        return target
    title = catalogue_text("target_title", target.get("id"), lang, target.get("title") or "")
    cite = catalogue_text("target_citation", target.get("id"), lang, target.get("citation") or "")
    return {**target, "title": title.text, "citation": cite.text, "unofficial": title.unofficial or cite.unofficial}


def indicator_row(rel: Release, code: str) -> dict[str, Any]:
    """One indicator; unknown codes are a 404 WsisError."""
    df = indicators(rel)
    sel = df[df["INDICATOR"] == code]
    if sel.empty:
        raise WsisError("unknown-indicator", f"unknown indicator {code!r}", column="indicator",
                        expected="a code listed at /api/v1/indicators", status=404)
    row = sel.iloc[0].to_dict()
    row["action_lines"] = list(row.get("action_lines") if row.get("action_lines") is not None else [])
    return {k: (None if not isinstance(v, list) and pd.isna(v) else v) for k, v in row.items()}


def dim_values(rel: Release, code: str) -> dict[str, list[str]]:
    """Values present for each disaggregation dimension of an indicator."""
    def build():
        cols = ", ".join(f'list(DISTINCT "{d}") AS "{d}"' for d in DISAGG)
        row = rel.sql(f"SELECT {cols} FROM preferred WHERE INDICATOR = ?", [code]).iloc[0]
        return {d: sorted(row[d]) if row[d] is not None else [] for d in DISAGG}
    return _memo(("dims", rel.id, code), build)


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
    return _memo(("latest", rel.id, code, tuple(sorted(dims.items())), year), build)


def sources_of(rel: Release, code: str) -> pd.DataFrame:
    """Datasets (provider, publisher, licence, vintage, checksum) behind an indicator's preferred values."""
    def build():
        df = rel.sql("SELECT d.DATASET_ID, d.provider, d.publisher, d.title, d.licence, d.vintage, d.path, "
                       "d.sha256, count(*) AS n FROM preferred p JOIN datasets d USING (DATASET_ID) "
                       "WHERE p.INDICATOR = ? GROUP BY ALL ORDER BY n DESC", [code])
        return df.astype(object).where(df.notna(), None)
    return _memo(("src", rel.id, code), build)


def area_indicators(rel: Release, code: str) -> pd.DataFrame:
    """An area's latest total value for every indicator, with the first year for context."""
    def build():
        tot = " AND ".join(f'"{d}" = \'_T\'' for d in DISAGG)
        return rel.sql(f"SELECT INDICATOR, arg_max(TIME_PERIOD, TIME_PERIOD) AS year, "
                       f"arg_max(OBS_VALUE, TIME_PERIOD) AS value, arg_min(TIME_PERIOD, TIME_PERIOD) AS first_year, "
                       f"arg_min(OBS_VALUE, TIME_PERIOD) AS first_value, count(*) AS n "
                       f"FROM preferred WHERE REF_AREA = ? AND {tot} GROUP BY INDICATOR ORDER BY INDICATOR",
                       [code])
    return _memo(("areaind", rel.id, code), build)


def members(rel: Release, group: str) -> list[str]:
    """Members of a group as classified in this release."""
    return _memo(("members", rel.id, group), lambda: rel.group_members(group))


def groups_of(rel: Release, iso3: str) -> list[str]:
    """Groups an area belongs to."""
    def build():
        df = rel.sql('SELECT "group" FROM group_members WHERE iso3 = ? ORDER BY 1', [iso3])
        return df["group"].tolist()
    return _memo(("groupsof", rel.id, iso3), build)


def coverage(rel: Release, group: str, code: str) -> pd.DataFrame:
    """Per year, how many of a group's members report an indicator (totals)."""
    mem = members(rel, group)
    if not mem:
        return pd.DataFrame(columns=["year", "reporting", "members"])
    tot = " AND ".join(f'"{d}" = \'_T\'' for d in DISAGG)
    ph = ",".join("?" * len(mem))
    df = rel.sql(f"SELECT TIME_PERIOD AS year, count(DISTINCT REF_AREA) AS reporting FROM preferred "
                 f"WHERE INDICATOR = ? AND REF_AREA IN ({ph}) AND {tot} GROUP BY 1 ORDER BY 1", [code, *mem])
    df["members"] = len(mem)
    return df


HEADLINE = {"HIC_LIC_PP": ("WLD",), "WLD_GAP_PP": ("LDC", "LLDC", "SIDS"), "GPS": ("WLD", "LDC"),
            "URR": ("WLD",)}
GAP_COLUMNS = ["gap", "base_indicator", "kind", "area", "year", "value", "unit", "class", "coverage"]


def gap_table(rel: Release) -> pd.DataFrame:
    """Every gap of the release (latest year per gap and area): the compute layer's table when installed,
    else the differences between the group aggregates stored in the release (``HIC_LIC_PP``, ``WLD_GAP_PP``)."""
    fn = compute_fn("gaps", "gap_table")
    if fn is not None:
        return _memo(("gaps", rel.id), lambda: pd.DataFrame(fn(rel)))

    def build():
        rows = []
        tot = " AND ".join(f'"{d}" = \'_T\'' for d in DISAGG)
        df = rel.sql(f"SELECT INDICATOR, REF_AREA, TIME_PERIOD, OBS_VALUE FROM preferred WHERE {tot} AND "
                     f"REF_AREA IN ('HIC','LIC','WLD','LDC','LLDC','SIDS')")
        judged = indicators(rel)
        judged = set(judged[judged["higher_is_better"].notna()]["INDICATOR"])
        for ind, sub in df.groupby("INDICATOR"):
            if ind not in judged:
                continue
            for hi, lo, kind, at in [("HIC", "LIC", "HIC_LIC_PP", "WLD"), ("WLD", "LDC", "WLD_GAP_PP", "LDC"),
                                     ("WLD", "LLDC", "WLD_GAP_PP", "LLDC"), ("WLD", "SIDS", "WLD_GAP_PP", "SIDS")]:
                a, b = sub[sub["REF_AREA"] == hi], sub[sub["REF_AREA"] == lo]
                years = sorted(set(a["TIME_PERIOD"]) & set(b["TIME_PERIOD"]))
                if years:
                    y = years[-1]
                    va = float(a[a["TIME_PERIOD"] == y]["OBS_VALUE"].iloc[0])
                    vb = float(b[b["TIME_PERIOD"] == y]["OBS_VALUE"].iloc[0])
                    rows.append({"gap": f"{ind}_{kind}", "base_indicator": ind, "kind": kind, "area": at,
                                 "year": int(y), "value": va - vb, "unit": "PP", "class": "", "coverage": None})
        return pd.DataFrame(rows, columns=GAP_COLUMNS)
    return _memo(("gaps-fallback", rel.id), build)


def headline_gaps(rel: Release) -> pd.DataFrame:
    """The divides at a glance: high- vs low-income, groups vs the world, women vs men, rural vs urban."""
    g = gap_table(rel)
    if g.empty:
        return g
    keep = [k in HEADLINE and a in HEADLINE[k] for k, a in zip(g["kind"], g["area"], strict=False)]
    return g[keep].sort_values(["base_indicator", "kind", "area"], ignore_index=True)


def progress(rel: Release, area: str | None = None, indicator: str | None = None) -> pd.DataFrame | None:
    """Progress toward 2030 (the compute layer's default method), or None when the layer is absent.
    One area or one indicator is assessed on its own; the full table is computed once per release."""
    fn = compute_fn("progress", "assess")
    if fn is None:
        return None
    full = _CACHE.get(("progress", rel.id, None, None))
    if full is None or (area is None and indicator is None):
        def build():
            try:
                return pd.DataFrame(fn(rel, area=area, indicator=indicator))
            except WsisError:  # e.g. no 2030 target for this indicator
                return pd.DataFrame(columns=["area", "indicator", "category"])
        return _memo(("progress", rel.id, area, indicator), build)
    sel = full
    if area is not None:
        sel = sel[sel["area"] == area]
    if indicator is not None:
        sel = sel[sel["indicator"] == indicator]
    return sel


def targets() -> pd.DataFrame | None:
    """The 2030 targets with their citations, or None when the compute layer is absent."""
    fn = compute_fn("targets", "load_targets")
    if fn is None:
        return None
    t = fn()
    if isinstance(t, pd.DataFrame):
        return t
    if isinstance(t, dict):
        return pd.DataFrame([{"indicator": k, **(v if isinstance(v, dict) else {"target": v})}
                             for k, v in t.items()])
    return pd.DataFrame([x if isinstance(x, dict) else getattr(x, "__dict__", {"target": x}) for x in t])


def target_for(code: str) -> dict[str, Any] | None:
    """The 2030 target of one indicator, if any."""
    t = targets()
    if t is None or t.empty:
        return None
    col = "indicator" if "indicator" in t.columns else t.columns[0]
    sel = t[t[col] == code]
    return None if sel.empty else {k: (None if not isinstance(v, (list, dict)) and pd.isna(v) else v)
                                   for k, v in sel.iloc[0].to_dict().items()}


def group_coverage(rel: Release, group: str, window: int = 5) -> pd.DataFrame:
    """For each indicator: how many of a group's members have a total value in its last ``window`` years."""
    def build():
        mem = members(rel, group)
        cols = ["indicator", "reporting", "members", "share"]
        if not mem:
            return pd.DataFrame(columns=cols)
        tot = " AND ".join(f'"{d}" = \'_T\'' for d in DISAGG)
        ph = ",".join("?" * len(mem))
        df = rel.sql(f"WITH last AS (SELECT INDICATOR, max(TIME_PERIOD) AS y FROM preferred GROUP BY 1) "
                     f"SELECT p.INDICATOR AS indicator, count(DISTINCT p.REF_AREA) AS reporting FROM preferred p "
                     f"JOIN last l USING (INDICATOR) WHERE p.TIME_PERIOD > l.y - {int(window)} AND {tot} "
                     f"AND p.REF_AREA IN ({ph}) GROUP BY 1 ORDER BY 1", list(mem))
        df["members"] = len(mem)
        df["share"] = df["reporting"] / len(mem)
        return df[cols]
    return _memo(("gcov", rel.id, group, window), build)


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
    return _memo(key, build)


def indicator_frame(rel: Release, code: str) -> pd.DataFrame:
    """All preferred observations of one indicator, read once per release (the ``preferred`` view ranks
    vintages with a window over the whole table, so filtering a cached slice is much faster per request)."""
    return _memo(("frame", rel.id, code), lambda: rel.observations(indicator=code))


def observations(rel: Release, indicator: str | None = None, areas: list[str] | None = None,
                 dims: dict[str, str] | None = None, start: int | None = None, end: int | None = None,
                 datasets: list[str] | None = None, all_vintages: bool = False, limit: int | None = None,
                 offset: int = 0) -> tuple[pd.DataFrame, int]:
    """Observations and their total count, served from the per-indicator cache when an indicator is given."""
    for k in (dims or {}):
        if k not in DISAGG:
            raise WsisError("unknown-dimension", f"unknown dimension {k!r}", column=k,
                            expected="one of " + ", ".join(DISAGG))
    if indicator is None or all_vintages or datasets:
        kw = dict(indicator=indicator, areas=areas, dims=dims, start=start, end=end, datasets=datasets,
                  all_vintages=all_vintages)
        return rel.observations(**kw, limit=limit, offset=offset), obs_count(rel, **kw)
    df = indicator_frame(rel, indicator)
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
