#!/usr/bin/env python3
"""Render every page of one or more report PDFs to PNG with pdftoppm, for visual review.

Usage: python scripts/render_report_pages.py REPORT.pdf [MORE.pdf ...] [--out DIR] [--dpi 60]
Writes DIR/<pdf stem>/page-NN.png and prints one line per PDF (pages, fonts not embedded, if any).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path


def render(pdf: Path, out: Path, dpi: int) -> list[Path]:
    """Render each page of ``pdf`` to ``out/<stem>/page-N.png``; returns the PNG paths."""
    target = out / pdf.stem
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(target / "page")], check=True)
    return sorted(target.glob("page-*.png"))


def fonts(pdf: Path) -> list[str]:
    """Font lines of ``pdffonts`` that are not embedded (should be none)."""
    res = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    rows = res.stdout.splitlines()[2:]
    return [r for r in rows if len(r.split()) >= 5 and r.split()[-5] == "no"]


def main(argv: list[str] | None = None) -> int:
    """Command-line entry."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, default=Path("report-pages"))
    ap.add_argument("--dpi", type=int, default=60)
    args = ap.parse_args(argv)
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found: apt-get install poppler-utils", file=sys.stderr)
        return 2
    for pdf in args.pdfs:
        pages = render(pdf, args.out, args.dpi)
        missing = fonts(pdf) if shutil.which("pdffonts") else []
        print(f"{pdf}: {len(pages)} pages -> {args.out / pdf.stem}"
              + (f"; NOT EMBEDDED: {missing}" if missing else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
