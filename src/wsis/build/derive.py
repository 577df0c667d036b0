"""Derived observations in a build: ask compute for frames, write them into the release being built."""

from __future__ import annotations

import duckdb

from wsis.catalogue import Catalogue
from wsis.compute.pipeline import (
    Derived,
    aggregate_frames,
    bandwidth_frames,
    gap_frames,
    has_population,
    no_population_summary,
)
from wsis.release.store import insert_frame
from wsis.settings import Settings


def write_derived(con: duckdb.DuckDBPyConnection, derived: Derived) -> None:
    """Append every frame of a compute step to its table."""
    for table, frame in derived.tables.items():
        insert_frame(con, table, frame)


def derive_into(con: duckdb.DuckDBPyConnection, settings: Settings, catalogue: Catalogue) -> dict:
    """Derived country series, group aggregates, then the gaps (which read them), written into the release;
    returns the summary."""
    if not has_population(con):
        return no_population_summary()
    bw = bandwidth_frames(con)
    write_derived(con, bw)
    aggs = aggregate_frames(con, settings, catalogue)
    write_derived(con, aggs)
    gaps = gap_frames(con, settings, catalogue)
    write_derived(con, gaps)
    return bw.summary | aggs.summary | gaps.summary
