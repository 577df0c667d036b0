"""Group aggregates of a release: inputs (country values, memberships, population weights), optional
imputation, the Ibis computation, and the derived observation rows stored back in the release.

Groups: the world, M49 regions, sub-regions and intermediate regions, ITU regions, World Bank income
groups and regions, LDC, LLDC and SIDS. Income groups use the current classification for the whole series
(as the World Bank does) unless ``Settings.income_classification == "historical"``: then each data year Y
uses the classification in force from July of Y (fiscal year Y+1, based on GNI of Y-1), clamped to the
first and last fiscal years on record.
"""

from __future__ import annotations

import duckdb
import ibis
import numpy as np
import pandas as pd

from wsis.catalogue import Catalogue
from wsis.compute import rules as own_rules
from wsis.compute.engine import DIMS, RULES, aggregate
from wsis.errors import WsisError
from wsis.settings import Settings

GROUP_TYPES = ("world", "m49_region", "m49_subregion", "m49_intermediate", "itu_region", "income", "un_group",
               "wb_region")
POP = "SP_POP_TOTL"
AGG_DATASET = "wsis:derived/aggregates"
# The population-weighted variant of index scores (catalogue `variants`), kept apart from the main rule.
AGG_POPW_DATASET = "wsis:derived/aggregates_popw"
IMPUTE_MODES = ("none", "interpolate", "nearest", "both")


def impute(values: pd.DataFrame, mode: str = "interpolate", max_years: int = 3) -> pd.DataFrame:
    """Fill missing country-years of each series, flagged ``imputed``.

    ``interpolate``: linear between two observed years at most ``max_years`` apart in the gap;
    ``nearest``: copy the nearest observed year within ``max_years`` (also past the ends of a series);
    ``both``: interpolate inside, then nearest at the ends. ``none`` returns the input.
    """
    if mode not in IMPUTE_MODES:
        raise WsisError("bad-setting", f"unknown imputation mode {mode!r}", column="impute",
                        expected=" | ".join(IMPUTE_MODES))
    if mode == "none" or values.empty or max_years <= 0:
        return values
    key = ["INDICATOR", "iso3", *DIMS]
    obs = values[~values["imputed"].astype(bool)].reset_index(drop=True)
    sid, uniq = pd.MultiIndex.from_frame(obs[key].astype(object)).factorize()
    years = np.arange(int(obs["year"].min()), int(obs["year"].max()) + 1)
    grid = np.full((len(years), len(uniq)), np.nan)
    grid[obs["year"].to_numpy(dtype="int64") - years[0], sid] = obs["value"].to_numpy(dtype="float64")
    wide = pd.DataFrame(grid, index=years)
    filled = wide
    if mode in ("interpolate", "both"):
        filled = wide.interpolate(limit_area="inside", limit=max_years)
        # a gap longer than max_years is not filled at all (interpolate fills its first years only)
        filled = filled.where(~(wide.isna() & (_gap_lengths(wide) > max_years)), np.nan)
    if mode in ("nearest", "both"):
        fwd, back = filled.ffill(limit=max_years), filled.bfill(limit=max_years)
        near = fwd.where(_distance(filled, True) <= _distance(filled, False), back).fillna(fwd).fillna(back)
        filled = filled.fillna(near)
    new = filled.where(wide.isna()).to_numpy()
    yi, si = np.nonzero(~np.isnan(new))
    if len(yi) == 0:
        return values
    add = uniq[si].to_frame(index=False)
    add.columns = key
    add["year"] = years[yi].astype("int64")
    add["value"] = new[yi, si]
    add["imputed"] = True
    first_ds = obs.groupby(sid)["DATASET_ID"].first()
    add["DATASET_ID"] = first_ds.reindex(si).to_numpy()
    return pd.concat([values, add[values.columns]], ignore_index=True)


def _runs(na: np.ndarray, forward: bool) -> np.ndarray:
    """Per cell, how many consecutive True cells end here (scanning forward) or start here (backward)."""
    out = np.zeros(na.shape, dtype="float64")
    rows = range(na.shape[0]) if forward else range(na.shape[0] - 1, -1, -1)
    prev = np.zeros(na.shape[1], dtype="float64")
    for t in rows:
        prev = (prev + 1) * na[t]
        out[t] = prev
    return out


def _gap_lengths(wide: pd.DataFrame) -> pd.DataFrame:
    """For each missing cell, the length of the run of missing years it belongs to (0 when observed)."""
    na = wide.isna().to_numpy()
    length = np.where(na, _runs(na, True) + _runs(na, False) - 1, 0)
    return pd.DataFrame(length, index=wide.index, columns=wide.columns)


