#!/usr/bin/env python3
"""The deadline-aware spot tables of README "Deadline-aware spot" and docs/spot.md: one 48-hour job
from 1,000 start offsets in each bundled SkyPilot series, under the five policies of `capsim
deadline-spot`, at several deadlines. Every figure is the command's own summary.csv.

usage: deadline_spot_table.py [--capsim build/capsim] [--deadlines 52,60,72] [--readme]"""
import argparse
import csv
import pathlib
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
SERIES = [  # (label, file, extra options): the 16-node file has no end row, its period is 4,736 x 300 s
    ("us-east-1a, 1 node (83% up)", "aws-us-east-1a-p3.2xlarge-1node-capacity.csv", []),
    ("us-west-2a, 1 of 16 (58% up)", "aws-us-west-2a-p3.2xlarge-16node-capacity.csv", ["--period-h", "394.6666667"]),
    ("us-west-2b, 1 node (10% up)", "aws-us-west-2b-p3.2xlarge-1node-capacity.csv", []),
]
POLICIES = ["on-demand", "spot-only", "spot-fallback", "greedy", "uniform-progress"]


def study(capsim, path, extra, deadline_h, out):
    subprocess.run([capsim, "deadline-spot", str(ROOT / "traces" / "skypilot-spot-v2023" / path), "--work-h", "48",
                    "--deadline-h", str(deadline_h), "--overhead-h", "0.2", "--starts", "1000", "--out", str(out),
                    *extra], check=True, capture_output=True)
    with open(out / "summary.csv") as f:
        return {r["policy"]: r for r in csv.DictReader(f)}


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--capsim", default=str(ROOT / "build" / "capsim"))
    a.add_argument("--deadlines", default="52,60,72")
    a.add_argument("--readme", action="store_true", help="only the 60-hour deadline, as in README")
    args = a.parse_args()
    deadlines = [60.0] if args.readme else [float(x) for x in args.deadlines.split(",")]
    with tempfile.TemporaryDirectory() as d:
        for deadline in deadlines:
            cols = [study(args.capsim, f, extra, deadline, pathlib.Path(d) / f"{i}-{deadline}")
                    for i, (_, f, extra) in enumerate(SERIES)]
            print(f"\nDeadline {deadline:g} h (slack {deadline - 48:g} h), restart overhead 0.2 h; "
                  "mean cost / on-demand cost, deadline misses, spot share of billed hours:\n")
            print("| policy | " + " | ".join(label for label, _, _ in SERIES) + " |")
            print("| --- |" + " --- |" * len(SERIES))
            for p in POLICIES:
                cells = []
                for c in cols:
                    r = c[p]
                    cells.append(f"{float(r['cost_vs_on_demand']):.3f}, {100 * float(r['miss_share']):.1f}% missed, "
                                 f"{100 * float(r['spot_share']):.0f}% spot")
                print(f"| {p} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
