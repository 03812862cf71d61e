#!/usr/bin/python3
"""Scale benchmark: the 10,000-node, 1,000,000-job scenario (bench/scale_10k_1m.json)
and versions of it with the fleet and the job count scaled (the arrival rate
follows the fleet, so the load stays about 0.7), run with first-fit, best-fit
and fgd through `capsim run`. Prints run time (the simulation, `wall_s`, and
the whole command) and peak memory per point, the growth exponents fitted on
a log-log scale, and each figure next to its recorded one in
bench/recorded.txt (flagging a slowdown over 10%).

usage: bench/scale.py [--capsim build/capsim] [--full] [--figure bench/scale.png]
--full adds the 100,000-node and 10,000,000-job points (about 8 GB of memory
and a few minutes)."""
import argparse
import copy
import json
import math
import pathlib
import re
import subprocess
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
BASE = json.loads((ROOT / "bench" / "scale_10k_1m.json").read_text())
POLICIES = ["first-fit", "best-fit", "fgd"]


def recorded():
    out = {}
    path = ROOT / "bench" / "recorded.txt"
    if path.exists():
        for line in path.read_text().splitlines():
            if line and not line.startswith("#"):
                k, v = line.split()[:2]
                out[k] = float(v)
    return out


def scenario(nodes, jobs):
    s = copy.deepcopy(BASE)
    f = nodes / 10000
    for g in s["fleet"]["nodes"]:
        g["group"]["count"] = max(1, round(g["group"]["count"] * f))
    w = s["workloads"][0]["synthetic"]
    w["count"] = jobs
    w["arrivals"]["poisson_rate_per_hour"] = BASE["workloads"][0]["synthetic"]["arrivals"]["poisson_rate_per_hour"] * f
    s["name"] = f"scale: {jobs:,} jobs on {nodes:,} nodes"
    return s


def run(capsim, tmp, nodes, jobs, policy):
    path = tmp / f"s{nodes}_{jobs}.json"
    path.write_text(json.dumps(scenario(nodes, jobs)))
    out = tmp / f"r{nodes}_{jobs}_{policy}.h5"
    p = subprocess.run(["/usr/bin/time", "-f", "TIME %e %M", capsim, "run", str(path), "--policy", policy,
                        "--max-memory", "20", "--out", str(out)], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(p.stderr)
    total, rss_kb = re.search(r"TIME ([0-9.]+) ([0-9]+)", p.stderr).groups()
    # The simulation's own time is the table's wall_s column (summaries leave it out: they are deterministic).
    lines = [line.split() for line in p.stdout.splitlines() if line.strip()]
    header = next(l for l in lines if "wall_s" in l)
    row = lines[lines.index(header) + 1]
    out.unlink()
    return float(row[header.index("wall_s")]), float(total), int(rss_kb) / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--capsim", default=str(ROOT / "build" / "capsim"))
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--figure", default="")
    a = ap.parse_args()
    node_points = [1000, 10000] + ([100000] if a.full else [])
    job_points = [100000, 1000000] + ([10000000] if a.full else [])
    points = sorted({(n, 1000000) for n in node_points} | {(10000, j) for j in job_points})
    rec = recorded()
    slower = 0
    rows = []
    print(f"{'nodes':>8} {'jobs':>10} {'policy':10} {'sim_s':>8} {'total_s':>8} {'peak_MiB':>9} {'B/job':>6}  vs recorded")
    with tempfile.TemporaryDirectory() as d:
        for nodes, jobs in points:
            for policy in POLICIES:
                sim, total, rss = run(a.capsim, pathlib.Path(d), nodes, jobs, policy)
                rows.append((nodes, jobs, policy, sim, total, rss))
                key = f"scale/{policy}/{nodes}x{jobs}/total_s"
                note = ""
                if key in rec:
                    ratio = total / rec[key]
                    note = f"recorded {rec[key]:.2f}, {ratio:.2f}x" + ("  SLOWER by more than 10%" if ratio > 1.1 else "")
                    slower += ratio > 1.1
                print(f"{nodes:>8,} {jobs:>10,} {policy:10} {sim:8.2f} {total:8.2f} {rss:9.0f} "
                      f"{rss * 1048576 / jobs:6.0f}  {note}", flush=True)
    print("\ngrowth exponents (slope of log total_s):")
    for policy in POLICIES:
        by_nodes = [(n, t) for n, j, p, s, t, r in rows if p == policy and j == 1000000]
        by_jobs = [(j, t) for n, j, p, s, t, r in rows if p == policy and n == 10000]
        fit = lambda pts: np.polyfit(np.log([x for x, _ in pts]), np.log([y for _, y in pts]), 1)[0]
        print(f"  {policy:10} against nodes (1M jobs): {fit(by_nodes):.2f}   against jobs (10k nodes): {fit(by_jobs):.2f}")
    if a.figure:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
        for policy in POLICIES:
            xs = [(n, t) for n, j, p, s, t, r in rows if p == policy and j == 1000000]
            ax1.loglog(*zip(*xs), marker="o", label=policy)
            ys = [(j, t) for n, j, p, s, t, r in rows if p == policy and n == 10000]
            ax2.loglog(*zip(*ys), marker="o", label=policy)
        ax1.set(xlabel="nodes (1M jobs)", ylabel="whole command, s", title="run time against fleet size")
        ax2.set(xlabel="jobs (10k nodes)", ylabel="whole command, s", title="run time against job count")
        for ax in (ax1, ax2):
            ax.grid(True, which="both", alpha=0.3)
            ax.legend()
        fig.tight_layout()
        fig.savefig(a.figure, dpi=100)
        print(f"wrote {a.figure}")
    print(f"{slower} figure(s) more than 10% slower than recorded" if slower else "no figure more than 10% slower than recorded")


if __name__ == "__main__":
    main()
