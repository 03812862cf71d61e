"""The CLI and Python give the same answers (issue: seeds meant two things,
Python ran best-fit where the CLI ran the scenario's policy, with_jobs and
to_json lost parts of the scenario, plots switched the notebook's backend)."""
import json
import os
import pathlib
import subprocess

import pytest

import capsim

ROOT = pathlib.Path(__file__).resolve().parents[2]
CAPSIM = os.environ.get("CAPSIM_BIN", str(ROOT / "build" / "capsim"))
BUNDLED = sorted(p for p in (ROOT / "scenarios").iterdir() if p.suffix in (".json", ".textproto"))
WALL = {"wall_s"}


def cli_summary(tmp_path, *args):
    out = tmp_path / "cli.h5"
    p = subprocess.run([CAPSIM, "run", *map(str, args), "--out", str(out)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return json.loads(out.with_suffix(".summary.json").read_text())


def same(a, b):
    return {k: v for k, v in a.items() if k not in WALL} == {k: v for k, v in b.items() if k not in WALL}


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_python_run_is_the_cli_run_for_every_bundled_scenario(tmp_path, path):
    # No policy given on either side: both run the scenario's own, with its parameters and seed.
    assert same(capsim.run(capsim.load_scenario(path)).summary, cli_summary(tmp_path, path))


def test_a_seed_roots_the_workload_everywhere(tmp_path):
    path = ROOT / "scenarios" / "cost_reserved_plus_burst.json"
    s = capsim.load_scenario(path)
    cli2 = cli_summary(tmp_path, path, "--seed", "2")
    py2 = capsim.run(s, seed=2).summary
    cmp = {r.summary["seed"]: r.summary for r in capsim.compare(s, policies=["best-fit"], seeds=[1, 2])}
    assert same(py2, cli2) and same(cmp[2], cli2)
    assert cmp[1]["cost_total"] != cmp[2]["cost_total"], "seed 1 and 2 drew the same synthetic workload"
    # The CLI's compare agrees with its run.
    out = tmp_path / "cmp"
    subprocess.run([CAPSIM, "compare", str(path), "--policies", "best-fit", "--seeds", "1,2", "--out", str(out)],
                   check=True, capture_output=True)
    assert same(json.loads((out / "best-fit-seed2" / "summary.json").read_text()), cli2)


def test_workload_seed_pins_the_jobs_while_the_rest_varies(tmp_path):
    s = capsim.load_scenario(ROOT / "scenarios" / "spot_capacity_trace.json")
    a, b = capsim.compare(s, policies=["spot-fallback"], seeds=[1, 2], workload_seed=7)
    assert (a.jobs["submit_us"] == b.jobs["submit_us"]).all()
    assert (a.jobs["duration_us"] == b.jobs["duration_us"]).all()
    c = capsim.run(s, policy="spot-fallback", seed=1)
    assert not (c.jobs["submit_us"].to_numpy()[:50] == a.jobs["submit_us"].to_numpy()[:50]).all()
    cli = cli_summary(tmp_path, ROOT / "scenarios" / "spot_capacity_trace.json", "--seed", "2",
                      "--workload-seed", "7", "--policy", "spot-fallback")
    assert same(b.summary, cli)


def test_with_jobs_keeps_prices_and_the_capacity_policy(tmp_path):
    scen = ROOT / "tests" / "scenarios" / "autoscaler_cooldown_wakes.json"
    jobs = capsim.jobs_from_dataframe(capsim.read_trace(ROOT / "tests" / "scenarios" / "data" / "four_gpu_jobs.csv"))
    r = capsim.run(capsim.load_scenario(scen).with_jobs(jobs))
    assert r.summary["nodes_acquired"] == 4 and r.summary["sim_end_s"] == 8100  # the autoscaler's cooldowns
    # A priced fleet with elastic pools: the same jobs give the same bill through with_jobs.
    priced = capsim.load_scenario(ROOT / "scenarios" / "cost_reserved_plus_burst.json")
    own = capsim.run(priced)
    df = own.jobs.assign(submit_s=own.jobs.submit_us / 1e6, duration_s=own.jobs.duration_us / 1e6)
    r = capsim.run(priced.with_jobs(capsim.jobs_from_dataframe(df)))
    assert r.cost is not None and r.summary["nodes_acquired"] > 0
    assert r.summary["cost_total"] == pytest.approx(own.summary["cost_total"])
    assert r.summary["wait_mean_s"] == pytest.approx(own.summary["wait_mean_s"])


@pytest.mark.parametrize("name", ["cost_reserved_plus_burst.json", "colocation_cpu_colocated.json"])
def test_to_json_loads_from_any_directory(tmp_path, monkeypatch, name):
    # Every relative path becomes absolute: traces, catalogs, and services' load curves.
    s = capsim.load_scenario(ROOT / "scenarios" / name)
    d = json.loads(s.to_json())
    monkeypatch.chdir(tmp_path)
    again = capsim.load_scenario(d)
    assert same(capsim.run(again).summary, capsim.run(s).summary)


def test_comparison_plot_keeps_the_backend(tmp_path):
    import matplotlib
    before = matplotlib.get_backend()
    rs = capsim.compare(capsim.load_scenario(ROOT / "scenarios" / "openb_downsized.json"), policies=["best-fit"])
    capsim.plot.comparison(rs, tmp_path / "c.png")
    assert (tmp_path / "c.png").stat().st_size > 0
    assert matplotlib.get_backend() == before


def test_compare_default_policies_skip_spot_without_spot_pools():
    rs = capsim.compare(capsim.load_scenario(ROOT / "scenarios" / "openb_downsized.json"))
    names = [r.summary["policy"] for r in rs]
    assert "best-fit" in names and not {"spot-fallback", "spot-only", "on-demand-only", "static-split"} & set(names)


def test_python_inflate_reports_what_the_cli_writes(tmp_path):
    # One report (experiments/inflation_report.h) behind both: the same per-policy figures.
    path = ROOT / "scenarios" / "openb_downsized.json"
    out = tmp_path / "inflate"
    p = subprocess.run([CAPSIM, "inflate", str(path), "--policies", "best-fit,fgd", "--repeats", "2",
                        "--out", str(out)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    cli = json.loads((out / "summary.json").read_text())["policies"]
    py = capsim.inflate(capsim.load_scenario(path), policies=["best-fit", "fgd"], repeats=2).attrs["summary"]
    assert list(py.index) == ["best-fit", "fgd"]
    for policy, row in cli.items():
        for key in ("alloc_ratio_at_100_mean", "alloc_ratio_at_100_std", "unallocated_gpus_end_mean",
                    "fragmentation_share_at_100_mean", "pods_failed_mean"):
            assert py.loc[policy, key] == pytest.approx(row[key], rel=1e-12, abs=1e-12), (policy, key)


def test_fgd_sim_protocol_is_the_same_from_python_and_the_cli(tmp_path):
    path = ROOT / "scenarios" / "openb_downsized.json"
    out = tmp_path / "fgd-sim"
    p = subprocess.run([CAPSIM, "inflate", str(path), "--protocol", "fgd-sim", "--policies", "best-fit,fgd",
                        "--repeats", "2", "--out", str(out)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    cli = json.loads((out / "summary.json").read_text())["policies"]
    py = capsim.inflate(capsim.load_scenario(path), policies=["best-fit", "fgd"], repeats=2,
                        protocol="fgd-sim").attrs["summary"]
    for policy, row in cli.items():
        assert py.loc[policy, "alloc_ratio_at_100_mean"] == pytest.approx(row["alloc_ratio_at_100_mean"], rel=1e-12)
    bad = subprocess.run([CAPSIM, "inflate", str(path), "--protocol", "fgd-sim", "--policies", "worst-fit",
                          "--out", str(tmp_path / "bad")], capture_output=True, text=True)
    assert bad.returncode == 2 and "worst-fit" in bad.stderr and "gpu-packing" in bad.stderr
