"""capsim baseline and capsim regress: an unchanged build passes; a deliberately worse policy parameter fails
(exit 1) naming the keys, in the table, the JUnit XML and the Markdown; directional tolerances let
improvements pass; bad baselines exit 2 naming the field, with nothing written."""
import json
import re
import xml.etree.ElementTree as ET

import pytest

from conftest import ROOT

SCENARIOS = [ROOT / "scenarios" / "openb_downsized.json", ROOT / "tests" / "scenarios" / "service_mmc.json"]


@pytest.fixture
def baseline(capsim, tmp_path):
    path = tmp_path / "base.json"
    p = capsim("baseline", *SCENARIOS, "--policies", "best-fit", "--tolerance", "*=rel:1e-12",
               "--tolerance", "fragmentation_gpus_mean=higher-is-worse:rel:0.01", "--out", path)
    assert p.returncode == 0 and "recorded 2 runs" in p.stdout, p.stderr
    return path


def test_an_unchanged_build_passes(capsim, baseline, tmp_path):
    p = capsim("regress", baseline, "--junit", tmp_path / "j.xml", "--markdown", tmp_path / "m.md")
    assert p.returncode == 0, p.stdout + p.stderr
    suite = ET.parse(tmp_path / "j.xml").getroot()
    assert suite.get("tests") == "2" and suite.get("failures") == "0"
    assert "no regression" in (tmp_path / "m.md").read_text()


def test_a_worse_policy_parameter_is_flagged(capsim, baseline, tmp_path):
    b = json.loads(baseline.read_text())
    b["runs"][0]["policy"] = "best-fit:w_gpu=0"  # the change under review: GPU fit no longer weighed
    baseline.write_text(json.dumps(b))
    p = capsim("regress", baseline, "--junit", tmp_path / "j.xml", "--markdown", tmp_path / "m.md")
    assert p.returncode == 1, p.stdout + p.stderr
    flagged = {re.search(r"  (\S+): ", line).group(1) for line in p.stdout.splitlines() if line.endswith("regression")}
    assert {"fragmentation_gpus_mean", "fragmentation_share_mean", "gpu_used_peak"} <= flagged, p.stdout
    suite = ET.parse(tmp_path / "j.xml").getroot()
    assert suite.get("failures") == "1"
    failure = suite.find("testcase/failure")
    assert "fragmentation_gpus_mean" in failure.text
    md = (tmp_path / "m.md").read_text()
    assert "regressions found" in md and "`fragmentation_gpus_mean`" in md


def test_an_improvement_passes_a_directional_tolerance(capsim, baseline):
    b = json.loads(baseline.read_text())
    run = b["runs"][0]
    k = run["keys"].index("fragmentation_gpus_mean")
    run["values"][k] = json.dumps(float(run["values"][k]) * 1.5)  # the baseline was worse
    b["tolerances"] = {"*": "ignore", "fragmentation_gpus_mean": "higher-is-worse"}
    baseline.write_text(json.dumps(b))
    p = capsim("regress", baseline)
    assert p.returncode == 0 and "improved" in p.stdout, p.stdout + p.stderr
    run["values"][k] = json.dumps(float(run["values"][k]) / 3)  # now the baseline was better
    baseline.write_text(json.dumps(b))
    assert capsim("regress", baseline).returncode == 1


@pytest.mark.parametrize("change, message", [
    (lambda b: b["runs"][0].update(scenario="nowhere.json"), "runs[0].scenario"),
    (lambda b: b["tolerances"].update({"wait_p95_s": "rel:-1"}), "tolerances.wait_p95_s"),
    (lambda b: b["tolerances"].update({"wait_p95_s": "sometimes"}), "tolerances.wait_p95_s"),
    (lambda b: b.update(runs=[]), "field runs"),
])
def test_bad_baselines_exit_2(capsim, baseline, tmp_path, change, message):
    b = json.loads(baseline.read_text())
    change(b)
    baseline.write_text(json.dumps(b))
    p = capsim("regress", baseline, "--junit", tmp_path / "j.xml")
    assert p.returncode == 2 and message in p.stderr, p.stderr
    assert not (tmp_path / "j.xml").exists()
