"""capsim: a discrete-event simulator of CPU/GPU clusters for capacity planning.

The engine is C++ (capsim._core); this package translates types: scenarios
in, pandas DataFrames out. Everything here is also in the `capsim` command.

    import capsim
    sc = capsim.load_scenario("scenarios/openb_downsized.json")
    r = capsim.run(sc, policy="best-fit")
    r.summary["wait_mean_s"], r.timeseries.gpu_milli_alloc_frac.max()
"""
from ._api import (PlacementPolicy, Results, compare, deadline_spot, inflate, jobs_from_dataframe, load_scenario, policies,
                   read_results, read_trace, run, scenario_from_traces, sweep)

__version__ = None
try:
    from . import _core as _c
    __version__ = _c.__version__
except ImportError:  # pragma: no cover - reported by _api on first use
    pass

__all__ = ["PlacementPolicy", "Results", "compare", "deadline_spot", "inflate", "jobs_from_dataframe", "load_scenario", "policies",
           "read_results", "read_trace", "run", "scenario_from_traces", "sweep", "plot", "report"]


def __getattr__(name):
    if name == "plot":  # matplotlib is imported only when plots are asked for
        import importlib
        return importlib.import_module(".plot", __name__)
    if name == "report":  # capsim.report(paths, out): the HTML page of `capsim report`
        from .report import report
        return report
    raise AttributeError(name)
