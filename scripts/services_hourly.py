#!/usr/bin/python3
"""How many nodes do the services need, hour by hour? Runs a scenario with
online services (default scenarios/services_diurnal.json), prints the
hour-by-hour table of the README section of that name (nodes held per pool,
ready replicas, CPU and GPU allocated vs used) as markdown, and draws the
figure (nodes per pool; used vs allocated CPU and GPU).

    PYTHONPATH=build/python scripts/services_hourly.py [SCENARIO] [--figure OUT.png] [--every HOURS]
"""
import argparse
import pathlib

import numpy as np
import pandas as pd

import capsim
import capsim.plot

ROOT = pathlib.Path(__file__).resolve().parent.parent


def hourly_table(r, every):
    ts = r.timeseries
    pools = [c for c in ts.columns if c.startswith("nodes_held.")]
    # Ready replicas over time from each service's history of replicas asked (the HPA's decisions).
    h = r.service_replicas
    t_hours = np.arange(0, ts.index.max() / 3600 - 1e-9, every)  # not the end, where every service has stopped
    asked = []
    for t in t_hours:
        last = h[h.t_s <= t * 3600].groupby("service", observed=True).tail(1)
        asked.append(int(last.replicas.sum()))
    rows = []
    for t, a in zip(t_hours, asked):
        s = ts.iloc[ts.index.get_indexer([t * 3600], method="pad")[0]]
        row = {"hour": int(t)}
        for p in pools:
            row[p[len("nodes_held."):]] = int(s[p])
        row.update({"replicas": a, "cpu alloc": f"{s.cpu_alloc_frac:.2f}", "cpu used": f"{s.cpu_used_frac:.2f}",
                    "gpu alloc": f"{s.gpu_milli_alloc_frac:.2f}", "gpu used": f"{s.gpu_used_frac:.2f}"})
        rows.append(row)
    return pd.DataFrame(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "services_diurnal.json"))
    ap.add_argument("--figure", help="write the figure here (PNG)")
    ap.add_argument("--every", type=float, default=3, help="table rows every this many hours (default 3)")
    a = ap.parse_args()
    r = capsim.run(capsim.load_scenario(a.scenario))
    if r.services is None:
        raise SystemExit(f"{a.scenario}: no online services")
    table = hourly_table(r, a.every)
    cols = [str(c) for c in table.columns]
    print("| " + " | ".join(cols) + " |")
    print("|" + "|".join(" ---: " for _ in cols) + "|")
    for _, row in table.iterrows():
        print("| " + " | ".join(str(v) for v in row) + " |")
    s = r.summary
    print(f"\nservices {s['services']}, requests {s['requests_total']:.3g}, rejected {s['requests_rejected']:.3g}, "
          f"time over the objective {s['slo_violation_share']:.2%}, ready replicas (mean) {s['replicas_mean']:.0f}, "
          f"CPU allocated {s['alloc_cpu_mean']:.3f} used {s['cpu_used_mean']:.3f}, "
          f"GPU allocated {s['alloc_gpu_milli_mean']:.3f} used {s['gpu_used_mean']:.3f}, "
          f"cost {s.get('cost_total', float('nan')):,.0f} {s.get('cost_currency', '')}")
    if a.figure:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, axes = plt.subplots(3, 1, figsize=(9, 9), sharex=True)
        capsim.plot.nodes_held(r, ax=axes[0])
        axes[0].set_title("nodes held per pool (elastic pools follow the replicas)")
        capsim.plot.used_vs_allocated(r, "cpu", ax=axes[1])
        capsim.plot.used_vs_allocated(r, "gpu", ax=axes[2])
        fig.tight_layout()
        fig.savefig(a.figure, dpi=110)
        print(f"wrote {a.figure}")


if __name__ == "__main__":
    main()
