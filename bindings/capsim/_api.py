"""The Python API over capsim._core: scenarios, runs, results, policies."""
import json
import os

import numpy as np
import pandas as pd

from . import _core


class Cost:
    """A priced run's cost ledger (/cost in results.h5; README "Cost model").

    ledger: one row per (window, cost center, team) with the net cost, team
    "(idle)" for what no job held; centers: pool, provider, region, node_type,
    gpu_model and nodes of each cost center; tco: cumulative cost by month
    (as_run, on_demand, owned where priced); table(): the tables of `capsim cost`."""

    def __init__(self, core_cost):
        self._core = core_cost
        a = core_cost.arrays()
        self.currency = a["currency"]
        self.catalog_source = a["catalog_source"]
        self.catalog_as_of = a["catalog_as_of"]
        self.window_s = a["window_us"] / 1e6
        self.teams = list(a["teams"])
        self.centers = pd.DataFrame(dict(a["centers"]))
        self.breakeven_month = a["breakeven_month"] if a["breakeven_month"] >= 0 else None
        tco = dict(a["tco"])
        self.tco = pd.DataFrame(tco, index=pd.RangeIndex(len(next(iter(tco.values()))), name="month")) if tco else None
        self._arrays = a

    @property
    def ledger(self):
        a = self._arrays
        bill, idle, charge = np.asarray(a["bill"]), np.asarray(a["idle"]), np.asarray(a["charge"])
        w, c, t = charge.shape
        values = np.concatenate([charge, idle[:, :, None]], axis=2)  # teams, then idle
        start = (a["start_us"] + np.arange(w) * a["window_us"]) / 1e6
        teams = pd.Categorical.from_codes(np.tile(np.arange(t + 1), w * c), self.teams + ["(idle)"])
        df = pd.DataFrame({"t_s": np.repeat(start, c * (t + 1)),
                           "center": np.tile(np.repeat(np.arange(c), t + 1), w),
                           "team": teams, "cost": values.reshape(-1)})
        for col in ["pool", "provider", "gpu_model", "node_type"]:
            df[col] = pd.Categorical(self.centers[col].to_numpy()[df["center"].to_numpy()])
        return df

    def table(self, by="team", view="net", spread_idle=False, shared="proportional", monthly=False):
        """The `capsim cost --by BY --view VIEW [--spread-idle] [--shared RULE] [--monthly]` table as a DataFrame
        (by="department": the showback to business units, shared costs allocated by RULE; by="tco": the
        cumulative cost by month under each purchase option; by="gpu-pool": the GPU pools ranked by cost per
        useful GPU-hour, indexed by rank; by="day": the daily margin; by="provider-day": the same per cloud;
        by="service-day": per service, its replicas' charges against its revenue)."""
        rows = self._core.report(by, view, bool(spread_idle), shared, bool(monthly))
        df = pd.DataFrame(rows[1:], columns=rows[0])
        text = {"provider", "region", "gpu_model", "billing", "service"}  # labels, not numbers
        for col in df.columns[1:]:
            if col in text:
                continue
            percent = df[col].str.endswith("%").any()
            values = pd.to_numeric(df[col].str.rstrip("%").replace("-", np.nan))
            df[col] = values / 100 if percent else values
        return df.set_index(df.columns[0])

    def __repr__(self):
        bill = float(np.asarray(self._arrays["bill"]).sum())
        return f"<capsim.Cost {bill:,.2f} {self.currency} over {len(self.centers)} cost centers, {len(self.teams)} teams>"


