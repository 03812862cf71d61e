"""Scenario files with expected results (tests/scenarios/NAME.json and
NAME.expected.json): a new case is a new pair of files, no code.

NAME.expected.json holds "why" (how the answer was worked out) and any of:
  "args":       extra `capsim run` arguments (["--policy", "spot-only"]);
  "expect":     summary keys, {"value": v, "tol": t} each;
  "jobs":       per job name, any of start_s, end_s (-1: never), state,
                restarts, lost_s, read back from results.h5 (exact);
  "timeseries": [{"column": c, "t_s": t, "value": v or null for NaN, "tol": t}];
  "error":      the run must fail with exit status 2 and this text on stderr."""
import json
import math

import h5py
import pytest

from conftest import ROOT

CASES = sorted(p for p in (ROOT / "tests" / "scenarios").glob("*.json") if not p.name.endswith(".expected.json"))


def jobs_by_name(h5):
    with h5py.File(h5, "r") as f:
        g = f["jobs"]
        names = g["name"].asstr()[:]
        states = g.attrs["state_names"].split(",")
        cols = {k: g[k][:] for k in g if k != "name"}
    out = {}
    for i, n in enumerate(names):
        row = {"start_s": cols["start_us"][i] / 1e6 if cols["start_us"][i] >= 0 else -1,
               "end_s": cols["end_us"][i] / 1e6 if cols["end_us"][i] >= 0 else -1,
               "state": states[cols["state"][i]]}
        if "restarts" in cols:
            row["restarts"] = int(cols["restarts"][i])
            row["lost_s"] = cols["lost_us"][i] / 1e6
        out[n] = row
    return out


@pytest.mark.parametrize("scenario", CASES, ids=[p.stem for p in CASES])
def test_scenario(capsim, tmp_path, scenario):
    expected = json.loads(scenario.with_name(scenario.stem + ".expected.json").read_text())
    why = expected["why"]
    p = capsim("run", scenario, *expected.get("args", []), "--out", tmp_path)
    if "error" in expected:
        assert p.returncode == 2, f"expected an input error: {p.stdout}{p.stderr}"
        assert expected["error"] in p.stderr, p.stderr
        assert "internal error" not in p.stderr
        return
    assert p.returncode == 0, p.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    for key, e in expected.get("expect", {}).items():
        assert summary[key] == pytest.approx(e["value"], abs=e["tol"]), f"{key}: {why}"
    if "jobs" in expected:
        got = jobs_by_name(tmp_path / "results.h5")
        for name, fields in expected["jobs"].items():
            for field, value in fields.items():
                assert got[name][field] == pytest.approx(value, abs=1e-6) if not isinstance(value, str) \
                    else got[name][field] == value, f"job {name} {field}: got {got[name][field]}, expected {value}: {why}"
    if "timeseries" in expected:
        with h5py.File(tmp_path / "results.h5", "r") as f:
            t = f["timeseries"]["t"][:] / 1e6
            for e in expected["timeseries"]:
                column = f["timeseries"][e["column"]][:]
                hits = [i for i, x in enumerate(t) if x == e["t_s"]]
                assert hits, f"no sample at t={e['t_s']} s (samples at {list(t)[:20]})"
                v = column[hits[0]]
                if e["value"] is None:
                    assert math.isnan(v), f"{e['column']} at {e['t_s']} s: got {v}, expected NaN: {why}"
                else:
                    assert v == pytest.approx(e["value"], abs=e.get("tol", 1e-9)), \
                        f"{e['column']} at {e['t_s']} s: got {v}, expected {e['value']}: {why}"
