"""End-to-end tests of the capsim command, read back with h5py and checked
against answers computed independently here with pandas."""
import csv
import json
import pathlib

import h5py
import numpy as np
import pandas as pd
import pytest

from conftest import ROOT, TRACES

NODES = TRACES / "openb_node_list_gpu_node.csv"
PODS = TRACES / "openb_pod_list_default.csv"


def pod_gpu_milli(pods):
    return np.where(pods.num_gpu == 1, pods.gpu_milli, pods.num_gpu * 1000)


@pytest.fixture(scope="module")
def openb_run(tmp_path_factory):
    from conftest import run_capsim
    out = tmp_path_factory.mktemp("run") / "r.h5"
    p = run_capsim("run", "--nodes", NODES, "--pods", PODS, "--policy", "best-fit", "--out", out)
    assert p.returncode == 0, p.stderr
    return out


def test_run_writes_the_documented_layout(openb_run):
    summary = json.loads(openb_run.with_suffix(".summary.json").read_text())
    with h5py.File(openb_run) as f:
        assert f["meta"].attrs["policy"] == "best-fit"
        assert int(f["meta"].attrs["seed"]) == 1
        json.loads(f["meta"].attrs["scenario_json"])
        ts = f["timeseries"]
        for name in ["t", "cpu_alloc_frac", "memory_alloc_frac", "gpu_milli_alloc_frac", "gpu_busy_frac",
                     "jobs_running", "jobs_pending", "jobs_gave_up", "wait_mean_s", "pending_wait_max_s",
                     "fragmentation_gpus", "fragmentation_share"]:
            assert name in ts, name
            assert len(ts[name]) == len(ts["t"])
        assert ts["t"].attrs["units"] == "us"
        assert np.all(np.diff(ts["t"][:]) > 0)
        jobs = f["jobs"]
        assert len(jobs["name"]) == 8152
        for name in ["submit_us", "duration_us", "start_us", "end_us", "wait_us", "node", "gpu_mask", "state"]:
            assert len(jobs[name]) == 8152, name
        assert f["summary"].attrs["jobs_placed"] == summary["jobs_placed"]
    assert summary["jobs_submitted"] == 8152
    assert summary["jobs_placed"] + summary["jobs_never_placed"] == 8152
    assert summary["gpus"] == 6212
    assert not list(openb_run.parent.glob("*.tmp.*"))  # atomic writes leave nothing behind


def test_full_cluster_replay_matches_an_independent_sweep(openb_run):
    """On the real cluster no pod waits, so allocation over time is the sum of
    live pods' requests: its exact time-weighted mean and peak follow from the
    trace alone."""
    pods = pd.read_csv(PODS)
    summary = json.loads(openb_run.with_suffix(".summary.json").read_text())
    assert summary["wait_max_s"] == 0
    g = pod_gpu_milli(pods)
    ev = pd.concat([pd.DataFrame({"t": pods.creation_time, "k": 1, "g": g}),
                    pd.DataFrame({"t": pods.deletion_time, "k": 0, "g": -g})]).sort_values(["t", "k"])
    level = ev.g.cumsum().to_numpy()
    t = ev.t.to_numpy()
    capacity = 6212 * 1000
    assert summary["alloc_gpu_milli_peak"] == pytest.approx(level.max() / capacity, rel=1e-12)
    mean = np.sum(level[:-1] * np.diff(t)) / (t[-1] - t[0]) / capacity
    assert summary["alloc_gpu_milli_mean"] == pytest.approx(mean, rel=1e-9)
    with h5py.File(openb_run) as f:
        jobs = f["jobs"]
        np.testing.assert_array_equal(jobs["start_us"][:], pods.creation_time.to_numpy() * 1_000_000)
        np.testing.assert_array_equal(jobs["end_us"][:], pods.deletion_time.to_numpy() * 1_000_000)


