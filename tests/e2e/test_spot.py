"""Spot end to end: the bundled v2026 spot scenario through `capsim compare`,
the preemption curve and per-job restarts in results.h5, and bad spot input."""
import csv
import io
import json

import h5py
import numpy as np
import pytest

from conftest import ROOT, run_capsim

SCENARIO = ROOT / "scenarios" / "spot_v2026.json"


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    out = tmp_path_factory.mktemp("spot")
    p = run_capsim("compare", SCENARIO, "--policies", "spot-fallback,on-demand-only", "--out", out, "--csv")
    assert p.returncode == 0, p.stderr
    rows = {r["policy"]: r for r in csv.DictReader(io.StringIO(p.stdout.split("wrote")[0]))}
    return out, rows


def test_fallback_costs_less_than_on_demand_with_bounded_slowdown(compared):
    _, rows = compared
    fb, od = rows["spot-fallback"], rows["on-demand-only"]
    assert float(fb["cost"]) < 0.6 * float(od["cost"])
    assert int(fb["interrupts"]) > 0 and int(od["interrupts"]) == 0
    assert float(fb["lost_gpu_h"]) > 0 and float(od["lost_gpu_h"]) == 0
    assert 1.0 <= float(fb["slowdown"]) < 1.25


def test_preemption_curve_and_restarts_in_results(compared):
    out, _ = compared
    summary = json.loads((out / "spot-fallback-seed5" / "summary.json").read_text())
    with h5py.File(out / "spot-fallback-seed5" / "results.h5") as f:
        ts = f["timeseries"]
        per_sample = ts["job_interruptions"][:]
        assert per_sample.sum() == summary["job_interruptions"]
        assert ts["node_notices"][:].sum() == summary["node_notices"]
        lost = ts["lost_gpu_hours"][:]
        assert np.all(np.diff(lost) >= 0) and lost[-1] == pytest.approx(summary["lost_gpu_hours"])
        jobs = f["jobs"]
        restarts, lost_us = jobs["restarts"][:], jobs["lost_us"][:]
        assert restarts.sum() == summary["job_interruptions"]
        assert np.all(lost_us[restarts == 0] == 0)
        gpus = np.where(jobs["num_gpu"][:] == 1, jobs["gpu_milli"][:] / 1000, jobs["num_gpu"][:])
        assert (gpus * lost_us).sum() / 3.6e9 == pytest.approx(summary["lost_gpu_hours"], rel=1e-9)
        # High-priority jobs (the serving shape: 16 cores, 1 A10) never ran on a spot node: the spot
        # pool's node sources come first in the scenario, 1,247 A10 and 216 A100 nodes.
        serving = (jobs["cpu_milli"][:] == 16000) & (jobs["num_gpu"][:] == 1)
        nodes = jobs["node"][:]
        assert serving.sum() == 600
        assert np.all(nodes[serving & (nodes >= 0)] >= 1247 + 216)
        assert np.any(nodes[~serving] < 1247 + 216)  # while other jobs did


def test_bad_spot_input_exits_2(tmp_path):
    scenario = json.loads(SCENARIO.read_text())
    for node in scenario["fleet"]["nodes"]:
        node["trace"]["path"] = str(ROOT / "traces" / "alibaba-spot-gpu-v2026" / "node_info_df.csv")
    scenario["cost"]["catalog"] = str(ROOT / "scenarios" / "prices" / "example_catalog.json")
    bad = json.loads(json.dumps(scenario))
    bad["fleet"]["pools"][0]["spot"]["interruptions_per_node_hour"] = -1
    (tmp_path / "s.json").write_text(json.dumps(bad))
    p = run_capsim("validate", tmp_path / "s.json")
    assert p.returncode == 2 and "fleet.pools[0].spot.interruptions_per_node_hour" in p.stderr
    bad = json.loads(json.dumps(scenario))
    bad["workloads"][1]["synthetic"]["resilience"]["checkpoint_cost_s"] = 4000
    (tmp_path / "s.json").write_text(json.dumps(bad))
    p = run_capsim("validate", tmp_path / "s.json")
    assert p.returncode == 2 and "checkpoint_cost_s" in p.stderr
    warn = json.loads(json.dumps(scenario))
    warn["fleet"]["pools"] = [warn["fleet"]["pools"][1]]
    for node in warn["fleet"]["nodes"]:
        node["trace"]["pool"] = "on-demand"
    (tmp_path / "s.json").write_text(json.dumps(warn))
    p = run_capsim("validate", tmp_path / "s.json")
    assert p.returncode == 0 and "warning" in p.stderr and "no spot pool" in p.stderr


