"""Public API: ``estimate(microdata, design, indicators) -> DataFrame`` of indicator x domain estimates.

The engine (Ibis over DuckDB, or PySpark) aggregates the microdata to small tables; variances,
intervals and flags are finished in numpy. Numbers follow R ``survey`` (``svyby`` + ``svymean`` /
``svytotal`` / ``svyratio`` / ``svyciprop``) to floating-point precision.
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wsis.errors import WsisError
from wsis.settings import Settings, get_settings
from wsis.survey import ci, disclosure, domains, microdata, replicate, taylor
from wsis.survey.design import DesignSpec, IndicatorsSpec, load_design, load_indicators

BASE_COLUMNS = ["indicator", "series", "statistic", "by"]
VALUE_COLUMNS = ["estimate", "se", "ci_low", "ci_high", "deff", "df", "n", "population", "cv", "flag"]


def _numeric_columns(design: DesignSpec, ind: IndicatorsSpec, rep_cols: list[str]) -> dict[str, str]:
    """Columns that must hold numbers, with what they are used for."""
    from wsis.survey import expr

    need = {design.weights: "weight", **{c: "fpc" for c in design.fpc}, **{c: "replicate weight" for c in rep_cols}}
    for spec in ind.indicators:
        for text in (spec.variable, spec.denominator):
            node = expr.parse(text, spec.code) if text else None
            if node is not None and not expr.is_condition(node):
                need.setdefault(node.args[0], f"indicator {spec.code}")
    return need


def _require_numeric(table: Any, need: dict[str, str], file: str) -> None:
    """A text column where numbers are needed: name the first row whose value is not a number."""
    for col, use in need.items():
        typ = table[col].type()
        if typ.is_numeric() or typ.is_boolean() or typ.is_null():
            continue
        row, value = microdata.first_value(table, lambda t, c=col: t[c].notnull()
                                           & t[c].cast("string").strip().try_cast("float64").isnull()
                                           & (t[c].cast("string").strip() != ""), col)
        shown = "" if value is None else f"; first non-numeric value {value!r}"
        raise WsisError("indicator-not-numeric", f"{use}: column {col!r} is not numeric{shown}", file=file, row=row,
                        column=col, expected="numbers (missing as NA, empty or '.', or listed in input.na_values)")


def _validate(table: Any, design: DesignSpec, ind: IndicatorsSpec, rep_cols: list[str], file: str) -> None:
    """Check weights, design columns and 0/1 indicators in one engine pass; name the first bad row."""
    from wsis.survey import expr

    _require_numeric(table, _numeric_columns(design, ind, rep_cols), file)
    checks: list[tuple[str, str, Any, str]] = []  # (column, message, predicate builder, expected)
    w = design.weights
    checks.append((w, "missing weight", lambda t: t[w].isnull(), "a weight for every row"))
    checks.append((w, "negative weight", lambda t: t[w].cast("float64") < 0, "a weight >= 0"))
    for c in [*design.ids, *design.strata_list]:
        checks.append((c, "missing design value", lambda t, c=c: t[c].isnull(), "a PSU/stratum id on every row"))
    for c in design.fpc:
        checks.append((c, "missing or non-positive fpc", lambda t, c=c: t[c].isnull() | (t[c].cast("float64") <= 0),
                       "a population count (>1) or sampling fraction (<=1)"))
    for c in rep_cols:
        checks.append((c, "missing replicate weight", lambda t, c=c: t[c].isnull(), "a number on every row"))
    for spec in ind.indicators:
        node = expr.parse(spec.variable, f"{spec.code}.variable")
        if spec.statistic == "proportion" and not expr.is_condition(node):
            col = node.args[0]
            if not table[col].type().is_numeric() and not table[col].type().is_boolean():
                raise WsisError("indicator-not-numeric", f"indicator {spec.code}: column {col!r} is not numeric",
                                file=file, column=col, expected="0/1 values or a condition such as q12 in (1,2)")
            if table[col].type().is_numeric():
                checks.append((col, f"indicator {spec.code}: value is not 0 or 1",
                               lambda t, col=col: t[col].notnull() & ~t[col].cast("float64").isnan()
                               & ~t[col].cast("float64").isin([0.0, 1.0]),
                               "0, 1 or empty"))
    counts = table.aggregate(**{f"c{i}": p(table).fill_null(False).cast("int64").sum()
                                for i, (_, _, p, _) in enumerate(checks)}).to_pyarrow().to_pylist()[0]
    for i, (col, msg, pred, expected) in enumerate(checks):
        if counts[f"c{i}"]:
            row, value = microdata.first_value(table, pred, col)
            shown = "" if value is None else f" ({value!r})"
            raise WsisError("microdata-invalid", f"{msg}{shown}; {counts[f'c{i}']} row(s) affected", file=file,
                            row=row, column=col, expected=expected)


def _stat_arrays(kind: str, Y: np.ndarray, W: np.ndarray, X: np.ndarray | None, Q: np.ndarray,
                 n: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Estimate, denominator of the linearised score, and the SRS variance used for deff."""
    with np.errstate(invalid="ignore", divide="ignore"):
        if kind == "total":
            theta, denom = Y, np.ones_like(Y)
        elif kind == "ratio":
            theta, denom = Y / X, X
        else:
            theta, denom = Y / W, W
        mean = Y / W
        s2 = (Q - mean * Y) / W * n / (n - 1)  # svyvar: sum w (y - ybar)^2 / sum w * n/(n-1)
        vsrs = s2 * (W - n) / (W * n)
        if kind == "total":
            vsrs = vsrs * W**2
        elif kind == "ratio":
            vsrs = np.full_like(Y, np.nan)
    return theta, denom, vsrs


