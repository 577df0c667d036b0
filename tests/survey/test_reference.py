"""Reference values: R `survey` on the California API samples (published outputs) and methods.md section 7."""

from __future__ import annotations

import math
from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pytest

from wsis.settings import Settings
from wsis.survey.estimate import estimate

API = Path(__file__).parents[3] / "shared" / "data" / "surveys" / "api"
if not API.exists():  # CI clones main into another folder with shared/ beside it
    API = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "surveys" / "api"
TOY = Path(__file__).parents[1] / "data" / "survey" / "toy.csv"
OPEN = Settings(survey_min_n=0, survey_max_cv=math.inf, survey_flag_n=0, survey_flag_cv=math.inf)
DCLUS1 = {"ids": ["dnum"], "weights": "pw", "fpc": ["fpc"]}
DSTRAT = {"ids": [], "strata": "stype", "weights": "pw", "fpc": ["fpc"]}
DSRS = {"ids": [], "weights": "pw", "fpc": ["fpc"]}
DCLUS2 = {"ids": ["dnum", "snum"], "weights": "pw", "fpc": ["fpc1", "fpc2"]}


def _jk1_clus1() -> tuple[pd.DataFrame, dict]:
    """as.svrepdesign(dclus1): JK1 replicates dropping one district, scale (14/15)(1 - 15/757)."""
    d = pd.read_csv(API / "apiclus1.csv")
    clusters = sorted(d["dnum"].unique())
    for r, c in enumerate(clusters, 1):
        d[f"rep_{r}"] = np.where(d["dnum"] == c, 0.0, d["pw"] * 15 / 14)
    return d, {"weights": "pw", "replicates": {"columns": "rep_*", "type": "JK1",
                                               "scale": 14 / 15 * (1 - 15 / 757)}}


# (ref_id, file, design, indicator, by, domain value)
CASES = [
    ("dclus1_mean_api00", "apiclus1", DCLUS1, {"variable": "api00", "statistic": "mean"}, [], None),
    ("dclus1_mean_api99", "apiclus1", DCLUS1, {"variable": "api99", "statistic": "mean"}, [], None),
    ("dclus1_total_enroll", "apiclus1", DCLUS1, {"variable": "enroll", "statistic": "total"}, [], None),
    ("dclus1_ratio_apistu_enroll", "apiclus1", DCLUS1,
     {"variable": "api.stu", "statistic": "ratio", "denominator": "enroll"}, [], None),
    ("dclus1_ratio_apistu_enroll_H", "apiclus1", DCLUS1,
     {"variable": "api.stu", "statistic": "ratio", "denominator": "enroll", "universe": "stype == 'H'"}, [], None),
    *[(f"dclus1_total_stype_{s}", "apiclus1", DCLUS1, {"variable": f"stype == '{s}'", "statistic": "total"}, [],
       None) for s in "EHM"],
    *[(f"dclus1_mean_stype_{s}", "apiclus1", DCLUS1, {"variable": f"stype == '{s}'"}, [], None) for s in "EHM"],
    *[(f"dclus1_by_stype_{v}_{s}", "apiclus1", DCLUS1, {"variable": v, "statistic": "mean"}, ["stype"], s)
      for v in ("ell", "meals") for s in "EHM"],
    ("dstrat_mean_api00", "apistrat", DSTRAT, {"variable": "api00", "statistic": "mean"}, [], None),
    ("dstrat_total_enroll", "apistrat", DSTRAT, {"variable": "enroll", "statistic": "total"}, [], None),
    ("dstrat_total_apistu", "apistrat", DSTRAT, {"variable": "api.stu", "statistic": "total"}, [], None),
    *[(f"dstrat_by_stype_api00_{s}", "apistrat", DSTRAT, {"variable": "api00", "statistic": "mean"}, ["stype"], s)
      for s in "EHM"],
    ("dstrat_domain_mean_api00_compimp_yes", "apistrat", DSTRAT,
     {"variable": "api00", "statistic": "mean", "universe": "comp.imp == 'Yes'"}, [], None),
    ("dsrs_mean_api00", "apisrs", DSRS, {"variable": "api00", "statistic": "mean"}, [], None),
    ("dsrs_total_enroll", "apisrs", DSRS, {"variable": "enroll", "statistic": "total"}, [], None),
    ("dclus2_mean_api00", "apiclus2", DCLUS2, {"variable": "api00", "statistic": "mean"}, [], None),
    ("dclus2_total_enroll", "apiclus2", DCLUS2, {"variable": "enroll", "statistic": "total"}, [], None),
    ("rclus1_mean_api00", "jk1", None, {"variable": "api00", "statistic": "mean"}, [], None),
    ("rclus1_mean_api99", "jk1", None, {"variable": "api99", "statistic": "mean"}, [], None),
    ("rclus1_mean_stype_E", "jk1", None, {"variable": "stype == 'E'"}, [], None),
]


