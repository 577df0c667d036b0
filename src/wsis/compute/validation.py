"""Validation of the aggregation engine against the World Bank's published aggregates.

The WDI internet file (IT.NET.USER.ZS) carries both country rows and the World Bank's own aggregates
(WLD, HIC, UMC, LMC, LIC and the seven regions). We rebuild those aggregates from the file's country rows
with the same engine the release uses: FY25 income groups from the WDI country metadata file, regional
membership from CLASS_FY25_groups.csv, population weights SP.POP.TOTL, and (by default) interpolation of
gaps of up to three years inside a country series. Coverage is the share of the group's population with
*observed* values; group-years below 2/3 are not compared.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wsis.compute.aggregates import impute
from wsis.compute.engine import DIMS, aggregate
from wsis.errors import WsisError

WDI = "wdi/API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
META = "wdi/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
POPF = "wdi/population_SP.POP.TOTL_datahub.csv"
CLASS = "classifications/worldbank/CLASS_FY25_groups.csv"
INCOME = {"High income": "HIC", "Upper middle income": "UMC", "Lower middle income": "LMC", "Low income": "LIC"}
REGIONS = ("EAS", "ECS", "LCN", "MEA", "NAC", "SAS", "SSF")
GROUPS = ("WLD", "HIC", "UMC", "LMC", "LIC", *REGIONS)


def _read(data_dir: Path, rel: str) -> pd.DataFrame:
    path = Path(data_dir) / rel
    if not path.exists():
        raise WsisError("validation-input", "World Bank validation input not found", file=str(path),
                        expected="the WDI files of the offline mirror")
    return pd.read_csv(path, encoding="utf-8-sig")


def wb_inputs(data_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Country values, memberships, population weights and the published aggregates from the WDI files."""
    wide = _read(data_dir, WDI)
    meta = _read(data_dir, META)
    pop = _read(data_dir, POPF).rename(columns={"Country Code": "iso3", "Year": "year", "Value": "pop"})
    groups = _read(data_dir, CLASS)
    years = [c for c in wide.columns if str(c).isdigit()]
    long = wide.melt(id_vars=["Country Code"], value_vars=years, var_name="year", value_name="value")
    long = long.rename(columns={"Country Code": "iso3"}).dropna(subset=["value"])
    long["year"] = long["year"].astype("int64")
    countries = meta.loc[meta["Region"].notna(), ["Country Code", "IncomeGroup"]]
    cset = set(countries["Country Code"])
    values = long[long["iso3"].isin(cset)].copy()
    values["INDICATOR"] = "IT_USE_ii99"
    values["DATASET_ID"] = "wdi:" + WDI.removesuffix(".csv")
    values["imputed"] = False
    for d in DIMS:
        values[d] = "_T"
    mem = [("WLD", c) for c in cset]
    mem += [(INCOME[g], c) for c, g in zip(countries["Country Code"], countries["IncomeGroup"], strict=True)
            if g in INCOME]
    mem += [(g, c) for g, c in zip(groups["GroupCode"], groups["CountryCode"], strict=True) if g in REGIONS]
    yrs = pd.DataFrame({"year": sorted(values["year"].unique())})
    members = pd.DataFrame(mem, columns=["group", "iso3"]).drop_duplicates().merge(yrs, how="cross")
    weights = pop[pop["iso3"].isin(cset)][["iso3", "year", "pop"]].astype({"year": "int64", "pop": "float64"})
    published = long[long["iso3"].isin(GROUPS)].rename(columns={"iso3": "group", "value": "published"})
    return values, members, weights, published


