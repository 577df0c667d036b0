"""CSV files as offices export them: R write.csv (NA), European CSV (; , Latin-1), CP1252, UTF-16, BOM.

``household_r.csv`` and ``household_eu.csv`` are written by R (scripts/r/make_golden.R) from the clean
``household.csv``; all three must give the same estimates and SEs (and R's, see test_golden.py).
"""

from __future__ import annotations

import codecs
import math
from pathlib import Path

import pandas as pd
import pytest

from wsis.errors import WsisError
from wsis.settings import Settings
from wsis.survey import csvin
from wsis.survey.estimate import estimate

DATA = Path(__file__).parents[1] / "data" / "survey"
OPEN = Settings(survey_min_n=0, survey_max_cv=math.inf, survey_flag_n=0, survey_flag_cv=math.inf)
TAYLOR = {"ids": ["psu"], "strata": "stratum", "weights": "w", "nest": True}
BOOT = {"weights": "w", "replicates": {"columns": "boot_*", "type": "bootstrap", "combined_weights": False}}
IND = {"indicators": [{"code": "internet_use", "variable": "internet_use"},
                      {"code": "ict_skill", "variable": "ict_skill", "universe": "age >= 15"},
                      {"code": "freq_user", "variable": "q12 in (1, 2)"},
                      {"code": "income", "variable": "income", "statistic": "mean"},
                      {"code": "ict_share", "variable": "spend_ict", "statistic": "ratio", "denominator": "income"}],
       "by": [[], ["sex"], ["area"], ["sex", "area"]],
       "parity": [{"code": "internet_use", "by": "sex", "numerator": "F", "denominator": "M"}]}
VALUES = ["estimate", "se", "ci_low", "ci_high", "df", "n"]


@pytest.fixture(scope="module")
def clean() -> dict[str, pd.DataFrame]:
    return {name: estimate(DATA / "household.csv", d, IND, OPEN) for name, d in (("taylor", TAYLOR), ("boot", BOOT))}


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert len(a) == len(b) > 5
    for c in VALUES:
        assert b[c].to_numpy(float) == pytest.approx(a[c].to_numpy(float), rel=1e-9, nan_ok=True), c


@pytest.mark.parametrize("design", ["taylor", "boot"])
@pytest.mark.parametrize("name", ["household_r.csv", "household_eu.csv"])
def test_exported_files_match_the_clean_file(clean, design, name) -> None:
    out = estimate(DATA / name, TAYLOR if design == "taylor" else BOOT, IND, OPEN)
    _same(clean[design], out)
    read = out.attrs["provenance"]["input"]
    if name == "household_eu.csv":
        assert (read["encoding"], read["delimiter"], read["decimal"]) == ("latin-1", ";", ",")
        assert {"encoding", "delimiter", "decimal"} <= set(read["detected"])
        assert "semicolon (detected)" in read["summary"] and "decimal comma (detected)" in read["summary"]
    else:
        assert (read["encoding"], read["delimiter"], read["decimal"]) == ("utf-8", ",", ".")


def test_accented_domains_read_from_latin1() -> None:
    ind = {"indicators": [{"code": "internet_use", "variable": "internet_use"}], "by": [["region_na"]]}
    r = estimate(DATA / "household_r.csv", TAYLOR, ind, OPEN)
    eu = estimate(DATA / "household_eu.csv", TAYLOR, ind, OPEN)
    assert set(eu["region_na"].dropna()) >= {"Île-du-Lac", "Côte-Nord", "Forêt-Sèche"}
    _same(r.sort_values("region_na", na_position="first").reset_index(drop=True),
          eu.sort_values("region_na", na_position="first").reset_index(drop=True))


def _rewrite(tmp_path: Path, name: str, sep: str, decimal: str, encoding: str, bom: bytes = b"",
             na: str = "", newline: str = "\n") -> Path:
    d = pd.read_csv(DATA / "household_r.csv")
    text = d.to_csv(index=False, sep=sep, decimal=decimal, na_rep=na, lineterminator=newline)
    p = tmp_path / name
    p.write_bytes(bom + text.encode(encoding))
    return p


