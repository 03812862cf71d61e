#!/usr/bin/env python3
"""The side-by-side table of README "Big VMs or one VM per pod?" (docs/topology.md): the same 24
services in one VM per pod (scenarios/vm_per_pod.json) and in big VMs (scenarios/big_vm_small_pod.json),
with two variants that separate the mechanisms (big VMs at the 1:1 HPA target; one big VM per host,
spanning both sockets), the same with the safe-utilization knee (shared against pinned cores), and a
sweep of the cross-socket factor on the spanning variant. Every figure is computed from the runs'
summaries."""
import argparse
import json
import pathlib
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]


def run(capsim, scenario, out):
    subprocess.run([capsim, "run", str(scenario), "--out", str(out)], check=True, capture_output=True)
    return json.loads((out / "summary.json").read_text())


def variant(base, d, name, change):
    s = json.loads((ROOT / "scenarios" / base).read_text())
    change(s)
    # Paths in a scenario are relative to it: keep them pointing into the repository.
    s["cost"]["catalog"] = str(ROOT / "scenarios" / s["cost"]["catalog"])
    for w in s["workloads"]:
        csv = w["service"]["load"].get("csv")
        if csv:
            csv["path"] = str((ROOT / "scenarios" / csv["path"]).resolve())
    p = pathlib.Path(d) / (name + ".json")
    p.write_text(json.dumps(s))
    return p


def target(value):
    def change(s):
        for w in s["workloads"]:
            w["service"]["hpa"]["target_utilization"] = value
    return change


def spanning(factor=None):
    # One m5.24xlarge per host: 96 vCPU over both sockets, so every pod in it is cross-socket.
    def change(s):
        g = s["fleet"]["nodes"][0]["group"]
        g.update(cpu_cores=96, memory_gib=384, count=32)
        g["vm"].update(sockets=2, overhead_cpu_cores=1.5, overhead_memory_gib=6)
        s["fleet"]["pools"][0]["prices"][0]["node_type"] = "m5.24xlarge"
        if factor is not None:
            s["fleet"]["topology"]["cross_socket_factor"] = factor
    return change


def knee(shared=0.5, isolated=0.85, target_utilization=None, policy=None):
    # The safe-utilization knee (docs/topology.md): jitter from 50% on shared cores, from 85% when the
    # Topology Manager pins the replica to cores of its own (the practice's figures before and after
    # isolating services were 30% and 85%).
    def change(s):
        for w in s["workloads"]:
            w["service"].update(safe_utilization=shared, isolated_safe_utilization=isolated, knee_slowdown=1)
            if target_utilization is not None:
                w["service"]["hpa"]["target_utilization"] = target_utilization
        if policy is not None:
            s["fleet"]["topology"]["policy"] = policy
    return change


def per_service_replicas(s):
    vals = [v for k, v in s.items() if k.startswith("service.") and k.endswith(".replicas_mean")]
    return sum(vals) / len(vals)


METRICS = [
    ("VMs bought (acquisitions over 2 days)", lambda s: f"{s['nodes_acquired']:,}"),
    ("vCPUs held (mean)", lambda s: f"{s['vm_cores_held_mean']:.0f}"),
    ("CPU used / held, mean", lambda s: f"{100 * s['vm_cpu_used_mean']:.1f}%"),
    ("CPU used / held, peak", lambda s: f"{100 * s['vm_cpu_used_peak']:.1f}%"),
    ("replicas, all services (mean)", lambda s: f"{s['replicas_mean']:.1f}"),
    ("replicas per service (mean)", lambda s: f"{per_service_replicas(s):.2f}"),
    ("vCPU-hours kept by the VMs", lambda s: f"{s['vm_overhead_core_hours']:,.0f}"),
    ("pods' core-hours local / all", lambda s: f"{100 * s['topology.local_core_share']:.0f}%"),
    ("time over the latency objective", lambda s: f"{100 * s['slo_violation_share']:.2f}%"),
    ("worst service's p99 latency", lambda s: f"{1000 * s['latency_p99_s']:.0f} ms"),
    ("requests rejected", lambda s: f"{100 * s['requests_rejected'] / s['requests_total']:.3f}%"),
    ("cost (on-demand list, 2 days)", lambda s: f"{s['cost_total']:,.0f} USD"),
]


