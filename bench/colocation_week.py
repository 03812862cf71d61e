#!/usr/bin/env python3
"""Co-location at scale (issue 15's benchmark): one simulated week, 2,000 nodes, 500 online services on the
Alibaba 2018 daily curve (Prod, HPA) and 50,000 offline Batch jobs on reclaimed capacity, with BE suppression
and eviction. With --gpu: the GPU tidal scenario (scenarios/tidal_colocated.json) at the same scale: 2,000
machines of 8 GPUs, 500 inference services on the GenAI daily curve, 50,000 training jobs (47,500 short
ones as GPU guests, 2,500 on whole machines at night), GPU sharing and the four daily windows.
Prints the wall time and peak memory of `capsim run`; target: under 60 s on 2 cores."""
import argparse
import json
import pathlib
import resource
import subprocess
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def scenario():
    s = json.loads((ROOT / "scenarios" / "colocation_cpu_colocated.json").read_text())
    s["name"] = "colocation week at scale"
    s["horizon_s"] = 7 * 86400
    s["sample_interval_s"] = 3600
    s["fleet"]["nodes"][0]["group"]["count"] = 2000
    svc = s["workloads"][0]["service"]
    svc["copies"] = 500
    svc["load"]["scale"] = 1000  # about 40 replicas of 4 cores each: online holds about 40% of the fleet
    svc["load"]["csv"]["path"] = str(ROOT / "traces" / "datacenter-util-aggregates" /
                                     "alibaba2018_machine_usage_days_1_to_8_grouped_300_seconds.csv")
    svc["load"]["csv"]["repeat"] = True
    batch = s["workloads"][1]["synthetic"]
    batch["count"] = 50000
    batch["arrivals"]["poisson_rate_per_hour"] = 50000 / (7 * 24)
    s["cost"]["catalog"] = str(ROOT / "scenarios" / "prices" / "example_catalog.json")
    return s


def gpu_scenario():
    s = json.loads((ROOT / "scenarios" / "tidal_colocated.json").read_text())
    s["name"] = "GPU tidal co-location week at scale"
    s["horizon_s"] = 7 * 86400
    s["sample_interval_s"] = 3600
    s["fleet"]["nodes"][0]["group"]["count"] = 2000
    svc = s["workloads"][0]["service"]
    svc["copies"] = 500
    svc["load"]["scale"] = 0.15  # about 25 replicas per service at the weekday peak: online holds about 3/4 of the GPUs then
    svc["load"]["csv"]["path"] = str(ROOT / "traces" / "alibaba-genai-v2026" / "lora_requests_hourly.csv")
    short, long = s["workloads"][1]["synthetic"], s["workloads"][2]["synthetic"]
    short["count"], long["count"] = 47500, 2500
    short["arrivals"]["poisson_rate_per_hour"] = 47500 / (7 * 24)
    long["arrivals"]["poisson_rate_per_hour"] = 2500 / (7 * 24)
    s["cost"]["catalog"] = str(ROOT / "scenarios" / "prices" / "example_catalog.json")
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--capsim", default=str(ROOT / "build" / "capsim"))
    ap.add_argument("--gpu", action="store_true", help="the GPU tidal scenario instead of the CPU one")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        path = pathlib.Path(d) / "week.json"
        path.write_text(json.dumps(gpu_scenario() if a.gpu else scenario()))
        t0 = time.time()
        p = subprocess.run([a.capsim, "run", str(path), "--out", str(pathlib.Path(d) / "out")],
                           capture_output=True, text=True)
        wall = time.time() - t0
        if p.returncode != 0:
            raise SystemExit(p.stderr)
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        s = json.loads((pathlib.Path(d) / "out" / "summary.json").read_text())
    print(f"co-location week{' (GPU, tidal)' if a.gpu else ''}: 2,000 nodes, 500 services, 50,000 batch jobs: "
          f"{wall:.1f} s wall, {rss:.0f} MiB peak (target < 60 s on 2 cores)")
    if a.gpu:
        print(f"  gpu_used_mean {s['gpu_used_mean']:.3f}, gpu_guest_hours {s['gpu_guest_hours']:,.0f}, "
              f"jobs_completed {s['jobs_completed']}, gpu_memory_evictions {s['gpu_memory_evictions']}, "
              f"tidal_saved_exits {s['tidal_saved_exits']}, slo_violation_share {s['slo_violation_share']:.4f}, "
              f"events {s['events_processed']:,}")
        return
    print(f"  cpu_used_mean {s['cpu_used_mean']:.3f}, batch_cpu_taken_mean {s['batch_cpu_taken_mean']:.3f}, "
          f"jobs_completed {s['jobs_completed']}, be_memory_evictions {s['be_memory_evictions']}, "
          f"be_cpu_suppressed_core_hours {s['be_cpu_suppressed_core_hours']:.0f}, events {s['events_processed']:,}")


if __name__ == "__main__":
    main()
