#!/usr/bin/python3
"""The 1,000-point sweep benchmark: bench/sweep_1000.json (the openb default replay, 2 policies x 500
seeds) with `capsim sweep --threads N`. Prints the wall time, the parallel efficiency (the runs' own
wall times summed, over wall x threads) and the per-point overhead over the run itself ((wall x threads
- sum of runs) / points). Targets (issue 18): under 3 minutes on 2 cores, efficiency >= 0.9, overhead
< 5 ms per point. Prints figures; asserts nothing.

    bench/sweep.py [--capsim build/capsim] [--threads 2] [--spec bench/sweep_1000.json]
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import tempfile
import time

import pandas as pd

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--capsim", default=str(ROOT / "build" / "capsim"))
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--spec", default=str(ROOT / "bench" / "sweep_1000.json"))
    a = ap.parse_args()
    out = pathlib.Path(tempfile.mkdtemp(prefix="capsim_sweep_bench_"))
    try:
        t0 = time.monotonic()
        subprocess.run([a.capsim, "sweep", a.spec, "--out", str(out), "--threads", str(a.threads)], check=True,
                       stdout=subprocess.DEVNULL)
        wall = time.monotonic() - t0
        t = pd.read_csv(out / "sweep.csv")
        runs = t.wall_s.sum()
        n = len(t)
        print(f"sweep of {n} points on {a.threads} threads: {wall:.1f} s wall (target < 180 s on 2 cores)")
        print(f"  runs themselves: {runs:.1f} s summed; parallel efficiency {runs / (wall * a.threads):.3f} "
              f"(target >= 0.9)")
        print(f"  overhead per point over its run: {(wall * a.threads - runs) / n * 1000:.1f} ms (target < 5 ms)")
        t0 = time.monotonic()
        subprocess.run([a.capsim, "sweep", a.spec, "--out", str(out), "--threads", str(a.threads)], check=True,
                       stdout=subprocess.DEVNULL)
        print(f"  rerun (every point finished: resume): {time.monotonic() - t0:.2f} s")
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
