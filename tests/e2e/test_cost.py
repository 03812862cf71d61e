"""The cost model end to end: the bundled priced openb scenario, read back
with h5py, against a bill and per-job charges recomputed here with pandas
from the catalog's formulas; `capsim cost` tables; errors with exit status 2."""
import csv
import io
import json
import shutil

import h5py
import numpy as np
import pandas as pd
import pytest

from conftest import ROOT, TRACES, run_capsim

SCENARIO = ROOT / "scenarios" / "openb_cost.json"
CATALOG = ROOT / "scenarios" / "prices" / "example_catalog.json"
W_CPU, W_MEM, W_GPU = 0.031611, 0.004237, 0.95  # OpenCost's default weights


@pytest.fixture(scope="module")
def priced(tmp_path_factory):
    out = tmp_path_factory.mktemp("cost") / "run"
    p = run_capsim("run", SCENARIO, "--out", out)
    assert p.returncode == 0, p.stderr
    return out


def slot_rates():
    """Held and busy cost per hour of one owned GPU slot (or one CPU core), by GPU model."""
    cat = json.loads(CATALOG.read_text())
    out = {}
    for e in cat["nodes"]:
        if e["provider"] != "onprem":
            continue
        o = e["owned"]
        held = ((o["purchase"] - o["residual"]) / (o["depreciation_months"] * 730)
                + (o["ops_per_month"] + o["colo_per_month"]) / 730
                + o["power_idle_kw"] * o["pue"] * o["electricity_per_kwh"])
        busy = (o["power_busy_kw"] - o["power_idle_kw"]) * o["pue"] * o["electricity_per_kwh"]
        out[e.get("gpu_model", "none")] = (held, busy)
    return out


def test_bill_and_job_charges_match_an_independent_computation(priced):
    summary = json.loads((priced / "summary.json").read_text())
    nodes = pd.read_csv(TRACES / "openb_node_list_gpu_node.csv")
    rates = slot_rates()
    nodes["held"] = [rates[m][0] * g for m, g in zip(nodes.model, nodes.gpu)]  # scale "gpu"
    nodes["busy_per_gpu"] = [rates[m][1] for m in nodes.model]
    hours = (summary["sim_end_s"] - summary["sim_start_s"]) / 3600
    with h5py.File(priced / "results.h5") as f:
        jobs = pd.DataFrame({k: f["jobs"][k][:] for k in ["node", "start_us", "end_us", "cost"]})
        pods = pd.read_csv(TRACES / "openb_pod_list_default.csv")
        names = f["jobs/name"].asstr()[:]
        cost = f["cost"]
        bill, idle, charge = cost["bill"][:], cost["idle"][:], cost["charge"][:]
        teams = list(cost["teams"].asstr()[:])
        assert cost.attrs["currency"] == "USD"
        assert bill.shape == idle.shape and charge.shape == bill.shape + (len(teams),)
        assert len(cost["window_start_us"]) == bill.shape[0]
    pods = pods.set_index("name").loc[names].reset_index()
    gpu_milli = np.where(pods.num_gpu == 1, pods.gpu_milli, pods.num_gpu * 1000)
    n = nodes.loc[jobs.node].reset_index(drop=True)
    weight = n.cpu_milli / 1000 * W_CPU + n.memory_mib / 1024 * W_MEM + n.gpu * W_GPU
    share = (pods.cpu_milli / 1000 * W_CPU + pods.memory_mib / 1024 * W_MEM + gpu_milli / 1000 * W_GPU) / weight
    rate = n.held * share + n.busy_per_gpu * gpu_milli / 1000
    expected = rate * (jobs.end_us - jobs.start_us) / 3.6e9
    np.testing.assert_allclose(jobs.cost, expected, rtol=1e-9, atol=1e-9)
    busy_total = float((n.busy_per_gpu * gpu_milli / 1000 * (jobs.end_us - jobs.start_us) / 3.6e9).sum())
    expected_bill = nodes.held.sum() * hours + busy_total
    assert summary["cost_total"] == pytest.approx(expected_bill, rel=1e-9)
    assert bill.sum() == pytest.approx(expected_bill, rel=1e-9)
    # Conservation, window by window, and per-job costs against the ledger's charges.
    np.testing.assert_allclose(bill, idle + charge.sum(axis=2), rtol=1e-9, atol=1e-9)
    assert jobs.cost.sum() == pytest.approx(charge.sum(), rel=1e-9)
    # Teams are the pods' QoS classes.
    by_team = pd.Series(expected.values).groupby(pods.qos.values).sum()
    for team, value in by_team.items():
        assert summary[f"cost_team_{team}"] == pytest.approx(value, rel=1e-9)
    assert sorted(teams) == sorted(pods.qos.unique())