class _Cells:
    """Dense (unit x cell) matrices for one by-specification."""

    def __init__(self, agg: pd.DataFrame, by_keys: list[str], unit: np.ndarray, n_units: int):
        if by_keys:
            grouped = agg.groupby(by_keys, sort=True, dropna=False)
            self.cell = grouped.ngroup().to_numpy()
            self.labels = grouped.size().index.to_frame(index=False)
        else:
            self.cell = np.zeros(len(agg), dtype=np.int64)
            self.labels = pd.DataFrame(index=[0])
        self.n_cells = len(self.labels)
        self.unit = unit
        self.n_units = n_units
        self.agg = agg

    def dense(self, col: str) -> np.ndarray:
        out = np.zeros((self.n_units, self.n_cells))
        np.add.at(out, (self.unit, self.cell), self.agg[col].to_numpy(dtype=float))
        return out


def _taylor(agg: pd.DataFrame, prep: domains.Prepared, design: DesignSpec, ind: IndicatorsSpec,
            design_file: str, step: Any, extra: tuple[str, ...]) -> list[dict]:
    stage_cols = [c for pair in prep.stage_keys for c in pair]
    units = agg[stage_cols].drop_duplicates().reset_index(drop=True)
    unit = agg[stage_cols].merge(units.reset_index(), on=stage_cols, how="left")["index"].to_numpy()
    s0, c0 = prep.stage_keys[0]
    if not design.nest and design.ids and design.strata_list:
        per = units.groupby(c0)[s0].nunique()
        if (per > 1).any():
            bad = str(per[per > 1].index[0]).split(domains.SEP)[-1]
            raise WsisError("design-not-nested", f"PSU {bad!r} appears in more than one stratum",
                            file=design_file, column=design.ids[0],
                            expected="PSU ids unique across strata", hint="set nest: true")
    stages = []
    for k, (s, c) in enumerate(prep.stage_keys):
        pop = None
        if k < len(prep.fpc_cols):
            f = prep.fpc_cols[k]
            val = agg.groupby(unit)[f"{f}_max"].max().reindex(range(len(units))).to_numpy()
            n_h = units.groupby(s)[c].transform("nunique").to_numpy(dtype=float)
            if (val > 1).any() and (val < 1).any():
                raise WsisError("design-invalid", "fpc mixes population counts (>1) and fractions (<1)",
                                file=design_file, column=design.fpc[k], expected="all >= 1 or all <= 1")
            pop = val if (val > 1).any() else np.where(val > 0, n_h / val, np.inf)
            if (pop < n_h - 1e-9).any():
                raise WsisError("design-invalid", "fpc implies more than 100% sampling in a stratum",
                                file=design_file, column=design.fpc[k], expected="population count >= PSUs sampled")
        stages.append(taylor.Stage(units[s].to_numpy(), units[c].to_numpy(), pop))
    recurse = bool(prep.fpc_cols) and len(stages) > 1
    s1 = pd.factorize(units[s0])[0]
    c1 = pd.factorize(units[c0])[0]
    rows: list[dict] = []
    by_keys_all = [f"_b{i}" for i in range(len(prep.by))]
    for spec_by in ind.by:
        keys = [by_keys_all[prep.by.index(b)] for b in spec_by]
        cells = _Cells(agg, keys, unit, len(units))
        zs, meta, pres = [], [], []
        for k, spec in enumerate(ind.indicators):
            Yd, Wd, Nd = cells.dense(f"Y{k}"), cells.dense(f"W{k}"), cells.dense(f"N{k}")
            Xd = cells.dense(f"X{k}") if spec.statistic == "ratio" else None
            Y, W, N, Q = Yd.sum(0), Wd.sum(0), Nd.sum(0), cells.dense(f"Q{k}").sum(0)
            X = None if Xd is None else Xd.sum(0)
            theta, denom, vsrs = _stat_arrays(spec.statistic, Y, W, X, Q, N)
            base = Wd if spec.statistic in ("proportion", "mean") else (Xd if Xd is not None else 0 * Yd)
            with np.errstate(invalid="ignore", divide="ignore"):
                z = (Yd - theta * base) / denom
            z = np.where(np.isfinite(z), z, 0.0)
            present = Nd > 0
            Ud = cells.dense(f"U{k}")
            reached = Ud > 0  # R: degf of the domain design, rows with a missing value included
            df = np.array([len(np.unique(c1[reached[:, j]])) - len(np.unique(s1[reached[:, j]]))
                           for j in range(cells.n_cells)], dtype=float)
            zs.append(z)
            pres.append(present)
            meta.append((k, spec, theta, vsrs, df, N, W, Ud.sum(0)))
        par_meta = []
        for p in ind.parity:
            if spec_by != [p.by]:
                continue
            k = [i.code for i in ind.indicators].index(p.code)
            jn, jd = _parity_cells(cells.labels, keys[0], p)
            _, _, th, *_ = meta[k]
            z = zs[k]
            with np.errstate(invalid="ignore", divide="ignore"):
                r = th[jn] / th[jd]
                zp = (z[:, jn] - r * z[:, jd]) / th[jd]
            zs.append(zp[:, None])
            pres.append((pres[k][:, jn] | pres[k][:, jd])[:, None])
            par_meta.append((p, k, jn, jd, r))
        allz = np.hstack(zs) if zs else np.zeros((len(units), 0))
        try:
            var = taylor.recvar(allz, stages, design.lonely_psu, recurse, np.hstack(pres) if pres else None)
        except taylor.LonelyPsuError as exc:
            raise _lonely_error(exc, stages, design, design_file) from exc
        off = 0
        for _k, spec, theta, vsrs, df, N, W, U in meta:
            v = var[off: off + cells.n_cells]
            off += cells.n_cells
            se_eta = ci.logit_se(theta, v)
            rows += _rows(spec, spec_by, cells.labels, keys, theta, v, vsrs, df, (N, U), W, se_eta, ind, extra)
        full_df = float(len(np.unique(c1)) - len(np.unique(s1)))
        for p, k, jn, jd, r in par_meta:
            v = var[off]
            off += 1
            rows.append(_parity_row(p, ind, r, v, full_df, meta[k][5][jn] + meta[k][5][jd]))
        step()
    return rows


