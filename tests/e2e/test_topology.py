"""Topology input errors exit 2 naming the field, with nothing written."""
import json

import pandas as pd
import pytest

from conftest import ROOT

BASE = ROOT / "tests" / "scenarios" / "topology_bandwidth_throttle.json"


def scenario(tmp_path, change):
    s = json.loads(BASE.read_text())
    for w in s["workloads"]:
        w["trace"]["path"] = str(ROOT / "tests" / "scenarios" / w["trace"]["path"])
    change(s)
    p = tmp_path / "s.json"
    p.write_text(json.dumps(s))
    return p


def topology(s, **kw):
    s["fleet"]["topology"].update(kw)


def group(s, **kw):
    s["fleet"]["nodes"][0]["group"].update(kw)


@pytest.mark.parametrize("change, message", [
    (lambda s: topology(s, cross_numa_factor=0), "fleet.topology.cross_numa_factor: a throughput factor in (0, 1]"),
    (lambda s: topology(s, cross_socket_factor=1.2), "fleet.topology.cross_socket_factor: a throughput factor in (0, 1]"),
    (lambda s: topology(s, cross_socket_factor=-0.5), "fleet.topology.cross_socket_factor"),
    (lambda s: topology(s, policy="single"), "fleet.topology.policy: expected none, best-effort, restricted or single-numa-node"),
    (lambda s: topology(s, socket_memory_bandwidth_gbps=0), "fleet.topology.socket_memory_bandwidth_gbps: required"),
    (lambda s: topology(s, memory_bandwidth_gbps_per_core=-1), "must not be negative"),
    (lambda s: group(s, gpus=8, gpu_model="V100", nvlink_island_gpus=3), "fleet.nodes[0].group.nvlink_island_gpus: must divide gpus (8)"),
])
def test_bad_topology_input_exits_2(capsim, tmp_path, change, message):
    p = capsim("run", str(scenario(tmp_path, change)), "--out", str(tmp_path / "out"))
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert message in p.stderr, p.stderr
    assert not (tmp_path / "out").exists()


def test_factors_sweep_by_path(capsim, tmp_path):
    """The locality factors are scenario fields, so a sweep axis sets them: the job's end follows 1000 / f."""
    s = json.loads((ROOT / "tests" / "scenarios" / "topology_locality_factor.json").read_text())
    s["workloads"][0]["trace"]["path"] = str(ROOT / "tests" / "scenarios" / "data" / "topology_locality.csv")
    base = tmp_path / "base.json"
    base.write_text(json.dumps(s))
    spec = tmp_path / "sweep.json"
    spec.write_text(json.dumps({"scenario": str(base), "axes": [{"path": "fleet.topology.cross_socket_factor",
                                                                 "values": [1.0, 0.8, 0.5], "name": "f"}]}))
    p = capsim("sweep", str(spec), "--out", str(tmp_path / "sw"))
    assert p.returncode == 0, p.stderr
    t = pd.read_csv(tmp_path / "sw" / "sweep.csv")
    assert list(t["f"]) == [1.0, 0.8, 0.5]
    assert list(t["sim_end_s"]) == [1000, 1250, 2000]
