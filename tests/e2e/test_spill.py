"""Spill-over between clusters end to end: a chain of three clusters worked
by hand (what each spills, what the user waits for the retries), and the
routes that are input errors (exit 2 naming the field)."""
import json

import pytest

from conftest import run_capsim


def erlang_b(c, a):
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def service(name, replicas, rps, spill_to=None, delay=0.0, pool=None, queue=1):
    s = {"name": name, "replicas": replicas, "cpu_cores": 1, "memory_gib": 1, "replica_rps": 1,
         "queue_per_replica": queue, "load": {"constant_rps": rps}, "end_s": 3600}
    if spill_to:
        s["spill_to"] = spill_to
    if delay:
        s["retry_delay_s"] = delay
    if pool:
        s["pool"] = pool
    return {"service": s}


def scenario(tmp_path, services):
    s = {"name": "spill", "seed": 1, "fleet": {"nodes": [{"group": {"count": 8, "cpu_cores": 4, "memory_gib": 16}}]},
         "workloads": services, "placement": {"name": "first-fit"}, "sample_interval_s": 600}
    path = tmp_path / "s.json"
    path.write_text(json.dumps(s))
    return path


def test_three_clusters_in_a_chain(tmp_path):
    # a: 1 replica under 1 request/s (B(1,1) = 1/2 rejected) -> b after 0.2 s: 1 replica, own load 0.5, so
    # 1 request/s of which half are retries -> c after 0.3 s: 3 replicas.
    path = scenario(tmp_path, [service("a", 1, 1.0, "b", 0.2), service("b", 1, 0.5, "c", 0.3), service("c", 3, 0.0)])
    p = run_capsim("run", path, "--out", tmp_path / "out")
    assert p.returncode == 0, p.stderr
    s = json.loads((tmp_path / "out" / "summary.json").read_text())
    T = 3600
    a_spill = T * 1.0 * erlang_b(1, 1.0)                # 1,800
    lam_b = 0.5 + a_spill / T                           # 1.0 requests/s
    b_spill = T * lam_b * erlang_b(1, lam_b)             # 1,800
    lam_c = b_spill / T
    c_fail = b_spill * erlang_b(3, lam_c)
    assert s["service.a.requests_spilled"] == pytest.approx(a_spill, rel=1e-9)
    assert s["service.b.requests_spilled_in"] == pytest.approx(a_spill, rel=1e-9)
    assert s["service.b.requests_spilled"] == pytest.approx(b_spill, rel=1e-9)
    assert s["service.c.requests_failed"] == pytest.approx(c_fail, rel=1e-9)
    assert s["requests_failed"] == pytest.approx(c_fail, rel=1e-9)
    # Served retries: at b, half its 1,800 served requests came from a (0.2 s each); at c, what b spilled
    # carries b's mixed history: half from a (0.2 + 0.3 s), half b's own (0.3 s), so 0.4 s on average.
    b_served_retries = T * lam_b * (1 - erlang_b(1, lam_b)) * 0.5
    c_served = b_spill - c_fail
    added = (b_served_retries * 0.2 + c_served * 0.4) / (b_served_retries + c_served)
    assert s["spill_added_latency_mean_s"] == pytest.approx(added, rel=1e-9)


@pytest.mark.parametrize("services, field, message", [
    ([service("a", 1, 1.0, "nowhere")], "workloads[0].service.spill_to", "no service named 'nowhere'"),
    ([service("a", 1, 1.0, "a")], "workloads[0].service.spill_to", "itself"),
    ([service("a", 1, 1.0, "b"), service("b", 1, 1.0, "a")], ".service.spill_to", "cycle (a -> b -> a"),
    ([service("a", 1, 1.0, "b", queue=0), service("b", 1, 0.0)], "workloads[0].service.spill_to",
     "needs queue_per_replica"),
    ([service("a", 1, 1.0, None, 0.5)], "workloads[0].service.retry_delay_s", "needs spill_to"),
    ([service("a", 1, 1.0, "b", -1.0), service("b", 1, 0.0)], "workloads[0].service.retry_delay_s", "must be in"),
])
def test_bad_routes_exit_2(tmp_path, services, field, message):
    p = run_capsim("run", scenario(tmp_path, services), "--out", tmp_path / "out")
    assert p.returncode == 2, p.stdout
    assert field in p.stderr and message in p.stderr


