"""Scenario files with expected summaries (tests/scenarios/NAME.json and
NAME.expected.json): a new case is a new pair of files, no code."""
import json

import pytest

from conftest import ROOT

CASES = sorted(p for p in (ROOT / "tests" / "scenarios").glob("*.json") if not p.name.endswith(".expected.json"))


@pytest.mark.parametrize("scenario", CASES, ids=[p.stem for p in CASES])
def test_scenario_summary(capsim, tmp_path, scenario):
    expected = json.loads(scenario.with_name(scenario.stem + ".expected.json").read_text())
    p = capsim("run", scenario, "--out", tmp_path)
    assert p.returncode == 0, p.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    for key, e in expected["expect"].items():
        assert summary[key] == pytest.approx(e["value"], abs=e["tol"]), f"{key}: {expected['why']}"
