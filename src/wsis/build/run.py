"""``wsis build``: read the data dir, check it, compute, and publish a new immutable release atomically.

The release is written into a temporary folder beside the others; only when everything succeeded is the
folder renamed to its id and the ``current`` pointer switched by ``os.replace``. A failure or a SIGKILL at
any point leaves the previous release published and untouched.

Everything publishing needs goes in (frameworks, names, map geometry, precomputed tables, see
``wsis.build.publishing``), so the dashboard and the report never read the data dir.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pandas as pd
from rich.progress import Progress

from wsis import __version__
from wsis.build.derive import derive_into
from wsis.build.publishing import publishables, write_publishables
from wsis.catalogue import Catalogue, load_catalogue
from wsis.checks import CheckContext, Finding, run_checks
from wsis.checks.base import quarantine
from wsis.errors import WsisError
from wsis.reference import load_areas
from wsis.reference.areas import AreaReference
from wsis.release.schema import PREFERRED_VIEW, TABLES_DDL
from wsis.release.store import clean_stale, insert_frame, releases_dir, switch_current
from wsis.schema import OBS_COLUMNS, TRACE
from wsis.settings import Settings, get_settings
from wsis.sources.base import Provenance, SourceData, read_source_kinds, sha256_file
from wsis.sources.mirror import open_data_dir
from wsis.sources.registry import dataset_id_for, discover, read_source
from wsis.sources.sdg import read_local


@contextlib.contextmanager
def _data_dir(path: Path):
    """A folder as is, or a packed mirror (``.tar.zst``) opened by the mirror module."""
    if path.is_file():
        with open_data_dir(path) as d:
            yield Path(d)
    else:
        if not path.is_dir():
            raise WsisError("no-data-dir", "data dir not found", file=str(path),
                            hint="set WSIS_DATA_DIR or pass --data-dir")
        yield path


def read_all(data_dir: Path, settings: Settings, catalogue: Catalogue, areas: AreaReference,
             progress: bool = False) -> tuple[list[SourceData], dict[str, str]]:
    """Read every recognised file of the data dir and the local datasets under ``<home>/local``."""
    files, skipped = discover(data_dir, catalogue)
    prov_file = data_dir / "fetch_provenance.json"
    fetched = json.loads(prov_file.read_text(encoding="utf-8")).get("files", {}) if prov_file.exists() else {}
    kinds = read_source_kinds(data_dir)
    out: list[SourceData] = []
    # pandas parses with the GIL released, so two threads keep both cores of a small machine busy.
    with Progress(disable=not progress, transient=True) as bar, ThreadPoolExecutor(max_workers=2) as pool:
        task = bar.add_task("reading sources", total=len(files))
        futures = []
        for path, prov, spec in files:
            rel = path.relative_to(data_dir).as_posix()
            futures.append(pool.submit(read_source, path, prov, spec, catalogue, areas, rel, fetched.get(rel),
                                       kinds.get(rel)))
        for fut in futures:  # in file order, so the first error reported is deterministic
            out.append(fut.result())
            bar.update(task, advance=1, description=f"read {out[-1].provenance.path[:50]}")
    local = Path(settings.home) / "local"
    if local.is_dir():
        prov = catalogue.providers["local"]
        for path in sorted(local.glob("*.csv")):
            rel = f"local/{path.name}"
            did = dataset_id_for("local", rel)
            frame, meta = read_local(path, did)
            out.append(SourceData(Provenance(
                dataset_id=did, provider="local", adapter="local", publisher=meta.get("publisher", prov.publisher),
                title=meta.get("title", path.stem), licence=meta.get("licence", prov.licence), path=str(path),
                sha256=sha256_file(path), size=path.stat().st_size, vintage=str(meta.get("vintage", "local")),
                source_kind="local"),
                frame))
    return out, skipped


def _release_id(inputs: list[SourceData]) -> str:
    h = hashlib.sha256("".join(sorted(s.provenance.sha256 for s in inputs)).encode()).hexdigest()[:8]
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")[:-4] + "-" + h


def check_inputs(sources: list[SourceData], catalogue: Catalogue, areas: AreaReference) -> tuple[pd.DataFrame, list[Finding]]:
    """Combine the observations and run the quality checks."""
    # shallow copies without attrs: pandas compares the inputs' attrs on concat, and adapters keep
    # frames (events) and lists (findings) there
    frames = [s.frame.copy(deep=False) for s in sources if len(s.frame)]
    for f in frames:
        f.attrs = {}
    obs = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*OBS_COLUMNS, *TRACE])
    paths = {s.provenance.dataset_id: s.provenance.path for s in sources}
    ctx = CheckContext(catalogue, areas, paths)
    obs, findings = quarantine(obs, run_checks(obs, ctx), ctx, catalogue.known_issues)
    # findings an adapter reports itself (unmatched country names, duplicated rows kept once)
    for s in sources:
        for f in s.frame.attrs.get("findings") or []:
            findings.append(Finding(**f, dataset_id=s.provenance.dataset_id, file=s.provenance.path))
    return obs, findings


def build_release(settings: Settings | None = None, data_dir: Path | None = None, progress: bool = False) -> dict:
    """Build and publish a release; returns its manifest. Errors leave the current release as it was."""
    settings = settings or get_settings()
    catalogue = load_catalogue()
    with _data_dir(Path(data_dir or settings.data_dir)) as ddir:
        areas = load_areas(ddir.resolve())
        sources, skipped = read_all(ddir, settings, catalogue, areas, progress)
        obs, findings = check_inputs(sources, catalogue, areas)
        extra = publishables(ddir, areas)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        err = errors[0].to_error()
        if len(errors) > 1:
            err.hint = f"and {len(errors) - 1} more error(s); run `wsis check` for all"
        raise err

    root = releases_dir(settings)
    root.mkdir(parents=True, exist_ok=True)
    clean_stale(settings)
    rid = _release_id(sources)
    tmp = Path(tempfile.mkdtemp(prefix=f".build-{os.getpid()}-", dir=root))
    tmp.chmod(0o755)  # mkdtemp makes 0700; a server running as another user must read the release
    db = tmp / "release.duckdb"
    con = duckdb.connect(str(db))
    try:
        _write_tables(con, obs, sources, catalogue, areas, findings, rid)
        con.execute(PREFERRED_VIEW)
        derived = derive_into(con, settings, catalogue)
        # A release never changes, so the preferred vintages are materialised once, sorted for fast lookups.
        con.execute("CREATE TABLE preferred_t AS SELECT * FROM preferred ORDER BY INDICATOR, REF_AREA, TIME_PERIOD")
        con.execute("DROP VIEW preferred")
        con.execute("ALTER TABLE preferred_t RENAME TO preferred")
        published = write_publishables(con, extra, catalogue)
        counts = con.execute("SELECT DATASET_ID, INDICATOR, count(*) FROM observations GROUP BY ALL ORDER BY ALL").fetchall()
        n_obs = con.execute("SELECT count(*) FROM observations").fetchone()[0]
        con.execute("CHECKPOINT")
    finally:
        con.close()
    manifest = {
        "release_id": rid,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "code_version": __version__,
        "settings": {"coverage_threshold": settings.coverage_threshold,
                     "income_classification": settings.income_classification},
        "reference_editions": areas.editions,
        "observations": int(n_obs),
        "derived": derived,
        "publishing": published,
        "datasets": [s.provenance.as_dict() | {"rows": len(s.frame), "skipped": s.skipped} for s in sources],
        "not_loaded": skipped,
        "counts": [{"dataset_id": d, "indicator": i, "rows": int(n)} for d, i, n in counts],
        "findings_summary": {sev: sum(1 for f in findings if f.severity == sev) for sev in ("error", "warning", "info")},
        "findings": [f.as_dict() for f in findings],
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    for f in (db, tmp / "manifest.json"):
        with open(f, "rb") as fh:
            os.fsync(fh.fileno())
        f.chmod(0o444)  # immutable, and readable by a server running as another user
    final = root / rid
    os.replace(tmp, final)
    switch_current(settings, rid)
    return manifest


def _write_tables(con, obs, sources, catalogue, areas, findings, rid) -> None:
    for ddl in TABLES_DDL:
        con.execute(ddl)
    obs = obs[[*OBS_COLUMNS, *TRACE]].copy()
    obs["UNIT_MULT"] = pd.to_numeric(obs["UNIT_MULT"], errors="coerce").fillna(0).astype("int32")
    obs["SOURCE_ROW"] = pd.to_numeric(obs["SOURCE_ROW"], errors="coerce").astype("Int64")
    for c in ("SE", "CI_LOW", "CI_HIGH", "COVERAGE"):
        obs[c] = pd.to_numeric(obs[c], errors="coerce").astype("float64")
    insert_frame(con, "observations", obs)
    ds = pd.DataFrame([s.provenance.as_dict() | {"n_obs": len(s.frame), "skipped": s.skipped} for s in sources])
    insert_frame(con, "datasets", ds.rename(columns={"dataset_id": "DATASET_ID"}))
    events = [s.frame.attrs["events"].assign(DATASET_ID=s.provenance.dataset_id) for s in sources
              if s.frame.attrs.get("events") is not None]
    if events:
        insert_frame(con, "events", pd.concat(events, ignore_index=True))
    ind = pd.DataFrame([{"INDICATOR": i.code, "name": i.name, "unit": i.unit, "definition": i.definition,
                         "higher_is_better": i.higher_is_better, "sdg": i.sdg, "action_lines": i.action_lines,
                         "aggregation": i.aggregation, "derived": False, "source": i.source, "licence": i.licence,
                         # action line -> citation of the mapping, as JSON
                         "action_line_refs": json.dumps(i.action_line_refs, ensure_ascii=False) if i.action_line_refs
                         else None, "scope": i.scope, "caveat": i.caveat, "breaks": i.breaks,
                         "derivation": i.derivation} for i in catalogue.indicators.values()])
    insert_frame(con, "indicators", ind)
    defs = [(i.code, lang, d) for i in catalogue.indicators.values() for lang, d in i.definitions.items()]
    if defs:
        con.executemany("INSERT INTO indicator_definitions VALUES (?, ?, ?)", defs)
    gaps = [(line, m["measurement"], m["custodian"]) for line, spec in catalogue.action_lines.items()
            for m in (spec or {}).get("missing") or []]
    if gaps:
        con.executemany("INSERT INTO action_line_gaps VALUES (?, ?, ?)", gaps)
    names = [(i.code, lang, nm) for i in catalogue.indicators.values() for lang, nm in i.names.items()]
    if names:
        con.executemany("INSERT INTO indicator_names VALUES (?, ?, ?)", names)
    ranks = [(i.code, p, r) for i in catalogue.indicators.values() for r, p in enumerate(i.prefer)]
    if ranks:
        con.executemany("INSERT INTO provider_rank VALUES (?, ?, ?)", ranks)
    a = areas.areas.reindex(columns=["code", "kind", "group_type", "m49", "iso2", "name", "ldc", "lldc", "sids",
                                     "un_status", "region", "subregion", "intermediate_region", "itu_region"])
    for name, df in (("areas", a), ("area_names", areas.names[["code", "lang", "name"]]),
                     ("group_members", areas.members[["group", "iso3"]]),
                     ("income_history", areas.income_history[["iso3", "fiscal_year", "gni_year", "group"]])):
        insert_frame(con, name, df)
    if findings:
        insert_frame(con, "findings", pd.DataFrame([f.as_dict() for f in findings]))
    con.executemany("INSERT INTO meta VALUES (?, ?)", [("release_id", rid), ("code_version", __version__)])


def check_data_dir(settings: Settings | None = None, data_dir: Path | None = None) -> list[Finding]:
    """``wsis check``: read and check the data dir without building; returns every finding."""
    settings = settings or get_settings()
    catalogue = load_catalogue()
    with _data_dir(Path(data_dir or settings.data_dir)) as ddir:
        areas = load_areas(ddir.resolve())
        sources, _ = read_all(ddir, settings, catalogue, areas)
        _, findings = check_inputs(sources, catalogue, areas)
    return findings