def test_cost_command_tables(priced):
    p = run_capsim("cost", priced / "results.h5", "--by", "team", "--csv")
    assert p.returncode == 0, p.stderr
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    summary = json.loads((priced / "summary.json").read_text())
    teams = {r["team"]: float(r["charge_USD"]) for r in rows}
    assert teams["(bill)"] == pytest.approx(summary["cost_total"], abs=0.01)
    assert teams["(idle)"] == pytest.approx(summary["cost_idle"], abs=0.01)
    assert sum(v for k, v in teams.items() if not k.startswith("(")) == pytest.approx(summary["cost_jobs"], abs=0.05)
    p = run_capsim("cost", priced, "--by", "gpu-model", "--csv")
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    assert {r["gpu_model"] for r in rows} >= {"G2", "T4", "P100", "V100M16", "V100M32", "G3", "A10", "(total)"}
    p = run_capsim("cost", priced, "--by", "team", "--spread-idle", "--csv")
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    spread_total = sum(float(r["total_USD"]) for r in rows if not r["team"].startswith("("))
    unspread = float(next(r for r in rows if r["team"] == "(idle)")["total_USD"])
    assert spread_total + unspread == pytest.approx(summary["cost_total"], abs=0.05)
    p = run_capsim("cost", priced, "--by", "window", "--csv")
    assert p.returncode == 0 and len(p.stdout.splitlines()) > 100
    for bad in (["--by", "colour"], ["--view", "gross"], ["--by", "window", "--view", "internal"]):
        p = run_capsim("cost", priced, *bad)
        assert p.returncode == 2, (bad, p.stderr)


def test_compare_prints_cost_columns(tmp_path):
    p = run_capsim("compare", SCENARIO, "--policies", "best-fit,fgd", "--out", tmp_path, "--csv")
    assert p.returncode == 0, p.stderr
    rows = list(csv.DictReader(io.StringIO(p.stdout.split("wrote")[0])))
    assert [r["policy"] for r in rows] == ["best-fit", "fgd"]
    for r in rows:
        assert float(r["cost"]) > float(r["idle_cost"]) > 0


def test_unpriced_results_and_bad_catalogs_exit_2(tmp_path):
    p = run_capsim("run", ROOT / "scenarios" / "openb_downsized.json", "--out", tmp_path / "plain")
    assert p.returncode == 0, p.stderr
    p = run_capsim("cost", tmp_path / "plain" / "results.h5")
    assert p.returncode == 2 and "was not priced" in p.stderr
    p = run_capsim("cost", tmp_path / "missing.h5")
    assert p.returncode == 2
    # A negative price in the catalog names the entry.
    cat = json.loads(CATALOG.read_text())
    entry = next(e for e in cat["nodes"] if e["node_type"] == "slot-T4")
    entry["owned"]["purchase"] = -1
    (tmp_path / "prices").mkdir()
    (tmp_path / "prices" / "example_catalog.json").write_text(json.dumps(cat))
    scenario = json.loads(SCENARIO.read_text())
    scenario["fleet"]["nodes"][0]["trace"]["path"] = str(TRACES / "openb_node_list_gpu_node.csv")
    scenario["workloads"][0]["trace"]["path"] = str(TRACES / "openb_pod_list_default.csv")
    (tmp_path / "s.json").write_text(json.dumps(scenario))
    p = run_capsim("run", tmp_path / "s.json", "--out", tmp_path / "r")
    assert p.returncode == 2
    assert "onprem/dc-1/slot-T4" in p.stderr and "owned.purchase" in p.stderr
    # A GPU model the pool has no price rule for.
    scenario["fleet"]["pools"][0]["prices"] = [r for r in scenario["fleet"]["pools"][0]["prices"] if r["gpu_model"] != "G2"]
    shutil.copy(CATALOG, tmp_path / "prices" / "example_catalog.json")
    (tmp_path / "s.json").write_text(json.dumps(scenario))
    p = run_capsim("run", tmp_path / "s.json", "--out", tmp_path / "r")
    assert p.returncode == 2 and "matches GPU model G2" in p.stderr


