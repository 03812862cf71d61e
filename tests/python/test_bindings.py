"""The Python package against the CLI: same results for the same scenario and
seed, DataFrames with the right types, Python policies, errors."""
import json
import os
import pathlib
import subprocess

import numpy as np
import pandas as pd
import pytest

import capsim

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "openb_downsized.json"
PODS = ROOT / "traces" / "alibaba-gpu-v2023" / "openb_pod_list_default.csv"
NODES = ROOT / "traces" / "alibaba-gpu-v2023" / "openb_node_list_gpu_node.csv"
CAPSIM = os.environ.get("CAPSIM_BIN", str(ROOT / "build" / "capsim"))


@pytest.fixture(scope="module")
def scenario():
    return capsim.load_scenario(SCENARIO)


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "r.h5"
    subprocess.run([CAPSIM, "run", str(SCENARIO), "--policy", "random", "--out", str(out)], check=True,
                   capture_output=True)
    return out


def test_python_results_equal_the_cli(scenario, cli_run):
    py = capsim.run(scenario, policy="random")
    cli_summary = json.loads(cli_run.with_suffix(".summary.json").read_text())
    assert py.summary == cli_summary
    cli = capsim.read_results(cli_run)
    pd.testing.assert_frame_equal(py.timeseries, cli.timeseries)
    pd.testing.assert_frame_equal(py.jobs, cli.jobs)
    assert cli.summary["jobs_placed"] == py.summary["jobs_placed"]


def test_dataframe_types_and_index(scenario):
    r = capsim.run(scenario, policy="best-fit")
    ts = r.timeseries
    assert ts.index.name == "t_s" and ts.index.dtype == np.float64
    assert ts.index.is_monotonic_increasing
    assert all(ts[c].dtype == np.float64 for c in ts.columns)
    assert {"gpu_milli_alloc_frac", "fragmentation_share", "jobs_pending"} <= set(ts.columns)
    jobs = r.jobs
    assert len(jobs) == 8152
    assert jobs.start_us.dtype == np.int64 and jobs.node.dtype == np.int64
    assert isinstance(jobs.state.dtype, pd.CategoricalDtype)
    assert set(jobs.state.cat.categories) == {"not_arrived", "pending", "running", "completed", "gave_up", "failed",
                                             "removed"}
    # Columns are views over the C++ results, read-only.
    with pytest.raises(ValueError):
        ts["cpu_alloc_frac"].to_numpy()[0] = 5


def test_to_hdf5_round_trip(scenario, tmp_path):
    r = capsim.run(scenario, policy="fgd")
    r.to_hdf5(tmp_path / "r.h5")
    back = capsim.read_results(tmp_path / "r.h5")
    assert back.summary == r.summary
    pd.testing.assert_frame_equal(back.timeseries, r.timeseries)
    assert json.loads((tmp_path / "r.summary.json").read_text()) == r.summary


def test_compare_matches_single_runs(scenario):
    rs = capsim.compare(scenario, policies=["best-fit", "random"], seeds=[1, 2], threads=2)
    assert [(r.summary["policy"], r.summary["seed"]) for r in rs] == [("best-fit", 1), ("best-fit", 2),
                                                                      ("random", 1), ("random", 2)]
    single = capsim.run(scenario, policy="random", seed=2)
    assert rs[3].summary == single.summary


class PyBestFit(capsim.PlacementPolicy):
    """best-fit written in Python with the same score and GPU choice."""
    gpu_choice = "tightest"

    def score(self, job, node, cluster):
        return cluster.free_fraction_after(node, job)


def test_python_best_fit_reproduces_cpp_best_fit(scenario):
    cpp = capsim.run(scenario, policy="best-fit")
    py = capsim.run(scenario, policy=PyBestFit(), name="py-best-fit")
    np.testing.assert_array_equal(py.jobs.node.to_numpy(), cpp.jobs.node.to_numpy())
    np.testing.assert_array_equal(py.jobs.gpu_mask.to_numpy(), cpp.jobs.gpu_mask.to_numpy())
    np.testing.assert_array_equal(py.jobs.start_us.to_numpy(), cpp.jobs.start_us.to_numpy())
    assert py.summary["policy"] == "py-best-fit"


