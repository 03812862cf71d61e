#!/usr/bin/env python3
"""The table of README "Multi-cloud: how big should the monthly clusters be?": scenarios/multicloud_serving.json
(written by scripts/multicloud_scenario.py) with every monthly cluster scaled by the same factor, the load
unchanged; every figure comes from the runs' summaries and results.h5."""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

import h5py
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import multicloud_scenario  # noqa: E402


def run(capsim, scale, d, change=None, tag=""):
    s = multicloud_scenario.scenario(scale)
    if change:
        change(s)
    # Paths in a scenario are relative to it: keep them pointing into the repository.
    s["cost"]["catalog"] = str(ROOT / "scenarios" / s["cost"]["catalog"])
    for w in s["workloads"]:
        load = w["service"]["load"]
        if "csv" in load:
            load["csv"]["path"] = str((ROOT / "scenarios" / load["csv"]["path"]).resolve())
    path = pathlib.Path(d) / f"scale-{scale}{tag}.json"
    path.write_text(json.dumps(s))
    out = pathlib.Path(d) / f"out-{scale}{tag}"
    subprocess.run([capsim, "run", str(path), "--out", str(out)], check=True, capture_output=True)
    summary = json.loads((out / "summary.json").read_text())
    with h5py.File(out / "results.h5") as f:
        ts = f["timeseries"]
        od = {p: float(np.mean(ts[f"nodes_held.{p}"][:])) for p in ("aws-od", "cc-od")}
    return s, summary, od


def sync_async(s, r):
    """Requests of the synchronous services' monthly deployments, their failures, and the asynchronous
    services' requests and rejections (no route: an asynchronous rejection fails)."""
    sync = sum(r[f"service.{w['service']['name']}.requests_total"] for w in s["workloads"]
               if "spill_to" in w["service"] and w["service"]["pool"].endswith("monthly"))
    names = [w["service"]["name"] for w in s["workloads"] if w["service"]["name"].startswith("async-")]
    async_total = sum(r[f"service.{n}.requests_total"] for n in names)
    async_rejected = sum(r[f"service.{n}.requests_rejected"] for n in names)
    return sync, r["requests_failed"] - async_rejected, async_total, async_rejected


def sizes_table(capsim, scales, d):
    print("| monthly GPUs | cost, one week | cost per 1,000 generations | spilled (of synchronous) | failed (synchronous) "
          "| rejected (asynchronous) | p99 added wait of spilled | on-demand GPUs held (mean: aws / alibaba) "
          "| margin per day |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for scale in scales:
        s, r, od = run(capsim, scale, d)
        monthly = sum(n["group"]["count"] for n in s["fleet"]["nodes"] if n["group"]["pool"].endswith("monthly"))
        sync, sync_failed, async_total, async_rejected = sync_async(s, r)
        served = r["requests_total"] - r["requests_rejected"]
        assert abs(r["cost_per_served_request"] - r["cost_total"] / served) < 1e-9 * r["cost_total"]
        print(f"| {monthly:,} | {r['cost_total']:,.0f} USD | {1000 * r['cost_per_served_request']:.2f} USD "
              f"| {100 * r['requests_spilled'] / sync:.2f}% | {100 * sync_failed / sync:.2f}% "
              f"| {100 * async_rejected / async_total:.1f}% "
              f"| {r['spill_wait_p99_s']:.0f} s | {od['aws-od']:,.0f} / {od['cc-od']:,.0f} "
              f"| {r['services_margin_per_day']:,.0f} USD |")


def expander_table(capsim, scale, rates, d):
    print("| on-demand node requests failing | expander | failed (synchronous) | rejected (asynchronous) "
          "| p99 added wait of spilled | on-demand GPUs held (mean: aws / alibaba) | cost per 1,000 generations |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for failing, expander in [(0.0, "priority")] + [(r, e) for r in rates for e in ("priority", "fallback")]:
        def change(s):
            s["capacity"]["params"]["expander"] = expander
            for p in s["fleet"]["pools"]:
                if p["kind"] == "on-demand":
                    p["provision_failure_rate"] = failing
        s, r, od = run(capsim, scale, d, change, f"-{failing}-{expander}")
        sync, sync_failed, async_total, async_rejected = sync_async(s, r)
        print(f"| {100 * failing:.0f}% | {expander} | {100 * sync_failed / sync:.2f}% "
              f"| {100 * async_rejected / async_total:.1f}% | {r['spill_wait_p99_s']:.0f} s "
              f"| {od['aws-od']:,.0f} / {od['cc-od']:,.0f} | {1000 * r['cost_per_served_request']:.2f} USD |")


def main():
    a = argparse.ArgumentParser(description=__doc__)
    a.add_argument("--capsim", default=str(ROOT / "build" / "capsim"))
    a.add_argument("--scales", default="0.5,0.75,1,1.25,1.5")
    a.add_argument("--expanders", action="store_true",
                   help="instead: the cluster-autoscaler's priority expander against Karpenter-style fallback "
                        "when on-demand node requests fail (monthly clusters at 0.75)")
    a.add_argument("--failure-rates", default="0.1,0.3")
    args = a.parse_args()
    with tempfile.TemporaryDirectory() as d:
        if args.expanders:
            expander_table(args.capsim, 0.75, [float(x) for x in args.failure_rates.split(",")], d)
        else:
            sizes_table(args.capsim, [float(x) for x in args.scales.split(",")], d)


if __name__ == "__main__":
    main()