def test_elastic_scenario_runs_and_bills_boot_time(tmp_path):
    p = run_capsim("run", ROOT / "scenarios" / "cost_reserved_plus_burst.json", "--out", tmp_path)
    assert p.returncode == 0, p.stderr
    s = json.loads((tmp_path / "summary.json").read_text())
    assert s["nodes_acquired"] > 0 and s["nodes_released"] > 0
    assert s["cost_boot"] > 0
    assert s["cost_conservation_error"] < 1e-6
    assert s["cost_internal_gap"] > 0  # list prices above the discounted on-demand ones
    assert {"research", "inference", "data-eng"} <= {k[len("cost_team_"):] for k in s if k.startswith("cost_team_")}


SHOWBACK = ROOT / "tests" / "scenarios" / "showback_two_level.json"


def showback_table(results, *args):
    p = run_capsim("cost", results, "--by", "department", "--csv", *args)
    assert p.returncode == 0, p.stderr
    return {r["unit"]: r for r in csv.DictReader(io.StringIO(p.stdout))}


def test_showback_rules_sum_to_the_bill(tmp_path):
    """The hand case of docs/cost.md#showback: direct charges 1.00 / 0.25 / 0.50, a platform pod's 0.50
    and 1.75 idle shared by each rule; every table adds up to the bill's 4.00 to the cent."""
    out = tmp_path / "run"
    p = run_capsim("run", SHOWBACK, "--out", out)
    assert p.returncode == 0, p.stderr
    expected = {
        # rule: {unit: (direct, platform, idle, total)}
        "proportional": {"consumer/search": ("1.00", "0.29", "1.00", "2.29"), "consumer/ads": ("0.25", "0.07", "0.25", "0.57"),
                         "consumer/maps": ("0.50", "0.14", "0.50", "1.14")},
        # Thirds: 0.5 / 3 and 1.75 / 3 a unit; the odd cents go to the first rows (largest remainder, ties in order).
        "even": {"consumer/search": ("1.00", "0.17", "0.59", "1.76"), "consumer/ads": ("0.25", "0.17", "0.58", "1.00"),
                 "consumer/maps": ("0.50", "0.16", "0.58", "1.24")},
    }
    fixed = tmp_path / "shares.csv"
    fixed.write_text("unit,share\nsearch,0.4\nads,0.2\nmaps,0.2\n")
    expected["fixed:" + str(fixed)] = {
        "consumer/search": ("1.00", "0.20", "0.70", "1.90"), "consumer/ads": ("0.25", "0.10", "0.35", "0.70"),
        "consumer/maps": ("0.50", "0.10", "0.35", "0.95"), "(platform)": ("0.00", "0.10", "0.35", "0.45")}
    for rule, rows in expected.items():
        t = showback_table(out, "--shared", rule)
        for unit, (direct, platform, idle, total) in rows.items():
            r = t[unit]
            assert (r["direct_USD"], r["shared_platform_USD"], r["shared_idle_USD"], r["total_USD"]) == (direct, platform, idle, total), (rule, unit, r)
        cents = sum(round(float(t[u]["total_USD"]) * 100) for u in t if not u.startswith("(") or u == "(platform)")
        assert cents == 400, rule
        assert t["(bill)"]["total_USD"] == "4.00"
        assert t["(platform held before)"]["share_of_bill"] == "56.2%"
    assert showback_table(out, "--shared", "fixed:" + str(fixed))["(platform held after)"]["share_of_bill"] == "11.2%"
    # The internal view: the same rules on list prices (5.00), the gap (1.00) is the 20% discount.
    t = showback_table(out, "--view", "internal")
    assert t["(bill)"]["total_USD"] == "5.00"
    s = json.loads((out / "summary.json").read_text())
    assert s["cost_internal_gap"] == pytest.approx(1.0) and s["cost_internal_gap_share"] == pytest.approx(0.2)
    assert s["cost_platform_held_share"] == pytest.approx(0.5625)
    with h5py.File(out / "results.h5", "r") as f:
        u = f["cost"]["units"]
        assert list(u["name"].asstr()[:]) == ["consumer", "search", "ads", "maps"]
        assert list(u["parent"][:]) == [-1, 0, 0, 0]
    # Month by month (730 h): one month here.
    p = run_capsim("cost", out, "--by", "month", "--csv")
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    assert [(r["month"], r["bill_USD"], r["idle_USD"], r["cumulative_USD"]) for r in rows] == [("0", "4.00", "1.75", "4.00")]
    # Month by month per unit: one month, the proportional totals.
    p = run_capsim("cost", out, "--by", "department", "--monthly", "--csv")
    rows = {r["unit"]: r["month_0_USD"] for r in csv.DictReader(io.StringIO(p.stdout))}
    assert rows == {"consumer/search": "2.29", "consumer/ads": "0.57", "consumer/maps": "1.14", "(bill)": "4.00"}
    # Bad rules and shares exit 2 naming the file and line or the option.
    bad = tmp_path / "bad.csv"
    for text, message in [("search,0.8\nads,0.5\n", "add up to"), ("search,x\n", "bad.csv:1: field share"),
                          ("nowhere,0.1\n", "no business unit with teams named 'nowhere'"),
                          ("search,0.1\nsearch,0.2\n", "bad.csv:2: field unit")]:
        bad.write_text(text)
        p = run_capsim("cost", out, "--by", "department", "--shared", "fixed:" + str(bad))
        assert p.returncode == 2 and message in p.stderr, (text, p.stderr)
    p = run_capsim("cost", out, "--by", "department", "--shared", "weighted")
    assert p.returncode == 2 and "--shared: expected proportional, even or fixed:FILE" in p.stderr


