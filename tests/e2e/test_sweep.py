"""capsim sweep: rows equal the same runs done one by one, shards merged equal the whole sweep, a rerun
resumes, the goal's answer equals the smallest passing grid value, results do not depend on the thread
count, and bad specs exit 2 naming the field with nothing written."""
import json
import shutil

import h5py
import numpy as np
import pandas as pd
import pytest

from conftest import ROOT

BASE = ROOT / "scenarios" / "synthetic_poisson.json"


def small_base(tmp_path):
    s = json.loads(BASE.read_text())
    s["workloads"][0]["synthetic"]["count"] = 1500
    s.pop("cost", None)
    p = tmp_path / "base.json"
    p.write_text(json.dumps(s))
    return p, s


def spec(tmp_path, **kw):
    base, _ = small_base(tmp_path)
    s = {"scenario": str(base),
         "axes": [{"name": "t4", "path": "fleet.nodes[1].group.count", "values": [4, 8, 16]},
                  {"name": "rate", "path": "workloads[0].synthetic.arrivals.poisson_rate_per_hour", "values": [60, 240]}],
         "policies": ["best-fit", "fgd"]}
    s.update(kw)
    p = tmp_path / "spec.json"
    p.write_text(json.dumps(s))
    return p


def table(path):
    return pd.read_csv(path, float_precision="round_trip").drop(columns=["wall_s"])


def test_rows_equal_runs_done_one_by_one(capsim, tmp_path):
    p = capsim("sweep", spec(tmp_path), "--out", tmp_path / "out")
    assert p.returncode == 0, p.stderr
    t = pd.read_csv(tmp_path / "out" / "sweep.csv", float_precision="round_trip")
    assert len(t) == 12 and list(t.columns[:7]) == ["point", "hash", "t4", "rate", "policy", "seed", "wall_s"]
    _, base = small_base(tmp_path)
    for i in [0, 7, 11]:
        row = t.iloc[i]
        s = json.loads(json.dumps(base))
        s["fleet"]["nodes"][1]["group"]["count"] = int(row["t4"])
        s["workloads"][0]["synthetic"]["arrivals"]["poisson_rate_per_hour"] = float(row["rate"])
        path = tmp_path / f"alone{i}.json"
        path.write_text(json.dumps(s))
        out = tmp_path / f"alone{i}"
        q = capsim("run", path, "--policy", row["policy"], "--out", out)
        assert q.returncode == 0, q.stderr
        alone = json.loads((out / "summary.json").read_text())
        for key, value in alone.items():
            if key in ("policy", "seed", "policy_params", "capsim_version"):
                continue
            cell = row[key]
            if value is None:
                assert pd.isna(cell), key
            elif isinstance(value, str):
                assert cell == value, key
            else:
                assert float(cell) == float(value), (key, cell, value)
    with h5py.File(tmp_path / "out" / "sweep.h5", "r") as f:
        g = f["sweep"]
        assert g.attrs["columns"].split(",")[:4] == ["point", "hash", "t4", "rate"]
        assert np.array_equal(g["t4"][:], t["t4"].to_numpy(dtype=float))
        assert list(g["policy"].asstr()[:]) == list(t["policy"])


def test_shards_merge_to_the_whole_and_threads_do_not_matter(capsim, tmp_path):
    sp = spec(tmp_path)
    assert capsim("sweep", sp, "--out", tmp_path / "whole", "--threads", "1").returncode == 0
    assert capsim("sweep", sp, "--out", tmp_path / "two", "--threads", "2").returncode == 0
    for i in range(3):
        p = capsim("sweep", sp, "--out", tmp_path / f"s{i}", "--shard", f"{i}/3")
        assert p.returncode == 0 and "ran 4 of 12 points (shard" in p.stdout, p.stdout + p.stderr
    p = capsim("sweep", "--merge", tmp_path / "s0", tmp_path / "s1", tmp_path / "s2", "--out", tmp_path / "merged")
    assert p.returncode == 0, p.stderr
    whole = table(tmp_path / "whole" / "sweep.csv")
    pd.testing.assert_frame_equal(whole, table(tmp_path / "merged" / "sweep.csv"))
    pd.testing.assert_frame_equal(whole, table(tmp_path / "two" / "sweep.csv"))
    # A shard of another sweep does not merge.
    (tmp_path / "other").mkdir()
    other = spec(tmp_path / "other", seeds=[3])
    assert capsim("sweep", other, "--out", tmp_path / "o", "--shard", "0/3").returncode == 0
    p = capsim("sweep", "--merge", tmp_path / "s0", tmp_path / "o", "--out", tmp_path / "bad")
    assert p.returncode == 2 and "another sweep" in p.stderr


def test_a_rerun_resumes_and_a_changed_point_reruns(capsim, tmp_path):
    sp = spec(tmp_path)
    out = tmp_path / "out"
    assert capsim("sweep", sp, "--out", out).returncode == 0
    before = {f.name: f.stat().st_mtime_ns for f in (out / "points").iterdir()}
    (out / "points" / "0000003.json").unlink()
    assert capsim("sweep", sp, "--out", out).returncode == 0
    after = {f.name: f.stat().st_mtime_ns for f in (out / "points").iterdir()}
    assert set(after) == set(before)
    changed = [n for n in after if after[n] != before.get(n)]
    assert changed == ["0000003.json"]


