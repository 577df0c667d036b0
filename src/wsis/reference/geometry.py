"""World-map geometry for the choropleth: Natural Earth 110m TopoJSON (npm ``world-atlas``), projected once
(Equal Earth) into pixel space, simplified on shared arcs (Douglas-Peucker) and quantized to whole pixels, so
that a full world map stays a few kilobytes compressed. Small island developing States that the 110m file
lacks become points placed at their latitude/longitude (from the Gapminder entity file of the data dir).

The projected shapes ship as package data (``world_map.json``, made by ``scripts/make_world_map.py`` from
world-atlas), so a plain ``pip install`` draws the map without ``node_modules``; ``wsis build`` copies them,
with the island points, into the release.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from wsis.errors import WsisError

WIDTH = 640
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2
_XMAX, _YMAX = 2.7064, 1.3174  # Equal Earth extent in radians-space units
_SCALE = WIDTH / (2 * _XMAX)
TOP_LAT_CLIP = 84.0     # Natural Earth stops near 84N
BOTTOM_LAT_CLIP = -58.0  # Antarctica is dropped; the map ends just below Tierra del Fuego
TOLERANCE = 0.3  # degrees, Douglas-Peucker on shared arcs


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Project longitude/latitude (degrees) to map pixels (Equal Earth, y down, origin top-left)."""
    lam, phi = math.radians(lon), math.radians(lat)
    th = math.asin(_M * math.sin(phi))
    t2 = th * th
    t6 = t2 * t2 * t2
    x = lam * math.cos(th) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = th * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return (x + _XMAX) * _SCALE, (_top_y() - y) * _SCALE


@lru_cache(maxsize=1)
def _top_y() -> float:
    th = math.asin(_M * math.sin(math.radians(TOP_LAT_CLIP)))
    t2 = th * th
    t6 = t2 ** 3
    return th * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))


def map_height() -> int:
    """Pixel height of the projected map (84N to 58S)."""
    return int(math.ceil(equal_earth(0, BOTTOM_LAT_CLIP)[1]))


