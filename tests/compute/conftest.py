"""A tiny hand-made release (four countries, four groups) built with the real schema and the real hook."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from wsis.catalogue import load_catalogue
from wsis.release.schema import PREFERRED_VIEW, TABLES_DDL
from wsis.release.store import switch_current
from wsis.settings import Settings, get_settings

DATA = Path(__file__).parents[1] / "data" / "compute"
PROVIDERS = {"wdi:pop": "wdi", "wdi:use": "wdi", "itu:sex": "itu_gender_urban", "itu:prices": "itu"}


def make_db(path: Path) -> duckdb.DuckDBPyConnection:
    """Create the tiny release database (base tables and the preferred view), not yet derived."""
    con = duckdb.connect(str(path))
    for ddl in TABLES_DDL:
        con.execute(ddl)
    obs = pd.read_csv(DATA / "observations.csv", dtype={"SEX": str})
    con.register("o", obs)
    con.execute("INSERT INTO observations (DATASET_ID, INDICATOR, REF_AREA, TIME_PERIOD, SEX, OBS_VALUE) "
                "SELECT DATASET_ID, INDICATOR, REF_AREA, TIME_PERIOD, SEX, OBS_VALUE FROM o")
    for did, prov in PROVIDERS.items():
        con.execute("INSERT INTO datasets (DATASET_ID, provider, vintage) VALUES (?, ?, '2024')", [did, prov])
    cat = load_catalogue()
    for ind in cat.indicators.values():
        con.execute("INSERT INTO indicators (INDICATOR, name, unit, aggregation, derived) VALUES (?, ?, ?, ?, FALSE)",
                    [ind.code, ind.name, ind.unit, ind.aggregation])
        for r, p in enumerate(ind.prefer):
            con.execute("INSERT INTO provider_rank VALUES (?, ?, ?)", [ind.code, p, r])
    areas = pd.read_csv(DATA / "areas.csv", dtype=str, keep_default_na=False)
    for a in areas.itertuples(index=False):
        con.execute("INSERT INTO areas (code, kind, group_type, name) VALUES (?, ?, ?, ?)",
                    [a.code, a.kind, a.group_type or None, a.code])
        for m in a.members.split():
            con.execute("INSERT INTO group_members VALUES (?, ?)", [a.code, m])
    con.execute(PREFERRED_VIEW)
    return con


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WSIS_HOME", str(tmp_path_factory.mktemp("home")))
        get_settings.cache_clear()
        yield get_settings()
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def tiny_release(settings):
    """A published tiny release (derived by ``wsis.build.derive_into``) and its derive summary."""
    from wsis.build import derive_into
    from wsis.release.reader import open_release

    rid = "20000101T000000-tiny"
    d = Path(settings.releases_dir) / rid
    d.mkdir(parents=True)
    con = make_db(d / "release.duckdb")
    summary = derive_into(con, settings, load_catalogue())
    con.execute("CHECKPOINT")
    con.close()
    (d / "manifest.json").write_text(json.dumps({"release_id": rid, "derived": summary}), encoding="utf-8")
    switch_current(settings, rid)
    rel = open_release(rid, settings)
    yield rel, summary


@pytest.fixture()
def cli_home(tiny_release, settings, monkeypatch):
    """Point the process settings (what the CLI reads) at the tiny release's home for one test."""
    monkeypatch.setenv("WSIS_HOME", str(settings.home))
    get_settings.cache_clear()
    yield tiny_release
    get_settings.cache_clear()