def test_goal_equals_the_smallest_passing_grid_value(capsim, tmp_path):
    axes = [{"name": "t4", "path": "fleet.nodes[1].group.count", "values": [2, 3, 4, 6, 8, 12, 16, 24]},
            {"name": "rate", "path": "workloads[0].synthetic.arrivals.poisson_rate_per_hour", "values": [60, 120]}]
    grid = spec(tmp_path, axes=axes, policies=["best-fit"])
    assert capsim("sweep", grid, "--out", tmp_path / "grid").returncode == 0
    t = pd.read_csv(tmp_path / "grid" / "sweep.csv")
    goal_spec = tmp_path / "goal.json"
    g = json.loads(grid.read_text())
    g["goal"] = {"axis": "t4", "condition": "jobs_never_placed <= 0"}
    goal_spec.write_text(json.dumps(g))
    p = capsim("sweep", goal_spec, "--out", tmp_path / "goal")
    assert p.returncode == 0, p.stderr
    answers = pd.read_csv(tmp_path / "goal" / "goal.csv")
    evaluated = pd.read_csv(tmp_path / "goal" / "sweep.csv")
    assert len(evaluated) < len(t)  # bisection, not the whole grid
    for rate, group in t.groupby("rate"):
        passing = group[group.jobs_never_placed <= 0].t4
        expected = str(int(passing.min())) if len(passing) else "none"
        got = answers[answers.rate == rate].iloc[0, -1]
        assert str(got) == expected, (rate, got, expected)


def test_constraints_keep_only_the_points_that_meet_them(capsim, tmp_path):
    full = spec(tmp_path, policies=["best-fit"])
    assert capsim("sweep", full, "--out", tmp_path / "full").returncode == 0
    t = pd.read_csv(tmp_path / "full" / "sweep.csv", float_precision="round_trip")
    kept = spec(tmp_path, policies=["best-fit"], constraints=["t4 + 0.05 * rate <= 20", "t4 != 8"])
    p = capsim("sweep", kept, "--out", tmp_path / "kept")
    assert p.returncode == 0, p.stderr
    k = pd.read_csv(tmp_path / "kept" / "sweep.csv", float_precision="round_trip")
    expected = t[(t.t4 + 0.05 * t.rate <= 20) & (t.t4 != 8)]
    # by hand: (4,60) 7, (4,240) 16, (16,60) 19 pass; (8,*) is excluded; (16,240) gives 28 > 20
    assert sorted(zip(k.t4, k.rate)) == [(4, 60), (4, 240), (16, 60)]
    assert sorted(zip(expected.t4, expected.rate)) == sorted(zip(k.t4, k.rate))
    assert list(k.point) == [0, 1, 2]  # points numbered densely
    merged = k.merge(expected, on=["t4", "rate", "policy", "seed"], suffixes=("", "_full"))
    assert (merged.jobs_completed == merged.jobs_completed_full).all()


def test_a_sweep_of_a_scenario_with_service_load_curves_finds_them(capsim, tmp_path):
    # The base scenario's relative paths (here a service's load CSV) resolve from its own directory.
    sp = tmp_path / "spec.json"
    sp.write_text(json.dumps({"scenario": str(ROOT / "scenarios" / "colocation_cpu_colocated.json"),
                              "axes": [{"name": "h", "path": "horizon_s", "values": [3600, 7200]}]}))
    p = capsim("sweep", sp, "--out", tmp_path / "out")
    assert p.returncode == 0, p.stderr
    assert len(pd.read_csv(tmp_path / "out" / "sweep.csv")) == 2


@pytest.mark.parametrize("change, message", [
    ({"axes": [{"path": "fleet.nodes[5].group.count", "values": [1]}]}, "has 2 element(s), no [5]"),
    ({"axes": [{"path": "fleet.nodes[1].group.count", "values": ["many"]}]}, "count"),
    ({"axes": [{"path": "fleet.nodes[1].group.count", "values": []}]}, "axes[0].values: empty"),
    ({"axes": [{"path": "fleet.nodes[1].group.no_such_field", "values": [1]}]}, "no_such_field"),
    ({"axes": [], "policies": []}, "nothing to sweep"),
    ({"goal": {"axis": "nope", "condition": "wait_p95_s <= 1"}}, "goal.axis"),
    ({"goal": {"axis": "t4", "condition": "wait_p95_s about 1"}}, "goal.condition"),
    ({"scenario": "missing.json"}, "field scenario"),
    ({"constraints": ["t4 + nodes <= 4"]}, "constraints[0]: 'nodes' is not an axis"),
    ({"constraints": ["t4 <= "]}, "constraints[0]: expected 'SUM OP SUM'"),
    ({"constraints": ["t4 * rate <= 4"]}, "constraints[0]: expected 'SUM OP SUM'"),
    ({"constraints": ["t4 > 100"]}, "field constraints: no point of the grid meets them"),
])
def test_bad_specs_exit_2_naming_the_field(capsim, tmp_path, change, message):
    sp = spec(tmp_path, **change)
    out = tmp_path / "out"
    p = capsim("sweep", sp, "--out", out)
    assert p.returncode == 2, p.stderr
    assert message in p.stderr, p.stderr
    assert not out.exists()