def test_python_policy_errors_name_job_and_time(scenario):
    class Broken(capsim.PlacementPolicy):
        def score(self, job, node, cluster):
            if cluster.now_s > 1000:
                raise ZeroDivisionError("boom")
            return 0.0

    with pytest.raises(ZeroDivisionError, match=r"policy Broken failed on job 1 \(openb-pod-0001\) at t=427061"):
        capsim.run(scenario, policy=Broken())

    class Liar(capsim.PlacementPolicy):
        def place(self, job_index, job, cluster):
            return 0, 0  # node 0 without the GPUs the job asks for

    with pytest.raises(RuntimeError, match="internal invariant broken"):
        capsim.run(scenario, policy=Liar())


def test_workload_from_a_dataframe(scenario):
    pods = capsim.read_trace(PODS)
    assert len(pods) == 8152 and pods.attrs["rows_skipped"] == 0
    assert list(pods.columns[:3]) == ["name", "submit_s", "duration_s"]
    # Reshape in pandas: every pod twice as long. The same run through the
    # DataFrame path equals the trace path when nothing is changed.
    same = capsim.run(scenario.with_jobs(capsim.jobs_from_dataframe(pods)), policy="best-fit")
    base = capsim.run(scenario, policy="best-fit")
    assert same.summary["alloc_gpu_milli_mean"] == base.summary["alloc_gpu_milli_mean"]
    longer = pods.assign(duration_s=pods.duration_s * 2)
    r = capsim.run(scenario.with_jobs(capsim.jobs_from_dataframe(longer)), policy="best-fit")
    np.testing.assert_array_equal(r.jobs.duration_us.to_numpy(), 2 * base.jobs.duration_us.to_numpy())


def test_inflation_from_python():
    sc = capsim.scenario_from_traces(NODES, PODS)
    curves = capsim.inflate(sc, policies=["best-fit", "fgd"], repeats=1)
    end = curves[curves.arrived_share == curves.arrived_share.max()].set_index("policy")
    assert end.loc["fgd", "unallocated_gpus"] < end.loc["best-fit", "unallocated_gpus"]
    assert len(curves) == 2 * 131


def test_run_takes_a_policy_spec(scenario):
    a = capsim.run(scenario, policy="best-fit:w_gpu=0")
    b = capsim.run(scenario, policy="best-fit", params={"w_gpu": 0})
    assert a.summary["policy_params"] == {"w_gpu": "0"}
    np.testing.assert_array_equal(a.jobs.node.to_numpy(), b.jobs.node.to_numpy())
    with pytest.raises(ValueError, match="is not name=value"):
        capsim.run(scenario, policy="best-fit:w_gpu")


def test_inflation_variants_and_causes_from_python():
    sc = capsim.scenario_from_traces(NODES, PODS)
    curves = capsim.inflate(sc, policies=["best-fit", "best-fit:w_gpu=0"], repeats=1)
    assert list(curves.policy.unique()) == ["best-fit", "best-fit:w_gpu=0"]
    causes = curves.attrs["unallocated_by_cause"].set_index("policy")
    end = curves[curves.arrived_share == curves.arrived_share.max()].set_index("policy")
    for p in ["best-fit", "best-fit:w_gpu=0"]:
        total = causes.loc[p].drop("seed").sum()
        assert total == pytest.approx(end.loc[p, "unallocated_gpus"], rel=1e-9)
    assert causes.loc["best-fit:w_gpu=0", "lack_cpu"] > causes.loc["best-fit", "lack_cpu"]


@pytest.mark.parametrize("call,exc,message", [
    (lambda: capsim.load_scenario("/nonexistent.json"), FileNotFoundError, "/nonexistent.json"),
    (lambda: capsim.load_scenario({"seed": "x"}), ValueError, "seed"),
    (lambda: capsim.load_scenario({"fleet": {"nodes": [{"trace": {"pathx": "a"}}]}}), ValueError, "pathx"),
    (lambda: capsim.read_trace("/nonexistent.csv"), FileNotFoundError, "/nonexistent.csv: cannot open file"),
    (lambda: capsim.read_trace(PODS, kind="racks"), ValueError, "kind must be"),
    (lambda: capsim.read_results("/nonexistent.h5"), FileNotFoundError, "/nonexistent.h5"),
])
def test_bad_input_raises_the_right_exception(call, exc, message):
    with pytest.raises(exc, match=None) as info:
        call()
    assert message in str(info.value)


