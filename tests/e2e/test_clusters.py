"""Clusters (scenario fleet.clusters): the capacity policy buys from higher-priority clusters first,
never above a cluster's GPU or vCPU quotas, and bad cluster input exits 2 naming the field."""
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


@pytest.mark.parametrize("vcpu_quota, expected", [
    # b's nodes have 4 cores: 8 vCPUs hold two of them, 12 three; with no pools named, the quota
    # covers all of the cluster's pools.
    ({"pools": ["b"], "max_vcpus": 8}, [4, 5, 0, 1]),
    ({"max_vcpus": 12}, [4, 5, 6, 0]),
    ({"pools": ["b"], "max_vcpus": 3}, [0, 1, 2, 3]),  # not one node: everything goes to the low cluster
])
def test_a_vcpu_quota_bounds_the_high_cluster(tmp_path, vcpu_quota, expected):
    s = scenario(tmp_path, quota=4)  # the GPU quota alone would keep all four in b
    s["fleet"]["clusters"][1]["vcpu_quotas"] = [vcpu_quota]
    summary, nodes = run(tmp_path, s)
    assert nodes == expected
    assert summary["wait_mean_s"] == pytest.approx(120)


def test_the_tighter_of_a_gpu_and_a_vcpu_quota_holds(tmp_path):
    s = scenario(tmp_path, quota=2)
    s["fleet"]["clusters"][1]["vcpu_quotas"] = [{"max_vcpus": 12}]
    _, nodes = run(tmp_path, s)
    assert nodes == [4, 5, 0, 1]  # two A10G by the GPU quota, though the vCPUs would allow three