def _lonely_error(exc: taylor.LonelyPsuError, stages: list[taylor.Stage], design: DesignSpec,
                  file: str) -> WsisError:
    st = stages[exc.stage - 1]
    value = np.unique(st.stratum)[exc.stratum_code]
    col = (design.strata_list or design.ids or ["(none)"])[0] if exc.stage == 1 else design.ids[exc.stage - 2]
    shown = str(value).split(domains.SEP)[0 if exc.stage == 1 else -1]
    return WsisError("lonely-psu", f"stratum {shown!r} has only one PSU at stage {exc.stage}", file=file,
                     column=col, expected="at least two PSUs per stratum",
                     hint="set lonely_psu: remove, certainty, adjust or average",
                     extra={"stratum": shown, "stage": exc.stage})


def _parity_cells(labels: pd.DataFrame, key: str, p: Any) -> tuple[int, int]:
    vals = labels[key].astype(str).tolist()
    for lvl in (p.numerator, p.denominator):
        if str(lvl) not in vals:
            raise WsisError("parity-level", f"parity {p.code}: level {lvl!r} of {p.by} not in the data",
                            column=p.by, expected=f"one of {', '.join(v for v in vals if v != domains.MISSING)}")
    return vals.index(str(p.numerator)), vals.index(str(p.denominator))


