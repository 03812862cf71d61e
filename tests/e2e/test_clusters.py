"""Clusters (scenario fleet.clusters): the capacity policy buys from higher-priority clusters first,
never above a cluster's GPU quota, and bad cluster input exits 2 naming the field."""
import json

import h5py
import pytest

from conftest import run_capsim

JOBS_HEADER = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time"


def scenario(tmp_path, clusters=True, quota=2, expander="priority"):
    # Pool "a" is listed first (fleet order), pool "b" second; b's cluster has the higher priority.
    # Four 1-GPU jobs arrive 200 s apart (more than a boot: each is alone in the queue) and run for
    # hours, each needing a new 1-GPU node.
    rows = [JOBS_HEADER] + [f"job-{i},1000,2048,1,1000,A10G,BE,Running,{200 * (i + 1)},36000,{200 * (i + 1)}"
                            for i in range(4)]
    (tmp_path / "jobs.csv").write_text("\n".join(rows) + "\n")
    group = {"count": 4, "cpu_cores": 4, "memory_gib": 16, "gpus": 1, "gpu_model": "A10G"}
    s = {
        "name": "cluster priority and quota",
        "seed": 1,
        "fleet": {
            "pools": [{"name": "a", "kind": "on-demand", "boot_delay_s": 120, "elastic": {"min_nodes": 0}},
                      {"name": "b", "kind": "on-demand", "boot_delay_s": 120, "elastic": {"min_nodes": 0}}],
            "nodes": [{"group": dict(group, name_prefix="a", pool="a")},
                      {"group": dict(group, name_prefix="b", pool="b")}],
        },
        "workloads": [{"trace": {"path": str(tmp_path / "jobs.csv")}}],
        "placement": {"name": "first-fit"},
        "capacity": {"name": "queue-driven", "params": {"expander": expander}},
        "horizon_s": 3600,
    }
    if clusters:
        s["fleet"]["clusters"] = [
            {"name": "low", "provider": "gcp", "region": "us-central1", "zone": "us-central1-a", "priority": 0},
            {"name": "high", "provider": "aws", "region": "us-east-1", "zone": "us-east-1a", "priority": 10,
             "quotas": [{"gpu_model": "A10G", "max_gpus": quota}]},
        ]
        s["fleet"]["pools"][0]["cluster"] = "low"
        s["fleet"]["pools"][1]["cluster"] = "high"
    return s


def run(tmp_path, s):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(s))
    p = run_capsim("run", path, "--out", tmp_path / "out")
    assert p.returncode == 0, p.stderr
    with h5py.File(tmp_path / "out" / "results.h5") as f:
        nodes = list(f["jobs/node"][:])
    return json.loads((tmp_path / "out" / "summary.json").read_text()), nodes


def test_without_clusters_the_fleet_order_decides(tmp_path):
    summary, nodes = run(tmp_path, scenario(tmp_path, clusters=False))
    assert nodes == [0, 1, 2, 3]  # all on pool a (nodes 0-3)
    assert summary["wait_mean_s"] == pytest.approx(120)


@pytest.mark.parametrize("expander", ["priority", "fallback"])
def test_the_higher_priority_cluster_first_up_to_its_quota(tmp_path, expander):
    # job-0 and job-1 get nodes of b (the high cluster, nodes 4-7) until its quota of 2 A10G is held;
    # job-2 and job-3 then go to a, the next cluster with room. Every job waits one boot.
    summary, nodes = run(tmp_path, scenario(tmp_path, expander=expander))
    assert nodes == [4, 5, 0, 1]
    assert summary["wait_mean_s"] == pytest.approx(120)
    assert summary["cluster.high.gpus"] == 4 and summary["cluster.high.priority"] == 10


def test_a_larger_quota_keeps_everything_in_the_high_cluster(tmp_path):
    summary, nodes = run(tmp_path, scenario(tmp_path, quota=4))
    assert nodes == [4, 5, 6, 7]


@pytest.mark.parametrize("change, field, message", [
    (lambda s: s["fleet"]["pools"][0].update(cluster="nowhere"), "fleet.pools[a].cluster", "no cluster named 'nowhere'"),
    (lambda s: s["fleet"]["pools"][0].update(provider="aws"), "fleet.pools[a].provider", "its cluster's provider is 'gcp'"),
    (lambda s: s["fleet"]["clusters"][1].update(name="low"), "fleet.clusters[1].name", "'low' is used twice"),
    (lambda s: s["fleet"]["clusters"][1]["quotas"].append({"gpu_model": "A10G", "max_gpus": 3}),
     "fleet.clusters[1].quotas[1].gpu_model", "two quotas"),
    (lambda s: s["fleet"]["clusters"][1]["quotas"][0].update(gpu_model="Z99"), "fleet.clusters[1].quotas[0].gpu_model", "Z99"),
    (lambda s: s["fleet"]["pools"][1]["elastic"].update(min_nodes=3), "fleet.clusters[high].quotas",
     "3 A10G GPUs are held from the start"),
    (lambda s: s["fleet"]["nodes"][1]["group"].update(zone="us-west-2a"), "fleet.nodes[1].group.zone",
     "its cluster's zone is 'us-east-1a'"),
])
def test_bad_clusters_exit_2(tmp_path, change, field, message):
    s = scenario(tmp_path)
    change(s)
    path = tmp_path / "s.json"
    path.write_text(json.dumps(s))
    p = run_capsim("run", path, "--out", tmp_path / "out")
    assert p.returncode == 2, p.stdout
    assert field in p.stderr and message in p.stderr, p.stderr