def wb_validation(data_dir: Path, impute_mode: str = "interpolate", max_years: int = 3,
                  start: int = 2000, end: int = 2023, threshold: float = 2 / 3, backend=None) -> pd.DataFrame:
    """Rebuilt against published World Bank aggregates, one row per group-year with enough coverage."""
    import ibis

    values, members, weights, published = wb_inputs(data_dir)
    values = impute(values, impute_mode, max_years)
    be = backend or ibis.duckdb.connect()
    v = be.create_table("wb_values", values[["INDICATOR", "iso3", "year", *DIMS, "value", "imputed"]],
                        overwrite=True)
    m = be.create_table("wb_members", members, overwrite=True)
    w = be.create_table("wb_weights", weights, overwrite=True)
    agg = aggregate(v, m, w, {"IT_USE_ii99": "popw_mean"})
    out = agg.merge(published, on=["group", "year"], how="inner")
    out = out[(out["year"] >= start) & (out["year"] <= end) & (out["coverage"] >= threshold - 1e-12)]
    out = out.assign(diff=out["value"] - out["published"])
    out["within_05"] = out["diff"].abs() <= 0.5
    return out[["group", "year", "value", "published", "diff", "within_05", "coverage", "n", "n_imputed"]] \
        .sort_values(["group", "year"], ignore_index=True)


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Per group: points compared, share within 0.5 pp, mean and max absolute difference; plus a total."""
    g = table.groupby("group").agg(points=("diff", "size"), within_05=("within_05", "mean"),
                                   mean_abs=("diff", lambda s: s.abs().mean()),
                                   max_abs=("diff", lambda s: s.abs().max()))
    g = g.reindex([x for x in GROUPS if x in g.index])
    total = pd.DataFrame({"points": [len(table)], "within_05": [table["within_05"].mean()],
                          "mean_abs": [table["diff"].abs().mean()], "max_abs": [table["diff"].abs().max()]},
                         index=["all"])
    return pd.concat([g, total]).reset_index(names="group")


EWASTE = {"EN_EWT_GENPCAP": ("EN_EWT_GENV", "SP_POP_TOTL", 1000.0), "EN_EWT_RCYR": ("EN_EWT_RCYV", "EN_EWT_GENV", 100.0),
          "EN_EWT_RCYPCAP": ("EN_EWT_RCYV", "SP_POP_TOTL", 1000.0)}


def ewaste_validation(release, min_coverage: float = 0.0) -> pd.DataFrame:
    """The e-waste ratio rule rebuilt from a release's country rows, beside UNSD's published World and
    regional rows of the same files (one row per group, year and series, whatever the coverage)."""
    from wsis.compute.rules import ratio_aggregates

    tot = " AND ".join(f"o.{d} = '_T'" for d in DIMS)
    values = release.sql(
        f"SELECT o.INDICATOR, o.REF_AREA AS iso3, o.TIME_PERIOD AS year, o.OBS_VALUE AS value FROM preferred o "
        f"JOIN areas a ON a.code = o.REF_AREA AND a.kind = 'country' WHERE {tot} AND o.OBS_VALUE IS NOT NULL AND "
        f"o.INDICATOR IN ('EN_EWT_GENV', 'EN_EWT_RCYV')")
    for d in DIMS:
        values[d] = "_T"
    years = sorted(values["year"].unique())
    members = release.sql("SELECT m.\"group\", m.iso3 FROM group_members m JOIN areas a ON a.code = m.\"group\" "
                          "WHERE a.group_type IN ('world', 'm49_region', 'm49_subregion')")
    members = members.merge(pd.DataFrame({"year": years}), how="cross")
    weights = release.sql(f"SELECT o.REF_AREA AS iso3, o.TIME_PERIOD AS year, o.OBS_VALUE AS pop FROM preferred o "
                          f"WHERE o.INDICATOR = 'SP_POP_TOTL' AND {tot}")
    ours = ratio_aggregates(values, members, weights, EWASTE)
    published = release.sql(
        "SELECT o.INDICATOR, o.REF_AREA AS \"group\", o.TIME_PERIOD AS year, o.OBS_VALUE AS published "
        "FROM observations o JOIN datasets d USING (DATASET_ID) WHERE d.provider = 'unsd' AND o.INDICATOR IN "
        "('EN_EWT_GENPCAP', 'EN_EWT_RCYR', 'EN_EWT_RCYPCAP')")
    out = ours.merge(published, on=["INDICATOR", "group", "year"], how="inner")
    out = out[out["coverage"] >= min_coverage]
    out = out.assign(diff=out["value"] - out["published"], rel_diff=(out["value"] - out["published"]) / out["published"])
    return out[["INDICATOR", "group", "year", "value", "published", "diff", "rel_diff", "coverage", "n"]] \
        .sort_values(["INDICATOR", "group", "year"], ignore_index=True)
