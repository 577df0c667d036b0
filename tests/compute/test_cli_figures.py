"""``wsis gaps|progress|figures`` on the tiny release, and the fact-check of paras 20-22."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from wsis.cli.main import app
from wsis.compute.figures import FIGURE_MAP, fact_check
from wsis.reference import load_frameworks


def _run(*args):
    res = CliRunner().invoke(app, list(args))
    return res


def test_gaps_csv_and_json(cli_home):
    res = _run("gaps", "--format", "csv")
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.output)))
    gaps = {r["gap"] for r in rows}
    assert {"IT_USE_ii99_HIC_LIC_RATIO", "IT_USE_ii99_GPS"} <= gaps
    res = _run("gaps", "--area", "CCC", "--format", "json")
    data = json.loads(res.output)
    assert data[0]["gap"] == "IT_USE_ii99_GPS" and data[0]["class"] == "gap favouring men"
    assert _run("gaps", "--format", "table").exit_code == 0


def test_progress_each_method(cli_home):
    for method in ("unsd", "statcan", "unsd2022", "projection"):
        res = _run("progress", "--area", "AAA", "--method", method, "--format", "json")
        assert res.exit_code == 0, res.output
        rows = [r for r in json.loads(res.output) if r["indicator"] == "IT_USE_ii99"]
        assert len(rows) == 1 and rows[0]["method"] == method and rows[0]["category"]


def test_bad_format_and_method_exit_nonzero(cli_home):
    assert _run("gaps", "--format", "xml").exit_code != 0
    assert _run("progress", "--method", "magic").exit_code != 0


def test_figures_cover_paras_20_to_22(cli_home, settings):
    rel, _ = cli_home
    figs = [f for f in load_frameworks(settings.data_dir).figures if 20 <= f["para"] <= 22]
    assert len(figs) >= 14
    for f in figs:
        assert (f["para"], f["indicator"]) in FIGURE_MAP
    tab = fact_check(rel, settings.data_dir, paras=(20, 21, 22))
    assert len(tab) == len(figs)
    hic = tab[tab["figure"] == "Internet use, high-income countries"].iloc[0]
    assert hic["release_value"] == pytest.approx((900 + 2850) / 40) and hic["release_year"] == 2020
    assert hic["difference"] == pytest.approx(hic["release_value"] - 94) and "year" in hic["why"]
    ratio = tab[tab["figure"].str.startswith("Ratio of Internet use")].iloc[0]
    assert ratio["indicator"] == "IT_USE_ii99_HIC_LIC_RATIO"
    women = tab[tab["figure"] == "Internet use, women"].iloc[0]
    assert "coverage" in women["why"] and women["coverage"] == pytest.approx(0.5)
    res = _run("figures", "--format", "csv")
    assert res.exit_code == 0 and "Internet use, rural areas worldwide" in res.output


def test_para_97_forums_are_listed_as_not_measurable(cli_home, settings):
    rel, _ = cli_home
    tab = fact_check(rel, settings.data_dir, paras=(97,))
    (row,) = tab.itertuples()
    assert row.stated_value == 170 and row.qualifier == "more than"
    assert row.why.startswith("not measurable from the release") and "IGF" in row.why and pd.isna(row.release_value)
    res = _run("figures", "--format", "csv")
    assert res.exit_code == 0 and "not measurable from the release" in res.output


def test_para_97_shows_the_registry_count_after_an_igf_import(cli_home, settings, tmp_path, monkeypatch):
    # the acceptance path: a CSV of 200 synthetic IGF initiatives, imported by the CLI, sets the registry's
    # count of active forums beside para 97's "more than 170"; a bad row in the same file imports nothing
    import subprocess
    import sys
    from pathlib import Path

    from wsis.settings import get_settings

    monkeypatch.setenv("WSIS_REGISTRY_URL", f"sqlite:///{tmp_path / 'registry.sqlite'}")
    monkeypatch.setenv("WSIS_REGISTRY_PASSWORD", "correct-horse-battery")
    get_settings.cache_clear()
    script = Path(__file__).parents[1] / "registry" / "scripts" / "make_igf_csv.py"
    from wsis import query

    rel, _ = cli_home
    pool = ",".join(sorted(query.un_countries(rel)))  # the tiny release knows only a few countries
    good, bad = tmp_path / "igf.csv", tmp_path / "igf-bad.csv"
    subprocess.run([sys.executable, str(script), str(good), "--countries", pool], check=True)
    subprocess.run([sys.executable, str(script), str(bad), "--bad-row", "200", "--countries", pool], check=True)
    assert _run("registry", "init").exit_code == 0
    assert _run("registry", "user", "add", "ops@example.org", "--role", "admin").exit_code == 0
    res = _run("registry", "import", str(bad), "--as", "ops@example.org", "--kind", "igf-forums", "--approve")
    assert res.exit_code != 0 and "row 201" in str(res.exception) and "scope" in str(res.exception)
    res = _run("figures", "--format", "json")
    (row,) = [r for r in json.loads(res.output) if r["para"] == 97]
    assert row["why"].startswith("not measurable")  # the bad file imported nothing
    res = _run("registry", "import", str(good), "--as", "ops@example.org", "--kind", "igf-forums", "--approve")
    assert res.exit_code == 0, res.output
    active = sum(r["status"] == "active" for r in csv.DictReader(good.open(encoding="utf-8")))
    res = _run("figures", "--format", "json")
    (row,) = [r for r in json.loads(res.output) if r["para"] == 97]
    assert row["stated_value"] == 170 and row["release_value"] == active and row["difference"] == active - 170
    assert "as of" in row["why"] and "coverage" in row["why"] and "countries covered" in row["why"]
    res = _run("figures")
    assert res.exit_code == 0 and str(active) in res.output
