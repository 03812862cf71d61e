#!/usr/bin/env python3
"""The lead-time table of README "Two clusters" (docs/services.md, "Promotions"): the promotion of
scenarios/spill_over_serving.json pre-scaled at several leads; every figure is from the runs' summaries."""
import argparse
import pathlib
import tempfile

from spill_over_table import ROOT, run_variant


def run(capsim, lead_s, d):
    def lead(s):
        s["workloads"][0]["service"]["promotions"][0]["lead_s"] = lead_s
    return run_variant(capsim, d, f"lead-{lead_s:g}", lead)


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
