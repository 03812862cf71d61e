"""Cost results in Python: the ledger as a DataFrame, the CLI's tables, the
TCO curves, the same figures from a run in memory and from its results.h5."""
import os
import pathlib
import subprocess

import numpy as np
import pytest

import capsim

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "cost_reserved_plus_burst.json"
CAPSIM = os.environ.get("CAPSIM_BIN", str(ROOT / "build" / "capsim"))


@pytest.fixture(scope="module")
def run():
    return capsim.run(capsim.load_scenario(SCENARIO))


def test_ledger_frame_sums_to_the_summary(run):
    c = run.cost
    assert c.currency == "USD"
    ledger = c.ledger
    assert ledger.cost.sum() == pytest.approx(run.summary["cost_total"], rel=1e-12)
    idle = ledger[ledger.team == "(idle)"].cost.sum()
    assert idle == pytest.approx(run.summary["cost_idle"], rel=1e-12)
    by_team = ledger[ledger.team != "(idle)"].groupby("team", observed=True).cost.sum()
    for team, value in by_team.items():
        assert run.summary[f"cost_team_{team}"] == pytest.approx(value, rel=1e-12)
    by_pool = ledger.groupby("pool", observed=True).cost.sum()
    for pool, value in by_pool.items():
        assert run.summary[f"cost_pool_{pool}"] == pytest.approx(value, rel=1e-12)
    assert run.jobs.cost.sum() == pytest.approx(run.summary["cost_jobs"], rel=1e-9)
    assert np.all(np.diff(ledger.t_s.unique()) == pytest.approx(c.window_s))


def test_tables_and_tco(run):
    t = run.cost.table("pool")
    assert t.loc["(total)", "bill_USD"] == pytest.approx(run.summary["cost_total"], abs=0.01)
    assert set(t.index) == {"base-reserved", "burst-on-demand", "cpu-on-demand", "(total)"}
    teams = run.cost.table("team", view="internal")
    assert teams.loc["(bill)", "charge_USD"] == pytest.approx(run.summary["cost_internal_total"], abs=0.01)
    with pytest.raises(ValueError, match="--by"):
        run.cost.table("colour")
    tco = run.cost.tco
    # No owned prices for these AWS types; the 1-year commitment every entry offers.
    assert list(tco.columns) == ["as_run", "on_demand", "reserved_1y-no-upfront"]
    assert tco.index[-1] == 36 and tco.as_run.iloc[0] == 0
    assert run.cost.breakeven_month is None


def test_results_file_gives_the_same_cost(run, tmp_path):
    path = tmp_path / "r.h5"
    subprocess.run([CAPSIM, "run", str(SCENARIO), "--out", str(path)], check=True, capture_output=True)
    back = capsim.read_results(path)
    assert back.cost.ledger.cost.sum() == pytest.approx(run.cost.ledger.cost.sum(), rel=1e-12)
    assert back.cost.table("team").equals(run.cost.table("team"))
    assert back.cost.tco.equals(run.cost.tco)
    assert np.allclose(back.jobs.cost.to_numpy(), run.jobs.cost.to_numpy(), equal_nan=True)


def test_unpriced_runs_have_no_cost_and_plots_say_so():
    r = capsim.run(capsim.load_scenario(ROOT / "scenarios" / "openb_downsized.json"))
    assert r.cost is None
    from capsim import plot
    with pytest.raises(ValueError, match="not priced"):
        plot.cost(r)


def test_cost_plots(run):
    from capsim import plot
    ax = plot.cost(run, by="team")
    assert len(ax.get_lines()) == 4  # three teams and idle
    ax = plot.tco(run)
    assert len(ax.get_lines()) == 3  # as run, on-demand, 1-year reserved


def test_gpu_pool_ranking_table(tmp_path):
    r = capsim.run(capsim.load_scenario(ROOT / "scenarios" / "spill_over_serving.json"))
    t = r.cost.table("gpu-pool")
    assert list(t.index) == ["1", "2"]
    assert list(t.billing) == ["reserved", "on-demand"]
    assert t.per_useful_gpu_hour_USD.is_monotonic_increasing
    assert t.bill_USD.sum() == pytest.approx(r.summary["cost_total"], abs=0.01)


def test_daily_margin_table_and_curve(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    r = capsim.run(capsim.load_scenario(ROOT / "scenarios" / "spill_over_serving.json"))
    t = r.cost.table("day")
    assert list(t.index) == [str(d) for d in range(7)]
    assert t.bill_USD.sum() == pytest.approx(r.summary["cost_total"], abs=0.05)
    assert t.revenue_USD.sum() == pytest.approx(r.summary["services_revenue"], abs=0.05)
    assert t.served.sum() == pytest.approx(r.summary["services_requests_served"], abs=4)
    assert (t.margin_USD - (t.revenue_USD - t.bill_USD)).abs().max() < 0.011
    ax = capsim.plot.daily_margin(r)
    ax.figure.savefig(tmp_path / "margin.png")
    assert (tmp_path / "margin.png").stat().st_size > 0


def test_daily_margin_per_cloud_table():
    r = capsim.run(capsim.load_scenario(ROOT / "scenarios" / "multicloud_serving.json"))
    t = r.cost.table("provider-day")
    assert set(t.provider) == {"aws", "onprem", "alibaba"}
    assert t.bill_USD.sum() == pytest.approx(r.summary["cost_total"], abs=0.2)
    assert t.revenue_USD.sum() == pytest.approx(r.summary["services_revenue"], abs=0.2)
    # Served requests by cloud are the clusters' served requests, summed per provider.
    onprem = r.summary["cluster.dc1-monthly.requests_served"]
    assert t[t.provider == "onprem"].served.sum() == pytest.approx(onprem, abs=8)
    import matplotlib
    matplotlib.use("Agg")
    ax = capsim.plot.daily_margin(r, by="provider")
    assert len(ax.get_lines()) == 3 + 1  # one margin line per cloud, and the zero line
    with pytest.raises(ValueError, match="by must be"):
        capsim.plot.daily_margin(r, by="zone")


def test_daily_margin_per_service_table():
    r = capsim.run(capsim.load_scenario(ROOT / "scenarios" / "spill_over_serving.json"))
    t = r.cost.table("service-day")
    assert set(t.service) == {"sd-monthly", "sd-on-demand"}
    for name in ("sd-monthly", "sd-on-demand"):
        rows = t[t.service == name]
        assert len(rows) == 7
        # By day, the service's charges add up to its total, and its served requests and revenue too.
        assert rows.cost_USD.sum() == pytest.approx(r.summary[f"service.{name}.cost"], abs=0.05)
        assert rows.served.sum() == pytest.approx(r.summary[f"service.{name}.requests_served"], abs=4)
        assert rows.revenue_USD.sum() == pytest.approx(r.summary[f"service.{name}.revenue"], abs=0.05)
    # Each day's served requests add up over the services to the day's.
    day = r.cost.table("day")
    assert t.served.groupby(level=0).sum().values == pytest.approx(day.served.values, abs=2)