def _dp(points: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas-Peucker simplification of one polyline (iterative)."""
    n = len(points)
    if n < 3:
        return points
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy) or 1e-12
        best, idx = -1.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            d = abs(dy * (px - ax) - dx * (py - ay)) / norm if (dx or dy) else math.hypot(px - ax, py - ay)
            if d > best:
                best, idx = d, i
        if best > tol and idx > 0:
            keep[idx] = True
            stack += [(a, idx), (idx, b)]
    return [p for p, k in zip(points, keep, strict=False) if k]


@dataclass(frozen=True)
class WorldGeometry:
    """Projected, simplified country shapes keyed by M49 code, and point positions for small islands."""

    shapes: dict[str, list[list[tuple[int, int]]]]   # m49 -> rings of integer pixel points
    height: int

    def features(self) -> list[dict]:
        """GeoJSON features in pixel space (for a Vega-Lite ``identity`` projection)."""
        out = []
        for m49, rings in self.shapes.items():
            coords = [[[list(p) for p in ring] + [list(ring[0])]] for ring in rings]
            out.append({"type": "Feature", "id": m49, "properties": {"m49": m49},
                        "geometry": {"type": "MultiPolygon", "coordinates": coords}})
        return out


PACKAGED = Path(__file__).with_name("world_map.json")


def default_atlas_path() -> Path:
    """Where ``npm install`` puts world-atlas: ``node_modules/`` of the working dir (or of the checkout)."""
    for base in (Path.cwd(), Path(__file__).resolve().parents[3]):
        p = base / "node_modules" / "world-atlas" / "countries-110m.json"
        if p.exists():
            return p
    return Path.cwd() / "node_modules" / "world-atlas" / "countries-110m.json"


def _clip(ring: list[tuple[float, float]], lo: float, hi: float) -> list[tuple[float, float]]:
    """Sutherland-Hodgman clip of a lon/lat ring to ``lo <= lon <= hi``."""
    for edge, inside in ((lo, lambda p: p[0] >= lo), (hi, lambda p: p[0] <= hi)):
        if not ring:
            return ring
        out: list[tuple[float, float]] = []
        prev = ring[-1]
        for cur in ring:
            if inside(cur) != inside(prev):
                t = (edge - prev[0]) / (cur[0] - prev[0])
                out.append((edge, prev[1] + t * (cur[1] - prev[1])))
            if inside(cur):
                out.append(cur)
            prev = cur
        ring = out
    return ring


def _unwrap(ring: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """Make a ring continuous in longitude, then cut it at the antimeridian into at most two rings."""
    pts = [ring[0]]
    for lon, lat in ring[1:]:
        prev = pts[-1][0]
        while lon - prev > 180:
            lon -= 360
        while lon - prev < -180:
            lon += 360
        pts.append((lon, lat))
    lons = [p[0] for p in pts]
    if min(lons) >= -180 and max(lons) <= 180:
        return [pts]
    out = []
    for shift in (-360, 0, 360):
        part = _clip([(x + shift, y) for x, y in pts], -180, 180)
        if len(part) >= 3:
            out.append(part)
    return out


@lru_cache(maxsize=1)
def packaged_world() -> tuple[WorldGeometry, dict]:
    """The projected shapes shipped with the package, and where they were made from."""
    doc = json.loads(PACKAGED.read_text(encoding="utf-8"))
    shapes = {k: [[tuple(p) for p in ring] for ring in rings] for k, rings in doc["shapes"].items()}
    return WorldGeometry(shapes=shapes, height=int(doc["height"])), doc["source"]


def geometry_from_json(doc: dict) -> WorldGeometry:
    """A ``WorldGeometry`` from its JSON form (``{"height": .., "shapes": {m49: rings}}``)."""
    return WorldGeometry(shapes={k: [[tuple(p) for p in r] for r in rings] for k, rings in doc["shapes"].items()},
                         height=int(doc["height"]))


@lru_cache(maxsize=4)
def load_world(path: Path | None = None, tolerance: float = TOLERANCE) -> WorldGeometry:
    """Decode the TopoJSON, simplify shared arcs (degrees), cut at the antimeridian, project and quantize."""
    path = Path(path or default_atlas_path())
    if not path.exists():
        raise WsisError("map-geometry-missing", "world-atlas TopoJSON not found", file=str(path),
                        hint="run `make node-deps` (npm install world-atlas)", status=500)
    topo = json.loads(path.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs: list[list[tuple[float, float]]] = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, max(min(y * sy + ty, TOP_LAT_CLIP), BOTTOM_LAT_CLIP)))
        arcs.append(_dp(pts, tolerance))

    def rings(idx: list[int]) -> list[list[tuple[int, int]]]:
        lonlat: list[tuple[float, float]] = []
        for i in idx:
            seg = arcs[i] if i >= 0 else arcs[~i][::-1]
            lonlat += seg if not lonlat else seg[1:]
        out = []
        for part in _unwrap(lonlat):
            pix: list[tuple[int, int]] = []
            for lon, lat in part:
                px, py = equal_earth(lon, lat)
                q = (round(px), round(py))
                if not pix or pix[-1] != q:
                    pix.append(q)
            if len(pix) > 1 and pix[0] == pix[-1]:
                pix.pop()
            if len(set(pix)) >= 3:
                out.append(pix)
        return out

    shapes: dict[str, list[list[tuple[int, int]]]] = {}
    for g in topo["objects"]["countries"]["geometries"]:
        m49 = g.get("id")
        if not m49 or m49 == "010" or g.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        rs = [r for poly in polys for ring_idx in poly for r in rings(ring_idx)]
        if rs:
            shapes[m49] = rs
    return WorldGeometry(shapes=shapes, height=map_height())


def island_points(data_dir: Path) -> dict[str, tuple[float, float]]:
    """ISO3 -> projected pixel point, from the Gapminder entity file's latitude/longitude (empty if absent)."""
    p = Path(data_dir) / "gapminder_systema_globalis" / "ddf--entities--geo--country.csv"
    out: dict[str, tuple[float, float]] = {}
    if not p.exists():
        return out
    with p.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            iso3, lat, lon = row.get("iso3166_1_alpha3"), row.get("latitude"), row.get("longitude")
            if iso3 and lat and lon:
                try:
                    out[iso3] = equal_earth(float(lon), max(min(float(lat), TOP_LAT_CLIP), BOTTOM_LAT_CLIP))
                except ValueError:
                    continue
    return out
