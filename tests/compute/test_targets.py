"""The 2030 targets catalogue."""

from __future__ import annotations

from wsis.catalogue import load_catalogue
from wsis.compute.gaps import gap_codes
from wsis.compute.targets import load_targets, target_for


def test_every_target_has_a_citation_and_a_known_indicator():
    cat = load_catalogue()
    known = set(cat.indicators) | set(gap_codes())
    ts = load_targets()
    assert {t.id for t in ts} >= {"universal_internet_use", "universal_4g_coverage", "gender_parity_internet",
                                   "affordable_mobile_broadband", "universal_household_internet",
                                   "every_school_connected", "global_ewaste_recycling"}
    for t in ts:
        assert t.citation and t.indicator in known
        assert t.year == 2030 or t.id == "global_ewaste_recycling"


def test_school_and_ewaste_targets_are_official_and_cited():
    ts = {t.id: t for t in load_targets()}
    school = ts["every_school_connected"]
    assert school.indicator == "SE_ACC_INTN" and school.dims == {"EDUCATION_LEV": "ISCED11_1"}
    assert "para 37" in school.citation and school.value == 100 and school.year == 2030
    assert {ts[k].dims["EDUCATION_LEV"] for k in ts if k.startswith("every_school")} == {"ISCED11_1", "ISCED11_2",
                                                                                         "ISCED11_3"}
    ew = ts["global_ewaste_recycling"]
    assert ew.indicator == "EN_EWT_RCYR" and ew.value == 30 and ew.year == 2023 and ew.area == "WLD"
    assert "Connect 2030" in ew.citation and "Target 3.2" in ew.citation


def test_is_met():
    assert target_for("IT_USE_ii99").is_met(95.0) and not target_for("IT_USE_ii99").is_met(94.9)
    assert target_for("IT_PRC_MBB5_GNI").is_met(1.9) and not target_for("IT_PRC_MBB5_GNI").is_met(2.1)
    gps = target_for("IT_USE_ii99_GPS")
    assert gps.is_met(1.0) and not gps.is_met(0.97)
    assert target_for("SE_ACC_INTN").is_met(None) is None  # no data is not 0
    assert "para 37" in target_for("SE_ACC_INTN").citation
