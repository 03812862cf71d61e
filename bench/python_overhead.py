"""Costs of the Python path, on the openb default replay (8,152 pods, 1,213
GPU nodes). Run: PYTHONPATH=build/python /usr/bin/python3 bench/python_overhead.py
Prints: (1) the same C++ policy through capsim.run against the CLI, (2) a
Python best-fit against the C++ one, (3) a 1-million-row time series to a
DataFrame."""
import pathlib
import subprocess
import sys
import time

import capsim

ROOT = pathlib.Path(__file__).resolve().parents[1]
TRACES = ROOT / "traces" / "alibaba-gpu-v2023"
NODES, PODS = TRACES / "openb_node_list_gpu_node.csv", TRACES / "openb_pod_list_default.csv"


def best_of(n, f):
    best = float("inf")
    for _ in range(n):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best


class PyBestFit(capsim.PlacementPolicy):
    gpu_choice = "tightest"

    def score(self, job, node, cluster):
        return cluster.free_fraction_after(node, job)


def main():
    sc = capsim.scenario_from_traces(NODES, PODS)
    cli = best_of(5, lambda: subprocess.run([str(ROOT / "build" / "capsim"), "run", "--nodes", str(NODES), "--pods",
                                             str(PODS), "--policy", "best-fit", "--out", "/tmp/capsim_bench_cli"],
                                            check=True, capture_output=True))
    py = best_of(5, lambda: capsim.run(capsim.scenario_from_traces(NODES, PODS), policy="best-fit"))
    print(f"best-fit, CLI process (read, run, write files): {cli:.3f} s")
    print(f"best-fit, capsim.run (read, run, DataFrames):   {py:.3f} s  ({100 * (py / cli - 1):+.0f}% vs CLI)")
    cpp_run = best_of(3, lambda: capsim.run(sc, policy="best-fit"))
    py_run = best_of(1, lambda: capsim.run(sc, policy=PyBestFit()))
    print(f"Python best-fit: {py_run:.2f} s vs C++ best-fit {cpp_run:.3f} s: {py_run / cpp_run:.0f}x slower")
    big = capsim.load_scenario({
        "seed": 1, "sample_interval_s": 1,
        "fleet": {"nodes": [{"group": {"count": 4, "cpu_cores": 64, "memory_gib": 256}}]},
        "workloads": [{"synthetic": {"count": 1000, "arrivals": {"poisson_rate_per_hour": 3.4},
                                     "duration_s": {"constant": 10}, "shapes": [{"cpu_cores": 1}]}}]})
    r = capsim.run(big, policy="first-fit")
    core = r._core
    rows = len(r.timeseries)
    conv = best_of(5, lambda: capsim._api._timeseries_frame(dict(core.timeseries())))
    print(f"time series of {rows:,} rows x {r.timeseries.shape[1]} columns to a DataFrame: {conv:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
