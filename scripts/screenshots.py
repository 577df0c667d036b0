"""Screenshots of the home, indicator, country and action-line pages in English and Arabic, taken with
headless Chromium (Debian chromium through Playwright; never `playwright install`).

    .venv/bin/python scripts/screenshots.py [--url http://127.0.0.1:8000] [--out var/screenshots]

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

PAGES = {"home": "/", "indicator": "/indicators/IT_USE_ii99", "country": "/areas/KEN", "action-line": "/action-lines/C2"}
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def main() -> None:
    """Take the screenshots."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--url")
    ap.add_argument("--out", default="var/screenshots")
    ap.add_argument("--width", type=int, default=1280)
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
            page = browser.new_page(viewport={"width": args.width, "height": 900})
            for lang in ("en", "ar"):
                for name, path in PAGES.items():
                    url = base + ("" if lang == "en" else "/ar") + path
                    page.goto(url, timeout=120_000)
                    dest = out / f"{name}-{lang}.png"
                    page.screenshot(path=str(dest), full_page=True)
                    print(dest)
            browser.close()
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    main()
