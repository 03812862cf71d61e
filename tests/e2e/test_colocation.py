"""Co-location input errors exit 2 naming the field, with nothing written; what is not modelled yet
is refused, not approximated."""
import json

import pytest

from conftest import ROOT

BASE = ROOT / "tests" / "scenarios" / "colocation_batch_suppression.json"


def scenario(tmp_path, change, base=BASE):
    s = json.loads(base.read_text())
    for w in s["workloads"]:
        w["trace"]["path"] = str(ROOT / "tests" / "scenarios" / w["trace"]["path"])
    change(s)
    p = tmp_path / "s.json"
    p.write_text(json.dumps(s))
    return p


def batch_tier(s, **kw):
    s["workloads"][1]["trace"]["tier"].update(kw)


@pytest.mark.parametrize("change, message", [
    (lambda s: batch_tier(s, qos="LS"), "workloads[1].trace.tier.qos: batch with LS is not allowed"),
    (lambda s: s["workloads"][0]["trace"]["tier"].update(qos="BE"), "workloads[0].trace.tier.qos: prod with BE is not allowed"),
    (lambda s: batch_tier(s, priority_class="mid", qos="LSR"), "LSE and LSR run only as Prod"),
    (lambda s: batch_tier(s, priority_class="gold"), "tier.priority_class: \"gold\" is not prod, mid, batch or free"),
    (lambda s: batch_tier(s, sub_priority=1000), "tier.sub_priority: 1000 is outside 0..999"),
    (lambda s: s["colocation"].update(free_cpu_watermark_percent=0), "colocation.free_cpu_watermark_percent: must be in (0, 100]"),
    (lambda s: batch_tier(s, priority_class="free", native=True), "only Mid and Batch pods choose native requests"),
    (lambda s: s.pop("colocation"), "the scenario needs a colocation section"),
    (lambda s: s["colocation"].update(cpu_reclaim_percent=0), "colocation.cpu_reclaim_percent: must be in (0, 100]"),
    (lambda s: s["colocation"].update(memory_evict_threshold_percent=101), "colocation.memory_evict_threshold_percent"),
    (lambda s: s["colocation"].update(memory_evict_lower_percent=80), "must be below memory_evict_threshold_percent"),
    (lambda s: s["colocation"].update(cpu_policy="peak"), "colocation.cpu_policy"),
    (lambda s: s["colocation"].update(be_min_cpu_cores=0), "colocation.be_min_cpu_cores"),
    (lambda s: s["colocation"].update(cpu_evict_satisfaction_lower_percent=90), "colocation.cpu_evict_satisfaction_upper_percent: must be above"),
    (lambda s: s["colocation"].update(cpu_evict_satisfaction_upper_percent=0), "colocation.cpu_evict_satisfaction_upper_percent: must be in (0, 100]"),
])
def test_bad_colocation_input_exits_2(capsim, tmp_path, change, message):
    out = tmp_path / "out"
    p = capsim("run", scenario(tmp_path, change), "--out", out)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert message in p.stderr, p.stderr
    assert not out.exists()


TIDAL = ROOT / "tests" / "scenarios" / "colocation_tidal_windows.json"


def tidal(tmp_path, change):
    return scenario(tmp_path, change, TIDAL)


def window(s, i, **kw):
    s["colocation"]["windows"][i].update(kw)


@pytest.mark.parametrize("change, message", [
    (lambda s: window(s, 1, start="05:00"), "colocation.windows[1]: window \"day\" overlaps window \"night\""),
    (lambda s: window(s, 0, end="6am"), "colocation.windows[0].end: expected HH:MM"),
    (lambda s: window(s, 0, start="25:00"), "colocation.windows[0].start"),
    (lambda s: window(s, 0, exit_lead_s=30000), "colocation.windows[0].exit_lead_s"),
    (lambda s: window(s, 0, may_start=["bulk"]), "colocation.windows[0].may_start[0]"),
    (lambda s: window(s, 1, end="06:00"), "is empty (start = end)"),
    (lambda s: s["colocation"].pop("windows"), "needs colocation.windows"),
    (lambda s: s["workloads"][0]["trace"]["tier"].update(priority_class="prod"), "only Mid and Batch pods choose native requests"),
])
def test_bad_tidal_input_exits_2(capsim, tmp_path, change, message):
    out = tmp_path / "out"
    p = capsim("run", tidal(tmp_path, change), "--out", out)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert message in p.stderr, p.stderr
    assert not out.exists()


def test_a_batch_pod_asking_for_gpus_is_refused(capsim, tmp_path):
    csv = tmp_path / "gpu.csv"
    csv.write_text("name,cpu_milli,memory_mib,num_gpu,gpu_milli,creation_time,deletion_time\nG,1000,1024,1,500,0,100\n")
    def change(s):
        s["fleet"]["nodes"][0]["group"].update(gpus=2, gpu_model="T4")
        s["workloads"][1]["trace"]["path"] = str(csv)
    p = capsim("run", scenario(tmp_path, change), "--out", tmp_path / "out")
    assert p.returncode == 2 and "runs as a guest on online GPUs only with colocation.gpu_sharing" in p.stderr, p.stderr
    assert "gpu.csv:2" in p.stderr  # the file and line of the pod


GPU = ROOT / "tests" / "scenarios" / "colocation_gpu_memory_eviction.json"


def gpu_scenario(tmp_path, change):
    s = json.loads(GPU.read_text())
    for w in s["workloads"]:
        if "trace" in w:
            w["trace"]["path"] = str(ROOT / "tests" / "scenarios" / w["trace"]["path"])
        else:
            w["service"]["load"]["csv"]["path"] = str(ROOT / "tests" / "scenarios" / w["service"]["load"]["csv"]["path"])
    change(s)
    p = tmp_path / "s.json"
    p.write_text(json.dumps(s))
    return p


@pytest.mark.parametrize("change, message", [
    (lambda s: s["colocation"]["gpu_sharing"].update(memory_safety_percent=0), "colocation.gpu_sharing.memory_safety_percent: must be in (0, 100]"),
    (lambda s: s["colocation"]["gpu_sharing"].update(guest_memory_percent=120), "colocation.gpu_sharing.guest_memory_percent: must be in (0, 100]"),
    (lambda s: s["colocation"]["gpu_sharing"].update(guests_per_gpu=0), "colocation.gpu_sharing.guests_per_gpu: must be in [1, 64]"),
    (lambda s: s["colocation"]["gpu_sharing"].update(back_off_s=-1), "colocation.gpu_sharing.back_off_s"),
])
def test_bad_gpu_sharing_input_exits_2(capsim, tmp_path, change, message):
    out = tmp_path / "out"
    p = capsim("run", gpu_scenario(tmp_path, change), "--out", out)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert message in p.stderr, p.stderr
    assert not out.exists()

