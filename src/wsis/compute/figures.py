"""Fact-check of the figures the outcome document (A/RES/80/173) states, against a release.

Each figure of ``outcome_commitments.yaml`` (``figures_index``) is matched to a release series (same
indicator, group and the closest year; figures without a year are read as 2025, the year of ITU's Facts
and Figures the document quotes). Next to the stated value the table shows the release value, the
difference and why they differ: year, vintage (the dataset behind the value), coverage, definition.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from wsis.reference import load_frameworks

DEFAULT_YEAR = 2025
DIMS_T = ("AGE", "INCOME_WEALTH_QUANTILE", "EDUCATION_LEV", "DISABILITY_STATUS", "TYPE_SKILL", "TYPE_SPEED", "GEO_SCOPE")

# (paragraph, figure indicator text) -> how to read it from a release
FIGURE_MAP: dict[tuple[int, str], dict] = {
    (16, "Share of world population without access to the Internet"):
        {"indicator": "IT_USE_ii99", "area": "WLD", "transform": "complement",
         "note": "100 minus the share of individuals using the Internet"},
    (20, "Population living in areas covered by 4G networks"): {"indicator": "IT_MOB_4GNTWK", "area": "WLD"},
    (20, "Mobile phone ownership, people aged 10+"):
        {"indicator": "IT_MOB_OWN", "area": "WLD", "note": "release series: all reported age scopes, not only 10+"},
    (20, "Internet use, world"): {"indicator": "IT_USE_ii99", "area": "WLD"},
    (21, "Internet use, high-income countries"): {"indicator": "IT_USE_ii99", "area": "HIC"},
    (21, "Internet use, low-income countries"): {"indicator": "IT_USE_ii99", "area": "LIC"},
    (21, "Ratio of Internet use, high-income to low-income countries"):
        {"indicator": "IT_USE_ii99_HIC_LIC_RATIO", "area": "WLD"},
    (21, "Internet use in some (low-income) countries"):
        {"indicator": "IT_USE_ii99", "area": "LIC", "transform": "min_members",
         "note": "lowest country value among low-income countries (latest year per country)"},
    (21, "Internet use, urban areas worldwide"): {"indicator": "IT_USE_ii99", "area": "WLD", "URBANISATION": "U"},
    (21, "Internet use, rural areas worldwide"): {"indicator": "IT_USE_ii99", "area": "WLD", "URBANISATION": "R"},
    (22, "Mobile phone use, women and girls aged 10+"):
        {"indicator": "IT_MOB_OWN", "area": "WLD", "SEX": "F",
         "note": "the release has mobile-phone ownership (SDG 5.b.1), the document cites use"},
    (22, "Mobile phone use, men aged 10+"):
        {"indicator": "IT_MOB_OWN", "area": "WLD", "SEX": "M",
         "note": "the release has mobile-phone ownership (SDG 5.b.1), the document cites use"},
    (97, "National, regional and youth IGF initiatives"):
        {"registry": "igf_forums",
         "not_measurable": "a count of IGF national, regional and youth initiatives (NRIs) kept by the IGF "
                           "Secretariat, not a country statistic: no provider publishes it as data, the data "
                           "mirror holds no NRI file (README section 7.8) and no catalogue series measures it"},
    (22, "Internet use, women"): {"indicator": "IT_USE_ii99", "area": "WLD", "SEX": "F"},
    (22, "Internet use, men"): {"indicator": "IT_USE_ii99", "area": "WLD", "SEX": "M"},
}
COLUMNS = ["para", "figure", "stated_value", "unit", "qualifier", "stated_year", "indicator", "area",
           "release_value", "release_year", "difference", "dataset", "coverage", "why"]


def _series(release, indicator: str, area: str, sex: str, urb: str) -> pd.DataFrame:
    where = " AND ".join(f"o.{d} = '_T'" for d in DIMS_T)
    return release.sql(
        f"SELECT o.TIME_PERIOD, o.OBS_VALUE, o.DATASET_ID, o.COVERAGE, d.provider, d.vintage FROM preferred o "
        f"JOIN datasets d USING (DATASET_ID) WHERE o.INDICATOR = ? AND o.REF_AREA = ? AND o.SEX = ? "
        f"AND o.URBANISATION = ? AND {where} AND o.OBS_VALUE IS NOT NULL ORDER BY o.TIME_PERIOD",
        [indicator, area, sex, urb])


def _unpublished(release, indicator: str, group: str, year: int, sex: str, urb: str) -> tuple[float, float, int]:
    """Population-weighted mean and coverage of the member countries with data, whatever the coverage."""
    where = " AND ".join(f"v.{d} = '_T'" for d in DIMS_T)
    df = release.sql(f"""
        WITH v AS (SELECT v.REF_AREA, v.OBS_VALUE FROM preferred v WHERE v.INDICATOR = ? AND v.SEX = ?
                   AND v.URBANISATION = ? AND v.TIME_PERIOD = ? AND {where}),
             p AS (SELECT REF_AREA, OBS_VALUE AS pop FROM preferred WHERE INDICATOR = 'SP_POP_TOTL'
                   AND SEX = '_T' AND URBANISATION = '_T' AND AGE = '_T' AND TIME_PERIOD = least(?, 2024)),
             m AS (SELECT iso3 FROM group_members WHERE "group" = ?)
        SELECT sum(v.OBS_VALUE * p.pop) / sum(p.pop) AS val,
               sum(p.pop) / (SELECT sum(pop) FROM p JOIN m ON m.iso3 = p.REF_AREA) AS cov, count(*) AS n
        FROM v JOIN m ON m.iso3 = v.REF_AREA JOIN p ON p.REF_AREA = v.REF_AREA""",
        [indicator, sex, urb, year, year, group])
    r = df.iloc[0]
    return (float(r["val"]) if pd.notna(r["val"]) else np.nan, float(r["cov"]) if pd.notna(r["cov"]) else 0.0,
            int(r["n"]))


def _best_unpublished_year(release, indicator, group, sex, urb, year) -> tuple[int, float, float, int] | None:
    yrs = release.sql("SELECT DISTINCT TIME_PERIOD FROM preferred WHERE INDICATOR = ? AND SEX = ? "
                      "AND URBANISATION = ?", [indicator, sex, urb])["TIME_PERIOD"].tolist()
    if not yrs:
        return None
    best = None
    for y in sorted(yrs, key=lambda y: (abs(y - year), -y)):
        val, cov, n = _unpublished(release, indicator, group, int(y), sex, urb)
        if n and (best is None or cov > best[2] + 0.02):
            best = (int(y), val, cov, n)
    return best


def _registry_row(fig: dict, count: dict) -> dict:
    """A figure compared with a count the registry keeps (passed in by the caller: compute reads no registry)."""
    scopes = ", ".join(f"{n} {s}" for s, n in count.get("by_scope", {}).items() if n)
    why = (f"registry count, not a release statistic: {count['count']} active IGF initiatives approved in the "
           f"registry as of {count['as_of']} ({scopes or 'none'}; {count.get('countries', 0)} countries covered"
           f"; {count.get('inactive', 0)} inactive not counted); coverage: only the initiatives registered and "
           f"approved so far, not the IGF Secretariat's list")
    year = int(count["as_of"][:4])
    return {"indicator": "registry:igf_forums", "area": "WLD", "release_value": float(count["count"]),
            "release_year": year, "difference": float(count["count"]) - float(fig["value"]),
            "dataset": f"registry igf_forums ({count['as_of']})", "why": why}


def _check(release, fig: dict, spec: dict | None, registry_counts: dict | None = None) -> dict:
    year = int(fig.get("year") or DEFAULT_YEAR)
    row = dict.fromkeys(COLUMNS, np.nan) | {
        "para": fig["para"], "figure": fig["indicator"], "stated_value": fig["value"], "unit": fig.get("unit"),
        "qualifier": fig.get("qualifier", ""), "stated_year": fig.get("year") or "", "dataset": "", "why": ""}
    if spec is None:
        return row | {"indicator": "", "area": "", "why": "not tracked: no matching indicator in the catalogue"}
    count = (registry_counts or {}).get(spec.get("registry", ""))
    if count and count.get("count"):
        return row | _registry_row(fig, count)
    if spec.get("not_measurable"):
        why = "not measurable from the release: " + spec["not_measurable"]
        if count is not None:  # a registry with no approved, active forum yet is no measurement either
            why += f"; the registry lists no active IGF initiative as of {count['as_of']}"
        return row | {"indicator": "", "area": "", "why": why}
    ind, area = spec["indicator"], spec["area"]
    sex, urb = spec.get("SEX", "_T"), spec.get("URBANISATION", "_T")
    row |= {"indicator": ind + (f" [SEX={sex}]" if sex != "_T" else "") + (f" [URBANISATION={urb}]"
                                                                          if urb != "_T" else ""), "area": area}
    reasons = [spec["note"]] if spec.get("note") else []
    if spec.get("transform") == "min_members":
        df = release.sql(
            "SELECT o.REF_AREA, o.TIME_PERIOD, o.OBS_VALUE, o.DATASET_ID FROM preferred o JOIN group_members m "
            "ON m.iso3 = o.REF_AREA AND m.\"group\" = ? WHERE o.INDICATOR = ? AND o.SEX = '_T' "
            "AND o.URBANISATION = '_T' AND o.AGE = '_T' AND o.TIME_PERIOD <= ? "
            "QUALIFY row_number() OVER (PARTITION BY o.REF_AREA ORDER BY o.TIME_PERIOD DESC) = 1",
            [area, ind, year])
        if df.empty:
            return row | {"why": "no data in the release"}
        low = df.loc[df["OBS_VALUE"].idxmin()]
        below = int((df["OBS_VALUE"] < fig["value"]).sum())
        reasons.append(f"{below} of {len(df)} {area} countries below {fig['value']}% (lowest: {low['REF_AREA']})")
        return row | {"release_value": float(low["OBS_VALUE"]), "release_year": int(low["TIME_PERIOD"]),
                      "difference": float(low["OBS_VALUE"]) - fig["value"], "dataset": low["DATASET_ID"],
                      "why": "; ".join(reasons)}
    s = _series(release, ind, area, sex, urb)
    if s.empty:
        best = _best_unpublished_year(release, ind, area, sex, urb, year)
        if best is None:
            return row | {"why": "; ".join([*reasons, "no data in the release"])}
        y, val, cov, n = best
        reasons.append(f"no published aggregate: the {n} countries with data in {y} cover {cov:.0%} of the "
                       f"group's population (below the coverage threshold); unpublished estimate shown")
        return row | {"release_value": val, "release_year": y, "difference": val - fig["value"],
                      "coverage": cov, "dataset": "(unpublished, computed on the fly)", "why": "; ".join(reasons)}
    s = s.assign(dist=(s["TIME_PERIOD"] - year).abs()).sort_values(["dist", "TIME_PERIOD"],
                                                                    ascending=[True, False])
    r = s.iloc[0]
    val = float(r["OBS_VALUE"])
    if spec.get("transform") == "complement":
        val = 100.0 - val
    ry = int(r["TIME_PERIOD"])
    if ry != year:
        reasons.append(f"year: closest release year is {ry}, the figure is for {year}")
    reasons.append(f"vintage: {r['provider']} {r['vintage']} ({r['DATASET_ID']}); the document quotes ITU "
                   f"Facts and Figures 2025")
    if pd.notna(r["COVERAGE"]):
        reasons.append(f"coverage: countries with data hold {float(r['COVERAGE']):.0%} of the group's population")
    return row | {"release_value": val, "release_year": ry, "difference": val - fig["value"],
                  "dataset": r["DATASET_ID"], "coverage": r["COVERAGE"], "why": "; ".join(reasons)}


def fact_check(release, data_dir: Path, paras: tuple[int, ...] | None = None,
               registry_counts: dict[str, dict] | None = None) -> pd.DataFrame:
    """Every figure the outcome document states, with the release's matching value and why they differ.

    ``registry_counts`` (e.g. ``{"igf_forums": wsis.registry.igf.forum_count(...)}``) supplies the counts a
    figure is compared with when no release series measures it (para 97); without it those figures say
    why they are not measurable from the release.
    """
    figs = load_frameworks(Path(data_dir)).figures
    rows = [_check(release, f, FIGURE_MAP.get((f["para"], f["indicator"])), registry_counts) for f in figs
            if paras is None or f["para"] in paras]
    return pd.DataFrame(rows, columns=COLUMNS)