class Results:
    """One run's results: summary (dict), timeseries and jobs (DataFrames),
    and cost (a Cost, or None for an unpriced run); for runs with online
    services, services (one row per service, indexed by name: requests,
    rejected requests, latency mean and p99, share of time over the
    objective, mean ready replicas, scale events) and service_replicas (the
    replicas each service asked for, one row per change: service, t_s,
    replicas); None without services. node_series (scenario node_series:
    true): a dict of DataFrames (cpu_alloc_milli, cpu_used_milli,
    gpu_alloc_milli, gpu_used_milli), indexed like timeseries, one column per
    node; else None.

    timeseries is indexed by simulated time in seconds (t_s); jobs has one row
    per job. Build one with capsim.run or capsim.read_results."""

    def __init__(self, summary, timeseries, jobs, meta, core=None, wall_s=None, cost=None, services=None,
                 service_replicas=None, node_series=None):
        self.summary = summary
        self.node_series = node_series
        self.services = services
        self.service_replicas = service_replicas
        self.timeseries = timeseries
        self.jobs = jobs
        self.meta = meta
        self.wall_s = wall_s
        self.cost = cost
        self.label = None  # how plots name the run; None: "policy (seed N)"
        self._core = core

    @property
    def policy(self):
        return self.summary.get("policy")

    def __repr__(self):
        s = self.summary
        return (f"<capsim.Results policy={s.get('policy')} seed={s.get('seed')} jobs={s.get('jobs_in_workload')} "
                f"placed={s.get('jobs_placed')}>")

    def to_hdf5(self, path):
        """Writes results.h5 (the CLI's layout) and, beside it, the summary JSON."""
        if self._core is None:
            raise ValueError("to_hdf5: these results were read from a file; copy the file instead")
        path = os.fspath(path)
        self._core.write_h5(path)
        stem = path[:-3] if path.endswith(".h5") else path
        self._core.write_summary(stem + ".summary.json")


def _timeseries_frame(columns):
    t = columns.pop("t_us")
    index = pd.Index(np.asarray(t) / 1e6, name="t_s")
    return pd.DataFrame(columns, index=index, copy=False)


def _jobs_frame(columns):
    state_names = columns.pop("state_names")
    team_names = columns.pop("team_names", None)
    source_names = columns.pop("source_names", None)
    df = pd.DataFrame(columns, copy=False)
    df["state"] = pd.Categorical.from_codes(np.asarray(df["state"]), categories=list(state_names))
    for col, names in (("team", team_names), ("source", source_names)):
        if names is not None and col in df:
            # Labels may repeat (two sources from files of one name): categories must be unique.
            unique = list(dict.fromkeys(names))
            codes = np.asarray([unique.index(n) for n in names], dtype=np.int64)[np.asarray(df[col])] if len(names) \
                else np.asarray(df[col])
            df[col] = pd.Categorical.from_codes(codes, categories=unique)
    return df


def _services_frames(columns):
    if columns is None:
        return None, None
    history = columns.pop("history")
    names = list(columns["name"])
    table = pd.DataFrame(columns).set_index("name")
    table["scale_events"] = table["scale_events"].astype(np.int64)
    service = np.asarray(history["service"])
    replicas = pd.DataFrame({"service": pd.Categorical.from_codes(service, categories=names),
                             "t_s": np.asarray(history["t_us"]) / 1e6, "replicas": np.asarray(history["replicas"])})
    return table, replicas


def _node_frames(columns, index):
    if columns is None:
        return None
    nodes = list(columns.pop("node"))
    return {k: pd.DataFrame(np.asarray(v), index=index, columns=nodes) for k, v in columns.items()}


def _from_core(core):
    summary = json.loads(core.summary_json())
    cost = core.cost()
    services, replicas = _services_frames(core.services())
    timeseries = _timeseries_frame(dict(core.timeseries()))
    node_series = _node_frames(core.node_series(), timeseries.index)
    return Results(summary, timeseries, _jobs_frame(dict(core.jobs())),
                   dict(core.meta()), core=core, wall_s=core.wall_s, cost=Cost(cost) if cost is not None else None,
                   services=services, service_replicas=replicas, node_series=node_series)


def load_scenario(path_or_dict, base_dir=None):
    """A scenario from a .json/.textproto file, or from a dict in the same schema
    (relative paths in a dict resolve against base_dir, default the working directory)."""
    if isinstance(path_or_dict, dict):
        return _core.scenario_from_json(json.dumps(path_or_dict), os.fspath(base_dir or os.getcwd()))
    path = os.fspath(path_or_dict)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: cannot open scenario file")
    return _core.load_scenario(path)


def scenario_from_traces(nodes, pods, node_memory_gib=None, seed=1, **options):
    """The scenario `capsim run --nodes NODES --pods PODS` builds. options: any
    top-level scenario field (sample_interval_s, max_wait_s, horizon_s, queue, ...)."""
    trace = {"path": os.path.abspath(os.fspath(nodes))}
    if node_memory_gib:
        trace["default_memory_gib"] = node_memory_gib
    d = {"name": "trace-replay", "seed": seed, "fleet": {"nodes": [{"trace": trace}]},
         "workloads": [{"trace": {"path": os.path.abspath(os.fspath(pods))}}]}
    d.update(options)
    return load_scenario(d)


