"""Group aggregates as Ibis expressions: one code path for DuckDB (default) and PySpark.

Inputs are three tables on any Ibis backend:

- ``values``: INDICATOR, iso3, year, the dimension columns, value, imputed (bool);
- ``members``: group, iso3, year (membership in force in that data year);
- ``weights``: iso3, year, pop (the weight of each country-year, total population).

Rules (the catalogue's ``aggregation``):

- ``popw_mean`` / ``per100``: sum(value x pop) / sum(pop) over countries with data. For per-100 rates this
  is exactly "sum the counts, then re-divide by the population";
- ``sum``: plain sum of the countries with data;
- ``median`` / ``mean``: median / unweighted mean of the countries with data.

Coverage is the share of the group's weight with *observed* (not imputed) data: population for the
weighted rules and ``sum``, the count of member countries for ``median`` and ``mean``.
"""

from __future__ import annotations

import ibis
import pandas as pd

DIMS = ["SEX", "AGE", "URBANISATION", "INCOME_WEALTH_QUANTILE", "EDUCATION_LEV", "DISABILITY_STATUS",
        "TYPE_SKILL", "TYPE_SPEED", "GEO_SCOPE"]
RULES = ("popw_mean", "per100", "sum", "median", "mean")
KEYS = ["INDICATOR", "group", "year", *DIMS]
OUT_COLUMNS = [*KEYS, "value", "coverage", "n", "n_imputed", "rule"]


def _totals(members: ibis.Table, weights: ibis.Table) -> ibis.Table:
    """Per group-year: the total population and the number of member countries."""
    j = members.left_join(weights, ["iso3", "year"])
    return j.group_by(["group", "year"]).aggregate(
        total_w=j.pop.sum(), total_n=j.iso3.count())


def aggregate_rule(values: ibis.Table, members: ibis.Table, weights: ibis.Table, rule: str) -> ibis.Table:
    """Ibis expression of the group aggregates of every indicator in ``values`` under one rule."""
    if rule not in RULES:
        raise ValueError(f"unknown aggregation rule {rule!r}")
    j = values.join(members, ["iso3", "year"])
    weighted = rule in ("popw_mean", "per100", "sum")
    if weighted:
        j = j.left_join(weights, ["iso3", "year"]).drop("iso3_right", "year_right")
        j = j.filter(j.pop.notnull())
    gkeys = KEYS
    obs = ~j.imputed
    if rule in ("popw_mean", "per100"):
        agg = j.group_by(gkeys).aggregate(
            num=(j.value * j.pop).sum(), den=j.pop.sum(),
            obs_w=j.pop.sum(where=obs), n=j.iso3.count(), n_imputed=j.iso3.count(where=j.imputed))
        agg = agg.mutate(value=agg.num / agg.den)
    elif rule == "sum":
        agg = j.group_by(gkeys).aggregate(
            value=j.value.sum(), obs_w=j.pop.sum(where=obs), n=j.iso3.count(),
            n_imputed=j.iso3.count(where=j.imputed))
    else:
        stat = j.value.median() if rule == "median" else j.value.mean()
        agg = j.group_by(gkeys).aggregate(
            value=stat, obs_n=j.iso3.count(where=obs), n=j.iso3.count(),
            n_imputed=j.iso3.count(where=j.imputed))
    tot = _totals(members, weights)
    out = agg.join(tot, ["group", "year"])
    if weighted:
        cov = (out.obs_w.fill_null(0) / out.total_w)
    else:
        cov = out.obs_n.cast("float64") / out.total_n.cast("float64")
    out = out.mutate(coverage=cov, rule=ibis.literal(rule))
    return out.select(*KEYS, "value", "coverage", "n", "n_imputed", "rule")


def aggregate(values: ibis.Table, members: ibis.Table, weights: ibis.Table,
              rules: dict[str, str]) -> pd.DataFrame:
    """Run every rule over the indicators it applies to (``rules``: indicator -> rule); one frame back."""
    by_rule: dict[str, list[str]] = {}
    for ind, rule in rules.items():
        by_rule.setdefault(rule, []).append(ind)
    exprs = [aggregate_rule(values.filter(values.INDICATOR.isin(inds)), members, weights, rule)
             for rule, inds in sorted(by_rule.items())]
    if not exprs:
        return pd.DataFrame(columns=OUT_COLUMNS)
    exprs = [e.mutate(value=e.value.cast("float64"), coverage=e.coverage.cast("float64"),
                      n=e.n.cast("int64"), n_imputed=e.n_imputed.cast("int64")) for e in exprs]
    out = (ibis.union(*exprs) if len(exprs) > 1 else exprs[0]).to_pandas()
    if out.empty:
        return pd.DataFrame(columns=OUT_COLUMNS)
    out["coverage"] = out["coverage"].astype("float64").clip(upper=1.0)
    out["year"] = out["year"].astype("int64")
    return out.sort_values(KEYS, ignore_index=True)
