#!/usr/bin/env python3
"""Multi-cluster serving at scale (issue 17's benchmark): 10,000 GPUs in three clusters, a week.
A reserved monthly cluster in aws us-east-1 (3,000 A10G), an owned on-premises one (3,000 A10) and an
on-demand cluster in aws us-west-2 (up to 4,000 A10G, elastic, 5-minute boots); 60 generation
services on the GenAI trace's daily curve (means 0.3-1.2 requests/s), each a monthly deployment (fixed
replicas, 50 per service) that spills its 5XX to an on-demand deployment (HPA, startup times);
every tenth service has a promotion pre-scaled 30 minutes ahead. Prints the wall time and peak memory
of `capsim run`; target: under 30 s on 2 cores."""
import argparse
import json
import pathlib
import resource
import subprocess
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
SERVICES = 60


def scenario():
    load_csv = {"path": str(ROOT / "traces" / "alibaba-genai-v2026" / "lora_requests_hourly.csv"), "step_s": 3600,
                "value_column": "requests", "normalize": True}
    pools = [
        {"name": "aws-monthly", "kind": "reserved", "provider": "aws", "region": "us-east-1",
         "commitment": "1y-no-upfront", "prices": [{"node_type": "g5.xlarge"}], "initialized": True},
        {"name": "dc-monthly", "kind": "owned", "provider": "onprem", "region": "dc-1",
         "prices": [{"node_type": "slot-A10"}], "initialized": True},
        {"name": "aws-on-demand", "kind": "on-demand", "provider": "aws", "region": "us-west-2",
         "prices": [{"node_type": "g5.xlarge"}], "billing": "second", "minimum_billed_s": 60, "boot_delay_s": 300,
         "elastic": {"min_nodes": 0}},
    ]
    nodes = [
        {"group": {"name_prefix": "use1", "count": 3000, "cpu_cores": 4, "memory_gib": 16, "gpus": 1,
                   "gpu_model": "A10G", "pool": "aws-monthly"}},
        {"group": {"name_prefix": "dc1", "count": 3000, "cpu_cores": 4, "memory_gib": 16, "gpus": 1,
                   "gpu_model": "A10", "pool": "dc-monthly"}},
        {"group": {"name_prefix": "usw2", "count": 4000, "cpu_cores": 4, "memory_gib": 16, "gpus": 1,
                   "gpu_model": "A10G", "pool": "aws-on-demand"}},
    ]
    workloads = []
    for i in range(SERVICES):
        level = 0.3 + 0.9 * i / (SERVICES - 1)  # mean requests/s
        common = {"cpu_cores": 3, "memory_gib": 12, "gpus": 1, "gpu_seconds_per_request": 23,
                  "queue_per_replica": 2, "latency_slo_s": 150, "revenue_per_request": 0.02,
                  "image_pull_s": 180, "model_load_s": 90, "warm_up_s": 30, "team": f"app-{i // 10}"}
        monthly = dict(common, name=f"gen-{i}", pool="aws-monthly" if i % 2 == 0 else "dc-monthly", replicas=50,
                       load={"scale": level, "csv": load_csv}, spill_to=f"gen-{i}-od", retry_delay_s=2)
        if i % 10 == 0:
            monthly["promotions"] = [{"at_s": 237600, "duration_s": 10800, "multiplier": 2, "lead_s": 1800}]
        od = dict(common, name=f"gen-{i}-od", pool="aws-on-demand", replicas=1, min_replicas=1, max_replicas=400,
                  load={"constant_rps": 0}, hpa={"target_utilization": 0.6})
        workloads += [{"service": monthly}, {"service": od}]
    return {"name": "10,000 GPUs in three clusters, a week", "seed": 3,
            "fleet": {"pools": pools, "nodes": nodes}, "workloads": workloads,
            "placement": {"name": "best-fit"}, "capacity": {"name": "queue-driven", "params": {"idle_grace_s": "300"}},
            "horizon_s": 7 * 86400, "sample_interval_s": 3600,
            "cost": {"catalog": str(ROOT / "scenarios" / "prices" / "example_catalog.json"), "window_s": 3600}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--capsim", default=str(ROOT / "build" / "capsim"))
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        path = pathlib.Path(d) / "week.json"
        path.write_text(json.dumps(scenario()))
        t0 = time.time()
        p = subprocess.run([a.capsim, "run", str(path), "--out", str(pathlib.Path(d) / "out")],
                           capture_output=True, text=True)
        wall = time.time() - t0
        if p.returncode != 0:
            raise SystemExit(p.stderr)
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        s = json.loads((pathlib.Path(d) / "out" / "summary.json").read_text())
    print(f"multi-cluster serving, a week: 10,000 GPUs in 3 clusters, {SERVICES} services spilling: {wall:.1f} s wall, "
          f"{rss:.0f} MiB peak (target < 30 s on 2 cores)")
    print(f"  requests {s['requests_total']:,.0f}, spilled {s['requests_spilled']:,.0f}, failed {s['requests_failed']:,.0f}, "
          f"replicas_mean {s['replicas_mean']:.0f}, cost {s['cost_total']:,.0f} USD, "
          f"cost per 1,000 generations {1000 * s['cost_per_served_request']:.2f} USD, "
          f"margin per day {s['services_margin_per_day']:,.0f} USD, events {s['events_processed']:,}")


if __name__ == "__main__":
    main()