def _rows(spec: Any, spec_by: list[str], labels: pd.DataFrame, keys: list[str], theta: np.ndarray,
          var: np.ndarray, vsrs: np.ndarray, df: np.ndarray, counts: tuple[np.ndarray, np.ndarray],
          W: np.ndarray, se_eta: np.ndarray, ind: IndicatorsSpec, extra: tuple[str, ...] = ()) -> list[dict]:
    """Output rows of one indicator; ``counts`` = (rows with a value, rows of the domain's universe)."""
    N, U = counts
    se = np.sqrt(var)
    lo, hi = _interval(ind.ci, spec.statistic, theta, var, se, se_eta, U, df, ind.level)
    extra_ci = {}
    for m in extra:
        elo, ehi = _interval(m, spec.statistic, theta, var, se, se_eta, U, df, ind.level)
        extra_ci[m] = (elo, ehi)
    with np.errstate(invalid="ignore", divide="ignore"):
        deff = var / vsrs
        cv = se / np.abs(theta)
    out = []
    for j in range(len(labels)):
        dom = {b: labels.at[j, key] for b, key in zip(spec_by, keys, strict=True)}
        if any(v == domains.MISSING for v in dom.values()) or N[j] == 0:
            continue
        out.append({"indicator": spec.code, "series": spec.series or "", "statistic": spec.statistic,
                    "by": ",".join(spec_by), **dom, "estimate": theta[j], "se": se[j], "ci_low": lo[j],
                    "ci_high": hi[j], "deff": deff[j], "df": df[j], "n": int(N[j]), "population": W[j],
                    "cv": cv[j], **{f"ci_{side}_{m}": v[i][j] for m, v in extra_ci.items()
                                    for i, side in enumerate(("low", "high"))}})
    return out