def _distance(wide: pd.DataFrame, forward: bool) -> pd.DataFrame:
    """Years to the nearest observed cell before (forward=True) or after each cell (inf when none)."""
    na = wide.isna().to_numpy()
    d = _runs(na, forward)
    # a run that touches the start (forward) or end (backward) of the table has no observed neighbour
    edge = np.zeros(na.shape, dtype=bool)
    rows = range(na.shape[0]) if forward else range(na.shape[0] - 1, -1, -1)
    still = np.ones(na.shape[1], dtype=bool)
    for t in rows:
        still = still & na[t]
        edge[t] = still
    d[edge] = np.inf
    return pd.DataFrame(d, index=wide.index, columns=wide.columns)


def _in(values: list | tuple) -> str:
    return ",".join("?" * len(values))


def prepare_inputs(con: duckdb.DuckDBPyConnection, settings: Settings, indicators: list[str],
                   datasets: list[str] | None = None, impute_mode: str | None = None,
                   group_types: tuple[str, ...] = GROUP_TYPES) -> dict[str, str]:
    """Create the three engine inputs as temporary DuckDB tables; returns their names.

    ``_wsis_values`` (country values, imputed rows added when imputation is on), ``_wsis_members``
    (group, iso3, year) and ``_wsis_weights`` (iso3, year, pop; years outside a country's population
    series use its nearest year on record).
    """
    where = ["a.kind = 'country'", "o.OBS_VALUE IS NOT NULL", f"o.INDICATOR IN ({_in(indicators)})"]
    params: list = list(indicators)
    src = "preferred"
    if datasets:
        src = "observations"
        where.append(f"o.DATASET_ID IN ({_in(datasets)})")
        params += list(datasets)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _wsis_values AS SELECT o.INDICATOR, o.REF_AREA AS iso3, "
        f"CAST(o.TIME_PERIOD AS BIGINT) AS year, {', '.join('o.' + d for d in DIMS)}, o.OBS_VALUE AS value, "
        f"FALSE AS imputed, o.DATASET_ID FROM {src} o JOIN areas a ON a.code = o.REF_AREA "
        f"WHERE {' AND '.join(where)}", params)
    mode = impute_mode or settings.impute
    if mode != "none":
        obs = con.execute("SELECT * FROM _wsis_values").df()
        filled = impute(obs, mode, settings.impute_max_years)
        add = filled[filled["imputed"]]
        if len(add):
            con.register("_wsis_add", add)
            con.execute("INSERT INTO _wsis_values SELECT * FROM _wsis_add")
            con.unregister("_wsis_add")
    con.execute("CREATE OR REPLACE TEMP TABLE _wsis_years AS SELECT DISTINCT year FROM _wsis_values")
    # population weights, clamped to each country's first/last year on record
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _wsis_pop AS
        SELECT o.REF_AREA AS iso3, CAST(o.TIME_PERIOD AS BIGINT) AS year, o.OBS_VALUE AS pop FROM preferred o
        JOIN areas a ON a.code = o.REF_AREA
        WHERE a.kind = 'country' AND o.INDICATOR = '{POP}' AND o.SEX = '_T' AND o.AGE = '_T'
          AND o.URBANISATION = '_T' AND o.OBS_VALUE IS NOT NULL""")
    if con.execute("SELECT count(*) FROM _wsis_pop").fetchall()[0][0] == 0:
        raise WsisError("no-population", "the release has no population series to weight aggregates",
                        column="INDICATOR", expected=POP, hint="the data dir needs wdi/population_SP.POP.TOTL_*.csv")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _wsis_weights AS
        WITH r AS (SELECT iso3, min(year) lo, max(year) hi FROM _wsis_pop GROUP BY iso3)
        SELECT r.iso3, y.year, p.pop FROM r CROSS JOIN _wsis_years y
        JOIN _wsis_pop p ON p.iso3 = r.iso3 AND p.year = greatest(least(y.year, r.hi), r.lo)""")
    classification = settings.income_classification
    if classification not in ("current", "historical"):
        raise WsisError("bad-setting", f"unknown income classification {classification!r}",
                        column="income_classification", expected="current | historical")
    types = list(group_types)
    excl = " AND a.group_type <> 'income'" if classification == "historical" else ""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _wsis_members AS
        SELECT m."group", m.iso3, y.year FROM group_members m JOIN areas a ON a.code = m."group"
        CROSS JOIN _wsis_years y WHERE a.group_type IN ({_in(types)}){excl}""", types)
    if classification == "historical" and "income" in group_types:
        con.execute("""
            INSERT INTO _wsis_members
            WITH b AS (SELECT min(fiscal_year) lo, max(fiscal_year) hi FROM income_history)
            SELECT h."group", h.iso3, y.year FROM _wsis_years y CROSS JOIN b
            JOIN income_history h ON h.fiscal_year = greatest(least(y.year + 1, b.hi), b.lo)""")
    return {"values": "_wsis_values", "members": "_wsis_members", "weights": "_wsis_weights"}


def ibis_backend(con: duckdb.DuckDBPyConnection | None = None, backend: str = "duckdb"):
    """An Ibis backend: DuckDB (on the given connection, or in memory) or PySpark (local session)."""
    if backend == "duckdb":
        return ibis.duckdb.from_connection(con) if con is not None else ibis.duckdb.connect()
    if backend == "pyspark":
        try:
            from pyspark.sql import SparkSession
        except ModuleNotFoundError as exc:
            raise WsisError("no-spark", "the PySpark backend is not installed", column="compute_backend",
                            expected="duckdb, or install the [spark] extra") from exc
        import tempfile

        warehouse = tempfile.mkdtemp(prefix="wsis-spark-")  # never write spark-warehouse/ into the cwd
        session = (SparkSession.builder.master("local[1]").appName("wsis-compute")
                   .config("spark.sql.shuffle.partitions", "2").config("spark.default.parallelism", "1")
                   .config("spark.ui.enabled", "false").config("spark.sql.warehouse.dir", warehouse)
                   .config("spark.sql.session.timeZone", "UTC").getOrCreate())
        return ibis.pyspark.connect(session)
    raise WsisError("bad-setting", f"unknown compute backend {backend!r}", column="compute_backend",
                    expected="duckdb | pyspark")


def load_frames(backend, values: pd.DataFrame, members: pd.DataFrame, weights: pd.DataFrame) -> dict:
    """Put pandas inputs into a backend as tables (for PySpark, or tests); returns the Ibis tables."""
    v = values[["INDICATOR", "iso3", "year", *DIMS, "value", "imputed"]].copy()
    v["imputed"] = v["imputed"].astype(bool)
    v["value"] = v["value"].astype("float64")
    for f in (v, members, weights):
        f["year"] = f["year"].astype("int64")
    w = weights[["iso3", "year", "pop"]].copy()
    w["pop"] = w["pop"].astype("float64")
    m = members[["group", "iso3", "year"]]
    frames = {"values": v, "members": m, "weights": w}
    if getattr(backend, "name", "") == "pyspark":  # temporary views: nothing written to a warehouse
        session = backend._session
        out = {}
        for k, f in frames.items():
            f = f.astype({c: object for c in f.columns if f[c].dtype == "str" or f[c].dtype == object})
            session.createDataFrame(f).createOrReplaceTempView(f"wsis_{k}")
            out[k] = backend.table(f"wsis_{k}")
        return out
    return {k: backend.create_table(f"wsis_{k}", f, overwrite=True, temp=True) for k, f in frames.items()}


def compute_aggregates(con: duckdb.DuckDBPyConnection, settings: Settings, catalogue: Catalogue,
                       indicators: list[str] | None = None, datasets: list[str] | None = None,
                       impute_mode: str | None = None, group_types: tuple[str, ...] = GROUP_TYPES,
                       backend: str | None = None) -> pd.DataFrame:
    """Every group aggregate of a release connection, unfiltered by coverage (the caller applies it)."""
    rules = {code: ind.aggregation for code, ind in catalogue.indicators.items()}
    wanted = [i for i in (indicators or list(rules)) if i in rules]
    names = prepare_inputs(con, settings, wanted, datasets, impute_mode, group_types)
    present = [r[0] for r in con.execute("SELECT DISTINCT INDICATOR FROM _wsis_values").fetchall()]
    if not present:
        return pd.DataFrame()
    which = backend or settings.compute_backend
    if which == "duckdb":
        be = ibis_backend(con, "duckdb")
        tables = {k: be.table(n) for k, n in names.items()}
    else:
        frames = {k: con.execute(f"SELECT * FROM {n}").df() for k, n in names.items()}
        be = ibis_backend(None, which)
        tables = load_frames(be, frames["values"], frames["members"], frames["weights"])
    out = aggregate(tables["values"], tables["members"], tables["weights"],
                    {k: rules[k] for k in present if rules[k] in RULES})
    out["dataset"] = AGG_DATASET
    own = _own_rule_aggregates(con, names, catalogue, present)
    if len(own):
        own["dataset"] = own["dataset"].fillna(AGG_DATASET) if "dataset" in own else AGG_DATASET
        out = pd.concat([out, own], ignore_index=True)
    used = con.execute("SELECT INDICATOR, string_agg(DISTINCT DATASET_ID, ';' ORDER BY DATASET_ID) "
                       "FROM _wsis_values GROUP BY 1").fetchall()
    out["derived_from"] = out["INDICATOR"].map(dict(used))
    for n in ("_wsis_values", "_wsis_members", "_wsis_weights", "_wsis_pop", "_wsis_years"):
        con.execute(f"DROP TABLE IF EXISTS {n}")
    return out


def _own_rule_aggregates(con: duckdb.DuckDBPyConnection, names: dict[str, str], catalogue: Catalogue,
                         present: list[str]) -> pd.DataFrame:
    """Group values of the series whose rule is not an engine rule (ratio, share_yes, distinct_events)."""
    inds = {k: catalogue.indicators[k] for k in catalogue.indicators}
    ratio = {k: (i.ratio_of[0], i.ratio_of[1], i.scale) for k, i in inds.items()
             if i.aggregation == "ratio" and len(i.ratio_of) == 2 and i.ratio_of[0] in present}
    yes = [k for k in present if inds[k].aggregation == "share_yes"]
    events = [k for k in present if inds[k].aggregation == "distinct_events"]
    popw = [k for k in present if "popw_mean" in inds[k].variants]
    if not (ratio or yes or events or popw):
        return pd.DataFrame()
    # only the series these rules read, their years, and the memberships and weights of those years
    codes = sorted({c for n, d, _ in ratio.values() for c in (n, d)} | set(yes) | set(popw))
    v, m, w = names["values"], names["members"], names["weights"]
    values = con.execute(f"SELECT * FROM {v} WHERE NOT imputed AND INDICATOR IN ({_in(codes)})", codes).df()
    yrs = f"year IN (SELECT DISTINCT year FROM {v} WHERE INDICATOR IN ({_in(codes)}))"
    members = con.execute(f"SELECT * FROM {m} WHERE {yrs}", codes).df()
    weights = con.execute(f"SELECT * FROM {w} WHERE {yrs}", codes).df()
    tot = own_rules.group_totals(members, weights)
    parts = [own_rules.ratio_aggregates(values, members, weights, ratio, tot),
             own_rules.share_yes(values, members, weights, yes, tot),
             own_rules.popw_mean(values, members, weights, popw, tot).assign(dataset=AGG_POPW_DATASET)]
    if events:
        current = con.execute(f'SELECT DISTINCT "group", iso3 FROM {m}').df()
        for code in events:
            ds = [r[0] for r in con.execute("SELECT DISTINCT DATASET_ID FROM preferred WHERE INDICATOR = ?",
                                            [code]).fetchall()]
            parts.append(own_rules.distinct_events(con, current, code, ds))
    parts = [p for p in parts if len(p)]
    return own_rules.finite(pd.concat(parts, ignore_index=True)) if parts else pd.DataFrame()


def to_observations(aggs: pd.DataFrame, catalogue: Catalogue, threshold: float,
                    classification: str, pop_dataset: str | None) -> pd.DataFrame:
    """Aggregates at or above the coverage threshold, as rows of the ``observations`` table."""
    a = aggs[(aggs["coverage"] >= threshold - 1e-12) & aggs["value"].notna()]
    units = {c: i.unit for c, i in catalogue.indicators.items()}
    weighted = a["rule"].isin(["popw_mean", "per100", "sum", "ratio"])
    src = a["derived_from"].fillna("")
    if pop_dataset:
        src = src.where(~weighted, src + ";" + pop_dataset)
    out = pd.DataFrame({
        "DATASET_ID": a.get("dataset", AGG_DATASET), "INDICATOR": a["INDICATOR"],
        "REF_AREA": a["group"],
        "TIME_PERIOD": a["year"].astype("int32"),
        **{d: a[d] for d in DIMS},
        "OBS_VALUE": a["value"].astype("float64"),
        # a share of yes answers is a percentage, whatever the unit of the country answers
        "UNIT_MEASURE": a["INDICATOR"].map(units).where(a["rule"] != "share_yes", "PT"), "UNIT_MULT": 0,
        "OBS_STATUS": np.where(a["n_imputed"] > 0, "E", "A"), "NATURE": "C",
        "SOURCE_DETAIL": "WSIS Monitor group aggregate",
        "COMMENT_OBS": ("countries with data: " + a["n"].astype(str) + " (imputed " + a["n_imputed"].astype(str)
                        + "); income groups: " + classification + " classification"),
        "SE": np.nan, "CI_LOW": np.nan, "CI_HIGH": np.nan,
        "METHOD": a["rule"], "COVERAGE": a["coverage"].round(6), "DERIVED_FROM": src.str.strip(";"),
        "SOURCE_ROW": pd.array([pd.NA] * len(a), dtype="Int64"), "SOURCE_COLUMN": None,
    })
    return out.reset_index(drop=True)


def aggregates(release, indicator: str | None = None, area: str | None = None,
               year: int | None = None) -> pd.DataFrame:
    """Accessor for the web app and report: the published group aggregates of a release."""
    df = release.observations(indicator=indicator, areas=[area] if area else None,
                              years=[year] if year else None, datasets=[AGG_DATASET], all_vintages=True)
    return df.rename(columns={"REF_AREA": "area", "TIME_PERIOD": "year", "OBS_VALUE": "value"})
