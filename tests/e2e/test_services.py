"""Online services from the command line: bad input exits 2 naming the file, line or field and writes
nothing; the per-node used and allocated series in results.h5 (read with h5py) never show a node using
more than it holds, and their integrals agree with the summary."""
import json
import math

import h5py
import numpy as np
import pytest

from conftest import ROOT, run_capsim

FLEET = {"nodes": [{"group": {"count": 4, "cpu_cores": 8, "memory_gib": 32}}]}


def scenario(tmp_path, service, **extra):
    s = {"seed": 1, "fleet": FLEET, "workloads": [{"service": service}], **extra}
    p = tmp_path / "s.json"
    p.write_text(json.dumps(s))
    return p


def base(**kw):
    s = {"name": "api", "cpu_cores": 1, "memory_gib": 1, "replica_rps": 10, "end_s": 600}
    s.update(kw)
    return s


def load_csv(tmp_path, text):
    p = tmp_path / "load.csv"
    p.write_text(text)
    return {"csv": {"path": str(p)}}


@pytest.mark.parametrize("case, message", [
    ("gap", "load.csv:4"),
    ("negative", "load.csv:3"),
    ("nan", "load.csv:3"),
    ("unsorted", "load.csv:3"),
    ("too_big", "cannot fit"),
    ("target_high", "target_utilization"),
    ("target_low", "target_utilization"),
])
def test_bad_service_input_exits_2_and_writes_nothing(capsim, tmp_path, case, message):
    loads = {"gap": "timestamp,value\n0,1\n10,1\n500,1\n", "negative": "timestamp,value\n0,1\n10,-1\n",
             "nan": "timestamp,value\n0,1\n10,nan\n", "unsorted": "timestamp,value\n10,1\n0,1\n"}
    if case in loads:
        load = load_csv(tmp_path, loads[case])
        if case == "gap":
            load["csv"]["max_gap_s"] = 60
        s = base(load=load)
    elif case == "too_big":
        s = base(load={"constant_rps": 5}, cpu_cores=64)
    else:
        s = base(load={"constant_rps": 5}, hpa={"target_utilization": 1.5 if case == "target_high" else -0.2})
    out = tmp_path / "out"
    p = capsim("run", scenario(tmp_path, s), "--out", out)
    assert p.returncode == 2, p.stderr
    assert message in p.stderr, p.stderr
    assert not out.exists() or not any(out.iterdir())


def test_node_series_never_show_use_above_allocation(capsim, tmp_path):
    s = base(name="web", replicas=2, min_replicas=1, max_replicas=20, end_s=21600,
             load={"diurnal": {"mean_rps": 60, "daily_amplitude": 0.9, "peak_hour": 3, "step_s": 60}},
             hpa={"target_utilization": 0.6})
    extra = {"sample_interval_s": 300, "node_series": True,
             "workloads": [{"service": s},
                           {"synthetic": {"count": 100, "arrivals": {"poisson_rate_per_hour": 30},
                                          "duration_s": {"exponential": {"mean": 900}},
                                          "shapes": [{"weight": 1, "cpu_cores": 2, "memory_gib": 4}]}}]}
    path = scenario(tmp_path, s, **extra)
    out = tmp_path / "r.h5"
    p = capsim("run", path, "--out", out)
    assert p.returncode == 0, p.stderr
    with h5py.File(out, "r") as f:
        g = f["timeseries_nodes"]
        alloc, used = g["cpu_alloc_milli"][:], g["cpu_used_milli"][:]
        assert alloc.shape == used.shape == (len(f["timeseries/t"]), 4)
        assert (used <= alloc + 1e-6).all() and (used >= 0).all()
        assert (used < alloc - 1).any()  # the service's replicas use less than they hold
        # Summed over nodes, the node series are the fleet series.
        cap = 4 * 8000
        assert np.allclose(alloc.sum(axis=1) / cap, f["timeseries/cpu_alloc_frac"][:])
        assert np.allclose(used.sum(axis=1) / cap, f["timeseries/cpu_used_frac"][:])


