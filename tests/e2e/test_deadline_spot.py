"""Deadline-aware spot end to end: `capsim deadline-spot` on the bundled
SkyPilot series (its files, the guarantee, the hand-made case through the
command), bad input, and a spot pool's capacity_offset_s in a scenario."""
import csv
import json

import pytest

from conftest import ROOT, run_capsim

SKYPILOT = ROOT / "traces" / "skypilot-spot-v2023"
EAST = SKYPILOT / "aws-us-east-1a-p3.2xlarge-1node-capacity.csv"


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def test_study_on_the_bundled_series(tmp_path):
    p = run_capsim("deadline-spot", EAST, "--starts", "200", "--out", tmp_path)
    assert p.returncode == 0, p.stderr
    runs, summary = read_csv(tmp_path / "deadline_spot.csv"), read_csv(tmp_path / "summary.csv")
    assert len(runs) == 200 * 5
    by = {r["policy"]: r for r in summary}
    # On-demand costs (48 + 0.2) h x 3.06 $/h; greedy and uniform progress never miss and cost less.
    assert float(by["on-demand"]["mean_cost_usd"]) == pytest.approx(48.2 * 3.06)
    for name in ("greedy", "uniform-progress", "on-demand"):
        assert float(by[name]["miss_share"]) == 0
    assert float(by["uniform-progress"]["mean_cost_usd"]) < float(by["greedy"]["mean_cost_usd"]) < \
        float(by["spot-fallback"]["mean_cost_usd"]) < float(by["on-demand"]["mean_cost_usd"])
    assert float(by["spot-only"]["miss_share"]) > 0.2
    # The summary is the mean of the rows.
    greedy = [float(r["cost_usd"]) for r in runs if r["policy"] == "greedy"]
    assert sum(greedy) / len(greedy) == pytest.approx(float(by["greedy"]["mean_cost_usd"]), rel=1e-6)
    # Same bytes on one thread.
    q = run_capsim("deadline-spot", EAST, "--starts", "200", "--threads", "1", "--out", tmp_path / "one")
    assert q.returncode == 0, q.stderr
    assert (tmp_path / "one" / "deadline_spot.csv").read_bytes() == (tmp_path / "deadline_spot.csv").read_bytes()


def test_hand_made_series_switches_at_the_hand_computed_time(tmp_path):
    # Up 0-10 h, down 10-30 h, up to the 100 h end. 20 h of work, deadline 30 h, overhead 1 h:
    # reclaimed at 10 h with 11 h left; greedy waits until 30 - 11 - 1 = 18 h.
    series = tmp_path / "series.csv"
    series.write_text("t_s,nodes\n0,1\n36000,0\n108000,1\n360000,1\n")
    p = run_capsim("deadline-spot", series, "--work-h", "20", "--deadline-h", "30", "--overhead-h", "1",
                   "--spot-price", "1", "--on-demand-price", "3", "--offsets-h", "0", "--policies", "greedy",
                   "--out", tmp_path / "out")
    assert p.returncode == 0, p.stderr
    (row,) = read_csv(tmp_path / "out" / "deadline_spot.csv")
    assert float(row["first_on_demand_h"]) == 18
    assert float(row["finish_h"]) == 30 and row["met"] == "1"
    assert float(row["cost_usd"]) == pytest.approx(10 * 1 + 12 * 3)


@pytest.mark.parametrize("args, field", [
    (["--deadline-h", "40", "--work-h", "48"], "deadline"),
    (["--overhead-h", "-1"], "--overhead-h"),
    (["--policies", "lazy"], "lazy"),
    (["--offsets-h", "x"], "--offsets-h"),
    (["--deadline-h", "2000", "--work-h", "48"], "longer than the spot series"),
    (["--starts", "0"], "--starts"),
])
def test_bad_input_exits_2(args, field):
    p = run_capsim("deadline-spot", EAST, *args)
    assert p.returncode == 2, p.stdout
    assert field in p.stderr


def test_bad_series_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("t_s,nodes\n0,1\n100,-3\n")
    p = run_capsim("deadline-spot", bad)
    assert p.returncode == 2
    assert "bad.csv:3" in p.stderr and "nodes" in p.stderr


def spot_scenario(capacity, offset=None):
    spot = {"capacity": [{"t_s": t, "nodes": n} for t, n in capacity], "notice_s": 60}
    if offset is not None:
        spot["capacity_offset_s"] = offset
    return {
        "name": "offset", "seed": 1,
        "fleet": {"pools": [{"name": "spot", "kind": "spot", "spot": spot}],
                  "nodes": [{"group": {"name_prefix": "s", "count": 2, "cpu_cores": 8, "memory_gib": 32,
                                       "gpus": 1, "gpu_model": "V100", "pool": "spot"}}]},
        "workloads": [{"synthetic": {"count": 20, "arrivals": {"poisson_rate_per_hour": 4},
                                     "duration_s": {"lognormal": {"median": 1800, "sigma": 0.3}},
                                     "shapes": [{"cpu_cores": 8, "memory_gib": 30, "gpus": 1}],
                                     "resilience": {"spot_tolerant": True, "checkpoint_interval_s": 600,
                                                    "checkpoint_cost_s": 10}}}],
        "placement": {"name": "first-fit"},
        "sample_interval_s": 600,
    }


def test_capacity_offset_starts_the_run_inside_the_series(tmp_path):
    # 9,000 s into [(0, 2), (3600, 0), (7200, 1), (10800, 2)] is the series [(0, 1), (1800, 2)].
    series = [(0, 2), (3600, 0), (7200, 1), (10800, 2)]
    shifted = tmp_path / "shifted.json"
    shifted.write_text(json.dumps(spot_scenario(series, 9000)))
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(spot_scenario([(0, 1), (1800, 2)])))
    summaries = []
    for s in (shifted, plain):
        p = run_capsim("run", s, "--out", tmp_path / s.stem)
        assert p.returncode == 0, p.stderr
        summary = json.loads((tmp_path / s.stem / "summary.json").read_text())
        summaries.append({k: v for k, v in summary.items() if k not in ("wall_s", "peak_rss_mib", "scenario")})
    assert summaries[0] == summaries[1]
    assert summaries[0]["node_notices"] > 0


@pytest.mark.parametrize("offset, message", [(-5, "must be in"), (20000, "past the capacity series")])
def test_bad_capacity_offset_exits_2(tmp_path, offset, message):
    s = tmp_path / "bad.json"
    s.write_text(json.dumps(spot_scenario([(0, 2), (3600, 0)], offset)))
    p = run_capsim("run", s, "--out", tmp_path / "out")
    assert p.returncode == 2
    assert "capacity_offset_s" in p.stderr and message in p.stderr
