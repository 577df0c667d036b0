"""Chart and map rendering: Vega-Lite -> SVG, compact geometry, small islands as points."""

from __future__ import annotations

import gzip
import re

import pandas as pd
import pytest

from wsis.query import WorldMap
from wsis.reference import geometry as geo
from wsis.web import charts


def test_equal_earth_projection_is_symmetric_and_bounded():
    x0, _ = geo.equal_earth(0, 0)
    xl, _ = geo.equal_earth(-180, 0)
    xr, _ = geo.equal_earth(180, 0)
    assert x0 == pytest.approx(geo.WIDTH / 2, abs=1)
    assert xl == pytest.approx(0, abs=1) and xr == pytest.approx(geo.WIDTH, abs=1)
    assert geo.equal_earth(0, geo.TOP_LAT_CLIP)[1] == pytest.approx(0, abs=1e-9)
    assert geo.equal_earth(0, 0)[1] < geo.map_height()


def test_world_geometry_is_simplified_quantized_and_cut_at_the_antimeridian():
    w = geo.load_world()
    assert len(w.shapes) > 160 and "010" not in w.shapes  # Antarctica dropped
    for rings in w.shapes.values():
        for ring in rings:
            assert all(isinstance(x, int) and -1 <= x <= geo.WIDTH + 1 for x, _ in ring)
    # Russia and Fiji cross the antimeridian: no ring may span (almost) the whole width.
    for m49 in ("643", "242"):
        for ring in w.shapes[m49]:
            xs = [x for x, _ in ring]
            assert max(xs) - min(xs) < geo.WIDTH * 0.6


def test_packaged_map_is_the_projected_world_atlas():
    """The package data (what a plain ``pip install`` draws) equals a fresh projection of npm world-atlas."""
    packaged, source = geo.packaged_world()
    fresh = geo.load_world()
    assert packaged.shapes == fresh.shapes and packaged.height == fresh.height
    assert source["package"].startswith("npm world-atlas ") and source["tolerance_degrees"] == geo.TOLERANCE


def test_choropleth_is_small_and_marks_missing_islands(shared_data):
    values = {"KEN": 40.0, "FRA": 85.0, "TUV": 30.0, "MDV": 70.0}
    m49 = {"KEN": "404", "FRA": "250", "TUV": "798", "MDV": "462"}
    pts = geo.island_points(shared_data)
    world = WorldMap(geo.packaged_world()[0], {k: (round(x), round(y)) for k, (x, y) in pts.items()})
    svg = charts.choropleth("test", values, m49, ["TUV", "MDV"], world, "Percent")
    assert svg.startswith("<svg") and 'aria-hidden="true"' in svg
    assert len(gzip.compress(svg.encode())) < 15_000
    # Tuvalu and the Maldives are not in the 110m geometry: two circle marks (arc paths) are drawn.
    assert "798" not in geo.load_world().shapes and "462" not in geo.load_world().shapes
    assert len(re.findall(r'd="M[^"]*A', svg)) >= 2


def test_line_chart_has_one_line_per_series_and_is_cached():
    df = pd.DataFrame({"year": [2020, 2021, 2020, 2021], "value": [1.0, 2.0, 3.0, 4.5],
                       "series": ["A", "A", "B", "B"]})
    svg = charts.line_chart("test", df, "Percent", target=5.0)
    assert svg.count("<path") >= 3 and "Percent" in svg
    assert charts.line_chart("test", df, "Percent", target=5.0) is svg


def test_compact_path_rewrites_to_relative_whole_pixels():
    assert charts._relative_path("M10.4,20.6L12.2,20.4L12.3,20.6Z") == "M10 21l2-1l0 1z"
    assert charts._relative_path("M0,0L0.2,0.1L5,5") == "M0 0l5 5"  # sub-pixel steps are dropped