def test_showback_shares_the_vms_overhead(tmp_path):
    """The same pods in one VM of the same shape (8 cores, 32 GiB) that keeps 1 core and 4 GiB: an eighth of
    its 4.00 net is its own overhead, 0.50, part of the 1.75 idle, shown apart and shared like idle:
    proportional weights 1.00 / 0.25 / 0.50 give 0.29 / 0.07 / 0.14 of it (largest remainder), and the
    other 1.25 idle 0.71 / 0.18 / 0.36."""
    s = json.loads(SHOWBACK.read_text())
    for w in s["workloads"]:
        w["trace"]["path"] = str(SHOWBACK.parent / w["trace"]["path"])
    s["cost"]["catalog"] = str(SHOWBACK.parent / s["cost"]["catalog"])
    s["fleet"]["hosts"] = [{"name_prefix": "h", "count": 1, "cpu_cores": 16, "memory_gib": 64}]
    s["fleet"]["nodes"][0]["group"]["vm"] = {"hosts": "h", "overhead_cpu_cores": 1, "overhead_memory_gib": 4}
    path = tmp_path / "s.json"
    path.write_text(json.dumps(s))
    p = run_capsim("run", path, "--out", tmp_path / "out")
    assert p.returncode == 0, p.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["cost_total"] == pytest.approx(4.0) and summary["cost_idle"] == pytest.approx(1.75)
    assert summary["cost_vm_overhead"] == pytest.approx(0.5)
    assert summary["cost_team_search-api"] == pytest.approx(1.0)
    t = showback_table(tmp_path / "out")
    got = {u: (r["direct_USD"], r["shared_platform_USD"], r["shared_vm_overhead_USD"], r["shared_idle_USD"], r["total_USD"])
           for u, r in t.items() if not u.startswith("(p")}
    assert got == {"consumer/search": ("1.00", "0.29", "0.29", "0.71", "2.29"),
                   "consumer/ads": ("0.25", "0.07", "0.07", "0.18", "0.57"),
                   "consumer/maps": ("0.50", "0.14", "0.14", "0.36", "1.14"),
                   "(bill)": ("1.75", "0.50", "0.50", "1.25", "4.00")}
    with h5py.File(tmp_path / "out" / "results.h5", "r") as f:
        assert f["cost"]["vm_overhead"][:].sum() == pytest.approx(0.5)