def test_unknown_policy_is_a_key_error(scenario):
    with pytest.raises(KeyError, match="unknown placement policy 'nope'"):
        capsim.run(scenario, policy="nope")
    with pytest.raises(ValueError, match="unknown parameter 'w_disk'"):
        capsim.run(scenario, policy="best-fit", params={"w_disk": 1})


def test_plot_command_writes_a_figure(cli_run, tmp_path):
    out = tmp_path / "fig.png"
    p = subprocess.run(["/usr/bin/python3", "-m", "capsim", "plot", str(cli_run), "-o", str(out)],
                       capture_output=True, text=True, env=dict(os.environ))
    assert p.returncode == 0, p.stderr
    assert out.stat().st_size > 10000 and out.read_bytes()[:4] == b"\x89PNG"
    p = subprocess.run(["/usr/bin/python3", "-m", "capsim", "plot", "/nonexistent.h5", "-o", str(out)],
                       capture_output=True, text=True, env=dict(os.environ))
    assert p.returncode == 2 and "/nonexistent.h5" in p.stderr


def test_ctrl_c_stops_a_comparison(tmp_path):
    """SIGINT during capsim.compare raises KeyboardInterrupt instead of running
    to the end (an overloaded 2-million-job comparison takes well over 10 s here)."""
    script = tmp_path / "interrupt.py"
    script.write_text(f"""
import os, signal, threading, time, capsim
sc = capsim.load_scenario({str(ROOT / 'bench' / 'overloaded_queue.json')!r})
threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
t = time.time()
try:
    capsim.compare(sc, policies=["best-fit", "first-fit"], threads=2)
    print("finished")
except KeyboardInterrupt:
    print("interrupted after %.1f s" % (time.time() - t))
""")
    p = subprocess.run(["/usr/bin/python3", str(script)], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ))
    assert "interrupted after" in p.stdout, (p.stdout, p.stderr)


def test_service_frames_and_used_vs_allocated_from_the_cli_file(tmp_path):
    """r.services and r.service_replicas from a run equal those read back from the CLI's results.h5;
    the file's /services group (read with h5py) holds the same numbers; used is below allocated."""
    import h5py
    scenario_path = ROOT / "tests" / "scenarios" / "service_mmc.json"
    py = capsim.run(capsim.load_scenario(scenario_path))
    out = tmp_path / "r.h5"
    subprocess.run([CAPSIM, "run", str(scenario_path), "--out", str(out)], check=True, capture_output=True)
    cli = capsim.read_results(out)
    pd.testing.assert_frame_equal(py.services, cli.services)
    pd.testing.assert_frame_equal(py.service_replicas, cli.service_replicas)
    assert list(py.services.index) == ["api"]
    assert py.services.loc["api", "requests_total"] == pytest.approx(90 * 3600)
    assert list(py.service_replicas["replicas"]) == [10, 0]
    with h5py.File(out, "r") as f:
        assert f["services"]["name"].asstr()[0] == "api"
        assert f["services"]["replicas_mean"][0] == pytest.approx(10)
        assert list(f["service_replicas"]["t"][:]) == [0, 3600 * 10**6]
    # rho = 0.9: CPU used = (0.05 + 0.95 x 0.9) of the request, at every sample and per pod.
    assert np.allclose(py.timeseries["cpu_used_frac"], 0.905 * py.timeseries["cpu_alloc_frac"])
    assert np.allclose(py.jobs["cpu_used_core_s"], 0.905 * py.jobs["cpu_alloc_core_s"])
    # A run without services has no service frames, and its pods use what they hold.
    batch = capsim.run(capsim.load_scenario(SCENARIO), policy="random")
    assert batch.services is None and batch.service_replicas is None
    assert np.allclose(batch.jobs["cpu_used_core_s"], batch.jobs["cpu_alloc_core_s"])