@pytest.mark.parametrize("change, message", [
    ({"scale_in": "oldest"}, "workloads[0].service.scale_in: \"newest\", \"emptiest-node\" or \"lowest-priority-pool\""),
    ({"time_slicing": {"throughput_factor": 0.8, "p99_factor": 1.2}}, "only replicas that share a card"),
    ({"gpus": 1, "gpu_milli": 500, "time_slicing": {"throughput_factor": 0, "p99_factor": 1.2}},
     "time_slicing.throughput_factor: must be in (0, 1]"),
    ({"gpus": 1, "gpu_milli": 500, "time_slicing": {"throughput_factor": 0.8, "p99_factor": 0.5}},
     "time_slicing.p99_factor: must be in [1, 100]"),
])
def test_bad_scale_in_and_time_slicing_exit_2(capsim, tmp_path, change, message):
    out = tmp_path / "out"
    p = capsim("run", scenario(tmp_path, base(load={"constant_rps": 5}, **change)), "--out", out)
    assert p.returncode == 2, p.stderr
    assert message in p.stderr, p.stderr
    assert not out.exists() or not any(out.iterdir())


def _erlang_c(c, a):
    term, ratio = 1.0, 0.0
    for k in range(c - 1, -1, -1):
        term *= (k + 1) / a
        ratio += term
    return 1.0 / (1.0 + (1.0 - a / c) * ratio)


