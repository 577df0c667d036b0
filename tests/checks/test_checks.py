"""Each quality check on a small hand-made frame."""

import pandas as pd
import pytest

from wsis.catalogue import load_catalogue
from wsis.checks import CheckContext
from wsis.checks.base import quarantine
from wsis.checks.coverage import CoverageGap
from wsis.checks.duplicates import DuplicateKey
from wsis.checks.jumps import YearOnYearJump
from wsis.checks.ranges import NegativeCount, PercentRange
from wsis.checks.units import UnitMismatch
from wsis.checks.unknown_codes import UnknownArea, UnknownIndicator
from wsis.reference import load_areas
from wsis.sources.base import make_frame


@pytest.fixture(scope="module")
def ctx(shared_data):
    return CheckContext(load_catalogue(), load_areas(shared_data), {"d": "x.csv"})


def frame(**kw):
    base = dict(INDICATOR=pd.Series(["IT_USE_ii99"] * 3), REF_AREA=pd.Series(["KEN", "KEN", "UGA"]),
                TIME_PERIOD=pd.Series([2020, 2021, 2021]), OBS_VALUE=pd.Series([30.0, 33.0, 10.0]),
                UNIT_MEASURE="PT", SOURCE_ROW=pd.Series([2, 3, 4]), SOURCE_COLUMN="Value")
    base.update(kw)
    return make_frame("d", **base)


def test_clean_frame_has_no_errors(ctx):
    f = frame()
    for chk in (UnknownArea(), UnknownIndicator(), DuplicateKey(), PercentRange(), NegativeCount(), UnitMismatch(),
                YearOnYearJump()):
        assert list(chk.run(f, ctx)) == []


def test_unknown_area_names_row(ctx):
    (f,) = UnknownArea().run(frame(REF_AREA=pd.Series(["KEN", "QQQ", "UGA"])), ctx)
    assert (f.severity, f.row_number, f.column_name, f.file, f.area) == ("error", 3, "Value", "x.csv", "QQQ")


def test_unknown_indicator(ctx):
    (f,) = UnknownIndicator().run(frame(INDICATOR=pd.Series(["IT_USE_ii99", "IT_USE_ii99", "NOPE"])), ctx)
    assert f.indicator == "NOPE" and f.row_number == 4


def test_duplicate_key_names_second_row(ctx):
    (f,) = DuplicateKey().run(frame(TIME_PERIOD=pd.Series([2020, 2020, 2021])), ctx)
    assert f.row_number == 3 and f.severity == "error"


def test_percent_and_negative(ctx):
    (f,) = PercentRange().run(frame(OBS_VALUE=pd.Series([30.0, 100.5, -1.0])), ctx)
    assert f.n == 2 and f.row_number == 3
    g = frame(INDICATOR=pd.Series(["IT_NET_BBN"] * 3), UNIT_MEASURE="NUMBER", OBS_VALUE=pd.Series([1.0, -2.0, 3.0]))
    (f,) = NegativeCount().run(g, ctx)
    assert f.row_number == 3


def test_unit_mismatch(ctx):
    (f,) = UnitMismatch().run(frame(UNIT_MEASURE="PER_100_POP"), ctx)
    assert "expected 'PT'" in f.message and f.n == 3


def test_year_on_year_jump_is_a_warning(ctx):
    (f,) = YearOnYearJump().run(frame(OBS_VALUE=pd.Series([5.0, 60.0, 10.0])), ctx)
    assert f.severity == "warning" and f.row_number == 3


def test_coverage_gap_reports_missing_members(ctx):
    findings = list(CoverageGap().run(frame(), ctx))
    use = [f for f in findings if f.indicator == "IT_USE_ii99"]
    assert use and "191 of 193" in use[0].message
    assert any(f.indicator == "IT_MOB_OWN" and f.n == 0 for f in findings)


def test_known_issue_quarantines_rows(ctx):
    f = frame(OBS_VALUE=pd.Series([30.0, 111.0, 10.0]))
    findings = list(PercentRange().run(f, ctx))
    kept, out = quarantine(f, findings, ctx, [{"dataset": "d", "check": "percent-range", "reason": "reviewed"}])
    assert len(kept) == 2 and out[0].severity == "warning" and "quarantined" in out[0].message