class PlacementPolicy:
    """Subclass to write a placement policy in Python; the C++ engine runs it.

    Override score(job, node, cluster) (lower is better; the engine's filter has
    already checked the job fits) or place(job_index, job, cluster) for full
    control. gpu_choice picks the GPU(s) on the chosen node: "tightest",
    "loosest" or "lowest". Ties go to the lowest node index, as in C++."""

    gpu_choice = "tightest"

    def score(self, job, node, cluster):
        raise NotImplementedError("override score() or place()")

    def place(self, job_index, job, cluster):
        best, best_score = None, None
        for node in cluster.feasible_nodes(job):
            s = self.score(job, int(node), cluster)
            if best is None or s < best_score:
                best, best_score = int(node), s
        if best is None:
            return None
        return best, cluster.choose_gpus(best, job, self.gpu_choice)


def run(scenario, policy=None, seed=None, params=None, name=None, workload_seed=None, label=None):
    """Runs one policy and returns Results, as `capsim run` does.

    policy: a registered name or spec ("best-fit:w_gpu=0"), or a
    PlacementPolicy instance; None runs the scenario's own placement policy
    (best-fit when it names none), with the scenario's parameters. params win
    over both. seed: the run's seed (default: the scenario's); it roots every
    random stream, synthetic workloads included, unless workload_seed pins
    the workload (the scenario field of that name). label: how plots name
    the run (default "policy (seed N)"), e.g. the fleet size when runs of
    different scenarios are drawn together."""
    if workload_seed is not None:
        scenario = scenario.with_workload_seed(int(workload_seed))
    if isinstance(policy, PlacementPolicy):
        core = _core.run(scenario, name or type(policy).__name__, {}, seed, policy)
    else:
        core = _core.run(scenario, policy or "", {k: str(v) for k, v in (params or {}).items()}, seed, None)
    r = _from_core(core)
    r.label = label
    return r


def compare(scenario, policies=None, seeds=None, threads=0, workload_seed=None):
    """Runs every (policy, seed) side by side on TBB, with the GIL released,
    as `capsim compare` does. policies: specs (default: every policy worth
    comparing on the fleet: the spot policies only where it has spot pools);
    seeds: default the scenario's; each seed draws its own synthetic workload
    unless workload_seed pins it. Returns a list of Results in the order
    policies x seeds."""
    if workload_seed is not None:
        scenario = scenario.with_workload_seed(int(workload_seed))
    seeds = [int(s) for s in seeds] if seeds is not None else []
    return [_from_core(c) for c in _core.compare(scenario, list(policies or []), seeds, threads)]


def policies():
    """The registered policies: a DataFrame of name and description."""
    return pd.DataFrame(_core.policies(), columns=["name", "description"])


def read_trace(path, kind="pods", node_memory_gib=0.0, skip_bad_rows=False):
    """A trace file read by the C++ readers (same checks and errors), as a DataFrame.
    kind: "pods" (openb pod list) or "nodes" (openb or alibaba-spot-v2026 node list)."""
    path = os.fspath(path)
    cols = dict(_core.read_trace(path, kind, node_memory_gib, skip_bad_rows))
    skipped = cols.pop("rows_skipped")
    df = pd.DataFrame(cols)
    if kind == "pods":
        df.insert(1, "submit_s", df.pop("submit_us") / 1e6)
        df.insert(2, "duration_s", df.pop("duration_us") / 1e6)
    df.attrs["rows_skipped"] = skipped
    return df