def _hpa_history(tmp_path, hpa, rps, replicas):
    s = {"name": "hpa metric", "seed": 1, "fleet": {"nodes": [{"group": {"count": 40, "cpu_cores": 1, "memory_gib": 4}}]},
         "workloads": [{"service": {"name": "api", "replicas": replicas, "max_replicas": 40, "cpu_cores": 1,
                                    "memory_gib": 1, "replica_rps": 1, "load": {"constant_rps": rps}, "end_s": 120,
                                    "hpa": hpa}}],
         "placement": {"name": "first-fit"}, "sample_interval_s": 60}
    path = tmp_path / "s.json"
    path.write_text(json.dumps(s))
    p = run_capsim("run", path, "--out", tmp_path / "out")
    assert p.returncode == 0, p.stderr
    with h5py.File(tmp_path / "out" / "results.h5") as f:
        h = f["service_replicas"]
        history = list(zip((h["t"][:] // 1_000_000).tolist(), h["replicas"][:].tolist()))
    assert history[-1] == (120, 0)  # the service's end
    return history[:-1]


def test_hpa_on_requests_per_replica(tmp_path):
    # AverageValue on QPS: 42 requests/s, target 5 per replica, from 2: ratio 4.2 -> 9 wanted, +4 at most
    # (Kubernetes' default rate limit) -> 6; then 42/6/5 = 1.4 -> 9; then 42/9/5 = 0.93, within tolerance.
    history = _hpa_history(tmp_path, {"target_rps_per_replica": 5}, 42, 2)
    assert [r for _, r in history] == [2, 6, 9]
    assert [t for t, _ in history] == [0, 15, 30]


def test_hpa_on_queue_length_per_replica(tmp_path):
    # Requests waiting per replica, M/M/c (no limit) by hand: Lq = C(c, a) x lambda / (c mu - lambda).
    # From 10 replicas under 9 requests/s: Lq = 6.02, 0.60 per replica, ratio 1.20 -> ceil(12.04) = 13;
    # at 13 the queue is nearly empty (ratio far below 1), but the 300 s scale-down stabilization keeps 13
    # for the rest of this 2-minute run.
    lam, target = 9.0, 0.5
    c, want = 10, [10]
    while True:
        ratio = _erlang_c(c, lam) * lam / (c - lam) / c / target
        if ratio <= 1.1:
            break
        c = min(math.ceil(c * ratio - 1e-9), c + max(4, c))
        want.append(c)
    assert want == [10, 13]
    history = _hpa_history(tmp_path, {"target_queue_per_replica": target}, lam, 10)
    assert [r for _, r in history] == want
    assert len(want) >= 2


def test_hpa_with_two_metrics_exits_2(tmp_path):
    s = {"name": "two metrics", "seed": 1, "fleet": {"nodes": [{"group": {"count": 2, "cpu_cores": 1, "memory_gib": 4}}]},
         "workloads": [{"service": {"name": "api", "cpu_cores": 1, "memory_gib": 1, "replica_rps": 1,
                                    "load": {"constant_rps": 1}, "end_s": 60,
                                    "hpa": {"target_rps_per_replica": 5, "target_queue_per_replica": 1}}}]}
    path = tmp_path / "s.json"
    path.write_text(json.dumps(s))
    p = run_capsim("run", path, "--out", tmp_path / "out")
    assert p.returncode == 2 and "hpa.target_queue_per_replica" in p.stderr


@pytest.mark.parametrize("scale_in, ended", [("newest", {"replica-2": "low", "replica-3": "high"}),
                                              ("lowest-priority-pool", {"replica-1": "low", "replica-2": "low"})])
def test_scale_in_from_the_lowest_priority_pool(tmp_path, scale_in, ended):
    # One service over two clusters in priority order (fleet order): "high" (1 node held, at most 2, 300 s
    # boots) and "low" (at most 2, 60 s boots). The load steps 0.5 -> 3 -> 1 requests/s; the HPA asks
    # for 4 replicas at 600 s: the high pool has room for 1, the low pool takes 2; the low nodes are up
    # first (660 s) and take replicas 1 and 2, replica 3 waits for the high node (900 s). At 1,800 s the
    # HPA asks for 2: "newest" ends replicas 3 and 2 (one in each pool), "lowest-priority-pool" ends the
    # two in the low pool, so the high-priority cluster keeps its replicas.
    (tmp_path / "steps.csv").write_text("t,rps\n0,0.5\n600,3\n1800,1\n")
    s = {"name": "linked", "seed": 1,
         "fleet": {"pools": [{"name": "high", "kind": "on-demand", "boot_delay_s": 300,
                              "elastic": {"min_nodes": 1, "max_nodes": 2}},
                             {"name": "low", "kind": "on-demand", "boot_delay_s": 60,
                              "elastic": {"min_nodes": 0, "max_nodes": 2}}],
                   "nodes": [{"group": {"name_prefix": "h", "count": 4, "cpu_cores": 1, "memory_gib": 4, "pool": "high"}},
                             {"group": {"name_prefix": "l", "count": 4, "cpu_cores": 1, "memory_gib": 4, "pool": "low"}}]},
         "workloads": [{"service": {"name": "api", "replicas": 1, "min_replicas": 1, "max_replicas": 4, "cpu_cores": 1,
                                    "memory_gib": 1, "replica_rps": 1, "end_s": 3600, "scale_in": scale_in,
                                    "load": {"csv": {"path": "steps.csv", "time_column": "t", "value_column": "rps"}},
                                    "hpa": {"target_utilization": 0.75, "scale_down_stabilization_s": 0}}}],
         "placement": {"name": "first-fit"}, "capacity": {"name": "queue-driven", "params": {"idle_grace_s": "60"}},
         "sample_interval_s": 600}
    path = tmp_path / "s.json"
    path.write_text(json.dumps(s))
    p = run_capsim("run", path, "--out", tmp_path / "out")
    assert p.returncode == 0, p.stderr
    with h5py.File(tmp_path / "out" / "results.h5") as f:
        j = f["jobs"]
        rows = {n.decode().split("/")[1]: (int(node), e / 1e6) for n, node, e in zip(j["name"][:], j["node"][:], j["end_us"][:])}
    pool_of = lambda node: "high" if node < 4 else "low"  # noqa: E731
    assert {k: pool_of(node) for k, (node, end) in rows.items() if end == 1800} == ended


def test_random_boots_and_startup_phases_have_their_means(tmp_path):
    # 200 replicas asked for at 0 on an elastic pool with no node held: each waits its node's boot
    # (lognormal, median 300 s, sigma 0.5: mean 300 e^0.125 = 339.99 s), then warms up (exponential,
    # mean 120 s) before it serves. The mean of 200 boots has a standard deviation of 12.8 s; the
    # bounds are 4 of them. Over the hour, ready replicas average 200 (1 - (boot + warm-up) / 3600).
    s = {
        "name": "random boots and warm-ups", "seed": 11,
        "fleet": {"pools": [{"name": "od", "kind": "on-demand", "elastic": {"min_nodes": 0},
                             "boot_delay": {"lognormal": {"median": 300, "sigma": 0.5}}}],
                  "nodes": [{"group": {"name_prefix": "n", "count": 200, "cpu_cores": 1, "memory_gib": 4, "pool": "od"}}]},
        "workloads": [{"service": {"name": "gen", "replicas": 200, "cpu_cores": 1, "memory_gib": 2, "replica_rps": 1,
                                   "queue_per_replica": 1, "load": {"constant_rps": 10}, "end_s": 3600,
                                   "warm_up": {"exponential": {"mean": 120}}}}],
        "placement": {"name": "first-fit"},
        "capacity": {"name": "queue-driven", "params": {"idle_grace_s": "60"}},
    }
    path = tmp_path / "s.json"
    path.write_text(json.dumps(s))
    p = run_capsim("run", path, "--out", tmp_path / "out")
    assert p.returncode == 0, p.stderr
    r = json.loads((tmp_path / "out" / "summary.json").read_text())
    boot = 300 * math.exp(0.125)
    assert r["wait_mean_s"] == pytest.approx(boot, abs=4 * 12.8)
    # Warm-ups: 200 exponential draws of mean 120 s, standard deviation of their mean 8.5 s.
    warm = 3600 * (1 - r["service.gen.replicas_mean"] / 200) - r["wait_mean_s"]
    assert warm == pytest.approx(120, abs=4 * 8.5)
    # The same seed gives the same bytes; another seed other draws.
    p2 = run_capsim("run", path, "--out", tmp_path / "out2")
    assert (tmp_path / "out2" / "summary.json").read_text() == (tmp_path / "out" / "summary.json").read_text()


@pytest.mark.parametrize("change, field, message", [
    (lambda v, pool: v.update(warm_up_s=10), "workloads[0].service.warm_up", "give warm_up_s or warm_up, not both"),
    (lambda v, pool: v.update(warm_up={"exponential": {"mean": -1}}), "warm_up.exponential.mean", "must be positive"),
    (lambda v, pool: v.update(warm_up={}), "warm_up", "give constant, exponential, lognormal or empirical"),
    (lambda v, pool: pool.update(boot_delay_s=5), "fleet.pools[od].boot_delay", "not both"),
])
def test_bad_startup_distributions_exit_2(tmp_path, change, field, message):
    s = {
        "name": "bad", "seed": 1,
        "fleet": {"pools": [{"name": "od", "kind": "on-demand", "elastic": {"min_nodes": 0},
                             "boot_delay": {"constant": 60}}],
                  "nodes": [{"group": {"name_prefix": "n", "count": 2, "cpu_cores": 1, "memory_gib": 4, "pool": "od"}}]},
        "workloads": [{"service": {"name": "gen", "replicas": 1, "cpu_cores": 1, "memory_gib": 2, "replica_rps": 1,
                                   "load": {"constant_rps": 0.5}, "end_s": 600,
                                   "warm_up": {"constant": 30}}}],
    }
    change(s["workloads"][0]["service"], s["fleet"]["pools"][0])
    path = tmp_path / "s.json"
    path.write_text(json.dumps(s))
    p = run_capsim("run", path, "--out", tmp_path / "out")
    assert p.returncode == 2, p.stdout
    assert field in p.stderr and message in p.stderr, p.stderr