@pytest.mark.parametrize("change, message", [
    (lambda c: c["units"][0].update(parent="maps"), "cost.units[0].parent: the hierarchy has a cycle"),
    (lambda c: c["units"][1].update(parent="nowhere"), "cost.units[1].parent: no unit named 'nowhere'"),
    (lambda c: c["units"][2]["teams"].append("search-api"), "cost.units[2].teams[1]: team 'search-api' is already in unit 'search'"),
    (lambda c: c["units"].append({"name": "ads"}), "cost.units[4].name: 'ads' is defined twice"),
    (lambda c: c["shared_teams"].append("maps-tiles"), "cost.shared_teams: team 'maps-tiles' is shared and also in unit 'maps'"),
])
def test_bad_business_units_exit_2(tmp_path, change, message):
    s = json.loads(SHOWBACK.read_text())
    for w in s["workloads"]:
        w["trace"]["path"] = str(SHOWBACK.parent / w["trace"]["path"])
    s["cost"]["catalog"] = str(SHOWBACK.parent / s["cost"]["catalog"])
    change(s["cost"])
    path = tmp_path / "s.json"
    path.write_text(json.dumps(s))
    p = run_capsim("run", path, "--out", tmp_path / "out")
    assert p.returncode == 2 and message in p.stderr, p.stderr
    assert not (tmp_path / "out").exists()


def test_department_view_needs_units(priced):
    p = run_capsim("cost", priced, "--by", "department")
    assert p.returncode == 2 and "no business units" in p.stderr


def test_tco_view_lists_every_option_by_month(priced):
    p = run_capsim("cost", priced, "--by", "tco", "--csv")
    assert p.returncode == 0, p.stderr
    rows = list(csv.reader(io.StringIO(p.stdout)))
    assert rows[0] == ["month", "as_run_USD", "on_demand_USD", "owned_USD", "reserved_1y-no-upfront_USD",
                       "reserved_3y-all-upfront_USD"]
    summary = json.loads((priced / "summary.json").read_text())
    assert float(rows[37][2]) == pytest.approx(summary["tco_on_demand"], abs=0.01)
    assert rows[-1][1] == str(summary["tco_breakeven_month"])
    on_demand = [float(r[2]) for r in rows[1:-1]]
    owned = [float(r[3]) for r in rows[1:-1]]
    assert next(m for m in range(len(owned)) if owned[m] <= on_demand[m]) == summary["tco_breakeven_month"] == 7


def test_gpu_pool_ranking(tmp_path):
    # scenarios/spill_over_serving.json: 40 monthly A10G GPUs held all week, every one allocated to a
    # replica (40 x 168 = 6,720 GPU-hours), at 0.6539 USD/h; the on-demand pool's GPUs come and go.
    out = tmp_path / "run"
    p = run_capsim("run", ROOT / "scenarios" / "spill_over_serving.json", "--out", out)
    assert p.returncode == 0, p.stderr
    q = run_capsim("cost", out / "results.h5", "--by", "gpu-pool", "--csv")
    assert q.returncode == 0, q.stderr
    rows = list(csv.DictReader(io.StringIO(q.stdout[q.stdout.index("rank,"):])))
    assert [(r["rank"], r["region"], r["billing"]) for r in rows] == [("1", "us-east-1", "reserved"),
                                                                      ("2", "us-west-2", "on-demand")]
    monthly, od = rows
    assert float(monthly["gpu_hours_held"]) == pytest.approx(6720)
    assert float(monthly["gpu_hours_allocated"]) == pytest.approx(6720)
    assert float(monthly["per_useful_gpu_hour_USD"]) == pytest.approx(0.6539, abs=0.005)
    assert float(od["gpu_hours_allocated"]) < float(od["gpu_hours_held"])
    summary = json.loads((out / "summary.json").read_text())
    assert float(monthly["bill_USD"]) + float(od["bill_USD"]) == pytest.approx(summary["cost_total"], abs=0.01)
    with h5py.File(out / "results.h5") as f:
        held = f["cost/centers/gpu_hours_held"][:]
        assert held.sum() == pytest.approx(float(monthly["gpu_hours_held"]) + float(od["gpu_hours_held"]), abs=0.1)


def test_daily_margin_needs_windows_that_divide_a_day(tmp_path):
    s = json.loads((ROOT / "scenarios" / "spill_over_serving.json").read_text())
    s["cost"]["window_s"] = 7000
    s["cost"]["catalog"] = str(ROOT / "scenarios" / "prices" / "example_catalog.json")
    s["workloads"][0]["service"]["load"]["csv"]["path"] = str(
        ROOT / "traces" / "alibaba-genai-v2026" / "lora_requests_hourly.csv")
    path = tmp_path / "s.json"
    path.write_text(json.dumps(s))
    assert run_capsim("run", path, "--out", tmp_path / "out").returncode == 0
    p = run_capsim("cost", tmp_path / "out" / "results.h5", "--by", "day")
    assert p.returncode == 2 and "must divide a day" in p.stderr
