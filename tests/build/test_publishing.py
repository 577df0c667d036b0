"""A release carries everything publishing needs: built from a packed mirror, it serves every page type and
the report with the data folder gone."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.conftest import DATA

from wsis import query
from wsis.build import build_release
from wsis.compute.gaps import gap_codes
from wsis.registry.db import Registry
from wsis.settings import Settings
from wsis.sources.mirror import pack
from wsis.web.app import create_app

PAGES = ["/", "/indicators", "/indicators/IT_USE_ii99", "/areas", "/areas/KEN", "/groups", "/groups/LDC",
         "/action-lines", "/action-lines/C2", "/outcome", "/compare?indicator=IT_USE_ii99&areas=KEN,WLD",
         "/releases", "/fr/outcome", "/ar/action-lines/C2", "/api/v1/observations?areas=KEN",
         "/api/v1/indicators/IT_USE_ii99", "/api/v1/action-lines", "/api/v1/targets", "/api/v1/progress",
         "/sdmx/data/DF_WSIS/IT_USE_ii99.KEN", "/sdmx/codelist/WSIS/CL_AREA/1.0"]


def _mirror_folder(dest: Path, shared: Path) -> Path:
    """The mini fixtures plus real copies (a packed mirror refuses links) of the reference folders."""
    shutil.copytree(DATA / "mini", dest)
    for sub in ("framework", "classifications"):
        shutil.copytree(shared / sub, dest / sub)
    for rel in ("sdg_metadata/sdg_goals_targets_indicators_6lang.csv",
                "gapminder_systema_globalis/ddf--entities--geo--country.csv", "exchange_rates/monthly.csv"):
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(shared / rel, dest / rel)
    return dest


@pytest.fixture(scope="module")
def packed_home(tmp_path_factory, shared_data) -> tuple[Settings, dict, Path]:
    """A release built from a ``.tar.zst`` mirror; the unpacked folder is deleted afterwards."""
    root = tmp_path_factory.mktemp("packed")
    folder = _mirror_folder(root / "mirror", shared_data)
    archive = root / "m.tar.zst"
    pack(folder, archive)
    shutil.rmtree(folder)
    manifest = build_release(Settings(data_dir=archive, home=root / "home"))
    archive.unlink()
    served = Settings(data_dir=root / "no-such-folder", home=root / "home", secret_key="test")
    return served, manifest, root


def test_manifest_records_what_publishing_needs(packed_home, shared_data):
    _s, manifest, _root = packed_home
    pub = manifest["publishing"]
    assert pub["frameworks"] is True and not pub["notes"]
    files = {f["path"]: f["sha256"] for f in pub["files"]}
    oc = "framework/outcome_commitments.yaml"
    assert files[oc] == hashlib.sha256((shared_data / oc).read_bytes()).hexdigest()
    assert pub["map"]["geometry"].startswith("package data") and pub["map"]["island_points"] > 100
    assert pub["map"]["made_from"]["package"].startswith("npm world-atlas")
    assert pub["exchange_rates"] > 5000 and "exchange_rates/monthly.csv" in files


def test_exchange_rates_are_served_without_the_data_dir(packed_home):
    import datetime as dt

    served, _m, _root = packed_home
    rel = query.release(served)
    eur = query.usd_rate(rel, "EUR", dt.date(2023, 7, 20))
    assert eur["date"] == "2023-07-01" and "Federal Reserve" in eur["source"] and 0.8 < eur["per_usd"] < 1
    assert query.usd_rate(rel, "XOF", dt.date(2023, 7, 20)) is None
    assert query.to_usd(rel, "151.4551", "USD", dt.date(2024, 1, 1))["usd"] == 151.4551


def test_every_page_type_answers_without_the_data_dir(packed_home):
    served, _m, _root = packed_home
    assert not Path(served.data_dir).exists()
    with TestClient(create_app(served)) as c:
        for url in PAGES:
            r = c.get(url)
            assert r.status_code == 200, (url, r.text[:300])
        page = c.get("/indicators/IT_USE_ii99").text
        assert page.count("<svg") >= 2 and "do not imply official endorsement" in page   # line chart and map
        assert "A/RES/80/173" in c.get("/outcome").text


def test_release_holds_frameworks_names_and_map(packed_home):
    served, _m, _root = packed_home
    rel = query.release(served)
    fw = query.frameworks(rel)
    assert len(fw.paragraphs) == 127 and fw.action_line("C2")["code"] == "C2"
    assert fw.sdg_title("9.c", "fr") and not fw.matrix.empty
    world = query.world_map(rel)
    assert len(world.geometry.shapes) > 160 and "TUV" in world.points
    es, en = query.indicator_names(rel, "es"), query.indicator_names(rel, "en")
    inds = query.indicators(rel)
    derived = inds[inds["derived"].astype(bool)]["INDICATOR"].tolist()
    assert derived, "the mini mirror gives gap indicators"
    for code in derived:   # "<base name in Spanish>: <gap kind in Spanish>", composed at build time
        base = gap_codes()[code][0]
        assert es[code].startswith(es[base]) and es[code] != en[code], code


def test_report_builds_without_the_data_dir(packed_home):
    from wsis.report import build_report

    served, _m, root = packed_home
    reg = Registry(served.registry_db_url, served)
    reg.migrate()
    reg.dispose()
    out = root / "report"
    rec = build_report("2024-2025", "en", "html", out, settings=served)
    html = (out / "wsis-report-2024-2025-en.html").read_text(encoding="utf-8")
    assert rec["release"] == query.release(served).id and "C2" in html
    assert (out / "wsis-report-2024-2025-en.html").stat().st_mode & 0o777 == 0o644 & ~_umask()
    assert json.loads((out / "wsis-report-2024-2025.json").read_text())["period"] == "2024-2025"


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_data_dir_without_frameworks_builds_and_says_so(mini_data_dir, settings_factory):
    s = settings_factory(mini_data_dir)
    manifest = build_release(s)
    assert manifest["publishing"]["frameworks"] is False
    assert "sdg_metadata" in manifest["publishing"]["notes"]["frameworks"]
    fw = query.frameworks(query.release(s))
    assert fw.paragraphs == [] and fw.action_lines == []