def test_node_series_from_a_run_and_from_its_file(tmp_path):
    """node_series: true gives per-node frames; the same from the run and from results.h5; used <= allocated."""
    s = json.loads((ROOT / "tests" / "scenarios" / "service_mmc.json").read_text())
    s["node_series"] = True
    sc = capsim.load_scenario(s, base_dir=ROOT / "tests" / "scenarios")
    r = capsim.run(sc)
    assert set(r.node_series) == {"cpu_alloc_milli", "cpu_used_milli", "gpu_alloc_milli", "gpu_used_milli"}
    alloc, used = r.node_series["cpu_alloc_milli"], r.node_series["cpu_used_milli"]
    assert alloc.shape == (len(r.timeseries), 10) and (used.values <= alloc.values + 1e-9).all()
    assert np.allclose(used.sum(axis=1) / 40000, r.timeseries["cpu_used_frac"])
    r.to_hdf5(tmp_path / "r.h5")
    back = capsim.read_results(tmp_path / "r.h5")
    for k, v in r.node_series.items():
        pd.testing.assert_frame_equal(v, back.node_series[k])
    assert capsim.run(capsim.load_scenario(ROOT / "tests" / "scenarios" / "service_mmc.json")).node_series is None


def _sweep_spec_dict():
    return {"scenario": str(ROOT / "scenarios" / "synthetic_poisson.json"),
            "axes": [{"name": "t4", "path": "fleet.nodes[1].group.count", "values": [8, 16]},
                     {"name": "rate", "path": "workloads[0].synthetic.arrivals.poisson_rate_per_hour",
                      "values": [60, 120]}],
            "policies": ["best-fit", "first-fit"]}


def test_sweep_in_python_equals_the_cli(tmp_path):
    spec = _sweep_spec_dict()
    df = capsim.sweep(spec)
    assert len(df) == 8 and list(df.columns[:6]) == ["point", "hash", "t4", "rate", "policy", "seed"]
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    subprocess.run([CAPSIM, "sweep", str(path), "--out", str(tmp_path / "out")], check=True, capture_output=True)
    cli = pd.read_csv(tmp_path / "out" / "sweep.csv", float_precision="round_trip")
    pd.testing.assert_frame_equal(df.drop(columns=["wall_s"]), cli.drop(columns=["wall_s"]))


def test_sweep_on_a_local_dask_cluster_equals_the_local_run(tmp_path):
    """Two worker processes (Debian's python3-distributed); the table equals the TBB run row for row."""
    import distributed  # scripts/install-deps.sh installs python3-distributed
    spec = _sweep_spec_dict()
    local = capsim.sweep(spec)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        remote = capsim.sweep(spec, client=client)
        # A goal bisects on the client too: the same rows (the points the bisection chose) and answers.
        goal_spec = dict(spec, axes=[{"name": "t4", "path": "fleet.nodes[1].group.count", "values": [1, 2, 4, 8, 16]},
                                     spec["axes"][1]],
                         goal={"axis": "t4", "condition": "wait_p95_s <= 600"})
        goal_remote = capsim.sweep(goal_spec, client=client)
        # out= keeps the points (resume), shard= takes a stable slice, as in local runs.
        half = capsim.sweep(spec, client=client, out=tmp_path / "d0", shard=(0, 2))
        again = capsim.sweep(spec, client=client, out=tmp_path / "d0", shard=(0, 2))
    pd.testing.assert_frame_equal(local.drop(columns=["wall_s"]), remote.drop(columns=["wall_s"]))
    goal_local = capsim.sweep(goal_spec)
    assert len(goal_local) < 5 * 2 * 2  # bisection, not the grid
    pd.testing.assert_frame_equal(goal_local.drop(columns=["wall_s"]), goal_remote.drop(columns=["wall_s"]))
    assert goal_local.attrs["goal"] == goal_remote.attrs["goal"]
    assert list(half.point) == [0, 2, 4, 6]
    pd.testing.assert_frame_equal(half, again)  # the rerun read every point back: same wall_s too
    assert (tmp_path / "d0" / "sweep.csv").exists() and len(list((tmp_path / "d0" / "points").iterdir())) == 4
    pd.testing.assert_frame_equal(half.drop(columns=["wall_s"]).reset_index(drop=True),
                                  local[local.point % 2 == 0].drop(columns=["wall_s"]).reset_index(drop=True))


