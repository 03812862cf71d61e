#!/usr/bin/env python3
"""`make demo`: five what-if questions, each answered by capsim on the bundled scenarios and traces.

For each: the question, the capsim command and its own table, then the answer in one sentence computed
from the results it wrote (nothing here is hard-coded). Ends with one figure that makes one point
(out/demo/sizing.png) and the HTML report of everything (out/demo/report.html)."""
import argparse
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def sh(*args):
    print("$ " + " ".join(str(a) for a in args), flush=True)
    p = subprocess.run([str(a) for a in args], cwd=ROOT)
    if p.returncode != 0:
        sys.exit(f"demo: the command above failed (exit {p.returncode})")


def question(n, text):
    print(f"\n== What-if {n}: {text}", flush=True)


def answer(text):
    print(f"\n>> {text}\n", flush=True)


def summaries(compare_dir):
    out = {}
    for d in sorted(pathlib.Path(compare_dir).iterdir()):
        if (d / "summary.json").exists():
            s = json.loads((d / "summary.json").read_text())
            out[s["policy"]] = s
    return out


def money(v, currency):
    return f"{v:,.0f} {currency}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--capsim", default=str(ROOT / "build" / "capsim"))
    ap.add_argument("--out", default="out/demo")
    a = ap.parse_args()
    capsim, out = a.capsim, pathlib.Path(a.out)
    traces = ROOT / "traces" / "alibaba-gpu-v2023"

    question(1, "which placement policy strands the fewest GPUs? (the FGD paper's inflation experiment on the "
                "1,213-node Alibaba GPU cluster, 10 seeds)")
    sh(capsim, "inflate", "--nodes", traces / "openb_node_list_gpu_node.csv",
       "--pods", traces / "openb_pod_list_default.csv", "--out", out / "inflation")
    pol = json.loads((out / "inflation" / "summary.json").read_text())["policies"]
    ranked = sorted(pol, key=lambda p: pol[p]["unallocated_gpus_end_mean"])
    best, second = ranked[0], ranked[1]
    answer(f"{best}: when the cluster is full, {pol[best]['unallocated_gpus_end_mean']:.0f} GPUs stay unallocated "
           f"(mean of 10 seeds), {pol[second]['unallocated_gpus_end_mean'] - pol[best]['unallocated_gpus_end_mean']:.0f} "
           f"fewer than the next best, {second}; at 100% arrival it allocates "
           f"{100 * pol[best]['alloc_ratio_at_100_mean']:.1f}% of GPU capacity against "
           f"{100 * pol[second]['alloc_ratio_at_100_mean']:.1f}%.")

    question(2, "how many T4 nodes keep the p95 wait under 10 minutes, for three arrival rates? "
                "(scenarios/sweeps/t4_goal.json: goal-seeking by bisection)")
    sh(capsim, "sweep", "scenarios/sweeps/t4_goal.json", "--out", out / "t4")
    import pandas as pd
    goal = pd.read_csv(out / "t4" / "goal.csv")
    ans = goal.columns[-1]
    parts = [f"{int(r.arrivals_per_hour)} jobs/h: {r[ans]}" for _, r in goal.iterrows()]
    answer("T4 nodes needed for a p95 wait of at most 600 s: " + ", ".join(parts) +
           f" (the other node groups unchanged; every run the bisection chose is in {out / 't4' / 'sweep.csv'}).")

    question(3, "what does each policy cost on a reserved base with on-demand burst, and who pays? "
                "(scenarios/cost_reserved_plus_burst.json)")
    sh(capsim, "compare", "scenarios/cost_reserved_plus_burst.json", "--policies", "first-fit,best-fit,worst-fit,fgd",
       "--out", out / "cost")
    s = summaries(out / "cost")
    cur = next(iter(s.values()))["cost_currency"]
    by_cost = sorted(s, key=lambda p: s[p]["cost_total"])
    lo, hi = by_cost[0], by_cost[-1]
    sh(capsim, "cost", out / "cost" / f"{lo}-seed{s[lo]['seed']}" / "results.h5", "--by", "team", "--spread-idle")
    teams = {k[len("cost_team_"):]: v for k, v in s[lo].items() if k.startswith("cost_team_")}
    top = max(teams, key=teams.get)
    pools = {k[len("cost_pool_"):]: s[hi][k] - s[lo][k] for k in s[lo] if k.startswith("cost_pool_") and k in s[hi]}
    where = max(pools, key=pools.get)
    answer(f"{lo} is cheapest at {money(s[lo]['cost_total'], cur)}, {money(s[hi]['cost_total'] - s[lo]['cost_total'], cur)} "
           f"({100 * (1 - s[lo]['cost_total'] / s[hi]['cost_total']):.0f}%) less than {hi}, most of it "
           f"({money(pools[where], cur)}) in pool {where}; {100 * s[lo]['cost_idle_share']:.0f}% of its bill is held "
           f"by no job, and team {top} pays the most ({money(teams[top], cur)}).")

    question(4, "how much would spot save on a week of GPU jobs, and what does it cost in interruptions? "
                "(scenarios/spot_v2026.json, real spot capacity of 2026)")
    sh(capsim, "compare", "scenarios/spot_v2026.json", "--policies", "spot-fallback,spot-only,static-split,on-demand-only",
       "--out", out / "spot")
    s = summaries(out / "spot")
    od = s["on-demand-only"]
    cur = od["cost_currency"]
    best = min((p for p in s if p != "on-demand-only"), key=lambda p: s[p]["cost_total"])
    b = s[best]
    answer(f"{best} costs {money(b['cost_total'], cur)} against {money(od['cost_total'], cur)} on demand only "
           f"({100 * (1 - b['cost_total'] / od['cost_total']):.0f}% less), with {b['job_interruptions']} job "
           f"interruptions and {b.get('lost_gpu_hours', 0):.0f} GPU-hours redone; its p95 wait is "
           f"{b['wait_p95_s'] / 60:.0f} min (on demand: {od['wait_p95_s'] / 60:.0f} min).")

    question(5, "how many nodes do five online services need hour by hour, and how much of what they hold do "
                "they use? (scenarios/services_diurnal.json, a week of real load curves)")
    sh(capsim, "run", "scenarios/services_diurnal.json", "--out", out / "services")
    s = json.loads((out / "services" / "summary.json").read_text())
    sys.path.insert(0, str(pathlib.Path(capsim).resolve().parent / "python"))
    import capsim as cs
    r = cs.read_results(out / "services" / "results.h5")
    held = r.timeseries[[c for c in r.timeseries.columns if c.startswith("nodes_held.")]].sum(axis=1)
    answer(f"between {held.min():.0f} and {held.max():.0f} nodes over the week (hourly samples); the services "
           f"hold {100 * s['alloc_cpu_mean']:.0f}% of the fleet's CPU on average but use "
           f"{100 * s['cpu_used_mean']:.0f}%: {100 * s['cpu_alloc_unused_mean']:.0f}% of the fleet's CPU is "
           f"held and idle, the slack co-location would borrow.")

    # One figure, one point: the nodes the sizing question needs, per arrival rate.
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    t = pd.read_csv(out / "t4" / "sweep.csv")
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for k, (rate, g) in enumerate(t.groupby("arrivals_per_hour")):
        g = g.sort_values("t4_nodes")
        ax.plot(g.t4_nodes, g.wait_p95_s.clip(lower=1) / 60, marker="o", color=f"C{k}", label=f"{rate} jobs/h")
        need = goal[goal.arrivals_per_hour == rate][ans].iloc[0]
        if str(need) != "none":
            ax.axvline(float(need), color=f"C{k}", ls=":", lw=1)
            ax.annotate(f"{need} nodes", (float(need), 10), xytext=(4, 8), textcoords="offset points",
                        color=f"C{k}", fontsize="small")
    ax.axhline(10, color="black", lw=1, ls="--", label="goal: p95 wait 10 min")
    ax.set_yscale("log")
    ax.set_xlabel("T4 nodes in the fleet (runs the bisection chose)")
    ax.set_ylabel("p95 wait (min, log; 0 shown at 1 s)")
    ax.set_title("How many T4 nodes keep the p95 wait under 10 minutes?", loc="left", fontsize="medium")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    fig.tight_layout()
    fig.savefig(out / "sizing.png", dpi=100, bbox_inches="tight")
    print(f"\n== The figure: {out / 'sizing.png'} (what-if 2: each rate's curve crosses the goal at its answer)")

    print("\n== The report of all five")
    sh(capsim, "report", out / "inflation", out / "t4", out / "cost", out / "spot", out / "services",
       "-o", out / "report.html", "--title", "capsim demo: five what-if questions")
    print(f"\nOpen {(ROOT / out / 'report.html') if not out.is_absolute() else out / 'report.html'} in a browser "
          "(self-contained, no network needed).")


if __name__ == "__main__":
    main()
