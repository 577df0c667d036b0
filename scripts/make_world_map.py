"""Regenerate ``src/wsis/reference/world_map.json`` from npm ``world-atlas`` (``make node-deps`` first).

The file holds the Natural Earth 110m country shapes (public domain, via world-atlas) projected with Equal
Earth into pixel space, simplified and quantized by ``wsis.reference.geometry.load_world``. It ships as
package data, so a plain ``pip install`` draws the map without ``node_modules``.

    python scripts/make_world_map.py [path/to/countries-110m.json]
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from wsis.files import atomic_write
from wsis.reference import geometry


def main(argv: list[str]) -> None:
    """Project, simplify and write the packaged world map; print its size."""
    src = Path(argv[0]) if argv else geometry.default_atlas_path()
    world = geometry.load_world(src)
    pkg = json.loads((src.parent / "package.json").read_text(encoding="utf-8"))
    doc = {"source": {"package": f"npm {pkg['name']} {pkg['version']}", "file": src.name,
                      "sha256": hashlib.sha256(src.read_bytes()).hexdigest(), "projection": "Equal Earth",
                      "tolerance_degrees": geometry.TOLERANCE, "width": geometry.WIDTH,
                      "data": "Natural Earth 110m admin 0 countries (public domain)"},
           "height": world.height, "shapes": dict(sorted(world.shapes.items()))}
    out = geometry.PACKAGED
    atomic_write(out, json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"wrote {out} ({out.stat().st_size:,} bytes, {len(world.shapes)} shapes)")


if __name__ == "__main__":
    main(sys.argv[1:])
