#!/usr/bin/env python3
"""Big VMs at scale (issue 16's benchmark): scenarios/big_vm_small_pod.json grown to one simulated week,
500 services (250 on the Alibaba 2018 daily curve, 250 at office hours; Burstable replicas, HPA) in 2,000
VMs on 500 hosts (m5.12xlarge-like VMs of 24 vCPU, four per 2-socket host), NUMA-aligned
(single-numa-node) with the memory-bandwidth model on. Prints the wall time and peak memory of
`capsim run`; target: under 30 s on 2 cores."""
import argparse
import json
import pathlib
import resource
import subprocess
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def scenario():
    s = json.loads((ROOT / "scenarios" / "big_vm_small_pod.json").read_text())
    s["name"] = "big VMs, a week at scale"
    s["horizon_s"] = 7 * 86400
    s["sample_interval_s"] = 3600
    s["fleet"]["hosts"][0]["count"] = 500
    g = s["fleet"]["nodes"][0]["group"]
    g.update(count=2000, cpu_cores=24, memory_gib=96)
    s["fleet"]["pools"][0]["elastic"]["min_nodes"] = 0
    s["fleet"]["pools"][0]["prices"] = [{"node_type": "m5.6xlarge"}]  # the 24-vCPU instance type
    s["fleet"]["topology"].update(socket_memory_bandwidth_gbps=80, memory_bandwidth_gbps_per_core=2)
    for w in s["workloads"]:
        svc = w["service"]
        svc["copies"] = 250
        csv = svc["load"].get("csv")
        if csv:
            csv["path"] = str(ROOT / "traces" / "datacenter-util-aggregates" /
                              "alibaba2018_machine_usage_days_1_to_8_grouped_300_seconds.csv")
            csv["repeat"] = True
    s["cost"]["catalog"] = str(ROOT / "scenarios" / "prices" / "example_catalog.json")
    return s


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
    print(f"big VMs, a week: 500 services, 2,000 VMs on 500 hosts: {wall:.1f} s wall, {rss:.0f} MiB peak "
          f"(target < 30 s on 2 cores)")
    print(f"  replicas_mean {s['replicas_mean']:.0f}, vm_cpu_used_mean {s['vm_cpu_used_mean']:.3f}, "
          f"vm_cores_held_mean {s['vm_cores_held_mean']:.0f}, slo_violation_share {s['slo_violation_share']:.4f}, "
          f"local_core_share {s['topology.local_core_share']:.3f}, "
          f"throttled core-h {s['topology.bandwidth_throttled_core_hours']:.1f}, events {s['events_processed']:,}")


if __name__ == "__main__":
    main()
