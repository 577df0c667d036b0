"""Areas, groups and indicators with their names in the six languages, as stored in the release (the build
composes the names of derived gap indicators, so nothing is translated at request time)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from wsis.errors import WsisError
from wsis.query.memo import memo
from wsis.query.texts import definition_text
from wsis.release.reader import Release


def names(rel: Release, lang: str) -> dict[str, str]:
    """Area code -> name in a language (English fallback)."""
    def build():
        df = rel.sql("SELECT code, lang, name FROM area_names WHERE lang IN (?, 'en')", [lang])
        out = dict(zip(df[df["lang"] == "en"]["code"], df[df["lang"] == "en"]["name"], strict=False))
        out.update(dict(zip(df[df["lang"] == lang]["code"], df[df["lang"] == lang]["name"], strict=False)))
        return out
    return memo(("names", rel.id, lang), build)


def area_names_all(rel: Release) -> dict[str, dict[str, str]]:
    """Area code -> {lang: name} for every language the release holds (SDMX code lists)."""
    def build():
        out: dict[str, dict[str, str]] = {c: {"en": c} for c in areas(rel)["code"]}
        df = rel.sql("SELECT code, lang, name FROM area_names")
        for c, lg, n in zip(df["code"], df["lang"], df["name"], strict=False):
            if c in out and n:
                out[c][lg] = n
        return out
    return memo(("areanames", rel.id), build)


def areas(rel: Release) -> pd.DataFrame:
    """The areas table (countries and groups)."""
    return memo(("areas", rel.id), rel.areas)


def _one(df: pd.DataFrame, col: str, code: str, error: WsisError) -> dict[str, Any]:
    """The row of ``df`` whose ``col`` is ``code`` as a dict (missing values as None), else ``error``."""
    sel = df[df[col] == code]
    if sel.empty:
        raise error
    row = sel.iloc[0].to_dict()
    # strings, lists and arrays have a length and are kept as they are; scalars that are NaN/NA become None
    return {k: (None if not hasattr(v, "__len__") and pd.isna(v) else v) for k, v in row.items()}


def area_row(rel: Release, code: str) -> dict[str, Any]:
    """One area; unknown codes are a 404 WsisError."""
    return _one(areas(rel), "code", code, WsisError(
        "unknown-area", f"unknown area {code!r}", column="area",
        expected="an ISO3 code or a group code such as LDC", status=404))


def un_members(rel: Release) -> set[str]:
    """ISO3 codes of the UN Member States."""
    a = areas(rel)
    return set(a[a["un_status"] == "member"]["code"])


def un_countries(rel: Release) -> dict[str, str]:
    """ISO3 -> English name of every country or area with an M49 code (the registry's country list)."""
    a = areas(rel)
    sel = a[(a["kind"] == "country") & (a["un_status"] != "non_m49_economy")]
    return dict(zip(sel["code"], sel["name"], strict=True))


def members(rel: Release, group: str) -> list[str]:
    """Members of a group as classified in this release."""
    return memo(("members", rel.id, group), lambda: rel.group_members(group))


def group_sizes(rel: Release) -> dict[str, int]:
    """Group code -> number of members."""
    def build():
        df = rel.sql('SELECT "group", count(*) AS n FROM group_members GROUP BY 1')
        return {g: int(n) for g, n in zip(df["group"], df["n"], strict=True)}
    return memo(("groupsizes", rel.id), build)


def groups_of(rel: Release, iso3: str) -> list[str]:
    """Groups an area belongs to."""
    def build():
        df = rel.sql('SELECT "group" FROM group_members WHERE iso3 = ? ORDER BY 1', [iso3])
        return df["group"].tolist()
    return memo(("groupsof", rel.id, iso3), build)


def indicators(rel: Release) -> pd.DataFrame:
    """The release's indicator table (derived gap indicators included)."""
    return memo(("inds", rel.id), rel.indicators)


def indicator_names(rel: Release, lang: str) -> dict[str, str]:
    """Indicator code -> name in a language: the release's translation, else the English name."""
    def build():
        ind = indicators(rel)
        out = dict(zip(ind["INDICATOR"], ind["name"], strict=True))
        if lang != "en":
            out.update(rel.indicator_names(lang))
        return out
    return memo(("indnames", rel.id, lang), build)


def translated(rel: Release, row: dict[str, Any], lang: str) -> dict[str, Any]:
    """An indicator row with ``name`` and ``definition`` in the page language (``name_en`` and
    ``definition_en`` keep the catalogue's English; ``definition_unofficial`` marks our own translation)."""
    code = row["INDICATOR"]
    return definition_text({**row, "name": indicator_names(rel, lang).get(code, row["name"]), "name_en": row["name"]},
                           lang)


def indicator_row(rel: Release, code: str) -> dict[str, Any]:
    """One indicator; unknown codes are a 404 WsisError."""
    row = _one(indicators(rel), "INDICATOR", code, WsisError(
        "unknown-indicator", f"unknown indicator {code!r}", column="indicator",
        expected="a code listed at /api/v1/indicators", status=404))
    for col in ("action_lines", "breaks"):   # list columns (breaks: years a new framework starts)
        if col in row:
            row[col] = [int(x) if col == "breaks" else x for x in (row[col] if row[col] is not None else [])]
    return row


def action_line_gaps(rel: Release) -> dict[str, list[dict[str, str]]]:
    """Action line -> measurements the release still lacks and who publishes them (English, catalogue)."""
    def build():
        has = rel.sql("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'action_line_gaps'")
        if not int(has["n"].iloc[0]):
            return {}
        out: dict[str, list[dict[str, str]]] = {}
        for r in rel.sql("SELECT action_line, measurement, custodian FROM action_line_gaps").itertuples():
            out.setdefault(r.action_line, []).append({"measurement": r.measurement, "custodian": r.custodian})
        return out
    return memo(("algaps", rel.id), build)
