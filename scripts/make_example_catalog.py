#!/usr/bin/python3
"""Builds scenarios/prices/example_catalog.json.

AWS on-demand and spot prices come verbatim from the bundled SkyPilot catalog
extract (traces/aws-gpu-prices-v3, see its SOURCE.md); spot is the median over
a region's availability zones. Everything else (owned hardware, CPU instance
types, commitments, discounts, cloud-equivalent prices of GPU models AWS does
not rent) is an ASSUMPTION for the example, marked as such in each entry's
source: replace it with your own quotes before trusting a TCO figure.

Run: /usr/bin/python3 scripts/make_example_catalog.py
"""
import csv
import json
import os
import statistics
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXTRACT = os.path.join(ROOT, "traces/aws-gpu-prices-v3/aws_gpu_vms_v3_extract.csv")
OUT = os.path.join(ROOT, "scenarios/prices/example_catalog.json")
AWS_SOURCE = ("SkyPilot catalog v3 aws.csv (github.com/skypilot-org/skypilot-catalog, commit 76b7d2d), "
              "on-demand verbatim, spot = median over the region's AZs")
MODEL = {"T4": "T4", "A10G": "A10G", "K80": "K80", "V100": "V100", "V100-32GB": "V100M32", "A100": "A100"}
ASSUMED = "ASSUMPTION for the example, not a published price"


def aws_entries():
    rows = defaultdict(list)
    with open(EXTRACT, newline="") as f:
        for r in csv.DictReader(f):
            rows[(r["Region"], r["InstanceType"])].append(r)
    out = []
    for (region, itype), rs in sorted(rows.items()):
        r0 = rs[0]
        spots = [float(r["SpotPrice"]) for r in rs if r["SpotPrice"]]
        e = {
            "provider": "aws", "region": region, "node_type": itype,
            "gpu_model": MODEL[r0["AcceleratorName"]], "gpus": int(float(r0["AcceleratorCount"])),
            "cpu_cores": float(r0["vCPUs"]), "memory_gib": float(r0["MemoryGiB"]),
            "on_demand_per_hour": float(r0["Price"]),
            "commitments": commitments(float(r0["Price"])),
            "source": AWS_SOURCE + "; commitments: " + ASSUMED,
        }
        if spots:
            e["spot_per_hour"] = round(statistics.median(spots), 5)
        out.append(e)
    return out


def cpu_entries():
    # Common CPU instance types, us-east-1 Linux on-demand list prices (not in the extract).
    types = [("m5.xlarge", 4, 16, 0.192), ("m5.4xlarge", 16, 64, 0.768), ("m5.12xlarge", 48, 192, 2.304),
             ("m5.24xlarge", 96, 384, 4.608),
             ("c5.24xlarge", 96, 192, 4.08), ("r5.24xlarge", 96, 768, 6.048)]
    return [{"provider": "aws", "region": "us-east-1", "node_type": t, "cpu_cores": c, "memory_gib": m,
             "on_demand_per_hour": p, "spot_per_hour": round(p * 0.35, 4),
             "commitments": [{"name": "1y-no-upfront", "term_months": 12, "upfront": 0,
                              "per_hour": round(p * 0.62, 4)}],
             "source": "AWS EC2 on-demand list price, us-east-1 (not in the bundled extract; verify); "
                       "spot and commitments: " + ASSUMED} for t, c, m, p in types]


def commitments(on_demand):
    # Illustrative reserved terms: 1 year no upfront at 35% off, 3 years all upfront at 55% off.
    return [{"name": "1y-no-upfront", "term_months": 12, "upfront": 0, "per_hour": round(on_demand * 0.65, 4)},
            {"name": "3y-all-upfront", "term_months": 36, "upfront": round(on_demand * 0.45 * 36 * 730, 2), "per_hour": 0}]


