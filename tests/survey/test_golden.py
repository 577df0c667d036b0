"""Golden files from R `survey` 4.1.1 (scripts/r/make_golden.R) over the synthetic household survey.

The table under test is the survey as R's ``write.csv`` saved it (``NA`` for missing values), read through
the CSV front door; ``region_na`` is a domain variable with missing values, ``internet_use`` and ``q12`` have
item non-response (R: ``svyby(..., na.rm = TRUE)``).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from wsis.settings import Settings
from wsis.survey.estimate import estimate

DATA = Path(__file__).parents[1] / "data" / "survey" / "household_r.csv"
GOLDEN = Path(__file__).parent / "golden" / "household_golden.csv"
OPEN = Settings(survey_min_n=0, survey_max_cv=math.inf, survey_flag_n=0, survey_flag_cv=math.inf)

BASE = {"ids": ["psu"], "strata": "stratum", "weights": "w", "nest": True}
_rs = {1: 3 / 4, 2: 4 / 5, 3: 5 / 6, 4: 3 / 4, 5: 4 / 5, 6: 5 / 6}
_psu_strata = [1] * 4 + [2] * 5 + [3] * 6 + [4] * 4 + [5] * 5 + [6] * 6
CASES = {
    "strat_clus": BASE,
    "strat_clus_fpc": {**BASE, "fpc": ["fpc_psu"]},
    "twostage_fpc": {**BASE, "ids": ["psu", "hh"], "fpc": ["fpc_psu", "fpc_hh"]},
    "clus_nostrata": {"ids": ["psu"], "weights": "w"},
    "elements_strat": {"ids": [], "strata": "stratum", "weights": "w"},
    **{f"lonely_{r}": {**BASE, "strata": "stratum_l", "lonely_psu": r}
       for r in ("remove", "certainty", "adjust", "average")},
    "rep_JK1": {"weights": "w", "replicates": {"columns": "jk1_*", "type": "JK1", "scale": 29 / 30}},
    "rep_JK1_mse": {"weights": "w", "replicates": {"columns": "jk1_*", "type": "JK1", "scale": 29 / 30,
                                                   "mse": True}},
    "rep_JKn": {"weights": "w", "replicates": {"columns": "jkn_*", "type": "JKn",
                                               "rscales": [_rs[h] for h in _psu_strata]}},
    "rep_BRR": {"weights": "w", "replicates": {"columns": "brr_*", "type": "BRR", "combined_weights": False}},
    "rep_Fay": {"weights": "w", "replicates": {"columns": "fay_*", "type": "Fay", "rho": 0.5,
                                               "combined_weights": False}},
    "rep_bootstrap": {"weights": "w", "replicates": {"columns": "boot_*", "type": "bootstrap",
                                                     "combined_weights": False}},
    "rep_sdr": {"weights": "w", "replicates": {"columns": "sdr_*", "type": "successive-difference",
                                               "combined_weights": False}},
    "rep_ACS": {"weights": "w", "replicates": {"columns": "sdr_*", "type": "ACS", "mse": True,
                                               "combined_weights": False}},
    "rep_other": {"weights": "w", "replicates": {"columns": "boot_*", "type": "other", "scale": 0.05,
                                                 "rscales": 1, "combined_weights": False}},
}
INDICATORS = [
    {"code": "internet_use", "variable": "internet_use", "series": "IT_USE_ii99"},
    {"code": "ict_skill", "variable": "ict_skill", "universe": "age >= 15"},
    {"code": "freq_user", "variable": "q12 in (1, 2)"},
    {"code": "income", "variable": "income", "statistic": "mean"},
    {"code": "hh_internet_total", "variable": "hh_internet", "statistic": "total"},
    {"code": "ict_share", "variable": "spend_ict", "statistic": "ratio", "denominator": "income"},
]
BY = [[], ["sex"], ["area"], ["age_group"], ["sex", "area"], ["region_na"], ["sex", "region_na"]]
PARITY = {"strat_clus", "rep_bootstrap", "rep_JK1", "rep_BRR", "rep_Fay", "rep_JKn", "rep_JK1_mse"}


@pytest.fixture(scope="module")
def golden() -> pd.DataFrame:
    g = pd.read_csv(GOLDEN, dtype={"domain": str}, keep_default_na=False)
    g["value"] = g["value"].astype(float)
    return g


@pytest.fixture(scope="module")
def table():
    """The fixture read once into an in-memory DuckDB table shared by every case."""
    import ibis

    from wsis.survey.microdata import open_table

    con = ibis.duckdb.connect()
    t, info = open_table(DATA, con)
    assert info["csv"].na_values[0] == "NA"
    return con.create_table("household", t)


def _ours(case: str, table) -> pd.DataFrame:
    ind = {"indicators": INDICATORS, "by": BY, "ci": "logit"}
    if case in PARITY:
        ind["parity"] = [{"code": "internet_use", "by": "sex", "numerator": "F", "denominator": "M"}]
    out = estimate(table, CASES[case], ind, OPEN, extra_ci=["korn-graubard", "wald"])

    def dom(r: pd.Series) -> str:
        cols = [c for c in r["by"].split(",") if c]
        return ";".join(f"{c}={r[c]}" for c in cols)

    out["domain"] = out.apply(dom, axis=1)
    return out.set_index(["indicator", "by", "domain"])


def _close(a: float, b: float, rel: float = 1e-9) -> bool:
    if math.isnan(a) or math.isnan(b):  # R gives NaN where no interval exists (e.g. df = 0): so must we
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= rel * max(abs(a), abs(b)) + 1e-14


@pytest.mark.parametrize("case", list(CASES))
def test_case_matches_r(case: str, golden: pd.DataFrame, table) -> None:
    g = golden[golden["case"] == case]
    assert len(g) > 100
    assert (g["indicator"] == "internet_use.parity").sum() == (2 if case in PARITY else 0)
    assert (g["by"] == "region_na").sum() > 0
    ours_all = _ours(case, table)
    checked = 0
    bad = []
    for row in g.itertuples():
        q = row.quantity
        ci = q.rsplit("_", 1)[0] if q.endswith(("_low", "_high")) else "logit"
        side = "low" if q.endswith("_low") else "high"
        col = {"estimate": "estimate", "se": "se", "deff": "deff"}.get(q, f"ci_{side}" if ci == "logit" else f"ci_{side}_{ci}")
        ours = ours_all.loc[(row.indicator, row.by, row.domain), col]
        # estimates, SEs and deffs to 1e-9; interval ends to 1e-8 because R's logit interval comes from
        # glm's IRLS, which stops at a relative deviance change of 1e-8 (not at the exact fixed point)
        rel = 1e-9 if col in ("estimate", "se", "deff") else 1e-8
        if not _close(float(ours), row.value, rel):
            bad.append((row.indicator, row.by, row.domain, q, float(ours), row.value))
        checked += 1
    assert not bad, f"{len(bad)}/{checked} differ, e.g. {bad[:5]}"