def _run(file: str, design: dict | None, ind: dict, by: list[str], **kw) -> pd.DataFrame:
    spec = {"indicators": [{"code": "x", **ind}], "by": [by], **kw}
    if file == "jk1":
        d, design = _jk1_clus1()
        return estimate(ibis.duckdb.connect().create_table("t", d), design, spec, OPEN)
    return estimate(API / f"{file}.csv", design, spec, OPEN)


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


@pytest.fixture(scope="module")
def refs() -> pd.DataFrame:
    return pd.read_csv(API / "survey_reference_outputs.csv", dtype=str).set_index("ref_id")


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_published_reference(case, refs) -> None:
    ref_id, file, design, ind, by, dom = case
    out = _run(file, design, ind, by)
    row = out.iloc[0] if dom is None else out[out[by[0]] == dom].iloc[0]
    ref = refs.loc[ref_id]
    for col, text in (("estimate", ref["estimate"]), ("se", ref["se"])):
        # published values are rounded: agree to the printed digits (half a unit in the last place)
        tol = 0.5 * 10 ** -_decimals(text) + 1e-9 * abs(float(text))
        if "e" not in text and _decimals(text) == 0:
            tol = max(tol, 0.5 * 10 ** (len(text.split(".")[0].lstrip("-")) - 7))
        assert abs(row[col] - float(text)) <= tol, (ref_id, col, row[col], text)


def _rel(a: float, b: float, rel: float = 1e-9) -> None:
    assert abs(a - b) <= rel * abs(b), (a, b)


def test_methods_high_precision_values() -> None:
    """methods.md 7.5: values printed by R to 12-15 digits."""
    r = _run("apistrat", DSTRAT, {"variable": "api00", "statistic": "mean"}, []).iloc[0]
    _rel(r["estimate"], 662.287363159321)
    _rel(r["se"], 9.40894080278458)
    _rel(r["deff"], 1.20445726853772)
    r = _run("apiclus1", DCLUS1, {"variable": "enroll", "statistic": "total"}, []).iloc[0]
    _rel(r["estimate"], 3404940.13452911)
    _rel(r["se"], 932235.027041215)
    _rel(r["deff"], 31.3106560943494)
    r = _run("apiclus1", DCLUS1, {"variable": "api00", "statistic": "mean"}, []).iloc[0]
    _rel(r["se"], 23.542240693781)
    _rel(r["deff"], 9.34586945059095)
    _rel(r["ci_low"], 593.6763145)
    _rel(r["ci_high"], 694.6624834)
    r = _run("apiclus2", DCLUS2, {"variable": "api00", "statistic": "mean"}, []).iloc[0]
    _rel(r["estimate"], 670.811808118081)
    _rel(r["se"], 30.0990273768366)
    r = _run("jk1", None, {"variable": "api00", "statistic": "mean"}, []).iloc[0]
    _rel(r["se"], 26.3293605895276)
    by = _run("apistrat", DSTRAT, {"variable": "api00", "statistic": "mean"}, ["stype"]).set_index("stype")
    for s, se in zip("EHM", (12.38247979, 14.93712919, 16.21470731), strict=True):
        _rel(by.loc[s, "se"], se, 1e-8)
    no_fpc = {"ids": ["dnum"], "weights": "pw"}
    _rel(_run("apiclus1", no_fpc, {"variable": "api00", "statistic": "mean"}, []).iloc[0]["se"], 23.77901, 1e-6)


@pytest.mark.parametrize("method,low,high", [("logit", 0.8237988924, 0.9119000770),
                                             ("korn-graubard", 0.8237022108, 0.9147044921),
                                             ("wald", 0.8306502041, 0.9179836757)])
def test_svyciprop_dclus1(method, low, high) -> None:
    r = _run("apiclus1", DCLUS1, {"variable": "sch.wide == 'Yes'"}, [], ci=method).iloc[0]
    _rel(r["estimate"], 0.8743169399)
    _rel(r["ci_low"], low, 1e-8)
    _rel(r["ci_high"], high, 1e-8)


@pytest.mark.parametrize("method,low,high", [("logit", 0.5864671343, 0.7188064017),
                                             ("korn-graubard", 0.5850754863, 0.7214935059),
                                             ("wald", 0.5891396688, 0.7221583551)])
def test_svyciprop_dstrat(method, low, high) -> None:
    r = _run("apistrat", DSTRAT, {"variable": "comp.imp == 'Yes'"}, [], ci=method).iloc[0]
    _rel(r["estimate"], 0.6556490119)
    _rel(r["ci_low"], low, 1e-8)
    _rel(r["ci_high"], high, 1e-8)