@pytest.mark.parametrize("sep,decimal,encoding,bom,expect", [
    ("\t", ".", "utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),  # Excel "Unicode text"
    (";", ",", "cp1252", b"", "latin-1"),  # Excel CSV in a French locale (no cp1252-only characters)
    ("|", ".", "utf-8", codecs.BOM_UTF8, "utf-8"),
])
def test_other_excel_style_files(tmp_path, clean, sep, decimal, encoding, bom, expect) -> None:
    p = _rewrite(tmp_path, "x.csv", sep, decimal, encoding, bom, newline="\r\n")
    out = estimate(p, TAYLOR, IND, OPEN)
    _same(clean["taylor"], out)
    read = out.attrs["provenance"]["input"]
    assert (read["encoding"], read["delimiter"], read["decimal"]) == (expect, sep, decimal)


def test_cp1252_only_characters_are_transcoded(tmp_path) -> None:
    d = pd.read_csv(DATA / "household_r.csv")
    d["region_na"] = d["region_na"].where(d["region_na"] != "Plaine", "Plaine – 5 €")
    p = tmp_path / "cp.csv"
    p.write_bytes(d.to_csv(index=False, sep=";", decimal=",").encode("cp1252"))
    ind = {"indicators": [{"code": "internet_use", "variable": "internet_use"}], "by": [["region_na"]]}
    out = estimate(p, TAYLOR, ind, OPEN)
    assert "Plaine – 5 €" in set(out["region_na"]) and out.attrs["provenance"]["input"]["encoding"] == "cp1252"


def test_design_file_overrides_and_missing_codes(tmp_path, clean) -> None:
    d = pd.read_csv(DATA / "household_r.csv")
    d["internet_use"] = d["internet_use"].fillna(-99).astype(int)
    d["q12"] = d["q12"].fillna(9).astype(int)
    p = tmp_path / "codes.txt"
    p.write_bytes(d.to_csv(index=False, sep=";", decimal=",").encode("latin-1"))
    design = {**TAYLOR, "input": {"delimiter": ";", "decimal": ",", "encoding": "ISO-8859-1",
                                  "na_values": [-99]}}
    out = estimate(p, design, IND, OPEN)  # -99 is missing everywhere; 9 in q12 still counts as "not 1 or 2"
    ref = clean["taylor"]
    same = out["estimate"].to_numpy(float) == pytest.approx(ref["estimate"].to_numpy(float), rel=1e-9)
    assert not same and (out["indicator"] == "internet_use").sum() > 0
    iu = (out["indicator"] == "internet_use").to_numpy()
    assert out["se"].to_numpy(float)[iu] == pytest.approx(ref["se"].to_numpy(float)[iu], rel=1e-9)
    design["input"]["na_values"] = {"internet_use": [-99], "q12": [9]}
    out = estimate(p, design, IND, OPEN)
    _same(ref, out)
    read = out.attrs["provenance"]["input"]
    assert read["detected"] == [] and read["column_na"] == {"internet_use": ["-99"], "q12": ["9"]}
    assert (read["encoding"], read["delimiter"], read["decimal"]) == ("latin-1", ";", ",")


def test_still_not_numeric_names_row_column_value(tmp_path) -> None:
    d = pd.read_csv(DATA / "household_r.csv", dtype=str, keep_default_na=False)
    d.loc[40, "internet_use"] = "yes?"
    p = tmp_path / "bad.csv"
    d.to_csv(p, index=False)
    with pytest.raises(WsisError) as err:
        estimate(p, TAYLOR, IND, OPEN)
    e = err.value
    assert (e.file, e.row, e.column) == (str(p), 41, "internet_use")
    assert "'yes?'" in str(e) and "not numeric" in str(e) and len(str(e).splitlines()) == 1


def test_sniffer_units(tmp_path) -> None:
    p = tmp_path / "a.csv"
    p.write_bytes("x\ty\n1,5\tNA\n2,0\t.\n".encode("latin-1"))
    d = csvin.sniff(p)
    assert (d.delimiter, d.decimal, d.encoding) == ("\t", ",", "utf-8")
    p.write_bytes("région;valeur\nÎle;1,5\n".encode("latin-1"))
    assert csvin.sniff(p).encoding == "latin-1"
    p.write_bytes("a,b\n1,2\n".encode("utf-16-be"))  # no BOM
    assert csvin.sniff(p).encoding == "utf-16"
    with pytest.raises(WsisError):
        csvin.sniff(p, type("S", (), {"encoding": "ebcdic", "delimiter": None, "decimal": None,
                                      "na_values": []})())


def test_stata_spss_missing_codes_and_value_labels(tmp_path) -> None:
    """Stata extended missing (.a) and SPSS user-missing codes are missing; value labels work in conditions."""
    import pyreadstat

    toy = DATA / "toy.csv"
    design = {"ids": ["psu"], "strata": "stratum", "weights": "w", "nest": True}
    d = pd.read_csv(toy)
    with_na = d.astype({"y": "float"}).copy()
    with_na.loc[[2, 7], "y"] = None
    ref_path = tmp_path / "ref.csv"
    with_na.to_csv(ref_path, index=False, na_rep="NA")
    by_code = {"indicators": [{"code": "y", "variable": "y"}, {"code": "yf", "variable": "y",
                                                               "universe": "female == 1"}], "by": [[]]}
    by_label = {"indicators": [{"code": "y", "variable": "y"}, {"code": "yf", "variable": "y",
                                                                "universe": "female == 'Female'"}], "by": [[]]}
    ref = estimate(ref_path, design, by_code, OPEN)
    labels = {"female": {0: "Male", 1: "Female"}}
    stata = d.astype({"y": "object"}).copy()
    stata.loc[[2, 7], "y"] = "a"  # Stata .a
    pyreadstat.write_dta(stata, str(tmp_path / "t.dta"), variable_value_labels=labels,
                         missing_user_values={"y": ["a"]})
    spss = d.copy()
    spss.loc[[2, 7], "y"] = 9
    pyreadstat.write_sav(spss, str(tmp_path / "t.sav"), variable_value_labels=labels, missing_ranges={"y": [9]})
    for name in ("t.dta", "t.sav"):
        out = estimate(tmp_path / name, design, by_label, OPEN)
        assert out["estimate"].to_numpy(float) == pytest.approx(ref["estimate"].to_numpy(float), rel=1e-12)
        assert out["se"].to_numpy(float) == pytest.approx(ref["se"].to_numpy(float), rel=1e-12)
        assert out["n"].tolist() == ref["n"].tolist() == [len(d) - 2, int((d["female"] == 1).sum()) - int(
            (d.loc[[2, 7], "female"] == 1).sum())]
        assert out.attrs["provenance"]["input"]["format"] in ("stata", "spss")


def test_late_non_utf8_byte_names_the_row_and_the_fix(tmp_path) -> None:
    """Detection reads only the first 256 KiB; a Latin-1 accent after that is one clear error, not a crash."""
    d = pd.read_csv(DATA / "household_r.csv").drop(columns=["region", "region_na"])
    big = pd.concat([d] * 3, ignore_index=True).copy()
    big["place"] = "Plaine"
    big.loc[len(big) - 1, "place"] = "Île"
    p = tmp_path / "late.csv"
    big.to_csv(p, index=False, encoding="latin-1")
    assert p.stat().st_size > csvin.SAMPLE
    with pytest.raises(WsisError) as err:
        estimate(p, TAYLOR, {"indicators": [{"code": "internet_use", "variable": "internet_use"}]}, OPEN)
    e = err.value
    assert (e.code, e.row, e.file) == ("microdata-encoding", len(big), str(p)) and "encoding: latin-1" in str(e)
    out = estimate(p, {**TAYLOR, "input": {"encoding": "latin-1"}},
                   {"indicators": [{"code": "internet_use", "variable": "internet_use"}], "by": [["place"]]}, OPEN)
    assert set(out["place"]) == {"Plaine", "Île"}