def _interval(method: str, statistic: str, theta: np.ndarray, var: np.ndarray, se: np.ndarray,
              se_eta: np.ndarray, n: np.ndarray, df: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """CI of one method for proportions; means, totals and ratios always get ``est -/+ t_df se``."""
    if statistic != "proportion" or method == "wald":
        return ci.wald(theta, se, df, level)
    if method == "logit":
        return ci.logit(theta, se_eta, df, level)
    if method == "korn-graubard":
        return ci.korn_graubard(theta, var, n, df, level)
    return ci.wilson(theta, var, df, level)


def _parity_row(p: Any, ind: IndicatorsSpec, r: float, v: float, df: float, n: float) -> dict:
    se = float(np.sqrt(v))
    lo, hi = ci.wald(np.array([r]), np.array([se]), np.array([df]), ind.level)
    series = next(i.series for i in ind.indicators if i.code == p.code)
    return {"indicator": f"{p.code}.parity", "series": f"{series}.parity" if series else "",
            "statistic": "parity", "by": p.by, p.by: f"{p.numerator}/{p.denominator}", "estimate": r, "se": se,
            "ci_low": lo[0], "ci_high": hi[0], "deff": np.nan, "df": df, "n": int(n), "population": np.nan,
            "cv": se / abs(r) if r else np.nan}


def _replicate(agg: pd.DataFrame, facs: pd.DataFrame, prep: domains.Prepared, design: DesignSpec,
               ind: IndicatorsSpec, design_file: str, step: Any, extra: tuple[str, ...]) -> list[dict]:
    spec_r = design.replicates
    assert spec_r is not None
    n_rep = len(prep.rep_cols)
    scale, rscales = replicate.scales(spec_r, n_rep, design_file)
    rcols = [f"_r{r}" for r in range(n_rep)]
    by_keys_all = [f"_b{i}" for i in range(len(prep.by))]
    rows: list[dict] = []
    for spec_by in ind.by:
        keys = [by_keys_all[prep.by.index(b)] for b in spec_by]
        if keys:
            g = agg.drop(columns=[c for c in by_keys_all if c not in keys]).groupby(keys, sort=True).sum()
            labels = g.index.to_frame(index=False)
            g = g.reset_index(drop=True)
        else:
            g = agg.drop(columns=by_keys_all).sum().to_frame().T
            labels = pd.DataFrame(index=[0])
        cell_of_fac = (facs[keys].merge(labels.reset_index(), on=keys, how="left")["index"].to_numpy()
                       if keys else np.zeros(len(facs), dtype=np.int64))
        fac_matrix = facs[rcols].to_numpy(dtype=float)
        thetas_by_k: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for k, spec in enumerate(ind.indicators):
            Y, W, N, Q = (g[f"{c}{k}"].to_numpy(dtype=float) for c in "YWNQ")
            X = g[f"X{k}"].to_numpy(dtype=float) if spec.statistic == "ratio" else None
            theta, _, vsrs = _stat_arrays(spec.statistic, Y, W, X, Q, N)
            YR = np.stack([g[f"Y{k}_{r}"].to_numpy(dtype=float) for r in range(n_rep)])
            WR = np.stack([g[f"W{k}_{r}"].to_numpy(dtype=float) for r in range(n_rep)])
            with np.errstate(invalid="ignore", divide="ignore"):
                if spec.statistic == "total":
                    th_r = YR
                elif spec.statistic == "ratio":
                    th_r = YR / np.stack([g[f"X{k}_{r}"].to_numpy(dtype=float) for r in range(n_rep)])
                else:
                    th_r = YR / WR
                var = replicate.variance(th_r, theta, scale, rscales, spec_r.mse)
                eta0 = np.log(theta / (1 - theta))
                eta_r = ci.irls_logit(th_r, eta0) if spec.statistic == "proportion" else th_r
                se_eta = np.sqrt(replicate.variance(eta_r, eta0, scale, rscales, spec_r.mse))
            member = facs[f"_u{k}"].to_numpy() > 0
            df = np.array([replicate.rank_df(fac_matrix[member & (cell_of_fac == j)])
                           for j in range(len(labels))], dtype=float)
            thetas_by_k[k] = (theta, th_r)
            U = g[f"U{k}"].to_numpy(dtype=float)
            rows += _rows(spec, spec_by, labels, keys, theta, var, vsrs, df, (N, U), W, se_eta, ind, extra)
        for p in ind.parity:
            if spec_by != [p.by]:
                continue
            k = [i.code for i in ind.indicators].index(p.code)
            jn, jd = _parity_cells(labels, keys[0], p)
            theta, th_r = thetas_by_k[k]
            with np.errstate(invalid="ignore", divide="ignore"):
                r = theta[jn] / theta[jd]
                v = replicate.variance(th_r[:, jn] / th_r[:, jd], np.array([r]), scale, rscales, spec_r.mse)[0]
            member = facs[f"_u{k}"].to_numpy() > 0
            n = g[f"N{k}"].to_numpy()[[jn, jd]].sum()
            rows.append(_parity_row(p, ind, r, v, replicate.rank_df(fac_matrix[member]), n))
        step()
    return rows


def estimate(microdata_path: Path | str, design: Path | str | dict, indicators: Path | str | dict,
             settings: Settings | None = None, *, backend: str | None = None, con: Any = None,
             progress: bool = False, extra_ci: tuple[str, ...] | list[str] = ()) -> pd.DataFrame:
    """Estimate every indicator for every domain; one row per indicator x domain (see VALUE_COLUMNS).

    ``microdata_path`` is a file or an Ibis table. ``design`` and ``indicators`` are YAML paths or dicts.
    ``backend`` is duckdb (default from settings) or pyspark; ``con`` reuses an Ibis connection.
    ``progress`` shows a rich progress bar. ``extra_ci`` adds ``ci_low_<method>``/``ci_high_<method>``
    columns for other interval methods.
    """
    settings = settings or get_settings()
    dspec, dfile = load_design(design)
    ispec, ifile = load_indicators(indicators)
    is_table = hasattr(microdata_path, "select")
    mfile = "<table>" if is_table else str(microdata_path)
    if is_table and con is None:
        con = microdata_path._find_backend()
    con = con or microdata.connect(backend or settings.compute_backend)
    bar = _progress(progress)
    with bar as pb:
        task = pb.add_task("survey estimates", total=2 + len(ispec.by)) if pb else None

        def step(_: Any = None) -> None:
            if pb:
                pb.advance(task)

        if is_table:
            table, info = microdata_path, {"format": "table", "labels": {}}
        else:
            table, info = microdata.open_table(microdata_path, con, dspec.input, dfile)
        rep_cols = (microdata.replicate_columns(dspec, list(table.columns), dfile)
                    if dspec.is_replicate else [])
        microdata.check_columns(table, dspec, dfile, ispec, ifile)
        try:
            _validate(table, dspec, ispec, rep_cols, mfile)
            step()
            prep = domains.prepare(table, dspec, ispec, rep_cols, info["labels"])
            if dspec.is_replicate:
                agg = domains.replicate_sums(prep)
                facs = domains.replicate_factor_rows(prep)
            else:
                agg = domains.taylor_sums(prep)
        except Exception as exc:  # the engine reads a CSV file again at each query and may fail late
            if is_table or isinstance(exc, WsisError) or info.get("format") != "csv":
                raise
            raise microdata.read_error(exc, mfile) from exc
        step()
        if dspec.is_replicate:
            rows = _replicate(agg, facs, prep, dspec, ispec, dfile, step, tuple(extra_ci))
        else:
            rows = _taylor(agg, prep, dspec, ispec, dfile, step, tuple(extra_ci))
    by_cols = ispec.by_columns()
    extra_cols = [f"ci_{side}_{m}" for m in extra_ci for side in ("low", "high")]
    out = pd.DataFrame(rows, columns=[*BASE_COLUMNS, *by_cols, *VALUE_COLUMNS[:-1], *extra_cols])
    for c in by_cols:
        out[c] = out[c].astype(object)
    out = disclosure.apply(out, by_cols, settings)
    read = {"format": info["format"]}
    if "csv" in info:
        read |= info["csv"].provenance()
        read["summary"] = info["csv"].summary()
    out.attrs["dimensions"] = {c: {"dimension": d.dimension, "values": d.values} for c, d in ispec.dimensions.items()}
    out.attrs["labels"] = {i.code: i.label or "" for i in ispec.indicators} | {
        f"{p.code}.parity": f"Parity score {p.numerator}/{p.denominator} ({p.by})" for p in ispec.parity}
    out.attrs["provenance"] = {"microdata": mfile if is_table else str(Path(mfile).resolve()), "design": dfile,
                               "indicators": ifile, "backend": con.name, "input": read}
    return out


def _progress(show: bool) -> Any:
    if not show:
        return nullcontext(None)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    TimeElapsedColumn(), transient=True)
