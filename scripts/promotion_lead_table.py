#!/usr/bin/env python3
"""The lead-time table of README "Two clusters" (docs/services.md, "Promotions"): the promotion of
scenarios/spill_over_serving.json pre-scaled at several leads; every figure is from the runs' summaries."""
import argparse
import json
import pathlib
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "spill_over_serving.json"


def run(capsim, lead_s, d):
    s = json.loads(SCENARIO.read_text())
    s["workloads"][0]["service"]["promotions"][0]["lead_s"] = lead_s
    s["cost"]["catalog"] = str(ROOT / "scenarios" / s["cost"]["catalog"])
    csv = s["workloads"][0]["service"]["load"]["csv"]
    csv["path"] = str((ROOT / "scenarios" / csv["path"]).resolve())
    p = pathlib.Path(d) / f"lead-{lead_s}.json"
    p.write_text(json.dumps(s))
    out = pathlib.Path(d) / f"out-{lead_s}"
    subprocess.run([capsim, "run", str(p), "--out", str(out)], check=True, capture_output=True)
    return json.loads((out / "summary.json").read_text())


def main():
    a = argparse.ArgumentParser(description=__doc__)
    a.add_argument("--capsim", default=str(ROOT / "build" / "capsim"))
    a.add_argument("--leads-min", default="0,5,8,10,15,30")
    args = a.parse_args()
    print("| lead | on-demand floor | requests in the promotion | retried on on-demand | failed | cost, one week |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as d:
        for m in [float(x) for x in args.leads_min.split(",")]:
            s = run(args.capsim, m * 60, d)
            own = s["service.sd-monthly.promotion.0.requests"]
            spilled = s["service.sd-monthly.promotion.0.rejected"]
            od = "service.sd-on-demand.promotion.0."
            failed = s.get(od + "rejected")
            floor = s.get(od + "floor", 0)
            failed_cell = "(not reported: no pre-scaling)" if failed is None else f"{failed:,.0f} ({100 * failed / own:.2f}%)"
            print(f"| {m:g} min | {floor} | {own:,.0f} | {spilled:,.0f} ({100 * spilled / own:.0f}%) | {failed_cell} "
                  f"| {s['cost_total']:,.0f} USD |")


if __name__ == "__main__":
    main()
