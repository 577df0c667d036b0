"""Time the compute layer over the full release: aggregates, gaps, progress, fact-check (goal <= 5 s).

Usage: ``python benchmarks/compute.py`` (builds no release: it copies the current one, derives again on the
copy and times each step). Prints seconds; asserts nothing.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb


def main() -> None:
    from wsis.build import derive_into
    from wsis.catalogue import load_catalogue
    from wsis.compute.aggregates import compute_aggregates, to_observations
    from wsis.compute.figures import fact_check
    from wsis.compute.gaps import gap_table
    from wsis.compute.progress import assess
    from wsis.compute.validation import wb_validation
    from wsis.release.reader import open_release
    from wsis.settings import get_settings

    settings = get_settings()
    rel = open_release(None, settings)
    cat = load_catalogue()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "release.duckdb"
        shutil.copy(rel.db_path, db)
        db.chmod(0o644)
        con = duckdb.connect(str(db))
        con.execute("DELETE FROM observations WHERE DATASET_ID LIKE 'wsis:derived/%'")
        con.execute("DELETE FROM datasets WHERE provider = 'wsis'")
        con.execute("DELETE FROM provider_rank WHERE provider = 'wsis'")
        con.execute("DELETE FROM indicators WHERE derived")
        timings = {}
        t = time.perf_counter()
        aggs = compute_aggregates(con, settings, cat)
        timings["aggregates (all indicators, groups, years)"] = time.perf_counter() - t
        t = time.perf_counter()
        to_observations(aggs, cat, settings.coverage_threshold, settings.income_classification, None)
        timings["to observation rows"] = time.perf_counter() - t
        t = time.perf_counter()
        summary = derive_into(con, settings, cat)
        timings["derive() hook: aggregates + gaps + inserts"] = time.perf_counter() - t
        con.close()
    for label, fn in (("gap_table", lambda: gap_table(rel)),
                      ("progress, all areas, method unsd", lambda: assess(rel, method="unsd")),
                      ("progress KEN, all methods", lambda: assess(rel, area="KEN", method="all")),
                      ("fact_check", lambda: fact_check(rel, settings.data_dir)),
                      ("WB validation (interpolate)", lambda: wb_validation(settings.data_dir))):
        t = time.perf_counter()
        fn()
        timings[label] = time.perf_counter() - t
    print(f"release {rel.id}: {summary['aggregates']} aggregates, {summary['gaps']} gap rows")
    for k, v in timings.items():
        print(f"{v:8.2f} s  {k}")
    print(f"{timings['derive() hook: aggregates + gaps + inserts']:8.2f} s  TOTAL build-time compute (goal <= 5 s)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