def jobs_from_dataframe(df):
    """A job table from a DataFrame with columns submit_s, duration_s, cpu_milli,
    memory_mib, num_gpu, gpu_milli and optionally name and gpu_spec (as
    read_trace returns). Use with scenario.with_jobs(...)."""
    missing = [c for c in ["submit_s", "duration_s", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli"]
               if c not in df.columns]
    if missing:
        raise KeyError(f"jobs DataFrame: missing columns {missing}")
    n = len(df)
    names = df["name"].astype(str).tolist() if "name" in df.columns else [f"job-{i}" for i in range(n)]
    spec = df["gpu_spec"].fillna("").astype(str).tolist() if "gpu_spec" in df.columns else [""] * n
    return _core.jobs_from_columns(names, df["submit_s"].astype(float).tolist(),
                                   df["duration_s"].astype(float).tolist(),
                                   df["cpu_milli"].astype("int64").tolist(), df["memory_mib"].astype("int64").tolist(),
                                   df["num_gpu"].astype("int64").tolist(), df["gpu_milli"].astype("int64").tolist(),
                                   spec)


def read_results(path):
    """Results from a results.h5 written by the CLI or by Results.to_hdf5."""
    import h5py
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such results file")
    with h5py.File(path, "r") as f:
        for group in ["meta", "timeseries", "jobs", "summary"]:
            if group not in f:
                raise ValueError(f"{path}: not a capsim results file (no /{group})")
        meta = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f["meta"].attrs.items()}
        summary = {"capsim_version": meta.get("capsim_version"), "policy": meta.get("policy"),
                   "policy_params": json.loads(meta.get("policy_params_json") or "{}"), "seed": int(meta["seed"])}
        for k, v in f["summary"].attrs.items():
            summary[k] = v.item() if hasattr(v, "item") else v
        ts_order = f["timeseries"].attrs.get("columns", ",".join(k for k in f["timeseries"] if k != "t")).split(",")
        ts = {k: f["timeseries"][k][:] for k in ["t"] + ts_order}
        jobs_order = f["jobs"].attrs.get("columns", ",".join(f["jobs"])).split(",")
        jobs = {k: f["jobs"][k][:] for k in jobs_order if k != "name"}
        jobs_names = f["jobs"]["name"].asstr()[:]
        state_names = f["jobs"].attrs["state_names"].split(",")
        team_names = list(f["jobs_labels"]["team"].asstr()[:]) if "jobs_labels" in f else None
        source_names = list(f["jobs_labels"]["source"].asstr()[:]) if "jobs_labels" in f else None
        priced = "cost" in f
        node_columns = None
        if "timeseries_nodes" in f:
            g = f["timeseries_nodes"]
            node_columns = {"node": list(g["node"].asstr()[:])}
            for k in ["cpu_alloc_milli", "cpu_used_milli", "gpu_alloc_milli", "gpu_used_milli"]:
                node_columns[k] = g[k][:]
        service_columns = None
        if "services" in f:
            g = f["services"]
            service_columns = {"name": list(g["name"].asstr()[:]), "team": list(g["team"].asstr()[:])}
            for k in g.attrs["columns"].split(",")[2:]:
                service_columns[k] = g[k][:]
            h = f["service_replicas"]
            service_columns["history"] = {"service": h["service"][:], "t_us": h["t"][:], "replicas": h["replicas"][:]}
    t = ts.pop("t")
    order = list(ts)
    timeseries = pd.DataFrame({k: ts[k] for k in order}, index=pd.Index(t / 1e6, name="t_s"))
    jobs_cols = {"name": jobs_names}
    jobs_cols.update(jobs)
    jobs_cols["state_names"] = state_names
    jobs_cols["team_names"] = team_names
    jobs_cols["source_names"] = source_names
    services, replicas = _services_frames(service_columns)
    return Results(summary, timeseries, _jobs_frame(jobs_cols), meta,
                   cost=Cost(_core.read_cost(path)) if priced else None, services=services, service_replicas=replicas,
                   node_series=_node_frames(node_columns, timeseries.index))


def inflate(scenario, policies=("random", "dot-product", "gpu-packing", "gpu-clustering", "best-fit", "fgd"),
            repeats=10, target=1.3, threads=0, protocol="capsim"):
    """The workload-inflation experiment (as `capsim inflate`): one row per
    (policy, seed, point) with arrived_share, gpu_alloc_ratio,
    fragmentation_gpus, fragmentation_share, failed_pods and unallocated_gpus.

    A policy may carry parameters, as on the command line:
    "best-fit:w_cpu=0:w_mem=0". df.attrs["unallocated_by_cause"] holds,
    per (policy, seed), the GPUs left free at the end by why the target
    workload cannot use them (columns as in `capsim inflate`; they sum to
    the unallocated GPUs). df.attrs["summary"] holds the per-policy figures
    `capsim inflate` prints and writes to summary.json (the same numbers).

    protocol="fgd-sim" runs the FGD paper's reference simulator instead (as
    `capsim inflate --protocol fgd-sim`): its arrival protocol, its six
    integer-scored policies and its fragmentation measure; points are whole
    percents, each the mean over the pods that arrived at it."""
    out = _core.inflate(scenario, list(policies), int(repeats), float(target), int(threads), str(protocol))
    runs = out["runs"]
    frames = []
    causes = pd.DataFrame([{"policy": r["policy"], "seed": r["seed"], **r["unallocated_gpus_end_by_cause"]}
                           for r in runs])
    for r in runs:
        n = len(r["arrived_share"])
        frames.append(pd.DataFrame({
            "policy": [r["policy"]] * n, "seed": np.full(n, r["seed"], dtype=np.uint64),
            "arrived_share": r["arrived_share"], "gpu_alloc_ratio": r["gpu_alloc_ratio"],
            "fragmentation_gpus": r["fragmentation_gpus"], "fragmentation_share": r["fragmentation_share"],
            "failed_pods": r["failed_pods"],
            "unallocated_gpus": (1.0 - r["gpu_alloc_ratio"]) * r["gpus"]}))
    df = pd.concat(frames, ignore_index=True)
    df.attrs["unallocated_by_cause"] = causes
    df.attrs["summary"] = pd.DataFrame(out["summary"]).set_index("policy")
    return df