def check_capacity_never_exceeded(h5path, nodes):
    """Rebuilds every node's and every GPU's allocation from /jobs and checks
    it against the node list at every instant."""
    with h5py.File(h5path) as f:
        j = {k: f["jobs"][k][:] for k in ["start_us", "end_us", "node", "gpu_mask", "cpu_milli",
                                           "memory_mib", "num_gpu", "gpu_milli", "state"]}
    placed = j["start_us"] >= 0
    end = np.where(j["end_us"] >= 0, j["end_us"], np.iinfo(np.int64).max)
    rows = []
    for i in np.nonzero(placed)[0]:
        per_gpu = j["gpu_milli"][i] if j["num_gpu"][i] == 1 else 1000
        gpus = [g for g in range(64) if (int(j["gpu_mask"][i]) >> g) & 1]
        assert len(gpus) == j["num_gpu"][i]
        for sign, t in ((1, j["start_us"][i]), (-1, end[i])):
            rows.append((t, sign, j["node"][i], -1, sign * j["cpu_milli"][i], sign * j["memory_mib"][i]))
            for g in gpus:
                rows.append((t, sign, j["node"][i], g, sign * per_gpu, 0))
    ev = pd.DataFrame(rows, columns=["t", "sign", "node", "gpu", "a", "b"]).sort_values(["t", "sign"])
    node_ev = ev[ev.gpu < 0]
    cpu = node_ev.groupby("node").a.cumsum()
    mem = node_ev.groupby("node").b.cumsum()
    assert (cpu.to_numpy() <= nodes.cpu_milli.to_numpy()[node_ev.node]).all()
    assert (mem.to_numpy() <= nodes.memory_mib.to_numpy()[node_ev.node]).all()
    gpu_ev = ev[ev.gpu >= 0]
    if len(gpu_ev):
        used = gpu_ev.groupby(["node", "gpu"]).a.cumsum()
        assert used.max() <= 1000
        assert (gpu_ev.gpu.to_numpy() < nodes.gpu.to_numpy()[gpu_ev.node]).all()
    return len(ev)


@pytest.mark.parametrize("policy", ["first-fit", "best-fit", "worst-fit", "random"])
def test_no_allocation_exceeds_capacity_under_contention(capsim, tmp_path, policy):
    small = tmp_path / "nodes.csv"
    nodes = pd.read_csv(NODES)
    # 10 nodes of the trace: pods queue, and 8-GPU pods still fit somewhere.
    sample = pd.concat([nodes[nodes.model == "G2"].head(3), nodes[nodes.model == "G3"].head(1),
                        nodes[nodes.model == "T4"].head(6)])
    sample.to_csv(small, index=False)
    out = tmp_path / "r.h5"
    p = capsim("run", "--nodes", small, "--pods", PODS, "--policy", policy, "--out", out, "--skip-bad-rows")
    assert p.returncode == 0, p.stderr
    summary = json.loads(out.with_suffix(".summary.json").read_text())
    assert summary["wait_max_s"] > 0, "the test needs contention"
    assert check_capacity_never_exceeded(out, sample.reset_index(drop=True)) > 10000


def test_compare_prints_every_policy_and_is_thread_count_independent(capsim, tmp_path):
    scen = ROOT / "scenarios" / "openb_downsized.json"
    a = capsim("compare", scen, "--threads", "1", "--out", tmp_path / "a")
    b = capsim("compare", scen, "--threads", "2", "--out", tmp_path / "b")
    assert a.returncode == 0, a.stderr
    assert b.returncode == 0, b.stderr
    listing = capsim("policies").stdout.split("capacity policies")[0]  # placement policies come first
    registered = [l.split()[0] for l in listing.splitlines() if l.startswith("  ") and not l.startswith("      ")]
    assert set(registered) >= {"first-fit", "best-fit", "worst-fit", "random", "dot-product", "gpu-packing",
                               "gpu-clustering", "fgd"}
    # Without --policies, the spot policies run only where the fleet has spot pools (they would repeat best-fit).
    spot_policies = {"spot-fallback", "spot-only", "on-demand-only", "static-split"}
    assert spot_policies <= set(registered)
    registered = [name for name in registered if name not in spot_policies]
    for name in spot_policies:
        assert not any(line.startswith(name) for line in a.stdout.splitlines()), a.stdout
    for name in registered:
        assert any(line.startswith(name) for line in a.stdout.splitlines()), a.stdout
        for f in ["summary.json", "results.h5"]:
            x = (tmp_path / "a" / f"{name}-seed1" / f).read_bytes()
            y = (tmp_path / "b" / f"{name}-seed1" / f).read_bytes()
            assert x == y, f"{name}/{f} differs between 1 and 2 threads"
    table = pd.read_csv(tmp_path / "a" / "compare.csv")
    assert list(table.policy) == registered


