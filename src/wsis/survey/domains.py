"""Engine side of the estimator: one scan of the microdata, aggregated to (unit x finest domain) sums.

Domains are handled as R's ``svyby`` does for ``survey.design2``: every domain keeps the full design
(all PSUs, zero scores outside the domain), never a cut design. Rows with a missing indicator value or
outside the indicator's universe are out of that indicator's domain (``na.rm=TRUE``).

The engine (Ibis: DuckDB or PySpark) returns small tables: per finest sampling unit and finest domain
cell for Taylor designs, per finest domain cell for replicate designs. Roll-ups to coarser domains are
sums, done in pandas/numpy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from wsis.survey import expr
from wsis.survey.design import DesignSpec, IndicatorsSpec

SEP = "\x1f"
MISSING = "\x00NA"


@dataclass
class Prepared:
    """The Ibis expression of per-row analysis columns and the names it uses."""

    table: Any
    stage_keys: list[tuple[str, str]] = field(default_factory=list)  # (stratum col, cluster col) per stage
    fpc_cols: list[str] = field(default_factory=list)
    by: list[str] = field(default_factory=list)
    n_ind: int = 0
    rep_cols: list[str] = field(default_factory=list)


def _key(*parts: Any) -> Any:
    import ibis

    out = None
    for p in parts:
        s = p.cast("string").fill_null(MISSING)
        out = s if out is None else out.concat(ibis.literal(SEP), s)
    return out


def prepare(table: Any, design: DesignSpec, ind: IndicatorsSpec, rep_cols: list[str],
            labels: dict[str, dict[str, Any]] | None = None) -> Prepared:
    """Per-row columns: stage keys, weight, by-variables, and per indicator membership/value columns.

    ``_m{k}`` marks rows in indicator k's universe with a value (used in the estimate); ``_u{k}`` marks
    rows in its universe whatever the value, which set the domain's degrees of freedom as R's
    ``svyby(..., na.rm = TRUE)`` does (the domain design still holds the rows with a missing value).
    """
    import ibis

    t = table
    cols: dict[str, Any] = {}
    by = ind.by_columns()
    for i, b in enumerate(by):
        cols[f"_b{i}"] = t[b].cast("string").fill_null(MISSING)
    w = t[design.weights].cast("float64")
    cols["_w"] = w
    prep = Prepared(table=None, by=by, n_ind=len(ind.indicators), rep_cols=rep_cols)
    if not design.is_replicate:
        ids = list(design.ids)
        strata = design.strata_list
        has_strata = bool(strata)
        n_stage = max(len(ids), 1)
        id_exprs = [t[c] for c in ids] if ids else [ibis.row_number()]
        for k in range(n_stage):
            # clusters nested in earlier clusters (always) and in strata (nest: true), as svydesign does
            parts = id_exprs[: k + 1]
            if design.nest and has_strata:
                parts = [t[s] for s in strata[: min(k + 1, len(strata))]] + parts
            cols[f"_c{k}"] = _key(*parts)
            s_col = t[strata[min(k, len(strata) - 1)]] if has_strata else ibis.literal("1")
            cols[f"_s{k}"] = _key(s_col) if k == 0 else _key(s_col, cols[f"_c{k - 1}"])
            prep.stage_keys.append((f"_s{k}", f"_c{k}"))
        for k, f in enumerate(design.fpc):
            cols[f"_f{k}"] = t[f].cast("float64")
            prep.fpc_cols.append(f"_f{k}")
    for k, spec in enumerate(ind.indicators):
        node = expr.parse(spec.variable, f"{spec.code}.variable")
        y = expr.compile(node, t, labels)
        y = y.cast("float64")
        y = y.isnan().ifelse(ibis.null("float64"), y)  # NaN in float files means missing, as NA in R
        member = y.notnull()
        universe = ibis.literal(True)
        if spec.universe:
            universe = expr.compile(expr.parse(spec.universe, f"{spec.code}.universe"), t, labels).fill_null(False)
            member = member & universe
        cols[f"_u{k}"] = universe.cast("float64")
        if spec.denominator:
            x = expr.compile(expr.parse(spec.denominator, f"{spec.code}.denominator"), t, labels).cast("float64")
            x = x.isnan().ifelse(ibis.null("float64"), x)
            member = member & x.notnull()
            cols[f"_x{k}"] = x.fill_null(0.0)
        cols[f"_m{k}"] = member.cast("float64")
        cols[f"_y{k}"] = y.fill_null(0.0)
    for r, c in enumerate(rep_cols):
        rw = t[c].cast("float64")
        cols[f"_r{r}"] = rw if (design.replicates and design.replicates.combined_weights) else rw * w
    prep.table = t.select(**cols)
    return prep


def _by_keys(prep: Prepared) -> list[str]:
    return [f"_b{i}" for i in range(len(prep.by))]


def taylor_sums(prep: Prepared) -> pd.DataFrame:
    """Engine query: sums per (finest unit, finest domain cell) for a Taylor design."""
    t = prep.table
    keys = [c for pair in prep.stage_keys for c in pair] + _by_keys(prep)
    aggs: dict[str, Any] = {}
    for k in range(prep.n_ind):
        wm = t["_w"] * t[f"_m{k}"]
        aggs[f"W{k}"] = wm.sum()
        aggs[f"Y{k}"] = (wm * t[f"_y{k}"]).sum()
        aggs[f"Q{k}"] = (wm * t[f"_y{k}"] * t[f"_y{k}"]).sum()
        aggs[f"N{k}"] = t[f"_m{k}"].sum()
        aggs[f"U{k}"] = t[f"_u{k}"].sum()
        if f"_x{k}" in t.columns:
            aggs[f"X{k}"] = (wm * t[f"_x{k}"]).sum()
    aggs["N"] = t["_w"].count()
    for f in prep.fpc_cols:
        aggs[f"{f}_min"] = t[f].min()
        aggs[f"{f}_max"] = t[f].max()
    return t.group_by(keys).aggregate(**aggs).to_pandas()


def replicate_sums(prep: Prepared) -> pd.DataFrame:
    """Engine query: full-sample and per-replicate sums per finest domain cell."""
    t = prep.table
    keys = _by_keys(prep)
    aggs: dict[str, Any] = {"N": t["_w"].count()}
    for k in range(prep.n_ind):
        m = t[f"_m{k}"]
        wm = t["_w"] * m
        aggs[f"W{k}"] = wm.sum()
        aggs[f"Y{k}"] = (wm * t[f"_y{k}"]).sum()
        aggs[f"Q{k}"] = (wm * t[f"_y{k}"] * t[f"_y{k}"]).sum()
        aggs[f"N{k}"] = m.sum()
        aggs[f"U{k}"] = t[f"_u{k}"].sum()
        has_x = f"_x{k}" in t.columns
        if has_x:
            aggs[f"X{k}"] = (wm * t[f"_x{k}"]).sum()
        for r in range(len(prep.rep_cols)):
            rm = t[f"_r{r}"] * m
            aggs[f"W{k}_{r}"] = rm.sum()
            aggs[f"Y{k}_{r}"] = (rm * t[f"_y{k}"]).sum()
            if has_x:
                aggs[f"X{k}_{r}"] = (rm * t[f"_x{k}"]).sum()
    q = t.group_by(keys).aggregate(**aggs) if keys else t.aggregate(**aggs)
    return q.to_pandas()


def replicate_factor_rows(prep: Prepared) -> pd.DataFrame:
    """Distinct rows of replicate factors (replicate weight / weight) with domain and membership flags.

    Their rank per domain is the rank of R's analysis-weight matrix, which sets ``degf``.
    """
    t = prep.table.filter(prep.table["_w"] != 0)
    cols = {c: t[c] for c in _by_keys(prep)}
    for k in range(prep.n_ind):
        cols[f"_u{k}"] = t[f"_u{k}"]
    for r in range(len(prep.rep_cols)):
        cols[f"_r{r}"] = (t[f"_r{r}"] / t["_w"]).round(9)
    return t.select(**cols).distinct().to_pandas()
