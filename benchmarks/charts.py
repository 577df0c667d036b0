"""Chart rendering time for a new selection: our SVG builder against Altair + vl-convert (the Vega-Lite
renderer the dashboard used before), on the same data, each call with a fresh cache key; then the whole
indicator page for new area selections, in process (query + charts + template, no HTTP).

    .venv/bin/python benchmarks/charts.py [--repeat 20]

Uses the current release under WSIS_HOME (build one with `wsis build`). Prints medians and the ratio.
Note the machine load (`uptime`) next to the figures: they are CPU times on a shared machine.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import time

import pandas as pd

from wsis.settings import get_settings
from wsis.web import charts, geo


def _median_ms(fn, repeat: int) -> float:
    out = []
    for i in range(repeat):
        t = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out)


def _series(i: int) -> pd.DataFrame:
    names = ["World", "High-income economies", "Low-income economies", "Least developed countries"]
    rows = [{"year": y, "value": 5 + 20 * k + (y - 2000) * (1 + k) + i / 1000, "series": n, "code": n[:3]}
            for k, n in enumerate(names) for y in range(2000, 2024)]
    return pd.DataFrame(rows)


def _altair_line(df: pd.DataFrame) -> str:
    import altair as alt
    import vl_convert as vlc

    base = alt.Chart(df).encode(x=alt.X("year:Q", axis=alt.Axis(format="d")), y="value:Q",
                                color=alt.Color("series:N", legend=alt.Legend(orient="bottom")))
    spec = alt.layer(base.mark_line(), base.mark_point(filled=True)).properties(width=600, height=260).to_dict()
    return vlc.vegalite_to_svg(spec)


def _altair_map(values: dict[str, float]) -> str:
    import vl_convert as vlc

    feats = geo.load_world().features()
    for f in feats:
        f["properties"]["v"] = values.get(f["id"])
    spec = {"width": geo.WIDTH, "height": geo.map_height(), "data": {"values": feats},
            "projection": {"type": "identity"}, "mark": {"type": "geoshape", "stroke": "#fff"},
            "encoding": {"color": {"field": "properties.v", "type": "quantitative",
                                   "scale": {"type": "quantize", "scheme": "blues"}}}}
    return vlc.vegalite_to_svg(spec)


def _page_times(repeat: int) -> list[float]:
    from fastapi.testclient import TestClient

    from wsis.web.app import create_app

    codes = ["KEN", "UGA", "TZA", "RWA", "ETH", "NGA", "GHA", "SEN", "BRA", "IND", "IDN", "FRA", "DEU", "JPN"]
    combos = itertools.islice(itertools.combinations(codes, 3), repeat)
    out = []
    with TestClient(create_app(get_settings())) as c:
        c.get("/indicators/IT_USE_ii99")  # the release, its tables and the world geometry are loaded once
        for combo in combos:
            t = time.perf_counter()
            r = c.get("/indicators/IT_USE_ii99?areas=WLD," + ",".join(combo))
            out.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200
    return out


def main() -> None:
    """Run the comparison and print it."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    print(f"load: {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} CPUs")
    m49 = {f"C{i}": f["id"] for i, f in enumerate(geo.load_world().features())}
    vals = {k: float(i % 97) for i, k in enumerate(m49)}
    _altair_line(_series(0))  # start vl-convert's engine once, as a running server would have
    rows = [
        ("line chart, 4 areas x 24 years", lambda i: charts.line_chart(f"b{i}", _series(i), "Percent"),
         lambda i: _altair_line(_series(i))),
        ("choropleth, ~175 countries", lambda i: charts.choropleth(f"b{i}", {k: v + i for k, v in vals.items()},
                                                                    m49, [], get_settings().data_dir, "Percent"),
         lambda i: _altair_map({m: v + i for m, v in zip(m49.values(), vals.values(), strict=True)})),
    ]
    print(f"{'chart':34} {'ours ms':>9} {'vl-convert ms':>14} {'ratio':>7}")
    for name, ours, peer in rows:
        a, b = _median_ms(ours, args.repeat), _median_ms(peer, max(3, args.repeat // 4))
        print(f"{name:34} {a:9.1f} {b:14.1f} {b / a:6.0f}x")
    pages = _page_times(args.repeat)
    print(f"indicator page, new selection: median {statistics.median(pages):.0f} ms, "
          f"max {max(pages):.0f} ms over {len(pages)} selections (goal: 150 ms)")


if __name__ == "__main__":
    main()
