"""What publishing needs, put into the release at build time, with provenance.

- the frameworks (outcome-document paragraphs, action lines, WSIS–SDG matrix, GDC objectives, figures);
- the US-dollar exchange rates of the financial commitments (units of currency per dollar, with source);
- the map: projected country shapes (package data made from npm world-atlas) and small-island points;
- the names of derived (gap) indicators in the six languages, composed from the interface catalogues;
- precomputed tables that pages ask for on every first touch: the gap table, progress toward 2030, the
  2030 targets, each area's latest value per indicator, and the preferred observations sorted by area.

``publishables`` reads the data dir (while it is open); ``write_publishables`` writes the release.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from wsis.catalogue import Catalogue
from wsis.compute.gaps import gap_table
from wsis.compute.pipeline import gap_name_parts
from wsis.compute.progress import assess
from wsis.compute.targets import load_targets
from wsis.locale import gettext_for
from wsis.reference.areas import AreaReference
from wsis.reference.exchange_rates import RATES_FILE, load_exchange_rates
from wsis.reference.frameworks import FRAMEWORK_FILES, Frameworks, load_frameworks
from wsis.reference.geometry import island_points, packaged_world
from wsis.release.reader import Release
from wsis.release.store import insert_frame
from wsis.schema import LANGS, totals_where
from wsis.sources.base import sha256_file

ISLANDS_FILE = "gapminder_systema_globalis/ddf--entities--geo--country.csv"


@dataclass
class Publishables:
    """What the build reads from the data dir for publishing (the data dir is gone at serve time)."""

    frameworks: Frameworks | None
    points: dict[str, tuple[float, float]]
    files: list[dict[str, Any]] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    rates: pd.DataFrame | None = None


def _file_record(ddir: Path, rel: str) -> dict[str, Any]:
    p = ddir / rel
    return {"path": rel, "sha256": sha256_file(p), "size": p.stat().st_size}


def publishables(ddir: Path, areas: AreaReference) -> Publishables:
    """Frameworks and island points from a data dir; a data dir without the framework folder (e.g. a
    fetched mirror of one series) gives a release without frameworks, and the manifest says so."""
    notes: dict[str, str] = {}
    fw = None
    if all((ddir / f).is_file() for f in FRAMEWORK_FILES):
        fw = load_frameworks(ddir.resolve())
    else:
        missing = [f for f in FRAMEWORK_FILES if not (ddir / f).is_file()]
        notes["frameworks"] = "not in this release: the data dir lacks " + ", ".join(missing)
    points = island_points(ddir)
    if not points:
        notes["island_points"] = f"not in this release: the data dir lacks {ISLANDS_FILE}"
    rates = load_exchange_rates(ddir)
    if rates.empty:
        notes["exchange_rates"] = f"not in this release: the data dir lacks {RATES_FILE}"
    files = [_file_record(ddir, f) for f in (*FRAMEWORK_FILES, ISLANDS_FILE, RATES_FILE) if (ddir / f).is_file()]
    return Publishables(fw, points, files, notes, rates)


def _documents(extra: Publishables) -> pd.DataFrame:
    world, source = packaged_world()
    docs: dict[str, Any] = {"map.geometry": {"height": world.height, "shapes": world.shapes}, "map.source": source}
    if extra.frameworks is not None:
        docs |= {f"framework.{k}": v for k, v in extra.frameworks.to_parts().items()}
    return pd.DataFrame([{"name": k, "body": json.dumps(v, ensure_ascii=False, separators=(",", ":"), default=str)}
                         for k, v in docs.items()])


def gap_names(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Names of the derived gap indicators in every language but English: "<base name>: <gap kind>", the
    base name from the release's translations and the kind words from the interface's gettext catalogue."""
    derived = [r[0] for r in con.execute("SELECT INDICATOR FROM indicators WHERE derived").fetchall()]
    english = dict(con.execute("SELECT INDICATOR, name FROM indicators").fetchall())
    rows = []
    for lang in LANGS:
        if lang == "en":
            continue
        _ = gettext_for(lang)
        names = english | dict(con.execute("SELECT INDICATOR, name FROM indicator_names WHERE lang = ?",
                                           [lang]).fetchall())
        for code in derived:
            parts = gap_name_parts(code)
            if parts and parts[0] in names:
                rows.append({"INDICATOR": code, "lang": lang,
                             "name": _("{name}: {kind}").format(name=names[parts[0]], kind=_(parts[1]))})
    return pd.DataFrame(rows, columns=["INDICATOR", "lang", "name"])


def _targets_frame() -> pd.DataFrame:
    return pd.DataFrame([t.model_dump() for t in load_targets()])


def write_publishables(con: duckdb.DuckDBPyConnection, extra: Publishables, catalogue: Catalogue) -> dict:
    """Write the frameworks, the map, gap names and the precomputed tables; returns the manifest section."""
    steps: dict[str, float] = {}
    t0 = last = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        steps[name] = round(now - last, 3)
        last = now

    insert_frame(con, "documents", _documents(extra))
    if extra.frameworks is not None:
        insert_frame(con, "sdg_titles", extra.frameworks.sdg)
        insert_frame(con, "wsis_sdg_matrix", extra.frameworks.matrix)
    insert_frame(con, "map_points", pd.DataFrame([{"iso3": k, "x": round(x), "y": round(y)}
                                                  for k, (x, y) in sorted(extra.points.items())]))
    insert_frame(con, "exchange_rates", extra.rates)
    lap("documents")
    names = gap_names(con)
    con.execute("DELETE FROM indicator_names WHERE INDICATOR IN (SELECT INDICATOR FROM indicators WHERE derived)")
    insert_frame(con, "indicator_names", names)
    lap("names")

    building = Release.over(con)
    insert_frame(con, "gap_table", gap_table(building))
    insert_frame(con, "targets", _targets_frame())
    lap("gaps")
    has_targets = con.execute("SELECT count(*) FROM preferred WHERE INDICATOR IN (SELECT indicator FROM targets)")
    if has_targets.fetchone()[0]:
        insert_frame(con, "progress", assess(building))
    lap("progress")
    # Per-area slices: each area's latest total per indicator, and the preferred rows sorted by area so that
    # a query for one area reads a few row groups instead of the whole table.
    con.execute(f"""INSERT INTO area_latest SELECT REF_AREA, INDICATOR, max(TIME_PERIOD),
        arg_max(OBS_VALUE, TIME_PERIOD), min(TIME_PERIOD), arg_min(OBS_VALUE, TIME_PERIOD), count(*)
        FROM preferred WHERE {totals_where()} GROUP BY ALL ORDER BY REF_AREA, INDICATOR""")
    con.execute("CREATE TABLE preferred_by_area AS SELECT * FROM preferred ORDER BY REF_AREA, INDICATOR, TIME_PERIOD")
    lap("area slices")
    return {"frameworks": extra.frameworks is not None, "files": extra.files,
            "map": {"geometry": "package data wsis/reference/world_map.json", "made_from": packaged_world()[1],
                    "island_points": len(extra.points)},
            "derived_names": int(len(names)), "notes": extra.notes,
            "exchange_rates": 0 if extra.rates is None else int(len(extra.rates)),
            "seconds": round(time.perf_counter() - t0, 3), "seconds_by_step": steps}
