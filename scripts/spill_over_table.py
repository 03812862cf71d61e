#!/usr/bin/env python3
"""The table of README "Two clusters: how big should the monthly one be?" (docs/services.md, "Spill-over between clusters"):
scenarios/spill_over_serving.json with the monthly (reserved) cluster at several sizes; every figure is
computed from the runs' summaries."""
import argparse
import json
import pathlib
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "spill_over_serving.json"


def run_variant(capsim, d, name, change):
    """The bundled scenario changed by change(scenario), run; its summary. Also scripts/promotion_lead_table.py's."""
    s = json.loads(SCENARIO.read_text())
    change(s)
    # Paths in a scenario are relative to it: keep them pointing into the repository.
    s["cost"]["catalog"] = str(ROOT / "scenarios" / s["cost"]["catalog"])
    csv = s["workloads"][0]["service"]["load"]["csv"]
    csv["path"] = str((ROOT / "scenarios" / csv["path"]).resolve())
    p = pathlib.Path(d) / f"{name}.json"
    p.write_text(json.dumps(s))
    out = pathlib.Path(d) / f"out-{name}"
    subprocess.run([capsim, "run", str(p), "--out", str(out)], check=True, capture_output=True)
    return json.loads((out / "summary.json").read_text())


def run(capsim, monthly, d):
    def size(s):
        s["fleet"]["nodes"][0]["group"]["count"] = monthly
        s["workloads"][0]["service"]["replicas"] = monthly
    return run_variant(capsim, d, f"monthly-{monthly}", size)


def main():
    a = argparse.ArgumentParser(description=__doc__)
    a.add_argument("--capsim", default=str(ROOT / "build" / "capsim"))
    a.add_argument("--sizes", default="10,20,30,40,60,80,120")
    args = a.parse_args()
    print("| monthly GPUs | cost, one week | monthly share of it | cost per 1,000 generations | margin per day | spilled "
          "| failed | on-demand GPUs (mean) | p99 latency, monthly / on-demand |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as d:
        for n in [int(x) for x in args.sizes.split(",")]:
            s = run(args.capsim, n, d)
            own = s["service.sd-monthly.requests_total"]
            served = s["requests_total"] - s["requests_rejected"]
            cost = s["cost_total"]
            assert abs(s["cost_per_served_request"] - cost / served) < 1e-12 * cost
            print(f"| {n} | {cost:,.0f} USD | {100 * s['cost_pool_monthly'] / cost:.0f}% "
                  f"| {1000 * cost / served:.2f} USD | {s['services_margin_per_day']:,.0f} USD "
                  f"| {100 * s['requests_spilled'] / own:.1f}% "
                  f"| {100 * s['requests_failed'] / own:.2f}% | {s['service.sd-on-demand.replicas_mean']:.1f} "
                  f"| {s['service.sd-monthly.latency_p99_s']:.0f} s / {s['service.sd-on-demand.latency_p99_s']:.0f} s |")


if __name__ == "__main__":
    main()
