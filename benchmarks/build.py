"""Time a full `wsis build` from the offline mirror; print seconds and observations per second.

Goal (issue 2): at most 20 s on a 2-core machine.  Usage: python benchmarks/build.py [--repeat N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from wsis.build import build_release
from wsis.settings import Settings


def main() -> None:
    """Build the mirror N times into a scratch home and report the timings."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data-dir", type=Path, default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as home:
        s = Settings(home=Path(home), **({"data_dir": args.data_dir} if args.data_dir else {}))
        times, cpu, pub, n = [], [], [], 0
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            m = build_release(s)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            pub.append(m["publishing"]["seconds"])
            n = m["observations"]
    best, worst = min(times), max(times)
    print(f"full build of {s.data_dir}: {n:,} observations (derived included)")
    print(f"seconds: best {best:.2f}, worst {worst:.2f} over {args.repeat} runs")
    print(f"observations per second (best): {n / best:,.0f}")
    print(f"CPU seconds of this process (best): {min(cpu):.2f}; of which writing what publishing needs "
          f"(frameworks, map, names, gaps, progress, slices): {min(pub):.2f} s wall")
    print(f"goal <= 20 s: {'met' if best <= 20 else 'NOT met'}")


if __name__ == "__main__":
    main()