def test_compare_seeds_and_csv(capsim, tmp_path):
    p = capsim("compare", ROOT / "scenarios" / "openb_downsized.json", "--policies", "random,best-fit",
               "--seeds", "1,2", "--csv", "--out", tmp_path)
    assert p.returncode == 0, p.stderr
    lines = [l for l in p.stdout.splitlines() if "," in l]
    assert lines[0].startswith("policy,seed,placed")
    assert [l.split(",")[:2] for l in lines[1:]] == [["random", "1"], ["random", "2"], ["best-fit", "1"],
                                                     ["best-fit", "2"]]


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


POD_HEADER = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n"


@pytest.mark.parametrize("row,message", [
    ("p,12x,1,0,0,,LS,R,0,1,0", ":2: column 'cpu_milli': expected an integer, got '12x'"),
    ("p,1,1,0,0,,LS,R,9,1,0", ":2: column 'deletion_time': deletion_time 1 is before creation_time 9"),
    ("p,1,1,1,500,H9000,LS,R,0,1,0", ":2: column 'gpu_spec': unknown GPU model 'H9000'"),
    ("p,1,1,0,0,,LS", ":2: expected 11 fields, got 7"),
    ("p,999999999,1,0,0,,LS,R,0,1,0", ":2: job p cannot fit on any node of the fleet"),
])
def test_bad_pod_rows_exit_2_with_file_line_and_column(capsim, tmp_path, row, message):
    pods = write(tmp_path, "pods.csv", POD_HEADER + "ok,1,1,0,0,,LS,R,0,1,0\n".replace("\n", "\n") + row + "\n")
    # the good row is line 2; the bad one line 3
    p = capsim("run", "--nodes", NODES, "--pods", pods, "--out", tmp_path / "o")
    assert p.returncode == 2, p.stderr
    assert str(pods) + message.replace(":2:", ":3:") in p.stderr
    assert not (tmp_path / "o").exists()


def test_skip_bad_rows_counts(capsim, tmp_path):
    pods = write(tmp_path, "pods.csv", POD_HEADER + "a,1,1,0,0,,LS,R,0,1,0\nb,x,1,0,0,,LS,R,0,1,0\n"
                 "c,1,1,0,0,,LS,R,0,5,0\n")
    p = capsim("run", "--nodes", NODES, "--pods", pods, "--out", tmp_path / "o", "--skip-bad-rows")
    assert p.returncode == 0, p.stderr
    assert "skipped 1 malformed rows" in p.stderr
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["input_rows_skipped"] == 1
    assert summary["jobs_placed"] == 2


@pytest.mark.parametrize("args,code,message", [
    (["run", "--nodes", NODES, "--pods", PODS, "--policy", "nope"], 2, "unknown placement policy 'nope' (valid: first-fit, best-fit"),
    (["run", "--nodes", NODES, "--pods", PODS, "--param", "w_disk=1"], 2, "unknown parameter 'w_disk'"),
    (["run", "--nodes", NODES, "--pods", "/nonexistent.csv"], 2, "/nonexistent.csv: cannot open file"),
    (["run", "--nodes", NODES], 2, "--nodes and --pods go together"),
    (["run"], 2, "give a scenario file, or --nodes and --pods"),
    (["run", "--sed", "3"], 2, "unrecognised option '--sed'"),
    (["run", "--seed", "x", "--nodes", NODES, "--pods", PODS], 2, "--seed: 'x' is not a seed"),
    (["run", "--seed", "-1", "--nodes", NODES, "--pods", PODS], 2, "--seed: '-1' is not a seed"),
    (["compare", "--seeds", "1,-1", "--nodes", NODES, "--pods", PODS], 2, "--seeds: '-1' is not a seed"),
    (["frobnicate"], 2, "unknown command 'frobnicate'"),
    (["run", "--nodes", NODES, "--pods", PODS, "--queue", "lifo"], 2, "field queue"),
    (["compare", "--nodes", NODES, "--pods", PODS, "--seeds", "1,x"], 2, "--seeds: 'x' is not a seed"),
])
def test_bad_arguments(capsim, tmp_path, args, code, message):
    p = capsim(*args, "--out", tmp_path / "o") if args[0] in ("run", "compare") else capsim(*args)
    assert p.returncode == code, (p.stdout, p.stderr)
    assert message in p.stderr