def owned_entries():
    # One GPU slot of an on-premises server (a GPU plus its share of the host), priced per GPU
    # (scale "gpu" in a pool's price rule), and one CPU-only server.
    # (model, purchase per slot, idle kW, busy kW, cloud-equivalent on-demand $/GPU-h, where that comes from)
    slots = [
        ("T4", 3500, 0.04, 0.11, 7.824 / 8, "aws g4dn.metal on-demand / 8 GPUs"),
        ("V100M16", 10000, 0.09, 0.36, 24.48 / 8, "aws p3.16xlarge on-demand / 8 GPUs"),
        ("V100M32", 12000, 0.09, 0.36, 31.212 / 8, "aws p3dn.24xlarge on-demand / 8 GPUs"),
        ("A10", 5000, 0.05, 0.17, 16.288 / 8, "aws g5.48xlarge (A10G) on-demand / 8 GPUs"),
        ("A100", 16000, 0.12, 0.45, 32.7726 / 8, "aws p4d.24xlarge on-demand / 8 GPUs"),
        ("P100", 6000, 0.08, 0.30, 1.46, ASSUMED),
        ("G2", 8000, 0.08, 0.33, 2.00, ASSUMED),
        ("G3", 10000, 0.09, 0.36, 2.50, ASSUMED),
        ("A100-SXM4-80GB", 20000, 0.12, 0.50, 5.00, ASSUMED),
        ("H800", 32000, 0.15, 0.80, 7.00, ASSUMED),
        ("H100", 35000, 0.15, 0.80, 8.00, ASSUMED),
        ("GPU-series-1", 12000, 0.10, 0.40, 3.00, ASSUMED),
        ("GPU-series-2", 20000, 0.12, 0.55, 5.00, ASSUMED),
        ("A800-SXM4-80GB", 20000, 0.12, 0.50, 5.00, ASSUMED),
    ]
    out = []
    for model, purchase, idle, busy, od, od_src in slots:
        e = {
            "provider": "onprem", "region": "dc-1", "node_type": "slot-" + model, "gpu_model": model, "gpus": 1,
            "on_demand_per_hour": round(od, 4),
            "owned": {"purchase": purchase, "depreciation_months": 48, "residual": round(purchase * 0.1, 2),
                      "power_idle_kw": idle, "power_busy_kw": busy, "pue": 1.4, "electricity_per_kwh": 0.10,
                      "ops_per_month": 40, "colo_per_month": 60},
            "source": "owned: " + ASSUMED + "; on_demand_per_hour (cloud-equivalent rent): " + od_src,
        }
        # Owning is weighed against renting the same capacity from AWS: its discounts and (illustrative)
        # commitments apply to the cloud-equivalent rent, assumed or derived.
        e["rent_provider"] = "aws"
        e["commitments"] = commitments(od)
        e["source"] += "; commitments: 1y at 65%, 3y all upfront at 45% of that rent (" + ASSUMED + ")"
        out.append(e)
    out.append({
        "provider": "onprem", "region": "dc-1", "node_type": "cpu-server", "cpu_cores": 32, "memory_gib": 256,
        "on_demand_per_hour": 1.536,
        "owned": {"purchase": 12000, "depreciation_months": 60, "residual": 600, "power_idle_kw": 0.15,
                  "power_busy_kw": 0.45, "pue": 1.4, "electricity_per_kwh": 0.10, "ops_per_month": 50,
                  "colo_per_month": 80},
        "source": "owned: " + ASSUMED + "; on_demand_per_hour: aws m5.8xlarge-class list price (verify); commitments: " + ASSUMED,
        "rent_provider": "aws",
        "commitments": commitments(1.536),
    })
    return out


def main():
    catalog = {
        "currency": "USD",
        "source": "Example catalog. AWS GPU instances: " + AWS_SOURCE + ". Entries marked ASSUMPTION are "
                  "illustrative placeholders, not published prices; so is the 10% AWS on-demand discount. Built by scripts/make_example_catalog.py.",
        "as_of": "AWS prices: SkyPilot catalog v3 snapshot (commit 76b7d2d); assumptions: 2026-11-22",
        "discounts": [{"provider": "aws", "pool_kind": "on-demand", "fraction": 0.10}],  # an example negotiated discount: ASSUMPTION
        "nodes": aws_entries() + cpu_entries() + owned_entries(),
    }
    tmp = OUT + ".tmp"
    with open(tmp, "w") as f:
        json.dump(catalog, f, indent=1)
        f.write("\n")
    os.replace(tmp, OUT)
    print(f"wrote {OUT}: {len(catalog['nodes'])} entries")


if __name__ == "__main__":
    main()
