#!/usr/bin/env python3
"""The side-by-side table of docs/colocation.md, "What does co-location buy us?": the CPU pair
(scenarios/colocation_cpu_segregated.json and colocation_cpu_colocated.json) under best-fit and
worst-fit, every figure computed from the runs' summaries."""
import argparse
import json
import pathlib
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]


def run(capsim, scenario, policy, out):
    subprocess.run([capsim, "run", str(ROOT / "scenarios" / scenario), "--policy", policy, "--out", str(out)],
                   check=True, capture_output=True)
    s = json.loads((out / "summary.json").read_text())
    import h5py
    with h5py.File(out / "results.h5", "r") as f:  # offline jobs that finished, from /jobs
        teams = list(f["jobs_labels"]["team"].asstr()[:])
        states = f["jobs"].attrs["state_names"].split(",")
        done = (f["jobs"]["team"][:] == teams.index("offline")) & (f["jobs"]["state"][:] == states.index("completed"))
        s["offline_completed"] = int(done.sum())
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--capsim", default=str(ROOT / "build" / "capsim"))
    ap.add_argument("--figure", help="also draw the co-located run's daily tide (capsim.plot.tide) to this PNG")
    a = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for label, scenario, policy in [("segregated, best-fit", "colocation_cpu_segregated.json", "best-fit"),
                                        ("co-located, best-fit", "colocation_cpu_colocated.json", "best-fit"),
                                        ("co-located, worst-fit", "colocation_cpu_colocated.json", "worst-fit")]:
            rows.append((label, run(a.capsim, scenario, policy, pathlib.Path(d) / label.replace(", ", "_"))))
        if a.figure:
            import sys
            sys.path.insert(0, str(pathlib.Path(a.capsim).resolve().parent / "python"))
            import matplotlib
            matplotlib.use("Agg")
            import capsim
            r = capsim.read_results(pathlib.Path(d) / "co-located_best-fit" / "results.h5")
            ax = capsim.plot.tide(r)
            ax.set_title("co-located: CPU used by tier over the day, the Batch offer and what Batch took",
                         loc="left", fontsize="medium")
            ax.figure.set_size_inches(9, 4)
            ax.figure.savefig(a.figure, dpi=90, bbox_inches="tight")
    seg = rows[0][1]
    cores = lambda s: s["nodes"] * 96  # both fleets are 96-core nodes
    hours = lambda s: (s["sim_end_s"] - s["sim_start_s"]) / 3600
    offline_core_h = lambda s: s["team.offline.cpu_used_mean"] * cores(s) * hours(s)
    online_cost = seg["cost_pool_online"]
    metrics = [
        ("nodes", lambda s: f"{s['nodes']}"),
        ("CPU used, mean (share of the fleet)", lambda s: f"{100 * s['cpu_used_mean']:.1f}%"),
        ("CPU allocated natively, mean", lambda s: f"{100 * s['alloc_cpu_mean']:.1f}%"),
        ("offline jobs completed (of 2,400; the rest still running at the horizon)", lambda s: f"{s['offline_completed']:,}"),
        ("offline work done (core-hours used)", lambda s: f"{offline_core_h(s):,.0f}"),
        ("offline wait p95", lambda s: f"{s['team.offline.wait_p95_s'] / 60:.1f} min"),
        ("BE CPU suppressed (core-hours)", lambda s: f"{s.get('be_cpu_suppressed_core_hours', 0):,.0f}"),
        ("BE pods evicted for memory", lambda s: f"{s.get('be_memory_evictions', 0):,}"),
        ("online p99 latency (worst service)", lambda s: f"{1000 * s['latency_p99_s']:.0f} ms"),
        ("online time over the latency objective", lambda s: f"{100 * s['slo_violation_share']:.2f}%"),
        ("cost of the fleet, 2 days", lambda s: f"{s['cost_total']:,.0f} USD"),
        ("cost of the offline work (its pool, or the nodes added to the online pool)",
         lambda s: f"{(s['cost_pool_offline'] if 'cost_pool_offline' in s else s['cost_total'] - online_cost):,.0f} USD"),
        ("fleet cost per offline core-hour", lambda s: f"{s['cost_total'] / offline_core_h(s):.3f} USD"),
    ]
    print("| | " + " | ".join(label for label, _ in rows) + " |")
    print("| --- |" + " --- |" * len(rows))
    for name, f in metrics:
        print(f"| {name} | " + " | ".join(f(s) for _, s in rows) + " |")


if __name__ == "__main__":
    main()