def main():
    a = argparse.ArgumentParser(description=__doc__)
    a.add_argument("--capsim", default=str(ROOT / "build" / "capsim"))
    a = a.parse_args()
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)
        cols = [
            ("one VM per pod (HPA 50%)", ROOT / "scenarios" / "vm_per_pod.json"),
            ("big VM per socket, HPA 50%", variant("big_vm_small_pod.json", d, "same_target", target(0.5))),
            ("big VM per host (spans sockets), HPA 70%", variant("big_vm_small_pod.json", d, "spanning", spanning())),
            ("big VM per socket, HPA 70%", ROOT / "scenarios" / "big_vm_small_pod.json"),
        ]
        rows = [(label, run(a.capsim, path, d / f"out{i}")) for i, (label, path) in enumerate(cols)]
        print("| | " + " | ".join(label for label, _ in rows) + " |")
        print("| --- |" + " ---: |" * len(rows))
        for name, f in METRICS:
            print(f"| {name} | " + " | ".join(f(s) for _, s in rows) + " |")
        one, big = rows[0][1], rows[3][1]
        print()
        print(f"big VM per socket vs one VM per pod: peak used/held {100 * (big['vm_cpu_used_peak'] - one['vm_cpu_used_peak']):+.1f} points, "
              f"mean {100 * (big['vm_cpu_used_mean'] - one['vm_cpu_used_mean']):+.1f} points, replicas "
              f"{100 * (big['replicas_mean'] / one['replicas_mean'] - 1):+.0f}%, cost {100 * (big['cost_total'] / one['cost_total'] - 1):+.0f}%")
        print()
        print("with the safe-utilization knee (0.5 on shared cores, 0.85 pinned, knee_slowdown 1):")
        kcols = [
            ("one VM per pod, HPA 50%", variant("vm_per_pod.json", d, "k1", knee())),
            ("one VM per pod, HPA 70%", variant("vm_per_pod.json", d, "k2", knee(target_utilization=0.7))),
            ("big VM per socket, HPA 70%, not pinned (none)", variant("big_vm_small_pod.json", d, "k3", knee(policy="none"))),
            ("big VM per socket, HPA 70%, pinned (single-numa-node)", variant("big_vm_small_pod.json", d, "k4", knee())),
        ]
        krows = [(label, run(a.capsim, path, d / f"k{i}")) for i, (label, path) in enumerate(kcols)]
        print("| | " + " | ".join(label for label, _ in krows) + " |")
        print("| --- |" + " ---: |" * len(krows))
        for name, f in METRICS:
            if name in ("replicas, all services (mean)", "CPU used / held, mean", "CPU used / held, peak",
                        "time over the latency objective", "worst service's p99 latency", "cost (on-demand list, 2 days)"):
                print(f"| {name} | " + " | ".join(f(s) for _, s in krows) + " |")
        print()
        print("cross_socket_factor sweep, one big VM per host (spans sockets), HPA 70%:")
        print("| cross_socket_factor | replicas (mean) | CPU used / held, mean | time over objective | cost |")
        print("| ---: | ---: | ---: | ---: | ---: |")
        for factor in (1.0, 0.9, 0.8, 0.7, 0.6):
            s = run(a.capsim, variant("big_vm_small_pod.json", d, f"f{factor}", spanning(factor)), d / f"f{factor}")
            print(f"| {factor} | {s['replicas_mean']:.1f} | {100 * s['vm_cpu_used_mean']:.1f}% | "
                  f"{100 * s['slo_violation_share']:.2f}% | {s['cost_total']:,.0f} USD |")


if __name__ == "__main__":
    main()