TOY_DESIGN = {"ids": ["psu"], "strata": "stratum", "weights": "w", "nest": True}


def _toy(design: dict, ci: str = "logit", table=None, **ind) -> pd.DataFrame:
    spec = {"indicators": [{"code": "y", "variable": "y"}], "by": [[], ["female"]], "ci": ci,
            "parity": [{"code": "y", "by": "female", "numerator": "1", "denominator": "0"}], **ind}
    return estimate(TOY if table is None else table, design, spec, OPEN, extra_ci=["wald", "wilson"])


def test_toy_design_methods_7_6() -> None:
    out = _toy(TOY_DESIGN)
    tot = out[out["by"] == ""].iloc[0]
    _rel(tot["estimate"], 0.59)
    _rel(tot["se"], 0.0426709893644)
    _rel(tot["deff"], 0.136128990644)
    _rel(tot["ci_low"], 0.450805690758)
    _rel(tot["ci_high"], 0.716130270926)
    _rel(tot["ci_low_wald"], 0.454201867555)
    _rel(tot["ci_high_wald"], 0.725798132445)
    _rel(tot["ci_low_wilson"], 0.452569539173)
    _rel(tot["ci_high_wilson"], 0.714680251652)
    fem = out[(out["by"] == "female") & (out["statistic"] == "proportion")].set_index("female")
    _rel(fem.loc["1", "estimate"], 0.511764705882)
    _rel(fem.loc["1", "se"], 0.113779245234)
    _rel(fem.loc["1", "deff"], 0.495447958161)
    _rel(fem.loc["0", "se"], 0.104852338146)
    _rel(fem.loc["0", "deff"], 0.384965671851)
    _rel(fem.loc["1", "ci_low"], 0.197479889277)
    _rel(fem.loc["1", "ci_high"], 0.817015285749)
    par = out[out["statistic"] == "parity"].iloc[0]
    _rel(par["estimate"], 0.739215686275)
    _rel(par["se"], 0.260567599227)
    kg = _toy(TOY_DESIGN, "korn-graubard")
    _rel(kg.iloc[0]["ci_low"], 0.453507764603)
    _rel(kg.iloc[0]["ci_high"], 0.717043784679)
    _rel(kg[kg["female"] == "1"].iloc[0]["ci_low"], 0.192018362916)
    _rel(kg[kg["female"] == "1"].iloc[0]["ci_high"], 0.82440409674)
    unstrat = _toy({"ids": ["psu"], "weights": "w"})
    _rel(unstrat.iloc[0]["se"], 0.104283728357)


def _toy_reps(kind: str) -> tuple:
    d = pd.read_csv(TOY)
    psu = d["psu"].to_numpy()
    if kind == "JKn":
        for r in range(1, 7):
            h = d.loc[psu == r, "stratum"].iloc[0]
            d[f"rep_{r}"] = np.where(psu == r, 0.0, np.where(d["stratum"] == h, d["w"] * 2, d["w"]))
        spec = {"columns": "rep_*", "type": "JKn", "rscales": 0.5}
    elif kind == "JK1":
        for r in range(1, 7):
            d[f"rep_{r}"] = np.where(psu == r, 0.0, d["w"] * 6 / 5)
        spec = {"columns": "rep_*", "type": "JK1"}
    elif kind in ("BRR", "Fay"):
        m = np.array([[2, 0, 2, 0], [0, 2, 0, 2], [2, 2, 0, 0], [0, 0, 2, 2], [2, 0, 0, 2], [0, 2, 2, 0]])
        for r in range(4):
            f = m[psu - 1, r]
            d[f"rep_{r + 1}"] = d["w"] * (f if kind == "BRR" else np.where(f == 2, 1.5, 0.5))
        spec = {"columns": "rep_*", "type": kind, **({"rho": 0.5} if kind == "Fay" else {})}
    else:  # ACS successive difference, methods.md factors
        vals = [0.2928932188134524, 1.0, 1.7071067811865475]
        i = np.arange(1, 19)
        for r in range(1, 81):
            d[f"rep_{r}"] = d["w"] * np.array([vals[k] for k in (7 * i + 5 * r + i * r) % 3])
        spec = {"columns": "rep_*", "type": "ACS", "mse": kind == "ACS_mse"}
    return ibis.duckdb.connect().create_table("toy", d), {"weights": "w", "replicates": spec}


@pytest.mark.parametrize("kind,se", [("JKn", 0.0432344519775), ("BRR", 0.0430671193364), ("Fay", 0.0427448178959),
                                     ("JK1", 0.105512348428), ("ACS", 0.0690570416395),
                                     ("ACS_mse", 0.0690651865993)])
def test_toy_replicate_ses(kind, se) -> None:
    table, design = _toy_reps(kind)
    _rel(_toy(design, table=table).iloc[0]["se"], se)
