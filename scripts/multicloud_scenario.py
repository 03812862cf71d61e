#!/usr/bin/env python3
"""Writes scenarios/multicloud_serving.json (issue 17): image generation on about 10,000 GPUs over three
clouds, written by a script so that its sizes stay consistent when one is changed.

Clusters, in priority order (the monthly ones first, then on-demand ranked by unit price):
  aws-use1-monthly  aws us-east-1, reserved 1y, 2,500 A10G, initialized            priority 100
  dc1-monthly       onprem dc-1 (a private cloud), owned, 2,000 A10, initialized   priority 90
  cc-monthly        alibaba cn-hangzhou, reserved 1y, 1,500 A10, initialized       priority 80
  aws-usw2-od       aws us-west-2, on-demand, quota 2,500 A10G, 300 s boots        priority 50
  cc-od             alibaba cn-hangzhou, on-demand, quota 1,500 A10, 300 s boots,
                    2% of node requests fail (stock-outs)                          priority 40
The alibaba prices are placeholders (AWS's g5.xlarge list price; scenarios/prices/example_catalog.json
marks them ASSUMPTION): no price list of a third cloud is bundled.
Services, all on the GenAI trace's LoRA request curve (traces/alibaba-genai-v2026, hourly, a week):
  sync-0..7   synchronous generation: a deployment on a monthly cluster (fixed replicas filling it)
              spills its 5XX to the same service on aws-usw2-od, which spills on to cc-od (HPA on
              utilization); 2 s retry delay per hop. sync-0 has a promotion (x2 from 14:00 to 17:00 of
              day 3, the day's peak; announced 30 min ahead).
  async-0..3  asynchronous generation: one deployment over every cluster (no pool), a queue of 20
              requests per replica (460 s of work), HPA on QPS (0.7 of a replica's rate; an HPA on
              queue length alone flaps here: ready replicas drain the queue to zero and the HPA scales
              back to the minimum); scale-out follows cluster priority, scale-in starts from the lowest.
`--monthly-scale F` multiplies every monthly cluster (and its deployments' replicas) by F, for the
README table (scripts/multicloud_table.py)."""
import argparse
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "scenarios" / "multicloud_serving.json"
GPU_SECONDS = 23          # one 512x512 Stable Diffusion generation on an A10-class GPU (as spill_over_serving)
MONTHLY = {"aws-use1-monthly": 2500, "dc1-monthly": 2000, "cc-monthly": 1500}
HOME = ["aws-use1-monthly", "dc1-monthly", "cc-monthly"]
SYNC, ASYNC = 8, 4
# Mean load of a synchronous service: its home share of the base monthly size serves 5x it (the curve's
# peak is 5.8x its mean, so peaks spill).
HEADROOM = 5.0


