#!/usr/bin/env python3
"""The side-by-side tables of docs/colocation.md, "What does co-location buy us?": the CPU pair
(scenarios/colocation_cpu_segregated.json and colocation_cpu_colocated.json) under best-fit and
worst-fit, and with --pair gpu the GPU tidal pair (scenarios/tidal_segregated.json and
tidal_colocated.json); every figure computed from the runs' summaries."""
import argparse
import json
import pathlib
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]


def run(capsim, scenario, policy, out, offline_teams=("offline",)):
    subprocess.run([capsim, "run", str(ROOT / "scenarios" / scenario), "--policy", policy, "--out", str(out)],
                   check=True, capture_output=True)
    s = json.loads((out / "summary.json").read_text())
    import h5py
    with h5py.File(out / "results.h5", "r") as f:  # offline jobs that finished, from /jobs
        teams = list(f["jobs_labels"]["team"].asstr()[:])
        states = f["jobs"].attrs["state_names"].split(",")
        team = f["jobs"]["team"][:]
        offline = sum(team == teams.index(t) for t in offline_teams).astype(bool)
        s["offline_jobs"] = int(offline.sum())
        s["offline_completed"] = int((offline & (f["jobs"]["state"][:] == states.index("completed"))).sum())
    return s


def draw_tide(capsim_bin, results, resource, title, path):
    import sys
    sys.path.insert(0, str(pathlib.Path(capsim_bin).resolve().parent / "python"))
    import matplotlib
    matplotlib.use("Agg")
    import capsim
    ax = capsim.plot.tide(capsim.read_results(results), resource=resource)
    ax.set_title(title, loc="left", fontsize="medium")
    ax.figure.set_size_inches(9, 4)
    ax.figure.savefig(path, dpi=90, bbox_inches="tight")


def print_table(rows, metrics):
    print("| | " + " | ".join(label for label, _ in rows) + " |")
    print("| --- |" + " --- |" * len(rows))
    for name, f in metrics:
        print(f"| {name} | " + " | ".join(f(s) for _, s in rows) + " |")


def gpu_pair(a):
    teams = ("training-short", "training-long")
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for label, scenario in [("segregated", "tidal_segregated.json"), ("co-located, tidal", "tidal_colocated.json")]:
            out = pathlib.Path(d) / label.split(",")[0]
            rows.append((label, run(a.capsim, scenario, "best-fit", out, teams)))
        if a.figure:
            draw_tide(a.capsim, pathlib.Path(d) / "co-located" / "results.h5", "gpu",
                      "tidal co-location: GPUs used by tier over the day (online prod, offline batch)", a.figure)
    seg = rows[0][1]
    hours = lambda s: (s["sim_end_s"] - s["sim_start_s"]) / 3600
    used_h = lambda s, team: s[f"team.{team}.gpu_used_mean"] * s["gpus"] * hours(s)
    offline_h = lambda s: sum(used_h(s, t) for t in teams)
    useful_h = lambda s: offline_h(s) - s.get("lost_gpu_hours", 0)
    online_h = lambda s: sum(v * s["gpus"] * hours(s) for k, v in s.items()
                             if k.startswith("team.sd") and k.endswith(".gpu_used_mean"))
    metrics = [
        ("GPU machines (8 x A10G)", lambda s: f"{s['nodes']} ({s['gpus']} GPUs)"),
        ("GPU used, mean (share of the fleet)", lambda s: f"{100 * s['gpu_used_mean']:.1f}%"),
        ("online GPU-hours used", lambda s: f"{online_h(s):,.0f}"),
        ("offline GPU-hours used (as guests on online GPUs)",
         lambda s: f"{offline_h(s):,.0f} ({s.get('gpu_guest_hours', 0):,.0f})"),
        ("offline work lost to evictions and exits (GPU-hours)", lambda s: f"{s.get('lost_gpu_hours', 0):,.1f}"),
        (f"offline jobs completed (of {seg['offline_jobs']:,})", lambda s: f"{s['offline_completed']:,}"),
        ("short training wait p95", lambda s: f"{s['team.training-short.wait_p95_s'] / 60:.0f} min"),
        ("long training wait p95", lambda s: f"{s['team.training-long.wait_p95_s'] / 3600:.1f} h"),
        ("guests evicted for GPU memory", lambda s: f"{s.get('gpu_memory_evictions', 0):,}"),
        ("compute withheld from guests by online replicas (GPU-hours)",
         lambda s: f"{s.get('gpu_guest_preempted_hours', 0):,.0f}"),
        ("training checkpointed out at 07:30", lambda s: f"{s.get('tidal_saved_exits', 0):,}"),
        ("online p99 latency", lambda s: f"{s['latency_p99_s']:.0f} s"),
        ("online requests rejected", lambda s: f"{s['requests_rejected']:,.0f} of {s['requests_total']:,.0f}"),
        ("online time over the latency objective", lambda s: f"{100 * s['slo_violation_share']:.2f}%"),
        ("cost of the fleet, 3 days", lambda s: f"{s['cost_total']:,.0f} USD"),
        ("cost of the offline work (its pool, or machines added to the online pool)",
         lambda s: f"{(s['cost_pool_offline'] if 'cost_pool_offline' in s else s['cost_total'] - seg['cost_pool_online']):,.0f} USD"),
        ("fleet cost per useful GPU-hour (online + offline)", lambda s: f"{s['cost_total'] / (online_h(s) + useful_h(s)):.2f} USD"),
        ("cost per 1,000 online requests (the services' share of the bill)",
         lambda s: f"{1000 * sum(v for k, v in s.items() if k.startswith('cost_team_sd')) / s['requests_total']:.2f} USD"),
    ]
    print_table(rows, metrics)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--capsim", default=str(ROOT / "build" / "capsim"))
    ap.add_argument("--figure", help="also draw the co-located run's daily tide (capsim.plot.tide) to this PNG")
    ap.add_argument("--pair", choices=["cpu", "gpu"], default="cpu")
    a = ap.parse_args()
    if a.pair == "gpu":
        return gpu_pair(a)
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for label, scenario, policy in [("segregated, best-fit", "colocation_cpu_segregated.json", "best-fit"),
                                        ("co-located, best-fit", "colocation_cpu_colocated.json", "best-fit"),
                                        ("co-located, worst-fit", "colocation_cpu_colocated.json", "worst-fit")]:
            rows.append((label, run(a.capsim, scenario, policy, pathlib.Path(d) / label.replace(", ", "_"))))
        if a.figure:
            draw_tide(a.capsim, pathlib.Path(d) / "co-located_best-fit" / "results.h5", "cpu",
                      "co-located: CPU used by tier over the day, the Batch offer and what Batch took", a.figure)
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
    print_table(rows, metrics)


if __name__ == "__main__":
    main()