def test_jobs_carry_team_and_source_and_waits_are_reported_per_group(tmp_path):
    sc = capsim.load_scenario(ROOT / "scenarios" / "cost_reserved_plus_burst.json")
    r = capsim.run(sc)
    assert isinstance(r.jobs.team.dtype, pd.CategoricalDtype)
    assert set(r.jobs.team.cat.categories) == {"research", "inference", "data-eng"}
    assert r.jobs.source.nunique() == 3
    r.to_hdf5(tmp_path / "r.h5")
    back = capsim.read_results(tmp_path / "r.h5")
    pd.testing.assert_series_equal(r.jobs.team, back.jobs.team)
    pd.testing.assert_series_equal(r.jobs.source, back.jobs.source)
    # The per-team p95 equals one computed from /jobs.
    started = r.jobs[r.jobs.start_us >= 0]
    for team, group in started.groupby("team", observed=True):
        waits = np.sort(group.wait_us.to_numpy() / 1e6)
        p95 = waits[int(np.ceil(0.95 * len(waits))) - 1]
        assert r.summary[f"team.{team}.wait_p95_s"] == pytest.approx(p95)


def test_plots_draw_identical_runs_once_with_labels_outside():
    """Two fleet sizes labelled by the caller, and two policies that place alike drawn as one line."""
    import matplotlib
    matplotlib.use("Agg")
    import capsim.plot
    sc = capsim.load_scenario(SCENARIO)
    a = capsim.run(sc, policy="best-fit", label="openb, best-fit")
    b = capsim.run(sc, policy="best-fit", label="openb again")  # identical series
    c = capsim.run(sc, policy="random")
    ax = capsim.plot.utilization([a, b, c])
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["openb, best-fit = openb again", "random (seed 1)"]
    legend = ax.get_legend()
    assert legend.get_bbox_to_anchor().x0 > ax.get_window_extent().x1 - 1  # outside the axes
    assert len({line.get_color() for line in ax.get_lines()}) == 2


def test_colocation_series_add_up_and_the_tide_plots(tmp_path):
    """Per-class used CPU at every sample sums to the fleet's used CPU (every core-second is some class's
    exactly once); what Batch pods take is what the Batch class uses plus what suppression withheld."""
    r = capsim.run(capsim.load_scenario(ROOT / "scenarios" / "colocation_cpu_colocated.json"))
    ts = r.timeseries
    classes = [c for c in ts.columns if c.startswith("cpu_used_frac.")]
    assert {"cpu_used_frac.prod", "cpu_used_frac.batch"} <= set(classes)
    assert np.allclose(ts[classes].sum(axis=1), ts["cpu_used_frac"], atol=1e-12)
    assert (ts["cpu_used_frac.batch"] <= ts["batch_cpu_taken_frac"] + 1e-12).all()
    import matplotlib
    matplotlib.use("Agg")
    ax = capsim.plot.tide(r)
    ax.figure.savefig(tmp_path / "tide.png")
    assert (tmp_path / "tide.png").stat().st_size > 0
    with pytest.raises(ValueError, match="no per-class usage"):
        capsim.plot.tide(capsim.run(capsim.load_scenario(ROOT / "tests" / "scenarios" / "service_mmc.json")))


def test_deadline_spot_matches_the_cli(tmp_path):
    series = ROOT / "traces" / "skypilot-spot-v2023" / "aws-us-west-2b-p3.2xlarge-1node-capacity.csv"
    df = capsim.deadline_spot(series, work_h=24, deadline_h=30, overhead_h=0.1, starts=50)
    assert len(df) == 250 and set(df.policy) == {"on-demand", "spot-only", "spot-fallback", "greedy",
                                                 "uniform-progress"}
    assert df.met.dtype == bool and df.cost_usd.dtype == np.float64
    subprocess.run([CAPSIM, "deadline-spot", str(series), "--work-h", "24", "--deadline-h", "30", "--overhead-h",
                    "0.1", "--starts", "50", "--out", str(tmp_path)], check=True, capture_output=True)
    cli = pd.read_csv(tmp_path / "deadline_spot.csv")
    assert np.allclose(cli.cost_usd, df.cost_usd, atol=1e-6)
    assert (cli.met.astype(bool) == df.met).all()
    summary = df.attrs["summary"]
    assert summary.loc["greedy", "miss_share"] == 0
    assert summary.loc["on-demand", "mean_cost_usd"] == pytest.approx(24.1 * 3.06)
    with pytest.raises(ValueError, match="deadline"):
        capsim.deadline_spot(series, work_h=24, deadline_h=20)
