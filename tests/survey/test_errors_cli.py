"""Bad input gives one clear WsisError (file, row, column, expected), through the API and the CLI."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from wsis.errors import WsisError
from wsis.settings import Settings
from wsis.survey.estimate import estimate

TOY = Path(__file__).parents[1] / "data" / "survey" / "toy.csv"
DESIGN = {"ids": ["psu"], "strata": "stratum", "weights": "w", "nest": True}
IND = {"indicators": [{"code": "y", "variable": "y", "series": "IT_USE_ii99"}], "by": [[], ["female"]],
       "dimensions": {"female": {"dimension": "SEX", "values": {"1": "F", "0": "M"}}}}
OPEN = Settings(survey_min_n=0, survey_max_cv=math.inf, survey_flag_n=0, survey_flag_cv=math.inf)


def _bad_csv(tmp_path: Path, row: int, col: str, value: str) -> Path:
    d = pd.read_csv(TOY, dtype=str)
    d.loc[row - 1, col] = value
    p = tmp_path / "bad.csv"
    d.to_csv(p, index=False)
    return p


@pytest.mark.parametrize("col,value,expect", [("w", "", "missing weight"), ("w", "-3", "negative weight"),
                                              ("y", "7", "not 0 or 1")])
def test_bad_microdata_names_row_and_column(tmp_path, col, value, expect) -> None:
    p = _bad_csv(tmp_path, 5, col, value)
    with pytest.raises(WsisError) as err:
        estimate(p, DESIGN, IND, OPEN)
    e = err.value
    assert (e.row, e.column, e.file) == (5, col, str(p))
    assert expect in e.message and e.expected


def test_lonely_psu_fail(tmp_path) -> None:
    d = pd.read_csv(TOY)
    d.loc[d["psu"] == 6, "stratum"] = 4
    p = tmp_path / "lonely.csv"
    d.to_csv(p, index=False)
    with pytest.raises(WsisError) as err:
        estimate(p, DESIGN, IND, OPEN)
    assert err.value.code == "lonely-psu" and err.value.column == "stratum" and "'3'" in err.value.message
    ok = estimate(p, {**DESIGN, "lonely_psu": "certainty"}, IND, OPEN)
    assert ok.iloc[0]["se"] > 0


def test_unknown_yaml_key_and_column(tmp_path) -> None:
    dfile = tmp_path / "design.yaml"
    dfile.write_text(yaml.safe_dump({**DESIGN, "weigths": "w"}))
    with pytest.raises(WsisError) as err:
        estimate(TOY, dfile, IND, OPEN)
    assert err.value.code == "yaml-unknown-key" and err.value.column == "weigths" and err.value.file == str(dfile)
    dfile.write_text(yaml.safe_dump({**DESIGN, "strata": "region"}))
    with pytest.raises(WsisError) as err:
        estimate(TOY, dfile, IND, OPEN)
    assert err.value.code == "yaml-unknown-column" and err.value.column == "region"
    with pytest.raises(WsisError) as err:
        estimate(TOY, DESIGN, {"indicators": [{"code": "y", "variable": "q99 in (1, 2)"}]}, OPEN)
    assert err.value.column == "q99"


def _wsis(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    exe = shutil.which("wsis", path=str(Path(sys.executable).parent)) or "wsis"
    return subprocess.run([exe, *args], capture_output=True, text=True, env=env, timeout=120)


def _files(tmp_path: Path) -> tuple[Path, Path]:
    dfile, ifile = tmp_path / "design.yaml", tmp_path / "indicators.yaml"
    dfile.write_text(yaml.safe_dump(DESIGN))
    ifile.write_text(yaml.safe_dump(IND))
    return dfile, ifile


def test_cli_errors(tmp_path) -> None:
    dfile, ifile = _files(tmp_path)
    bad = _bad_csv(tmp_path, 3, "w", "-1")
    r = _wsis("survey", "estimate", str(bad), "--design", str(dfile), "--indicators", str(ifile),
              "--out", str(tmp_path / "o.csv"), "--quiet")
    assert r.returncode == 2
    assert "row 3" in r.stderr and "column w" in r.stderr and "negative weight" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o.csv").exists()
    dfile.write_text(yaml.safe_dump({**DESIGN, "colour": "red"}))
    r = _wsis("survey", "estimate", str(TOY), "--design", str(dfile), "--indicators", str(ifile),
              "--out", str(tmp_path / "o.csv"), "--quiet")
    assert r.returncode == 2 and "unknown key 'colour'" in r.stderr


def test_cli_estimate_formats_and_publish(tmp_path) -> None:
    import os

    dfile, ifile = _files(tmp_path)
    env = {**os.environ, "WSIS_HOME": str(tmp_path / "home"), "WSIS_SURVEY_MIN_N": "0",
           "WSIS_SURVEY_MAX_CV": "10", "WSIS_SURVEY_FLAG_N": "0"}
    for fmt in ("csv", "json", "sdmx-csv"):
        out = tmp_path / f"r.{fmt}"
        r = _wsis("survey", "estimate", str(TOY), "--design", str(dfile), "--indicators", str(ifile), "--out",
                  str(out), "--format", fmt, "--quiet", env=env)
        assert r.returncode == 0, r.stderr
    res = pd.read_csv(tmp_path / "r.csv", dtype={"female": str})
    assert res.loc[res["by"].isna(), "estimate"].iloc[0] == pytest.approx(0.59, rel=1e-12)
    assert json.loads((tmp_path / "r.json").read_text())[0]["indicator"] == "y"
    sd = pd.read_csv(tmp_path / "r.sdmx-csv")
    assert list(sd.columns[:3]) == ["DATAFLOW", "INDICATOR", "FEMALE"]
    r = _wsis("survey", "publish", str(tmp_path / "r.csv"), "--area", "KEN", "--year", "2024",
              "--publisher", "KNBS", "--licence", "CC-BY-4.0", env=env)
    assert r.returncode == 0, r.stderr
    pub = tmp_path / "home" / "local" / "survey_KEN_2024_r.csv"
    table = pd.read_csv(pub, dtype=str, keep_default_na=False)
    assert list(table.columns)[:4] == ["INDICATOR", "REF_AREA", "TIME_PERIOD", "SEX"]
    assert set(table["SEX"]) == {"_T", "F", "M"}
    total = table[table["SEX"] == "_T"].iloc[0]
    assert (total["INDICATOR"], total["UNIT_MEASURE"], total["NATURE"], total["OBS_STATUS"]) == \
        ("IT_USE_ii99", "PT", "C", "A")
    assert float(total["OBS_VALUE"]) == pytest.approx(59.0)
    prov = json.loads(Path(f"{pub}.provenance.json").read_text())
    assert prov["publisher"] == "KNBS" and len(prov["sha256"]) == 64 and prov["source_file"].endswith("toy.csv")


def test_stata_and_spss_readers(tmp_path) -> None:
    import pyreadstat

    d = pd.read_csv(TOY)
    ref = estimate(TOY, DESIGN, IND, OPEN)
    for ext, writer in ((".dta", pyreadstat.write_dta), (".sav", pyreadstat.write_sav)):
        p = tmp_path / f"toy{ext}"
        writer(d, str(p))
        out = estimate(p, DESIGN, IND, OPEN)
        assert out["se"].to_numpy() == pytest.approx(ref["se"].to_numpy(), rel=1e-12)
