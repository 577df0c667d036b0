"""What a build derives: group aggregates and gap indicators, returned as frames for the build to write.

Preference between our aggregates and published ones (same key, e.g. WLD 2020): the ``wsis`` provider is
ranked *after* every provider of the indicator's ``prefer`` list, so the ``preferred`` view (which takes each
series whole from one provider) shows the World Bank's (or UNSD's) published series where one exists and
the WSIS Monitor aggregate for every other group.
``all_vintages`` (``wsis query --all-vintages``) shows both. Derived gap indicators rank ``wsis`` first.

Nothing here writes: ``aggregate_frames`` and ``gap_frames`` read the release being built (the gaps read the
aggregates, so the build writes the first result before asking for the second).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from wsis import __version__
from wsis.catalogue import Catalogue
from wsis.compute.aggregates import AGG_DATASET, AGG_POPW_DATASET, POP, compute_aggregates, to_observations
from wsis.compute.derived import BWPU_DATASET, bandwidth_per_user
from wsis.compute.gaps import GAP_DATASET, GAP_KINDS, compute_gaps, gap_codes
from wsis.settings import Settings

WSIS_RANK_AFTER_PUBLISHED = 50


@dataclass
class Derived:
    """Rows a compute step adds to the release: table name -> frame, and a summary for the manifest."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    summary: dict = field(default_factory=dict)


# Alternative methods (the population-weighted means of index scores) are kept in the release for
# ``all_vintages`` and ``datasets=`` queries, but the preferred view never takes them: a group's series is
# one method throughout, never spliced where the primary method falls below the coverage threshold.
VARIANT_PROVIDER = "wsis-variant"


def _dataset_row(did: str, title: str, n: int, provider: str = "wsis") -> pd.DataFrame:
    return pd.DataFrame([{"DATASET_ID": did, "provider": provider, "adapter": "compute", "publisher": "WSIS Monitor",
                          "title": title, "licence": "as the source datasets", "path": None, "sha256": None,
                          "size": 0, "vintage": f"computed {__version__}", "n_obs": n, "skipped": "",
                          "source_kind": "computed", "source_kind_detail": ""}])


def has_population(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the release being built has the population series that weights the aggregates."""
    return con.execute("SELECT count(*) FROM preferred WHERE INDICATOR = ?", [POP]).fetchall()[0][0] > 0


def no_population_summary() -> dict:
    """The manifest's note when a data dir has no population series (e.g. a fetched mirror of one series)."""
    return {"aggregates": 0, "gaps": 0, "skipped": f"no population series ({POP}) to weight aggregates; "
            "add wdi/population_SP.POP.TOTL_*.csv or fetch wb:SP.POP.TOTL"}


def bandwidth_frames(con: duckdb.DuckDBPyConnection) -> Derived:
    """International bandwidth per Internet user, derived from the bandwidth and the number of users (written
    before the aggregates, which aggregate it like any country series)."""
    bwpu = bandwidth_per_user(con)
    return Derived({"observations": bwpu,
                    "datasets": _dataset_row(BWPU_DATASET, "International bandwidth per Internet user, derived by "
                                             "WSIS Monitor (IT_INTL_BWTH x 1e6 / Internet users)", len(bwpu))},
                   {"bandwidth_per_user": int(len(bwpu))})


def aggregate_frames(con: duckdb.DuckDBPyConnection, settings: Settings, catalogue: Catalogue) -> Derived:
    """Group aggregates as observations, their dataset row and the ``wsis`` provider ranks."""
    t0 = time.perf_counter()
    aggs = compute_aggregates(con, settings, catalogue)
    pop_ds = con.execute("SELECT min(DATASET_ID) FROM preferred WHERE INDICATOR = ?", [POP]).fetchall()[0][0]
    rows = to_observations(aggs, catalogue, settings.coverage_threshold, settings.income_classification, pop_ds) \
        if len(aggs) else pd.DataFrame()
    base = sorted(set(rows["INDICATOR"])) if len(rows) else []
    tables = {"observations": rows,
              "datasets": pd.concat([
                  _dataset_row(AGG_DATASET, "Group aggregates (population-weighted means, sums, medians, means, "
                               "ratios, shares, distinct events) computed by WSIS Monitor",
                               int((rows["DATASET_ID"] == AGG_DATASET).sum()) if len(rows) else 0),
                  _dataset_row(AGG_POPW_DATASET, "Population-weighted variant of the group means of index "
                               "scores, computed by WSIS Monitor",
                               int((rows["DATASET_ID"] == AGG_POPW_DATASET).sum()) if len(rows) else 0,
                               VARIANT_PROVIDER)],
                  ignore_index=True),
              "provider_rank": pd.DataFrame({"INDICATOR": base, "provider": "wsis",
                                             "rank": WSIS_RANK_AFTER_PUBLISHED})}
    summary = {"aggregates": int(len(rows)), "aggregates_below_coverage": int(len(aggs) - len(rows)),
               "aggregates_imputed": int((rows["OBS_STATUS"] == "E").sum()) if len(rows) else 0,
               "coverage_threshold": settings.coverage_threshold,
               "income_classification": settings.income_classification, "impute": settings.impute,
               "impute_max_years": settings.impute_max_years,
               "seconds_aggregates": round(time.perf_counter() - t0, 3)}
    return Derived(tables, summary)


def gap_frames(con: duckdb.DuckDBPyConnection, settings: Settings, catalogue: Catalogue) -> Derived:
    """Gap indicators (parity scores, ratios, point gaps, Gini, Theil) and their catalogue rows."""
    t0 = time.perf_counter()
    gaps = compute_gaps(con, settings.coverage_threshold)
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
    tables = {"observations": gaps,
              "datasets": _dataset_row(GAP_DATASET, "Digital divides: parity scores, ratios, point gaps, "
                                       "Gini and Theil indices computed by WSIS Monitor", len(gaps)),
              "indicators": pd.DataFrame(ind_rows),
              "provider_rank": pd.DataFrame({"INDICATOR": present, "provider": "wsis", "rank": 0})}
    summary = {"gaps": int(len(gaps)), "gap_indicators": present,
               "seconds_gaps": round(time.perf_counter() - t0, 3)}
    return Derived(tables, summary)


def gap_name_parts(code: str) -> tuple[str, str] | None:
    """(base indicator, English gap-kind words) of a derived gap code, for composing translated names."""
    base_kind = gap_codes().get(code)
    if base_kind is None or base_kind[1] not in GAP_KINDS:
        return None
    template = GAP_KINDS[base_kind[1]][0]
    return base_kind[0], (template.split(": ", 1)[1] if ": " in template else template)
