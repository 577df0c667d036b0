"""ITU core household indicators (--indicators itu-core --variables) and the xlsx workbook."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pandas as pd
import pytest

from wsis.errors import WsisError
from wsis.settings import Settings
from wsis.survey import itu
from wsis.survey.estimate import estimate
from wsis.survey.xlsx import read_table

DATA = Path(__file__).parents[1] / "data" / "survey"
SURVEY, DESIGN, VARS = DATA / "ict_survey.csv", DATA / "ict_design.yaml", DATA / "ict_variables.yaml"
OPEN = Settings(survey_min_n=0, survey_max_cv=math.inf, survey_flag_n=0, survey_flag_cv=math.inf)


def _wsis(*args: str, env: dict) -> object:
    from tests.survey.test_errors_cli import _wsis as run

    return run(*args, env=env)


def test_build_reports_built_and_skipped() -> None:
    spec, report, notes = itu.build(VARS)
    by_code = {o.code: o for o in report}
    assert not by_code["HH10"].built and "mobile_use" in by_code["HH10"].reason
    assert all(by_code[c].built for c in ("HH4", "HH6", "HH5", "HH7", "HH18", "HH9", "HH15", "HH11.FBB"))
    codes = {i["code"]: i for i in spec["indicators"]}
    assert codes["HH7"]["series"] == "IT_USE_ii99" and codes["HH18"]["series"] == "IT_MOB_OWN"
    assert codes["HH6"]["series"] == "IT_HH_INET" and codes["HH6"]["universe"] == "(LINE == 1)"
    assert codes["HH15.COPA"]["breakdown"] == {"TYPE_SKILL": "COPA"} and codes["HH15.COPA"]["series"] == "SE_ADT_ACTS"
    assert codes["HH7"]["universe"] == "(AGE >= 15)" and "AGE >= 15" in notes["age_scope"]
    assert codes["HH11.FBB"]["universe"] == "(LINE == 1) and ((H9 in (1)))"
    assert {p["code"] for p in spec["parity"]} == {"HH7", "HH18"} and spec["parity"][0]["numerator"] == "2"
    assert "HH10" not in codes


def test_missing_questions_are_skipped_not_guessed() -> None:
    _, report, _ = itu.build({"age": "AGE", "questions": {"internet_use": "I3 in (1)"}})
    built = {o.code for o in report if o.built}
    assert built == {"HH7"}
    reasons = {o.code: o.reason for o in report}
    assert "household_row" in reasons["HH4"] and "hh_computer" in reasons["HH4"]
    assert "activities" in reasons["HH9"] and "skills" in reasons["HH15"]
    with pytest.raises(WsisError) as err:
        itu.build({"questions": {}})
    assert err.value.code == "itu-core-empty" and "HH7: not mapped: internet_use, age" in str(err.value)
    with pytest.raises(WsisError) as err:
        itu.build({"age": "AGE", "skills": {"XLS": "I9_1"}})
    assert "SDG 4.4.1" in str(err.value)
    with pytest.raises(WsisError) as err:
        itu.build({"agee": "AGE"})
    assert err.value.code == "yaml-unknown-key"


def test_estimates_match_a_direct_computation() -> None:
    spec, _, _ = itu.build(VARS)
    out = estimate(SURVEY, DESIGN, spec, OPEN)
    d = pd.read_csv(SURVEY)
    hh = d[d["LINE"] == 1]
    total = out[(out["by"] == "") | out["by"].isna()].set_index("indicator")
    assert total.at["HH4", "estimate"] == pytest.approx((hh["WEIGHT"] * (hh["H7"] == 1)).sum() / hh["WEIGHT"].sum(),
                                                         rel=1e-12)
    ind = d[(d["AGE"] >= 15) & (d["I1"] != 9)]  # 9 (don't know) is missing by the design's input.na_values
    assert total.at["HH5", "estimate"] == pytest.approx((ind["WEIGHT"] * (ind["I1"] == 1)).sum()
                                                        / ind["WEIGHT"].sum(), rel=1e-12)
    users = d[(d["AGE"] >= 15) & (d["I3"] == 1)]
    assert total.at["HH9.email", "estimate"] == pytest.approx(
        (users["WEIGHT"] * (users["I5_A"] == 1)).sum() / users["WEIGHT"].sum(), rel=1e-12)
    # the same indicator written by hand gives the same numbers (SE, interval, df)
    hand = estimate(SURVEY, DESIGN, {"indicators": [{"code": "HH7", "variable": "I3 == 1", "universe": "AGE >= 15"}],
                                     "by": [[], ["SEX"]]}, OPEN)
    ours = out[out["indicator"] == "HH7"].head(3)
    for c in ("estimate", "se", "ci_low", "ci_high", "df"):
        assert ours[c].to_numpy(float) == pytest.approx(hand[c].to_numpy(float), rel=1e-12)


def test_cli_xlsx_workbook_and_publish(tmp_path) -> None:
    env = {**os.environ, "WSIS_HOME": str(tmp_path / "home")}
    out = tmp_path / "itu.xlsx"
    r = _wsis("survey", "estimate", str(SURVEY), "--design", str(DESIGN), "--indicators", "itu-core",
              "--variables", str(VARS), "--out", str(out), "--format", "xlsx", "--quiet", env=env)
    assert r.returncode == 0, r.stderr
    assert "HH10  skipped" in r.stdout and "per column I1" in r.stdout
    book = read_table(out)
    assert set(book) == {"Table", "Estimates", "Notes"}
    table = book["Table"]
    assert table[0][:4] == ["Indicator", "Label", "Unit", "Total"] and "SEX: F" in table[0]
    assert table[1][3:8] == ["Value", "SE", "CI low", "CI high", "Flag"]
    hh7 = next(row for row in table if row[0] == "HH7")
    assert 0 < hh7[3] < 100 and hh7[5] < hh7[3] < hh7[6]
    notes = dict((row[0], row[1]) for row in book["Notes"])
    assert notes["Software"].startswith("WSIS Monitor") and "CLUSTER" in notes["Design"]
    assert "AGE >= 15" in notes["Age scope"] and "three months" in notes["Recall period"]
    meta = json.loads(Path(f"{out}.meta.json").read_text())
    assert meta["format"] == "xlsx" and Path(meta["indicators"]).exists()
    csv = tmp_path / "itu.csv"
    r = _wsis("survey", "estimate", str(SURVEY), "--design", str(DESIGN), "--indicators", "itu-core",
              "--variables", str(VARS), "--out", str(csv), "--quiet", env=env)
    assert r.returncode == 0, r.stderr
    r = _wsis("survey", "publish", str(csv), "--area", "KEN", "--year", "2025", env=env)
    assert r.returncode == 0, r.stderr
    target = tmp_path / "home" / "local" / "survey_KEN_2025_itu.csv"
    pub = pd.read_csv(target, dtype=str, keep_default_na=False)
    skills = pub[pub["INDICATOR"] == "SE_ADT_ACTS"]
    assert set(skills["TYPE_SKILL"]) == set(itu.core()["skills"])
    # only catalogue indicators enter a release; the others are left out and named
    assert set(pub["INDICATOR"]) == {"IT_USE_ii99", "IT_MOB_OWN", "IT_HH_INET", "SE_ADT_ACTS"}
    assert "left out HH4: not a catalogue indicator" in r.stdout
    prov = json.loads(Path(f"{target}.provenance.json").read_text())
    assert {"HH4", "HH5", "HH9.email"} <= set(prov["not_published"])
    r = _wsis("survey", "estimate", str(SURVEY), "--design", str(DESIGN), "--indicators", "itu-core",
              "--out", str(csv), "--quiet", env=env)
    assert r.returncode == 2 and "--variables" in r.stderr
