"""Promotions end to end: a calendar from a CSV runs as the same list in the
scenario, and the calendars that are input errors (exit 2 naming the field,
or the file and line). The pre-scaling itself is worked by hand in
tests/scenarios/service_promotion_lead.json and service_promotion_short_lead.json."""
import json

import pytest

from conftest import ROOT, run_capsim

BASE = json.loads((ROOT / "tests" / "scenarios" / "service_promotion_lead.json").read_text())


def write(tmp_path, promotions=None, csv=None, hpa=True):
    s = json.loads(json.dumps(BASE))
    svc = s["workloads"][0]["service"]
    svc.pop("promotions")
    if promotions is not None:
        svc["promotions"] = promotions
    if csv is not None:
        (tmp_path / "calendar.csv").write_text(csv)
        svc["promotions_csv"] = "calendar.csv"
    if not hpa:
        svc.pop("hpa")
    path = tmp_path / "s.json"
    path.write_text(json.dumps(s))
    return path


def summary(tmp_path, path, out):
    p = run_capsim("run", path, "--out", tmp_path / out)
    assert p.returncode == 0, p.stderr
    return json.loads((tmp_path / out / "summary.json").read_text())


def test_csv_calendar_is_the_list(tmp_path):
    listed = summary(tmp_path, write(tmp_path, [{"at_s": 3600, "duration_s": 1800, "multiplier": 5, "lead_s": 900}]), "a")
    d = tmp_path / "csv"
    d.mkdir()
    from_csv = summary(d, write(d, csv="at_s,duration_s,multiplier,lead_s\n3600,1800,5,900\n"), "b")
    for k in ("service.gen.promotion.0.rejected", "requests_total", "requests_rejected", "nodes_acquired"):
        assert listed[k] == from_csv[k]


@pytest.mark.parametrize("promotions, message", [
    ([{"at_s": 6000, "duration_s": 1800, "multiplier": 5}], "outside the horizon"),
    ([{"at_s": -1, "duration_s": 10, "multiplier": 5}], "promotions[0].at_s"),
    ([{"at_s": 100, "duration_s": 10, "multiplier": 0}], "promotions[0].multiplier"),
    ([{"at_s": 100, "duration_s": 10, "multiplier": 2, "lead_s": -5}], "promotions[0].lead_s"),
    ([{"at_s": 100, "duration_s": 100, "multiplier": 2}, {"at_s": 150, "duration_s": 10, "multiplier": 2}], "overlap"),
])
def test_bad_calendar_exits_2(tmp_path, promotions, message):
    p = run_capsim("run", write(tmp_path, promotions), "--out", tmp_path / "out")
    assert p.returncode == 2, p.stdout
    assert "workloads[0].service.promotions" in p.stderr and message in p.stderr


def test_lead_needs_an_hpa(tmp_path):
    p = run_capsim("run", write(tmp_path, [{"at_s": 100, "duration_s": 10, "multiplier": 2, "lead_s": 60}], hpa=False),
                   "--out", tmp_path / "out")
    assert p.returncode == 2 and "lead_s" in p.stderr and "hpa" in p.stderr


def test_bad_csv_row_names_file_and_line(tmp_path):
    p = run_capsim("run", write(tmp_path, csv="at_s,duration_s,multiplier\n100,10,2\n200,10,-3\n"),
                   "--out", tmp_path / "out")
    assert p.returncode == 2
    assert "calendar.csv:3" in p.stderr and "multiplier" in p.stderr


@pytest.mark.parametrize("field", ["image_pull_s", "model_load_s", "warm_up_s"])
def test_negative_startup_time_exits_2(tmp_path, field):
    s = json.loads(json.dumps(BASE))
    s["workloads"][0]["service"][field] = -1
    path = tmp_path / "s.json"
    path.write_text(json.dumps(s))
    p = run_capsim("run", path, "--out", tmp_path / "out")
    assert p.returncode == 2 and f"workloads[0].service.{field}" in p.stderr
