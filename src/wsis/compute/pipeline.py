"""The build hook: ``derive()`` adds the derived observations (aggregates, gaps) to a release being built.

Preference between our aggregates and published ones (same key, e.g. WLD 2020): the ``wsis`` provider is
ranked *after* every provider of the indicator's ``prefer`` list, so the ``preferred`` view (which takes each
series whole from one provider) shows the World Bank's (or UNSD's) published series where one exists and
the WSIS Monitor aggregate for every other group.
``all_vintages`` (``wsis query --all-vintages``) shows both. Derived gap indicators rank ``wsis`` first.
"""

from __future__ import annotations

import time

import duckdb
import pandas as pd

from wsis import __version__
from wsis.catalogue import Catalogue
from wsis.compute.aggregates import AGG_DATASET, AGG_POPW_DATASET, POP, compute_aggregates, to_observations
from wsis.compute.derived import BWPU_DATASET, bandwidth_per_user
from wsis.compute.gaps import GAP_DATASET, GAP_KINDS, compute_gaps, gap_codes
from wsis.settings import Settings

WSIS_RANK_AFTER_PUBLISHED = 50


def _insert(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame) -> None:
    if df.empty:
        return
    con.register("_wsis_insert", df)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _wsis_insert")
    finally:
        con.unregister("_wsis_insert")


def _dataset_row(did: str, title: str, n: int) -> pd.DataFrame:
    return pd.DataFrame([{"DATASET_ID": did, "provider": "wsis", "adapter": "compute", "publisher": "WSIS Monitor",
                          "title": title, "licence": "as the source datasets", "path": None, "sha256": None,
                          "size": 0, "vintage": f"computed {__version__}", "n_obs": n, "skipped": "",
                          "source_kind": "computed", "source_kind_detail": ""}])


def derive(con: duckdb.DuckDBPyConnection, settings: Settings, catalogue: Catalogue, areas=None) -> dict:
    """Insert group aggregates and gap indicators into the release being built; returns a summary."""
    t0 = time.perf_counter()
    has_pop = con.execute("SELECT count(*) FROM preferred WHERE INDICATOR = ?", [POP]).fetchall()[0][0] > 0
    if not has_pop:
        # A data dir without population (e.g. a fetched mirror of one series) still gives a release;
        # the manifest says why it has no aggregates or gaps.
        return {"aggregates": 0, "gaps": 0, "skipped": f"no population series ({POP}) to weight aggregates; "
                "add wdi/population_SP.POP.TOTL_*.csv or fetch wb:SP.POP.TOTL"}
    bwpu = bandwidth_per_user(con)
    _insert(con, "observations", bwpu)
    _insert(con, "datasets", _dataset_row(BWPU_DATASET, "International bandwidth per Internet user, derived by "
                                          "WSIS Monitor (IT_INTL_BWTH x 1e6 / Internet users)", len(bwpu)))
    aggs = compute_aggregates(con, settings, catalogue)
    pop_ds = con.execute("SELECT min(DATASET_ID) FROM preferred WHERE INDICATOR = ?", [POP]).fetchall()[0][0]
    rows = to_observations(aggs, catalogue, settings.coverage_threshold, settings.income_classification, pop_ds) \
        if len(aggs) else pd.DataFrame()
    _insert(con, "observations", rows)
    _insert(con, "datasets", _dataset_row(AGG_DATASET, "Group aggregates (population-weighted means, sums, "
                                          "medians, means, ratios, shares, distinct events) computed by WSIS "
                                          "Monitor", int((rows["DATASET_ID"] == AGG_DATASET).sum()) if len(rows) else 0))
    _insert(con, "datasets", _dataset_row(AGG_POPW_DATASET, "Population-weighted variant of the group means of "
                                          "index scores, computed by WSIS Monitor",
                                          int((rows["DATASET_ID"] == AGG_POPW_DATASET).sum()) if len(rows) else 0))
    base = sorted(set(rows["INDICATOR"])) if len(rows) else []
    ranks = pd.DataFrame({"INDICATOR": base, "provider": "wsis", "rank": WSIS_RANK_AFTER_PUBLISHED})
    _insert(con, "provider_rank", ranks)
    t1 = time.perf_counter()

    gaps = compute_gaps(con, settings.coverage_threshold)
    _insert(con, "observations", gaps)
    _insert(con, "datasets", _dataset_row(GAP_DATASET, "Digital divides: parity scores, ratios, point gaps, "
                                          "Gini and Theil indices computed by WSIS Monitor", len(gaps)))
    codes = gap_codes()
    present = sorted(set(gaps["INDICATOR"])) if len(gaps) else []
    ind_rows = []
    for code in present:
        b, kind = codes[code]
        name_t, unit, hib, definition = GAP_KINDS[kind]
        parent = catalogue.indicators.get(b)
        ind_rows.append({"INDICATOR": code, "name": name_t.format(name=parent.name if parent else b), "unit": unit,
                         "definition": definition, "higher_is_better": hib, "sdg": parent.sdg if parent else None,
                         "action_lines": parent.action_lines if parent else [], "aggregation": "none",
                         "derived": True})
    _insert(con, "indicators", pd.DataFrame(ind_rows))
    _insert(con, "provider_rank", pd.DataFrame({"INDICATOR": present, "provider": "wsis", "rank": 0}))
    t2 = time.perf_counter()
    n_all = len(aggs)
    return {"aggregates": int(len(rows)), "aggregates_below_coverage": int(n_all - len(rows)),
            "aggregates_imputed": int((rows["OBS_STATUS"] == "E").sum()) if len(rows) else 0,
            "gaps": int(len(gaps)), "gap_indicators": present, "coverage_threshold": settings.coverage_threshold,
            "income_classification": settings.income_classification, "impute": settings.impute,
            "impute_max_years": settings.impute_max_years, "seconds_aggregates": round(t1 - t0, 3),
            "seconds_gaps": round(t2 - t1, 3)}