def priced_spill_over(tmp_path, revenue_per_request=0.0):
    """Runs the hand case of tests/scenarios/service_spill_over.json priced with spill_catalog.json;
    checks the requests each cluster served (4,320 on the first, 2,880 less Erlang B(4, 0.8) on the
    second) and returns the summary and the second's."""
    from conftest import ROOT
    s = json.loads((ROOT / "tests" / "scenarios" / "service_spill_over.json").read_text())
    if revenue_per_request:
        for w in s["workloads"]:
            w["service"]["revenue_per_request"] = revenue_per_request
    s["cost"]["catalog"] = str(ROOT / "tests" / "scenarios" / "data" / "spill_catalog.json")
    path = tmp_path / "priced.json"
    path.write_text(json.dumps(s))
    p = run_capsim("run", path, "--out", tmp_path / "out")
    assert p.returncode == 0, p.stderr
    r = json.loads((tmp_path / "out" / "summary.json").read_text())
    served_second = 2880 * (1 - erlang_b(4, 0.8))
    assert r["service.gen.requests_served"] == pytest.approx(4320, rel=1e-12)
    assert r["service.gen-second.requests_served"] == pytest.approx(served_second, rel=1e-12)
    return r, served_second


def test_unit_economics_of_the_two_clusters(tmp_path):
    # The hand case of tests/scenarios/service_spill_over.json with 0.01 USD per generation: 4,320
    # served on the first cluster, 2,880 - 22.1166 on the second; the bill is 16 USD (2 x 2 + 4 x 3).
    r, served_second = priced_spill_over(tmp_path, revenue_per_request=0.01)
    assert r["services_revenue"] == pytest.approx(0.01 * (4320 + served_second), rel=1e-12)
    assert r["cost_per_served_request"] == pytest.approx(16 / (4320 + served_second), rel=1e-12)
    assert r["services_margin"] == pytest.approx(0.01 * (4320 + served_second) - 16, rel=1e-12)
    assert r["services_margin_per_day"] == pytest.approx(24 * r["services_margin"], rel=1e-12)
    # Each cluster's replicas are charged their share of its nodes; what they leave is idle: together the bill.
    assert r["service.gen.cost"] + r["service.gen-second.cost"] + r["cost_idle"] == pytest.approx(16, abs=1e-9)
    for name in ("gen", "gen-second"):
        k = f"service.{name}."
        assert r[k + "margin"] == pytest.approx(r[k + "revenue"] - r[k + "cost"], rel=1e-12)
        assert r[k + "cost_per_request"] == pytest.approx(r[k + "cost"] / r[k + "requests_served"], rel=1e-12)
    # The first cluster's generations are the cheaper ones (2 USD/h nodes, 4,320 served on 2 of them).
    assert r["service.gen.cost_per_request"] < r["service.gen-second.cost_per_request"]


def test_unit_cost_without_revenue(tmp_path):
    # The same hand case priced but earning nothing: each service's unit cost is still reported (its
    # replicas' charges over the requests it served); revenue and margin are not.
    r, served_second = priced_spill_over(tmp_path)
    assert r["service.gen.cost"] + r["service.gen-second.cost"] + r["cost_idle"] == pytest.approx(16, abs=1e-9)
    for name in ("gen", "gen-second"):
        k = f"service.{name}."
        assert r[k + "cost_per_request"] == pytest.approx(r[k + "cost"] / r[k + "requests_served"], rel=1e-12)
        assert k + "revenue" not in r and k + "margin" not in r
    assert "services_revenue" not in r and "cost_per_served_request" not in r


def test_negative_revenue_exits_2(tmp_path):
    bad = service("a", 1, 1.0)
    bad["service"]["revenue_per_request"] = -1
    p = run_capsim("run", scenario(tmp_path, [bad]), "--out", tmp_path / "out")
    assert p.returncode == 2 and "revenue_per_request" in p.stderr
