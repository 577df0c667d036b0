"""The 2030 targets catalogue."""

from __future__ import annotations

from wsis.catalogue import load_catalogue
from wsis.compute.gaps import gap_codes
from wsis.compute.targets import load_targets, target_for


def test_every_target_has_a_citation_and_a_known_indicator():
    known = set(load_catalogue().indicators) | set(gap_codes()) | {"IT_SCH_CONN"}
    ts = load_targets()
    assert {t.id for t in ts} >= {"universal_internet_use", "universal_4g_coverage", "gender_parity_internet",
                                   "affordable_mobile_broadband", "universal_household_internet",
                                   "every_school_connected"}
    for t in ts:
        assert t.citation and t.indicator in known and t.year == 2030


def test_is_met():
    assert target_for("IT_USE_ii99").is_met(95.0) and not target_for("IT_USE_ii99").is_met(94.9)
    assert target_for("IT_PRC_MBB5_GNI").is_met(1.9) and not target_for("IT_PRC_MBB5_GNI").is_met(2.1)
    gps = target_for("IT_USE_ii99_GPS")
    assert gps.is_met(1.0) and not gps.is_met(0.97)
    assert target_for("IT_SCH_CONN").is_met(None) is None  # no data is not 0
    assert "para 37" in target_for("IT_SCH_CONN").citation
