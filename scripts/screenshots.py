"""Screenshots of the home, indicator, country, group, action-line, compare and outcome pages in English and
Arabic, taken with headless Chromium (Debian chromium through Playwright; never `playwright install`) at a
phone viewport (360 x 800 CSS px by default), cut at --max-height and reduced to a 128-colour palette
(Pillow; the octree method keeps the chart colours exact) so that they stay small enough to commit.

    .venv/bin/python scripts/screenshots.py [--url http://127.0.0.1:8000] [--out docs/screenshots]
        [--width 360] [--height 800] [--max-height 1800]

Without --url it serves the current release (WSIS_HOME) itself on a free local port.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PAGES = {"home": "/", "indicator": "/indicators/IT_USE_ii99", "country": "/areas/KEN", "group": "/groups/LDC",
         "action-line": "/action-lines/C2", "compare": "/compare?areas=KEN,UGA,LDC&indicator=IT_USE_ii99",
         "outcome": "/outcome"}
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def shrink(path: Path, colours: int = 128) -> None:
    """Re-save a screenshot with an adaptive palette (a fraction of the size; text stays crisp)."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=colours, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def main() -> None:
    """Take the screenshots."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--url")
    ap.add_argument("--out", default="var/screenshots")
    ap.add_argument("--width", type=int, default=360)
    ap.add_argument("--height", type=int, default=800)
    ap.add_argument("--max-height", type=int, default=1800)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    proc = None
    base = args.url
    if not base:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "wsis.web.app:create_app", "--host",
                                 "127.0.0.1", "--port", str(port), "--log-level", "warning"])
        base = f"http://127.0.0.1:{port}"
        for _ in range(240):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=os.environ.get("WSIS_CHROMIUM", "/usr/bin/chromium"),
                                        args=ARGS)
            page = browser.new_page(viewport={"width": args.width, "height": args.height})
            for lang in ("en", "ar"):
                for name, path in PAGES.items():
                    url = base + ("" if lang == "en" else "/ar") + path
                    page.goto(url, timeout=120_000)
                    dest = out / f"{name}-{lang}.png"
                    full = page.evaluate("document.documentElement.scrollHeight")
                    page.screenshot(path=str(dest), full_page=True,
                                    clip={"x": 0, "y": 0, "width": args.width, "height": min(full, args.max_height)})
                    shrink(dest)
                    print(dest, dest.stat().st_size // 1024, "KB")
            browser.close()
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    main()
