"""Quality flags, complementary suppression, and the PySpark backend agreeing with DuckDB."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wsis.settings import Settings
from wsis.survey import disclosure
from wsis.survey.estimate import estimate

DATA = Path(__file__).parents[1] / "data" / "survey"
DESIGN = {"ids": ["psu"], "strata": "stratum", "weights": "w", "nest": True}
IND = {"indicators": [{"code": "internet_use", "variable": "internet_use"},
                      {"code": "income", "variable": "income", "statistic": "mean"}],
       "by": [[], ["sex"], ["age_group"], ["sex", "area"]]}


def test_flags_and_complementary_suppression() -> None:
    s = Settings(survey_min_n=30, survey_max_cv=0.3, survey_flag_n=50, survey_flag_cv=0.15)
    out = pd.DataFrame({"indicator": "x", "statistic": "proportion", "by": "g", "g": list("abcd"),
                        "n": [10, 400, 500, 600], "cv": [0.1, 0.2, 0.01, 0.01], "estimate": 0.5, "se": 0.1,
                        "ci_low": 0.3, "ci_high": 0.7, "deff": 1.0, "population": 100.0})
    res = disclosure.apply(out, ["g"], s)
    assert res["flag"].tolist() == ["S", "C", "", ""]  # smallest-n neighbour protects the S cell
    assert res["estimate"].isna().tolist() == [True, True, False, False]
    assert res.loc[[0, 1], "population"].isna().all()


def test_two_way_partitions_protected() -> None:
    s = Settings()
    df = estimate(DATA / "household.csv", DESIGN, IND, s)
    two = df[(df["by"] == "sex,area") & (df["indicator"] == "income")]
    for col in ("sex", "area"):
        for _, part in two.groupby(col):
            assert part["flag"].isin(["S", "C"]).sum() != 1
    assert (df["flag"].isin(["S", "C"]) == df["estimate"].isna()).all()


@pytest.mark.spark
def test_pyspark_matches_duckdb(tmp_path) -> None:
    pytest.importorskip("pyspark")
    ind = {**IND, "indicators": list(IND["indicators"]), "parity": [{"code": "internet_use", "by": "sex", "numerator": "F", "denominator": "M"}],
           "by": [[], ["sex"], ["sex", "area"]]}
    open_s = Settings(survey_min_n=0, survey_max_cv=math.inf, survey_flag_n=0, survey_flag_cv=math.inf)
    cols = ["stratum", "psu", "w", "sex", "area", "internet_use", "income",
            *[f"jk1_{i}" for i in range(1, 31)]]
    ind["indicators"] = ind["indicators"][:1]
    p = tmp_path / "hh.parquet"
    pd.read_csv(DATA / "household.csv", usecols=cols).to_parquet(p)
    jk = {"weights": "w", "replicates": {"columns": "jk1_*", "type": "JK1", "scale": 29 / 30}}
    for design in (DESIGN, jk):
        duck = estimate(p, design, ind, open_s, backend="duckdb")
        spark = estimate(p, design, ind, open_s, backend="pyspark")
        assert len(duck) == len(spark) >= 8
        for c in ("estimate", "se", "ci_low", "ci_high", "deff", "df"):
            np.testing.assert_allclose(spark[c].to_numpy(float), duck[c].to_numpy(float), rtol=1e-11)