def test_bad_scenario_fields_are_named(capsim, tmp_path):
    s = write(tmp_path, "s.json", '{"seed": 1, "fleet": {"nodes": [{"trace": {"pth": "x"}}]}}')
    p = capsim("validate", s)
    assert p.returncode == 2
    assert "fleet.nodes[0].trace" in p.stderr and "pth" in p.stderr
    s = write(tmp_path, "t.textproto", "seed: 1\nfleet {\n  nodes { group { count: -3 } }\n}\n")
    p = capsim("validate", s)
    assert p.returncode == 2
    assert "t.textproto:3:" in p.stderr


def test_help_and_validate(capsim):
    for cmd in ["run", "compare", "policies", "validate"]:
        p = capsim(cmd, "--help")
        assert p.returncode == 0 and "usage: capsim " + cmd in p.stdout
    p = capsim("validate", ROOT / "scenarios" / "openb_default.json")
    assert p.returncode == 0, p.stderr
    assert "ok: 1213 nodes, 6212 GPUs, 8152 jobs" in p.stdout
    p = capsim("validate", "--nodes", ROOT / "traces/alibaba-spot-gpu-v2026/node_info_df.csv", "--pods", PODS)
    assert p.returncode == 2 and "no memory column" in p.stderr
    p = capsim("validate", "--nodes", ROOT / "traces/alibaba-spot-gpu-v2026/node_info_df.csv", "--pods", PODS,
               "--node-memory-gib", "512", "--skip-bad-rows")
    assert p.returncode == 0 and "4278 nodes, 10412 GPUs" in p.stdout


def test_cli_trace_paths_are_relative_to_the_working_directory(capsim, tmp_path):
    """--nodes/--pods next to a scenario are read from where the user stands,
    not from the scenario's folder."""
    p = capsim("validate", "scenarios/openb_downsized.json", "--nodes",
               "traces/alibaba-gpu-v2023/openb_node_list_gpu_node.csv", "--pods",
               "traces/alibaba-gpu-v2023/openb_pod_list_default.csv", cwd=ROOT)
    assert p.returncode == 0, p.stderr
    assert "ok: 1213 nodes" in p.stdout


def test_unwritable_output_is_a_clear_error(capsim, tmp_path):
    blocker = write(tmp_path, "file", "not a directory")
    p = capsim("run", "--nodes", NODES, "--pods", PODS, "--out", blocker / "sub" / "r.h5")
    assert p.returncode == 2, p.stderr
    assert "cannot create directory" in p.stderr or "cannot create the results file" in p.stderr


def test_inflate_reproduces_the_papers_ranking(capsim, tmp_path):
    p = capsim("inflate", "--nodes", NODES, "--pods", PODS, "--repeats", "2", "--out", tmp_path)
    assert p.returncode == 0, p.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    pol = summary["policies"]
    assert set(pol) == {"random", "dot-product", "gpu-packing", "gpu-clustering", "best-fit", "fgd"}
    unalloc = {k: v["unallocated_gpus_end_mean"] for k, v in pol.items()}
    assert min(unalloc, key=unalloc.get) == "fgd"
    assert max(unalloc, key=unalloc.get) == "random"  # the paper's ranking: random strands the most
    assert unalloc["fgd"] < 0.8 * unalloc["best-fit"]
    assert pol["fgd"]["alloc_ratio_at_100_mean"] > pol["best-fit"]["alloc_ratio_at_100_mean"]
    with h5py.File(tmp_path / "inflation.h5") as f:
        x = f["arrived_share"][:]
        assert len(x) == 131 and x[0] == 0 and abs(x[-1] - 1.3) < 1e-12
        for name in pol:
            a = f[name]["gpu_alloc_ratio"][:]
            assert a.shape == (2, 131)
            assert (np.diff(a, axis=1) >= 0).all()  # pods never leave
            assert f[name]["seeds"][:, 0].tolist() == [1, 2]
            # The summary's figure is the curve's value at 100% arrival.
            assert pol[name]["alloc_ratio_at_100_mean"] == pytest.approx(a[:, 100].mean(), rel=1e-12)
    assert "fgd" in p.stdout and "alloc_at_100%" in p.stdout


