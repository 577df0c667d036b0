"""Benchmark: WSIS Monitor survey estimates vs svy, samplics and R survey (Taylor SEs, 8 indicators x 6 domains).

Usage: python benchmarks/survey.py [--persons 1000000] [--peers wsis,wsis-csv,svy,samplics,r] [--workdir DIR]

Generates a synthetic household survey (20 strata, ~2,000 PSUs per million persons, 8 ICT indicators)
as Parquet (and CSV for R and for `wsis-csv`, WSIS Monitor through its CSV front door with dialect
detection), runs each tool in its own process, prints seconds, peak memory and ratios.
A peer still running after 10 minutes is stopped and reported as skipped.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

INDICATORS = ["internet_use", "mobile_own", "computer_use", "hh_internet", "ict_skill", "online_banking",
              "social_media", "fixed_broadband"]
DOMAINS = [[], ["sex"], ["area"], ["age_group"], ["wealth_q"], ["sex", "area"]]
TIMEOUT = 600


def generate(path: Path, persons: int, seed: int = 1) -> None:
    """Write the synthetic survey to Parquet in chunks of PSUs (bounded memory)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    n_psu = max(40, persons // 500)
    per_psu = persons // n_psu
    writer = None
    chunk = 200
    for start in range(0, n_psu, chunk):
        psus = np.arange(start, min(start + chunk, n_psu))
        n = len(psus) * per_psu
        psu = np.repeat(psus, per_psu)
        stratum = psu % 20
        area = np.where(stratum < 10, "U", "R")
        w = np.repeat(rng.uniform(50, 400, len(psus)), per_psu) * rng.uniform(0.9, 1.1, n)
        age = rng.integers(5, 90, n)
        sex = np.where(rng.random(n) < 0.51, "F", "M")
        wealth = rng.integers(1, 6, n)
        eff = np.repeat(rng.normal(0, 0.5, len(psus)), per_psu)
        cols = {"stratum": stratum, "psu": psu, "hh": psu * 1000 + np.arange(n) % per_psu // 4, "w": w,
                "sex": sex, "area": area, "age_group": np.select([age < 15, age < 25, age < 55], ["05-14", "15-24",
                                                                                               "25-54"], "55+"),
                "wealth_q": wealth.astype(str)}
        for k, name in enumerate(INDICATORS):
            lin = 0.3 * k - 0.03 * (age - 35) + 0.4 * (area == "U") + 0.2 * wealth - 0.6 + eff
            y = (rng.random(n) < 1 / (1 + np.exp(-lin))).astype(float)
            y[rng.random(n) < 0.02] = np.nan
            cols[name] = y
        table = pa.table({k: pa.array(v, from_pandas=True) for k, v in cols.items()})  # NaN -> null
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    writer.close()


def run_wsis(path: str) -> int:
    from wsis.settings import Settings
    from wsis.survey.estimate import estimate

    design = {"ids": ["psu"], "strata": "stratum", "weights": "w", "nest": True}
    ind = {"indicators": [{"code": c, "variable": c} for c in INDICATORS], "by": DOMAINS}
    return len(estimate(path, design, ind, Settings()))


def run_svy(path: str) -> int:
    import polars as pl
    import svy

    sample = svy.Sample(pl.read_parquet(path), svy.Design(stratum="stratum", psu="psu", wgt="w"))
    n = 0
    for c in INDICATORS:
        for by in DOMAINS:
            res = sample.estimation.prop(c, by=by or None, drop_nulls=True)
            n += len(res) if isinstance(res, list) else 1
    return n


def run_samplics(path: str) -> int:
    import pandas as pd
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam

    df = pd.read_parquet(path)
    n = 0
    for c in INDICATORS:
        for by in DOMAINS:
            est = TaylorEstimator(PopParam.mean)
            dom = None if not by else df[by].astype(str).agg("-".join, axis=1) if len(by) > 1 else df[by[0]]
            est.estimate(y=df[c], samp_weight=df["w"], stratum=df["stratum"], psu=df["psu"], domain=dom,
                         remove_nan=True)
            n += 1
    return n


R_SCRIPT = r"""
suppressMessages(library(survey))
d <- read.csv(commandArgs(trailingOnly = TRUE)[1])
t0 <- proc.time()[["elapsed"]]
des <- svydesign(id = ~psu, strata = ~stratum, weights = ~w, data = d, nest = TRUE)
inds <- c({inds})
doms <- list(NULL, ~sex, ~area, ~age_group, ~wealth_q, ~sex + area)
n <- 0
for (v in inds) for (b in doms) {{
  f <- as.formula(paste0("~", v))
  if (is.null(b)) r <- svymean(f, des, na.rm = TRUE) else r <- svyby(f, b, des, svymean, na.rm = TRUE)
  n <- n + 1
}}
cat(sprintf('{{"seconds": %.3f, "rows": %d}}\n', proc.time()[["elapsed"]] - t0, n))
"""


WARM = {"wsis": "wsis.survey.estimate scipy.stats ibis.backends.duckdb",
        "wsis-csv": "wsis.survey.estimate scipy.stats ibis.backends.duckdb", "svy": "svy polars",
        "samplics": "samplics.estimation pandas"}


def _child(tool: str, path: str) -> None:
    import importlib

    for mod in WARM[tool].split():  # imports are not part of the timing
        importlib.import_module(mod)
    t0 = time.perf_counter()
    n = {"wsis": run_wsis, "wsis-csv": run_wsis, "svy": run_svy, "samplics": run_samplics}[tool](path)
    import resource

    print(json.dumps({"seconds": time.perf_counter() - t0, "rows": n,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def measure(tool: str, parquet: Path, csv: Path | None) -> dict:
    """Run one tool in a child process; seconds, peak RSS (MB), or the reason it was skipped."""
    if tool == "r":
        script = parquet.parent / "bench.R"
        script.write_text(R_SCRIPT.format(inds=", ".join(f'"{c}"' for c in INDICATORS)))
        cmd = ["Rscript", str(script), str(csv)]
    else:
        cmd = [sys.executable, __file__, "--child", tool, str(csv if tool == "wsis-csv" else parquet)]
    wrapper = ("import resource, subprocess, sys, time, json; t = time.perf_counter();"
               "p = subprocess.run(sys.argv[2:], capture_output=True, text=True, timeout=float(sys.argv[1]));"
               "print(json.dumps({'rc': p.returncode, 'wall': time.perf_counter() - t, 'out': p.stdout[-2000:],"
               "'err': p.stderr[-800:], 'peak_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))")
    try:
        p = subprocess.run([sys.executable, "-c", wrapper, str(TIMEOUT), *cmd], capture_output=True, text=True,
                           timeout=TIMEOUT + 30)
        res = json.loads(p.stdout.strip().splitlines()[-1])
    except (subprocess.TimeoutExpired, IndexError, json.JSONDecodeError) as exc:
        return {"skipped": f"over {TIMEOUT // 60} minutes or failed ({type(exc).__name__})"}
    if res["rc"] != 0:
        return {"skipped": f"failed: {res['err'].strip().splitlines()[-1] if res['err'].strip() else res['rc']}"}
    inner = json.loads(res["out"].strip().splitlines()[-1])  # seconds of estimation (R: after read.csv)
    return {"seconds": inner.get("seconds", res["wall"]), "wall": res["wall"], "peak_mb": res["peak_mb"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--peers", default="wsis,svy,samplics,r")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--child", nargs=2)
    args = ap.parse_args()
    if args.child:
        _child(*args.child)
        return
    work = Path(args.workdir or tempfile.mkdtemp(prefix="wsis-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    parquet = work / f"survey_{args.persons}.parquet"
    if not parquet.exists():
        t = time.perf_counter()
        generate(parquet, args.persons)
        print(f"generated {args.persons:,} persons in {time.perf_counter() - t:.1f}s -> {parquet}")
    peers = args.peers.split(",")
    csv = None
    if "r" in peers or "wsis-csv" in peers:
        csv = parquet.with_suffix(".csv")
        if not csv.exists():
            import duckdb

            duckdb.sql(f"COPY (SELECT * FROM '{parquet}') TO '{csv}' (HEADER)")
    results = {tool: measure(tool, parquet, csv) for tool in peers}
    base = results.get("wsis", {}).get("seconds")
    print(f"\n{args.persons:,} persons, {len(INDICATORS)} indicators x {len(DOMAINS)} domains, Taylor SEs")
    print(f"{'tool':<10}{'seconds':>10}{'peak MB':>10}{'x WSIS':>9}")
    for tool, r in results.items():
        if "skipped" in r:
            print(f"{tool:<10}  skipped: {r['skipped']}")
            continue
        ratio = f"{r['seconds'] / base:.1f}" if base else "-"
        print(f"{tool:<10}{r['seconds']:>10.2f}{r['peak_mb']:>10.0f}{ratio:>9}")


if __name__ == "__main__":
    main()