@pytest.mark.parametrize("pool_change, message", [
    ({"stock_outs": [{"from_s": 10, "to_s": 5}]}, "stock_outs[0]: needs 0 <= from_s < to_s"),
    ({"stock_outs": [{"from_s": 0, "to_s": 5}], "elastic": None}, "only elastic pools"),
])
def test_bad_stock_out_exits_2(tmp_path, pool_change, message):
    s = json.loads((ROOT / "tests" / "scenarios" / "stock_out_priority.json").read_text())
    s["workloads"][0]["trace"]["path"] = str(ROOT / "tests" / "scenarios" / "data" / "stock_out_jobs.csv")
    pool = s["fleet"]["pools"][0]
    for k, v in pool_change.items():
        if v is None:
            pool.pop(k)
        else:
            pool[k] = v
    path = tmp_path / "s.json"
    path.write_text(json.dumps(s))
    p = run_capsim("run", path, "--out", tmp_path / "out")
    assert p.returncode == 2, p.stdout
    assert "fleet.pools[first].stock_outs" in p.stderr and message in p.stderr


def test_bad_expander_exits_2(tmp_path):
    s = json.loads((ROOT / "tests" / "scenarios" / "stock_out_priority.json").read_text())
    s["workloads"][0]["trace"]["path"] = str(ROOT / "tests" / "scenarios" / "data" / "stock_out_jobs.csv")
    s["capacity"]["params"]["expander"] = "random"
    path = tmp_path / "s.json"
    path.write_text(json.dumps(s))
    p = run_capsim("run", path, "--out", tmp_path / "out")
    assert p.returncode == 2 and "expander must be priority or fallback" in p.stderr



@pytest.mark.parametrize("expander", ["priority", "fallback"])
def test_provision_failure_rate_sends_its_share_to_the_next_pool(tmp_path, expander):
    # 300 jobs, each alone in the fleet (3,000 s apart: every earlier node has been released and every
    # back-off has ended), each needing a new node. The first pool (nodes 0 and 1) fails a node request
    # with probability 0.3, so about 30% of jobs are served by the second pool: Binomial(300, 0.3)/300
    # has a standard deviation of 0.026, and the bounds below are 4 of them either side.
    s = json.loads((ROOT / "tests" / "scenarios" / f"provision_failures_{expander}.json").read_text())
    s["fleet"]["pools"][0]["provision_failure_rate"] = 0.3
    s["capacity"]["params"]["max_backoff_s"] = "300"
    rows = ["name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time"]
    for i in range(300):
        t = 100 + 3000 * i
        rows.append(f"job-{i},4000,8192,0,0,,BE,Succeeded,{t},{t + 600},{t}")
    (tmp_path / "jobs.csv").write_text("\n".join(rows) + "\n")
    s["workloads"][0]["trace"]["path"] = str(tmp_path / "jobs.csv")
    s["seed"] = 7
    path = tmp_path / "s.json"
    path.write_text(json.dumps(s))
    p = run_capsim("run", path, "--out", tmp_path / "out")
    assert p.returncode == 0, p.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["jobs_completed"] == 300
    with h5py.File(tmp_path / "out" / "results.h5") as f:
        second = float(np.mean(f["jobs/node"][:] >= 2))
    assert 0.3 - 0.105 <= second <= 0.3 + 0.105, second
    if expander == "fallback":
        # Insufficient capacity comes back at once: every job waits its node's boot alone.
        assert summary["wait_mean_s"] == pytest.approx(120, abs=1e-6)
    else:
        # A failed request hangs 900 s before the second pool is asked: the mean wait over the boot is
        # 900 s times the share of jobs whose request failed, the share on the second pool.
        assert summary["wait_mean_s"] - 120 == pytest.approx(900 * second, abs=1e-6)


def test_bad_provision_failure_rate_exits_2(tmp_path):
    s = json.loads((ROOT / "tests" / "scenarios" / "provision_failures_priority.json").read_text())
    s["workloads"][0]["trace"]["path"] = str(ROOT / "tests" / "scenarios" / "data" / "stock_out_jobs.csv")
    s["fleet"]["pools"][0]["provision_failure_rate"] = 1.5
    path = tmp_path / "s.json"
    path.write_text(json.dumps(s))
    p = run_capsim("run", path, "--out", tmp_path / "out")
    assert p.returncode == 2, p.stdout
    assert "fleet.pools[first].provision_failure_rate" in p.stderr and "probability in [0, 1]" in p.stderr