def test_inflate_policy_variants_and_unallocated_gpus_by_cause(capsim, tmp_path):
    variants = ["best-fit", "best-fit:w_gpu=0", "best-fit:w_cpu=0:w_mem=0", "fgd"]
    p = capsim("inflate", "--nodes", NODES, "--pods", PODS, "--repeats", "2", "--policies", ",".join(variants),
               "--out", tmp_path)
    assert p.returncode == 0, p.stderr
    pol = json.loads((tmp_path / "summary.json").read_text())["policies"]
    assert list(pol) == variants
    unalloc = {k: v["unallocated_gpus_end_mean"] for k, v in pol.items()}
    # The weights are parameters, not labels: each variant strands a different count.
    assert len({round(v, 6) for v in unalloc.values()}) == 4
    # Scoring CPU and memory only strands GPUs behind exhausted CPU.
    assert unalloc["best-fit:w_gpu=0"] > unalloc["best-fit"]
    causes = ["no_gpu_task", "gpu_model", "lack_cpu", "lack_memory", "lack_gpu_and_host", "lack_gpu",
              "partial_device", "usable"]
    with h5py.File(tmp_path / "inflation.h5") as f:
        for name in variants:
            by_cause = pol[name]["unallocated_gpus_end_by_cause_mean"]
            assert list(by_cause) == causes
            assert sum(by_cause.values()) == pytest.approx(unalloc[name], rel=1e-9)
            assert min(by_cause.values()) >= -1e-9
            m = f[name]["unallocated_gpus_end_by_cause"]
            assert m.attrs["columns"].split(",") == causes and m.shape == (2, len(causes))
            assert m[:].mean(axis=0) == pytest.approx([by_cause[c] for c in causes], rel=1e-9, abs=1e-9)
    assert pol["best-fit:w_gpu=0"]["unallocated_gpus_end_by_cause_mean"]["lack_cpu"] > \
        pol["best-fit"]["unallocated_gpus_end_by_cause_mean"]["lack_cpu"]
    assert "lack_cpu" in p.stdout and "best-fit:w_cpu=0:w_mem=0" in p.stdout


def test_inflate_with_kubernetes_scoring_gives_the_papers_lead(capsim, tmp_path):
    # The paper's simulator scores as a Kubernetes plugin (integers 0-100, random
    # ties). Measured over 10 seeds: fgd leaves 291 GPUs unallocated, the packing
    # baselines 506 (-42% to -43%), dot-product 542 (-46%); the paper reports up
    # to 49%. Two seeds vary by about 10 GPUs; the bound keeps a wide margin.
    policies = ["dot-product", "gpu-packing", "gpu-clustering", "best-fit:score=k8s", "fgd:score=k8s"]
    p = capsim("inflate", "--nodes", NODES, "--pods", PODS, "--repeats", "2", "--policies", ",".join(policies),
               "--out", tmp_path)
    assert p.returncode == 0, p.stderr
    pol = json.loads((tmp_path / "summary.json").read_text())["policies"]
    fgd = pol["fgd:score=k8s"]["unallocated_gpus_end_mean"]
    for baseline in policies[:-1]:
        assert fgd < 0.65 * pol[baseline]["unallocated_gpus_end_mean"], baseline


@pytest.mark.parametrize("policies, message", [
    ("fgd,fgd", "listed twice"),
    ("best-fit:w_cpu", "is not name=value"),
    ("fgd:w_cpu=1", "unknown parameter 'w_cpu'"),
    ("best-fit:w_cpu=x", "expected a number"),
])
def test_bad_policy_specs_exit_2(capsim, tmp_path, policies, message):
    p = capsim("inflate", "--nodes", NODES, "--pods", PODS, "--repeats", "1", "--policies", policies,
               "--out", tmp_path)
    assert p.returncode == 2 and message in p.stderr, p.stderr