def scenario(monthly_scale=1.0):
    load_csv = {"path": "../traces/alibaba-genai-v2026/lora_requests_hourly.csv", "step_s": 3600,
                "value_column": "requests", "normalize": True}
    clusters = [
        {"name": "aws-use1-monthly", "provider": "aws", "region": "us-east-1", "zone": "us-east-1a", "priority": 100},
        {"name": "dc1-monthly", "provider": "onprem", "region": "dc-1", "zone": "dc-1-hall-a", "priority": 90},
        {"name": "cc-monthly", "provider": "alibaba", "region": "cn-hangzhou", "zone": "cn-hangzhou-h", "priority": 80},
        {"name": "aws-usw2-od", "provider": "aws", "region": "us-west-2", "zone": "us-west-2b", "priority": 50,
         "quotas": [{"gpu_model": "A10G", "max_gpus": 2500}]},
        {"name": "cc-od", "provider": "alibaba", "region": "cn-hangzhou", "zone": "cn-hangzhou-j", "priority": 40,
         "quotas": [{"gpu_model": "A10", "max_gpus": 1500}]},
    ]
    pools = [
        {"name": "aws-monthly", "cluster": "aws-use1-monthly", "kind": "reserved", "commitment": "1y-no-upfront",
         "prices": [{"node_type": "g5.xlarge"}], "initialized": True},
        {"name": "dc-monthly", "cluster": "dc1-monthly", "kind": "owned", "prices": [{"node_type": "slot-A10"}],
         "initialized": True},
        {"name": "cc-monthly", "cluster": "cc-monthly", "kind": "reserved", "commitment": "1y-no-upfront",
         "prices": [{"node_type": "ecs.gn7i-c8g1.2xlarge"}], "initialized": True},
        {"name": "aws-od", "cluster": "aws-usw2-od", "kind": "on-demand", "prices": [{"node_type": "g5.xlarge"}],
         "billing": "second", "minimum_billed_s": 60, "boot_delay_s": 300, "elastic": {"min_nodes": 0}},
        {"name": "cc-od", "cluster": "cc-od", "kind": "on-demand", "prices": [{"node_type": "ecs.gn7i-c8g1.2xlarge"}],
         "billing": "second", "minimum_billed_s": 60, "boot_delay_s": 300, "elastic": {"min_nodes": 0},
         "provision_failure_rate": 0.02},
    ]
    node = {"cpu_cores": 4, "memory_gib": 16, "gpus": 1}
    sized = {name: max(1, round(gpus * monthly_scale)) for name, gpus in MONTHLY.items()}
    nodes = [
        {"group": dict(node, name_prefix="use1", count=sized["aws-use1-monthly"], gpu_model="A10G", pool="aws-monthly")},
        {"group": dict(node, name_prefix="dc1", count=sized["dc1-monthly"], gpu_model="A10", pool="dc-monthly")},
        {"group": dict(node, name_prefix="hz", count=sized["cc-monthly"], gpu_model="A10", pool="cc-monthly")},
        # Node groups larger than the quotas: the quotas bound what is held.
        {"group": dict(node, name_prefix="usw2", count=3000, gpu_model="A10G", pool="aws-od")},
        {"group": dict(node, name_prefix="hz-od", count=2000, gpu_model="A10", pool="cc-od")},
    ]
    pool_of = {"aws-use1-monthly": "aws-monthly", "dc1-monthly": "dc-monthly", "cc-monthly": "cc-monthly"}
    common = {"cpu_cores": 3, "memory_gib": 12, "gpus": 1, "gpu_seconds_per_request": GPU_SECONDS,
              "revenue_per_request": 0.02}
    startup = {"image_pull_s": 180, "model_load_s": 90, "warm_up_s": 30}
    workloads = []
    for i in range(SYNC):
        home = HOME[i % 3]
        peers = [k for k in range(SYNC) if HOME[k % 3] == home]
        share, base = divmod(MONTHLY[home], len(peers))
        rank = peers.index(i)
        base_replicas = share + (1 if rank < base else 0)
        share, extra = divmod(sized[home], len(peers))
        replicas = share + (1 if rank < extra else 0)
        mean_rps = base_replicas / GPU_SECONDS / HEADROOM  # the load stays when the cluster is resized
        monthly = dict(common, **startup, name=f"sync-{i}", team=f"app-{i % 4}", pool=pool_of[home],
                       replicas=replicas, queue_per_replica=2, latency_slo_s=150,
                       load={"scale": round(mean_rps, 6), "csv": load_csv}, spill_to=f"sync-{i}-aws-od",
                       retry_delay_s=2)
        if i == 0:
            monthly["promotions"] = [{"at_s": 223200, "duration_s": 10800, "multiplier": 2, "lead_s": 1800}]
        od = {"replicas": 1, "min_replicas": 1, "queue_per_replica": 4, "latency_slo_s": 150,
              "load": {"constant_rps": 0}, "hpa": {"target_utilization": 0.6}, "team": f"app-{i % 4}"}
        aws_od = dict(common, **startup, **od, name=f"sync-{i}-aws-od", pool="aws-od", max_replicas=2500,
                      spill_to=f"sync-{i}-cc-od", retry_delay_s=2)
        cc_od = dict(common, **startup, **od, name=f"sync-{i}-cc-od", pool="cc-od", max_replicas=1500)
        workloads += [{"service": monthly}, {"service": aws_od}, {"service": cc_od}]
    for i in range(ASYNC):
        workloads.append({"service": dict(
            common, **startup, name=f"async-{i}", team=f"batch-gen-{i}", replicas=40, min_replicas=40,
            max_replicas=1500, queue_per_replica=20, latency_slo_s=900,
            load={"scale": 1.5, "csv": load_csv},
            hpa={"target_rps_per_replica": round(0.7 / GPU_SECONDS, 6)}, scale_in="lowest-priority-pool")})
    return {
        "name": "multi-cloud GPU serving: 3 clouds, 5 clusters, ~10,000 A10-class GPUs; synchronous generation "
                "spilling from monthly to on-demand clusters, asynchronous generation under linked autoscaling; "
                "one promotion (written by scripts/multicloud_scenario.py)",
        "seed": 17,
        "fleet": {"clusters": clusters, "pools": pools, "nodes": nodes},
        "workloads": workloads,
        "placement": {"name": "best-fit"},
        "capacity": {"name": "queue-driven", "params": {"idle_grace_s": "300", "expander": "priority"}},
        "horizon_s": 7 * 86400,
        "sample_interval_s": 3600,
        "cost": {"catalog": "prices/example_catalog.json", "window_s": 3600},
    }


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--monthly-scale", type=float, default=1.0)
    a.add_argument("--out", default=str(OUT))
    args = a.parse_args()
    pathlib.Path(args.out).write_text(json.dumps(scenario(args.monthly_scale), indent=2) + "\n")


if __name__ == "__main__":
    main()