@pytest.mark.parametrize("change, field, message", [
    (lambda s: s["fleet"]["clusters"][1].update(vcpu_quotas=[{"pools": ["nowhere"], "max_vcpus": 8}]),
     "fleet.clusters[1].vcpu_quotas[0].pools", "no pool named 'nowhere'"),
    (lambda s: s["fleet"]["clusters"][1].update(vcpu_quotas=[{"pools": ["a"], "max_vcpus": 8}]),
     "fleet.clusters[1].vcpu_quotas[0].pools", "pool 'a' is not in cluster 'high'"),
    (lambda s: s["fleet"]["clusters"][1].update(vcpu_quotas=[{"pools": ["b", "b"], "max_vcpus": 8}]),
     "fleet.clusters[1].vcpu_quotas[0].pools", "'b' is named twice"),
    (lambda s: (s["fleet"]["clusters"][1].update(vcpu_quotas=[{"max_vcpus": 6}]),
                s["fleet"]["pools"][1]["elastic"].update(min_nodes=2)),
     "fleet.clusters[high].vcpu_quotas[0]", "8 vCPUs are held from the start (static pools and elastic min_nodes), "
                                            "above the quota of 6"),
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


ROOT_DIR = __import__("conftest").ROOT
MULTICLOUD = ROOT_DIR / "scenarios" / "multicloud_serving.json"


def test_bundled_multicloud_scenario_is_what_its_script_writes(tmp_path):
    import subprocess
    out = tmp_path / "m.json"
    subprocess.run(["/usr/bin/python3", str(ROOT_DIR / "scripts" / "multicloud_scenario.py"), "--out", str(out)],
                   check=True)
    assert json.loads(out.read_text()) == json.loads(MULTICLOUD.read_text())


@pytest.fixture(scope="module")
def multicloud(tmp_path_factory):
    out = tmp_path_factory.mktemp("multicloud")
    p = run_capsim("run", MULTICLOUD, "--out", out)
    assert p.returncode == 0, p.stderr
    with h5py.File(out / "results.h5") as f:
        held = {k.split(".", 1)[1]: f["timeseries"][k][:] for k in f["timeseries"] if k.startswith("nodes_held.")}
    return json.loads((out / "summary.json").read_text()), held, out


def test_multicloud_clusters_add_up(multicloud):
    s, _, _ = multicloud
    clusters = ["aws-use1-monthly", "dc1-monthly", "cc-monthly", "aws-usw2-od", "cc-od"]
    # Every pool is in a cluster: the clusters' costs are the bill.
    assert sum(s[f"cluster.{c}.cost"] for c in clusters) == pytest.approx(s["cost_total"], rel=1e-9)
    # Served requests are shared among the clusters of the ready replicas: they add up to the services'.
    served = s["requests_total"] - s["requests_rejected"]
    assert sum(s[f"cluster.{c}.requests_served"] for c in clusters) == pytest.approx(served, rel=1e-9)
    assert sum(s[f"cluster.{c}.revenue"] for c in clusters) == pytest.approx(s["services_revenue"], rel=1e-9)
    # What the monthly deployments reject goes on; only the ends of the chains and the asynchronous
    # services (no route) fail.
    assert sum(s[f"cluster.{c}.requests_failed"] for c in clusters[:3]) == 0
    assert s["cluster.aws-use1-monthly.priority"] == 100 and s["cluster.cc-od.priority"] == 40
    # Retries wait at least their delays: 2 s on the first on-demand cluster, 4 s on the second.
    assert s["cluster.aws-usw2-od.spill_wait_p99_s"] >= 2 and s["cluster.cc-od.spill_wait_p99_s"] >= 4
    assert s["cluster.cc-od.spill_wait_mean_s"] >= 4
    assert "cluster.aws-use1-monthly.spill_wait_p99_s" not in s  # it serves no retries


def test_multicloud_quotas_hold_and_the_promotion_is_prescaled(multicloud):
    s, held, _ = multicloud
    assert held["aws-od"].max() <= 2500 and held["cc-od"].max() <= 1500
    assert held["aws-monthly"].min() == 2500  # static
    # The promotion's lead (30 min) exceeds the on-demand replicas' 10 minutes to ready: what the fixed
    # monthly deployment cannot serve is spilled, and all of it is served on the pre-scaled on-demand one.
    assert s["service.sync-0.promotion.0.rejected"] > 0
    assert s["service.sync-0-aws-od.promotion.0.requests"] == pytest.approx(s["service.sync-0.promotion.0.rejected"])
    assert s["service.sync-0-aws-od.promotion.0.rejected"] == pytest.approx(0, abs=1e-6)
    assert s["service.sync-0-aws-od.promotion.0.floor"] > 1
    assert 0 < s["spill_wait_p99_s"] < 600


def test_multicloud_daily_margin_per_cloud_adds_up_to_the_day(multicloud):
    import csv
    import io
    _, _, out = multicloud

    def table(by):
        p = run_capsim("cost", out, "--by", by, "--csv")
        assert p.returncode == 0, p.stderr
        return list(csv.DictReader(io.StringIO(p.stdout)))

    days = {r["day"]: r for r in table("day")}
    per_cloud = table("provider-day")
    assert {r["provider"] for r in per_cloud} == {"aws", "onprem", "alibaba"}
    assert len(days) == 7
    for day, row in days.items():
        clouds = [r for r in per_cloud if r["day"] == day]
        for col in ("bill_USD", "revenue_USD", "margin_USD"):
            assert sum(float(r[col]) for r in clouds) == pytest.approx(float(row[col]), abs=0.02 * len(clouds))
        assert sum(float(r["served"]) for r in clouds) == pytest.approx(float(row["served"]), abs=len(clouds))
    # The owned data centre serves the cheapest generations.
    cost = {r["provider"]: r for r in per_cloud if r["day"] == "2"}
    assert float(cost["onprem"]["per_1000_served_USD"]) < float(cost["aws"]["per_1000_served_USD"])


def test_provider_day_needs_services_with_revenue(tmp_path):
    s = json.loads((ROOT_DIR / "tests" / "scenarios" / "service_spill_over.json").read_text())
    s["cost"]["catalog"] = str(ROOT_DIR / "tests" / "scenarios" / s["cost"]["catalog"])
    path = tmp_path / "s.json"
    path.write_text(json.dumps(s))
    assert run_capsim("run", path, "--out", tmp_path / "out").returncode == 0
    p = run_capsim("cost", tmp_path / "out", "--by", "provider-day")
    assert p.returncode == 2 and "no services with revenue_per_request" in p.stderr


def test_multicloud_daily_margin_per_service_reads_back(multicloud):
    import csv
    import io
    s, _, out = multicloud
    p = run_capsim("cost", out, "--by", "service-day", "--csv")
    assert p.returncode == 0, p.stderr
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    for name in ("sync-0", "sync-0-aws-od", "async-3"):
        mine = [r for r in rows if r["service"] == name]
        assert len(mine) == 7
        assert sum(float(r["cost_USD"]) for r in mine) == pytest.approx(s[f"service.{name}.cost"], abs=0.05)
        assert sum(float(r["revenue_USD"]) for r in mine) == pytest.approx(s[f"service.{name}.revenue"], abs=0.05)