def test_compare_runs_policy_variants_side_by_side(capsim, tmp_path):
    p = capsim("compare", "--nodes", NODES, "--pods", PODS, "--policies", "best-fit,best-fit:w_gpu=0",
               "--out", tmp_path)
    assert p.returncode == 0, p.stderr
    rows = list(csv.DictReader((tmp_path / "compare.csv").read_text().splitlines()))
    assert [r["policy"] for r in rows] == ["best-fit", "best-fit:w_gpu=0"]
    variant = json.loads((tmp_path / "best-fit_w_gpu=0-seed1" / "summary.json").read_text())
    assert variant["policy"] == "best-fit" and variant["policy_params"] == {"w_gpu": "0"}
    plain = json.loads((tmp_path / "best-fit-seed1" / "summary.json").read_text())
    assert plain["policy_params"] == {}


def test_run_takes_a_policy_spec_and_param_wins(capsim, tmp_path):
    p = capsim("run", "--nodes", NODES, "--pods", PODS, "--policy", "best-fit:w_gpu=0:w_mem=2",
               "--param", "w_mem=3", "--out", tmp_path)
    assert p.returncode == 0, p.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["policy"] == "best-fit"
    assert summary["policy_params"] == {"w_gpu": "0", "w_mem": "3"}


def test_inflate_accepts_pod_lists_without_times(capsim, tmp_path):
    pods = TRACES / "openb_pod_list_multigpu20.csv"
    p = capsim("inflate", "--nodes", NODES, "--pods", pods, "--repeats", "1", "--policies", "fgd,best-fit",
               "--out", tmp_path)
    assert p.returncode == 0, p.stderr
    p = capsim("run", "--nodes", NODES, "--pods", pods, "--out", tmp_path / "r")
    assert p.returncode == 2
    assert "no creation_time/deletion_time columns" in p.stderr


def test_compare_csv_stdout_is_only_the_table_and_earlier_runs_are_named(capsim, tmp_path):
    scen = ROOT / "scenarios" / "openb_downsized.json"
    first = capsim("compare", scen, "--policies", "first-fit,random", "--out", tmp_path)
    assert first.returncode == 0, first.stderr
    p = capsim("compare", scen, "--policies", "best-fit", "--csv", "--out", tmp_path)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.strip().splitlines()
    assert lines[0].startswith("policy,seed,") and len(lines) == 2, p.stdout
    assert "wrote 1 runs" in p.stderr
    assert "2 earlier run(s) not in this comparison" in p.stderr and "first-fit-seed1, random-seed1" in p.stderr
    assert list(pd.read_csv(tmp_path / "compare.csv").policy) == ["best-fit"]


def test_help_states_the_real_defaults(capsim):
    run_help = " ".join(capsim("run", "--help").stdout.split())
    assert "(=best-fit)" not in run_help and "default: the scenario's placement, else best-fit" in run_help
    assert "default: the scenario's seed, 0 when it sets none" in run_help


def test_memory_estimate_refuses_runaway_scenarios_at_once(capsim, tmp_path):
    import time
    scen = tmp_path / "huge.json"
    scen.write_text(json.dumps({
        "seed": 1, "fleet": {"nodes": [{"group": {"count": 4, "cpu_cores": 8, "memory_gib": 32}}]},
        "workloads": [{"synthetic": {"count": 4000000000, "arrivals": {"poisson_rate_per_hour": 100},
                                     "duration_s": {"constant": 60}, "shapes": [{"cpu_cores": 1}]}}]}))
    for cmd in ["validate", "run"]:
        t = time.time()
        p = capsim(cmd, scen, "--out", tmp_path / "o") if cmd == "run" else capsim(cmd, scen)
        assert p.returncode == 2, p.stderr
        assert time.time() - t < 5
        # Without --max-memory the limit is the memory available on this machine.
        assert "workloads[0].synthetic.count: 4000000000 jobs need about 2.0 TB" in p.stderr
        assert "of memory available on this machine" in p.stderr
    p = capsim("validate", ROOT / "scenarios" / "openb_default.json", "--max-memory", "0.001")
    assert p.returncode == 2 and "more than the limit of" in p.stderr and "--max-memory" in p.stderr
    assert capsim("validate", ROOT / "scenarios" / "openb_default.json", "--max-memory", "1").returncode == 0
