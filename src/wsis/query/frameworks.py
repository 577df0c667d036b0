"""The frameworks and the world map, as the build stored them in the release."""

from __future__ import annotations

import json
from dataclasses import dataclass

from wsis.query.memo import memo
from wsis.reference.frameworks import SDG_COLUMNS, Frameworks
from wsis.reference.geometry import WIDTH, WorldGeometry, geometry_from_json
from wsis.release.reader import Release


def _documents(rel: Release) -> dict[str, object]:
    def build():
        df = rel.sql("SELECT name, body FROM documents")
        return {n: json.loads(b) for n, b in zip(df["name"], df["body"], strict=True)}
    return memo(("documents", rel.id), build)


def frameworks(rel: Release) -> Frameworks:
    """Action lines, SDG titles, the WSIS–SDG matrix, GDC objectives and the outcome document (empty when
    the release was built from a data dir without frameworks; its manifest says so)."""
    def build():
        docs = _documents(rel)
        parts = {k.split(".", 1)[1]: v for k, v in docs.items() if k.startswith("framework.")}
        sdg = rel.sql(f"SELECT {', '.join(SDG_COLUMNS)} FROM sdg_titles")
        matrix = rel.sql("SELECT * FROM wsis_sdg_matrix")
        return Frameworks.from_parts(parts, sdg, matrix)
    return memo(("frameworks", rel.id), build)


@dataclass(frozen=True)
class WorldMap:
    """Projected country shapes and small-island points, in map pixels."""

    geometry: WorldGeometry
    points: dict[str, tuple[int, int]]

    @property
    def width(self) -> int:
        """Pixel width of the map."""
        return WIDTH


def world_map(rel: Release) -> WorldMap:
    """The choropleth's geometry and island points."""
    def build():
        geom = geometry_from_json(_documents(rel)["map.geometry"])
        pts = rel.sql("SELECT iso3, x, y FROM map_points")
        return WorldMap(geom, {i: (int(x), int(y)) for i, x, y in zip(pts["iso3"], pts["x"], pts["y"], strict=True)})
    return memo(("worldmap", rel.id), build)
