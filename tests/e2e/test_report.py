"""capsim report: one self-contained HTML page for a compare (priced, with services), an inflation and a
sweep with a goal, loaded in a real headless browser (Debian's chromium): no console message, no script
error, every figure decodes; a screenshot is kept in the build tree (test_artifacts/). Bad input exits 2
with nothing written."""
import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, TRACES, capsim_bin


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("chromium not found: scripts/install-deps.sh installs Debian's chromium")


def artifacts():
    d = pathlib.Path(capsim_bin()).resolve().parent / "test_artifacts"
    d.mkdir(exist_ok=True)
    return d


def load_in_browser(page, screenshot=None):
    """The page's body attributes after load and every console line chromium logged."""
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
             "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000"]
    url = pathlib.Path(page).resolve().as_uri()
    p = subprocess.run([chromium(), *flags, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    body = re.search(r"<body([^>]*)>", p.stdout)
    assert body, p.stdout[:500]
    attrs = dict(re.findall(r'data-([a-z]+)="([^"]*)"', body.group(1)))
    console = [line for line in p.stderr.splitlines() if ":CONSOLE" in line]
    if screenshot:
        s = subprocess.run([chromium(), *flags, "--window-size=1280,2400", f"--screenshot={screenshot}", url],
                           capture_output=True, text=True, timeout=120)
        assert s.returncode == 0 and os.path.getsize(screenshot) > 10_000, s.stderr[-2000:]
    return attrs, console


def check_page(page, name, min_figures):
    text = pathlib.Path(page).read_text()
    # Self-contained: nothing fetched from anywhere.
    assert not re.search(r'(src|href)="(https?:)?//', text), "the page refers to the network"
    attrs, console = load_in_browser(page, artifacts() / f"report_{name}.png")
    assert console == [], console
    assert "errors" not in attrs, attrs
    assert int(attrs["figures"]) >= min_figures, attrs
    assert attrs["rendered"] == attrs["figures"], attrs
    return text


def test_the_browser_check_catches_a_broken_page(tmp_path):
    # The check above can fail: a figure that does not decode and a script error are both seen.
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html><body><img src="data:image/png;base64,AAAA">'
                    '<script>window.addEventListener("load", function () { var i = document.images[0];'
                    'document.body.dataset.figures = 1; document.body.dataset.rendered = i.naturalWidth > 0 ? 1 : 0;'
                    'console.error("oops"); });</script></body></html>')
    attrs, console = load_in_browser(page)
    assert attrs == {"figures": "1", "rendered": "0"}
    assert any("oops" in line for line in console)


def test_report_of_a_priced_compare_with_services(capsim, tmp_path):
    out = tmp_path / "cmp"
    p = capsim("compare", ROOT / "scenarios" / "cost_reserved_plus_burst.json", "--policies", "best-fit,worst-fit",
               "--horizon", "172800", "--out", out)
    assert p.returncode == 0, p.stderr
    svc = tmp_path / "svc"
    q = capsim("run", ROOT / "scenarios" / "services_diurnal.json", "--horizon", "86400", "--out", svc)
    assert q.returncode == 0, q.stderr
    page = tmp_path / "report.html"
    r = capsim("report", out, svc, "-o", page, "--title", "cost and services")
    assert r.returncode == 0, r.stderr
    text = check_page(page, "compare", min_figures=5)
    assert "cost by pool" in text and "cost by team" in text and "TCO" in text
    assert "best-fit (seed" in text and "worst-fit (seed" in text
    assert "wait p95 (s) per job shape" in text


def test_report_of_an_inflation_and_a_sweep_with_a_goal(capsim, tmp_path):
    inf = tmp_path / "inf"
    p = capsim("inflate", "--nodes", TRACES / "openb_node_list_gpu_node.csv",
               "--pods", TRACES / "openb_pod_list_default.csv", "--policies", "best-fit,dot-product",
               "--repeats", "1", "--out", inf)
    assert p.returncode == 0, p.stderr
    base = json.loads((ROOT / "scenarios" / "synthetic_poisson.json").read_text())
    base["workloads"][0]["synthetic"]["count"] = 800
    base.pop("cost", None)
    (tmp_path / "base.json").write_text(json.dumps(base))
    spec = {"scenario": str(tmp_path / "base.json"),
            "axes": [{"name": "t4", "path": "fleet.nodes[1].group.count", "values": [2, 4, 8, 16]}],
            "policies": ["best-fit", "fgd"],
            "goal": {"axis": "t4", "condition": "jobs_never_placed <= 0"}}
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    q = capsim("sweep", tmp_path / "spec.json", "--out", tmp_path / "sw")
    assert q.returncode == 0, q.stderr
    page = tmp_path / "report.html"
    r = capsim("report", inf, tmp_path / "sw", "-o", page)
    assert r.returncode == 0, r.stderr
    text = check_page(page, "inflation_sweep", min_figures=2)
    assert "Inflation experiment" in text and "Sweep" in text
    assert "goal: smallest t4 with jobs_never_placed &lt;= 0" in text


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "missing", "no such file or directory"),
    (lambda d: (d / "empty").mkdir() or d / "empty", "not capsim output"),
    (lambda d: (d / "x.h5").write_text("not hdf5") and d / "x.h5", "not an HDF5 file"),
])
def test_bad_input_exits_2_with_nothing_written(capsim, tmp_path, make, message):
    page = tmp_path / "report.html"
    p = capsim("report", make(tmp_path), "-o", page)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert message in p.stderr, p.stderr
    assert not page.exists()