def deadline_spot(capacity_csv, work_h=48.0, deadline_h=60.0, overhead_h=0.2, spot_price=0.9731,
                  on_demand_price=3.06, starts=1000, offsets_h=None, nodes=1,
                  policies=("on-demand", "spot-only", "spot-fallback", "greedy", "uniform-progress"), threads=0):
    """One deadline-bound batch job on a spot capacity series (as `capsim
    deadline-spot`; the model of "Can't Be Late", NSDI'24): one row per
    (start offset, policy) with finished, finish_h, met, cost_usd, spot_h,
    on_demand_h, starts, preemptions and first_on_demand_h (-1: never).
    df.attrs["summary"] holds the per-policy figures the command prints.
    Offsets are `starts` even steps over the series' period unless
    offsets_h lists them."""
    out = _core.deadline_spot(os.fspath(capacity_csv), int(nodes), float(work_h), float(deadline_h),
                              float(overhead_h), float(spot_price), float(on_demand_price), int(starts),
                              [float(h) for h in (offsets_h or [])], list(policies), int(threads))
    df = pd.DataFrame(out["runs"])
    df.attrs["summary"] = pd.DataFrame(out["summary"]).set_index("policy")
    return df


def _sweep_spec(spec, base_dir):
    if isinstance(spec, (str, os.PathLike)):
        path = os.fspath(spec)
        with open(path) as f:
            text = f.read()
        if not path.endswith(".json"):
            raise ValueError(f"{path}: capsim.sweep reads JSON specs (the CLI reads text format too)")
        return text, base_dir or os.path.dirname(os.path.abspath(path)), path
    return json.dumps(spec), os.fspath(base_dir or os.getcwd()), "<sweep dict>"


def _sweep_frame(csv_text):
    import io
    return pd.read_csv(io.StringIO(csv_text), float_precision="round_trip")


def sweep(spec, out=None, threads=0, shard=None, client=None, base_dir=None):
    """A what-if sweep (schema sim/io/sweep.proto; the same as `capsim sweep`): every point of the spec
    (a .json path or a dict) run like `capsim run`, one row per run: the axes, policy, seed, wall_s and
    every summary key. Returns a DataFrame; with a goal, df.attrs["goal"] holds the smallest passing
    value per group.

    out: a directory kept like the CLI's (resume, sweep.csv, sweep.h5); shard=(i, n): points i, i+n, ...
    client: a dask.distributed Client; the points run on its workers (one task per point; a goal's
    bisection sends one round of points at a time) and the table is the same, row for row, as the local
    run; out (resume) and shard work the same with a client."""
    text, base, origin = _sweep_spec(spec, base_dir)
    remote = None
    if client is not None:
        def remote(indices):  # one task per point; the bisection, resume and files stay here
            futures = client.map(_sweep_point_task, [text] * len(indices), [base] * len(indices),
                                 [origin] * len(indices), list(indices), pure=False)
            return client.gather(futures)
    i, n = shard if shard is not None else (0, 1)
    got = _core.sweep(text, base, origin, os.fspath(out) if out is not None else "", threads, i, n, remote)
    df = _sweep_frame(got["csv"])
    if got["goal"]:
        df.attrs["goal"] = [(list(g), v or None) for g, v in got["goal"]]
    return df


def _sweep_point_task(text, base, origin, index):
    from capsim import _core as core  # on the worker
    return core.sweep_point(text, base, origin, index)
