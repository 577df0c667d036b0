"""Progress methods: the worked cases of methods.md section 5.6, the projection and the edge cases."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from wsis.compute.progress import assess, assess_series, classify, measures, project, since_last_break
from wsis.compute.targets import Target
from wsis.errors import WsisError

UP = Target(id="up", indicator="X", title="x", value=100, direction=">=", citation="c")
DOWN = Target(id="down", indicator="P", title="p", value=2.0, direction="<=", citation="c")


@pytest.mark.parametrize(("vb", "vt", "t", "target", "ca", "cr", "r", "ve", "p"), [
    (40.0, 67.0, 2023, 100, 0.0666006682, 0.0629903793, 1.0573149257, 105.2174476785, 1.0869574613),   # A
    (5.0, 2.5, 2023, 2.0, -0.0829959568, -0.0592577134, 1.4005933063, 1.3631346658, 1.2122884447),     # B
    (30.0, 31.0, 2023, 100, 0.0041071391, 0.0835740182, 0.0491437317, 31.9023061236, 0.0271758018),    # D
])
def test_worked_cases_measures(vb, vt, t, target, ca, cr, r, ve, p):
    m = measures(vb, 2015, vt, t, target)
    assert m["observed_rate"] == pytest.approx(ca, abs=1e-9)
    assert m["required_rate"] == pytest.approx(cr, abs=1e-9)
    assert m["ratio"] == pytest.approx(r, abs=1e-9)
    assert m["extrapolated"] == pytest.approx(ve, abs=1e-8)
    assert m["progress_share"] == pytest.approx(p, abs=1e-9)


def test_case_c_no_target():
    m = measures(55.0, 2015, 60.0, 2022, None)
    assert m["observed_rate"] == pytest.approx(0.0125077727, abs=1e-9)
    assert classify("statcan", m, False) == "progress made but acceleration needed"
    assert classify("unsd2022", m, False) == "substantial progress / on track"
    assert classify("unsd", m, False) == "fair progress"


@pytest.mark.parametrize(("method", "a", "b", "d"), [
    ("unsd", "on track", "on track", "stagnation or regression"),
    ("statcan", "on track", "on track", "limited progress"),
    ("unsd2022", "substantial progress / on track", "substantial progress / on track", "limited or no progress"),
])
def test_worked_case_labels(method, a, b, d):
    assert assess_series([2015, 2023], [40, 67], UP, method)["category"] == a   # A: not "target met" (67 < 100)
    assert assess_series([2015, 2023], [5.0, 2.5], DOWN, method)["category"] == b
    assert assess_series([2015, 2023], [30, 31], UP, method)["category"] == d


def test_target_met_and_no_data():
    assert assess_series([2015, 2023], [5.0, 1.5], DOWN, "unsd")["category"] == "target met"
    umc = Target(id="u", indicator="X", title="x", value=100, met_at=95, direction=">=", citation="c")
    assert assess_series([2015, 2023], [80, 96], umc, "statcan")["category"] == "target met"
    assert assess_series([], [], UP, "unsd")["category"] == "no data"
    one = assess_series([2020], [50], UP, "unsd")
    assert one["category"] == "insufficient data" and one["latest_value"] == 50


def test_base_year_falls_back_to_first_later_year():
    r = assess_series([2010, 2017, 2020, 2023], [5, 40, 50, 67], UP, "unsd")
    assert r["base_year"] == 2017 and r["latest_year"] == 2023 and r["n_points"] == 3
    assert r["years_used"] == "2017-2023 (3 points)"


def test_projection_logit_recovers_trend():
    years = list(range(2015, 2024))
    true = [100 / (1 + math.exp(-(-1.0 + 0.2 * (y - 2015)))) for y in years]
    proj, lo, hi = project(years, true, 2030)
    assert proj == pytest.approx(100 / (1 + math.exp(-(-1.0 + 0.2 * 15))), rel=1e-9)
    assert lo == pytest.approx(proj, rel=1e-6) and hi == pytest.approx(proj, rel=1e-6)  # exact fit: no spread
    noisy = [v + e for v, e in zip(true, [0.5, -0.4, 0.3, -0.6, 0.2, 0.4, -0.3, 0.1, -0.2], strict=True)]
    p2, lo2, hi2 = project(years, noisy, 2030)
    assert lo2 < p2 < hi2 <= 100
    r = assess_series(years, noisy, UP, "projection")
    assert r["category"] in ("on track", "off track, improving") and r["projected_low"] < r["projected_2030"]


def test_band_target_uses_parity_transform():
    gps = Target(id="g", indicator="G", title="g", value=1.0, low=0.98, high=1.02, direction="band", citation="c")
    assert assess_series([2015, 2023], [0.85, 0.99], gps, "unsd")["category"] == "target met"
    r = assess_series([2015, 2023], [0.80, 0.82], gps, "statcan")
    assert r["category"] in ("limited progress", "progress made but acceleration needed")


def test_unknown_method_is_an_error():
    with pytest.raises(WsisError) as e:
        assess_series([2015, 2020], [1, 2], UP, "magic")
    assert e.value.column == "--method"


def test_assess_release(tiny_release):
    rel, _ = tiny_release
    df = assess(rel, area="AAA", method="all")
    use = df[df["indicator"] == "IT_USE_ii99"]
    assert set(use["method"]) == {"unsd", "statcan", "unsd2022", "projection"}
    assert (use["base_year"] == 2015).all() and (use["latest_value"] == 90).all()
    school = df[df["target_id"] == "every_school_connected"]
    assert len(school) == 4 and (school["category"] == "no data").all() and school["latest_value"].isna().all()
    with pytest.raises(WsisError):
        assess(rel, area="NOPE")


def test_no_progress_across_a_series_break():
    # AI_GAIRI-like: 2019 on a 0-10 scale, 2020-2024 on 0-100, 2025 a new framework.
    years = [2019, 2020, 2021, 2022, 2023, 2024, 2025]
    values = [5.7, 43.7, 45.5, 40.4, 40.2, 43.6, 52.6]
    s = pd.Series(values, index=years)
    assert since_last_break(s, [2020, 2025]).index.tolist() == [2025]
    assert since_last_break(s.loc[:2024], [2020, 2025]).index.tolist() == [2020, 2021, 2022, 2023, 2024]
    assert since_last_break(s, []).index.tolist() == years
    r = assess_series(years, values, UP, "unsd", breaks=[2020, 2025])
    assert r["category"] == "insufficient data" and r["n_points"] == 1   # one year since the 2025 break
    r = assess_series(years[:-1], values[:-1], UP, "unsd", breaks=[2020, 2025])
    assert r["base_year"] == 2020 and r["years_used"] == "2020-2024 (5 points)"   # 2019 (0-10 scale) never used
