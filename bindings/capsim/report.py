"""One self-contained HTML page for a run, a compare, an inflation or a sweep (`capsim report`).

Figures are matplotlib PNGs embedded as data URIs and the styles are inline, so the page opens with no
network. A small script checks on load that every figure decoded and records the count in the body's
data attributes (tests read them from a headless browser)."""
import base64
import html
import io
import os

import numpy as np
import pandas as pd

from . import _api, plot

# Summary keys a reader looks for first, in this order; present ones only.
_RUN_KEYS = [
    ("jobs_submitted", "jobs submitted"), ("jobs_completed", "jobs completed"),
    ("jobs_never_placed", "jobs never placed"), ("jobs_gave_up", "jobs gave up"),
    ("alloc_gpu_milli_mean", "GPU allocated, mean"), ("gpu_used_mean", "GPU used, mean"),
    ("alloc_cpu_mean", "CPU allocated, mean"), ("cpu_used_mean", "CPU used, mean"),
    ("alloc_memory_mean", "memory allocated, mean"),
    ("wait_mean_s", "wait mean (s)"), ("wait_p95_s", "wait p95 (s)"), ("wait_p99_s", "wait p99 (s)"),
    ("wait_max_s", "wait max (s)"), ("warmup_s", "warm-up cut (s)"),
    ("node_notices", "spot notices"), ("job_interruptions", "job interruptions"), ("lost_gpu_hours", "lost GPU-hours"),
    ("cost_total", "cost, total"), ("cost_idle_share", "cost idle share"),
    ("cost_per_completed_job", "cost per completed job"), ("tco_as_run", "TCO as run"),
]


class ReportError(ValueError):
    """Bad input to the report: a path that is not capsim output."""


def _png(fig):
    import matplotlib.pyplot as plt
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _figure(fig, caption):
    return (f'<figure><img alt="{html.escape(caption)}" src="{_png(fig)}">'
            f'<figcaption>{html.escape(caption)}</figcaption></figure>')


def _table(df, caption=None, float_format="{:,.4g}"):
    def cell(v):
        if isinstance(v, (float, np.floating)):
            if np.isnan(v):
                return ""
            return f"{v:,.0f}" if float(v).is_integer() and abs(v) < 1e15 else float_format.format(v)
        if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
            return f"{v:,}"
        return html.escape(str(v))
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in [df.index.name or ""] + list(df.columns))
    rows = "".join("<tr><th>" + html.escape(str(i)) + "</th>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>"
                   for i, row in zip(df.index, df.itertuples(index=False)))
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f'<div class="scroll"><table>{cap}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>'


def _subplots(n, height=3.2):
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(n, 1, figsize=(10, height * n), squeeze=False)
    return fig, list(axes[:, 0])


# ---- what a path is -------------------------------------------------------------------------------------

def classify(path):
    """(kind, payload) for one path: "runs" (a results.h5, a run's directory or a compare's), "inflation"
    (inflation.h5 or its directory) or "sweep" (a sweep's directory or its sweep.csv)."""
    p = os.fspath(path)
    if not os.path.exists(p):
        raise ReportError(f"{p}: no such file or directory")
    if os.path.isdir(p):
        if os.path.exists(os.path.join(p, "sweep.csv")):
            return "sweep", p
        if os.path.exists(os.path.join(p, "inflation.h5")):
            return "inflation", os.path.join(p, "inflation.h5")
        if os.path.exists(os.path.join(p, "results.h5")):
            return "runs", [os.path.join(p, "results.h5")]
        runs = sorted(os.path.join(p, d, "results.h5") for d in os.listdir(p)
                      if os.path.exists(os.path.join(p, d, "results.h5")))
        if runs:
            return "runs", runs
        raise ReportError(f"{p}: not capsim output (no results.h5, sweep.csv or inflation.h5 in it)")
    name = os.path.basename(p)
    if name == "sweep.csv":
        return "sweep", os.path.dirname(p) or "."
    if name.endswith(".h5"):
        import h5py
        try:
            with h5py.File(p, "r") as f:
                if "summary" in f and "timeseries" in f:
                    return "runs", [p]
                if "arrived_share" in f:
                    return "inflation", p
        except OSError as e:
            raise ReportError(f"{p}: not an HDF5 file ({e})") from None
    raise ReportError(f"{p}: not capsim output (a results.h5, inflation.h5, sweep.csv or their directory)")


# ---- runs (run, compare) --------------------------------------------------------------------------------

def _label_runs(results, paths):
    labels = [f"{r.summary['policy']} (seed {r.summary['seed']})" for r in results]
    if len(set(labels)) < len(labels):  # same policy and seed from different scenarios: name the directory
        labels = [f"{lab}, {os.path.basename(os.path.dirname(os.path.abspath(p)))}" for lab, p in zip(labels, paths)]
    for r, lab in zip(results, labels):
        r.label = r.label or lab
    return results


def _runs_section(paths):
    try:
        results = _label_runs([_api.read_results(p) for p in paths], paths)
    except (OSError, ValueError, KeyError) as e:
        raise ReportError(str(e)) from None
    out = []
    keys = [(k, t) for k, t in _RUN_KEYS if any(k in r.summary for r in results)]
    table = pd.DataFrame({r.label: [r.summary.get(k, np.nan) for k, _ in keys] for r in results},
                         index=pd.Index([t for _, t in keys], name="metric"))
    out.append(_table(table, "summary (summary.json of each run)"))
    groups = sorted({k for r in results for k in r.summary
                     if k.endswith(".wait_p95_s") and k.split(".")[0] in ("shape", "team", "source")})
    if groups:
        g = pd.DataFrame({r.label: [r.summary.get(k, np.nan) for k in groups] for r in results},
                         index=pd.Index([k[:-len(".wait_p95_s")] for k in groups], name="group"))
        out.append(_table(g, "wait p95 (s) per job shape, team and workload source"))

    # Utilization: one panel per resource, allocated solid and used dashed, identical runs drawn once.
    panels = [("gpu_milli_alloc_frac", "gpu_used_frac", "GPU"), ("cpu_alloc_frac", "cpu_used_frac", "CPU"),
              ("memory_alloc_frac", "memory_used_frac", "memory")]
    fig, axes = _subplots(len(panels))
    for ax, (alloc, used, name) in zip(axes, panels):
        for k, (r, label) in enumerate(plot._distinct_series(results, alloc)):
            ts = r.timeseries
            ax.plot(ts.index / 3600, ts[alloc], color=f"C{k % 10}", lw=1.2, label=f"{label}: allocated")
            if used in ts and not np.allclose(ts[used], ts[alloc]):
                ax.plot(ts.index / 3600, ts[used], color=f"C{k % 10}", lw=1.0, ls="--", label=f"{label}: used")
        ax.set_title(f"{name}: share of the fleet allocated (solid) and used (dashed)", loc="left", fontsize="medium")
        ax.set_xlabel("simulated time (h)")
        ax.set_ylim(bottom=0)
        plot._legend_outside(ax)
    fig.tight_layout()
    out.append(_figure(fig, "utilization over simulated time"))

    fig, axes = _subplots(1)
    plot.queueing_delay(results, ax=axes[0])
    axes[0].set_title("waits of started jobs (cumulative share)", loc="left", fontsize="medium")
    out.append(_figure(fig, "wait distribution"))

    interrupted = [r for r in results if "job_interruptions" in r.timeseries and r.timeseries["job_interruptions"].sum() > 0]
    if interrupted:
        fig, axes = _subplots(1)
        plot.preemptions(interrupted, ax=axes[0])
        for line, r in zip(axes[0].get_lines(), interrupted):
            line.set_label(r.label)
        plot._legend_outside(axes[0])
        axes[0].set_title("interruptions per sample and lost GPU-hours", loc="left", fontsize="medium")
        out.append(_figure(fig, "preemption curve"))

    priced = [r for r in results if r.cost is not None]
    if priced:
        for by in ("pool", "team"):
            frames = {}
            for r in priced:
                t = r.cost.table(by=by)
                col = "bill_" + r.cost.currency if by == "pool" else "charge_" + r.cost.currency
                frames[r.label] = t[col].drop(index=[i for i in t.index if str(i).startswith("(total")
                                                     or str(i) == "(bill)"], errors="ignore")
            df = pd.DataFrame(frames).fillna(0.0)
            fig, axes = _subplots(1, height=0.5 + 0.45 * max(2, len(df.index)) * max(1, len(priced)) / 2)
            df.plot.barh(ax=axes[0])
            axes[0].set_xlabel(f"cost over the run ({priced[0].cost.currency})")
            axes[0].set_title(f"cost by {by}" + (" ((idle): held by no job)" if by == "team" else ""),
                              loc="left", fontsize="medium")
            plot._legend_outside(axes[0])
            out.append(_figure(fig, f"cost by {by}"))
        with_tco = [r for r in priced if r.cost.tco is not None]
        if with_tco:
            fig, axes = _subplots(1)
            k = 0
            for r in with_tco:
                for col in r.cost.tco.columns:
                    axes[0].plot(r.cost.tco.index, r.cost.tco[col], color=f"C{k % 10}",
                                 ls=plot._STYLES[(k // 10) % 4], label=f"{r.label}: {col}")
                    k += 1
            axes[0].set_xlabel("month")
            axes[0].set_ylabel(f"cumulative cost ({with_tco[0].cost.currency})")
            axes[0].set_title("TCO: cumulative cost by month, as run and the priced alternatives", loc="left",
                              fontsize="medium")
            plot._legend_outside(axes[0])
            out.append(_figure(fig, "TCO curves"))
    tidal = [r for r in results if any(c.startswith("cpu_used_frac.") for c in r.timeseries.columns)]
    for r in tidal[:4]:
        fig, axes = _subplots(1)
        plot.tide(r, ax=axes[0])
        axes[0].set_title(f"the daily tide: CPU used by class, and the Batch offer ({r.label})", loc="left",
                          fontsize="medium")
        out.append(_figure(fig, "daily tide"))
    pools = [c for r in results for c in r.timeseries.columns if c.startswith("nodes_held.")]
    if pools and any(r.summary.get("nodes_acquired", 0) for r in results):
        fig, axes = _subplots(1)
        plot.nodes_held(results[0], ax=axes[0])
        axes[0].set_title(f"nodes held per pool ({results[0].label})", loc="left", fontsize="medium")
        out.append(_figure(fig, "nodes held"))
    return out


# ---- inflation -----------------------------------------------------------------------------------------

def _inflation_section(path):
    import h5py
    with h5py.File(path, "r") as f:
        share = f["arrived_share"][:]
        policies = [k for k in f if isinstance(f[k], h5py.Group)]
        curves = {p: {m: f[p][m][:] for m in ("gpu_alloc_ratio", "fragmentation_share") if m in f[p]} for p in policies}
    fig, axes = _subplots(2)
    for k, p in enumerate(policies):
        for ax, m in zip(axes, ("gpu_alloc_ratio", "fragmentation_share")):
            if m not in curves[p]:
                continue
            mean = curves[p][m].mean(axis=0)
            ax.plot(100 * share, mean, color=f"C{k % 10}", ls=plot._STYLES[(k // 10) % 4], label=p)
    axes[0].set_title("GPU allocation ratio (mean over seeds) as the workload inflates", loc="left", fontsize="medium")
    axes[1].set_title("fragmentation share of unallocated GPUs", loc="left", fontsize="medium")
    for ax in axes:
        ax.set_xlabel("arrived GPU requests (% of capacity)")
        plot._legend_outside(ax)
    fig.tight_layout()
    out = [_figure(fig, "inflation curves")]
    summary = os.path.join(os.path.dirname(path), "summary.json")
    if os.path.exists(summary):
        import json
        s = json.load(open(summary))
        rows = {p: {k: v for k, v in d.items() if not isinstance(v, dict)} for p, d in s.get("policies", {}).items()}
        out.insert(0, _table(pd.DataFrame(rows).T.rename_axis("policy"), "inflation summary (summary.json)"))
    return out


# ---- sweeps --------------------------------------------------------------------------------------------

def _sweep_section(directory, metrics=None):
    t = pd.read_csv(os.path.join(directory, "sweep.csv"))
    cols = list(t.columns)
    axes_names = cols[cols.index("hash") + 1:cols.index("policy")]
    goal_axis = goal_key = None
    goal_bound = None
    out = []
    goal_path = os.path.join(directory, "goal.csv")
    if os.path.exists(goal_path):
        g = pd.read_csv(goal_path)
        head = g.columns[-1]  # "smallest AXIS with KEY <= NUMBER"
        parts = head.split(" ")
        if len(parts) >= 6 and parts[0] == "smallest":
            goal_axis, goal_key, goal_bound = parts[1], parts[3], float(parts[5])
        out.append(_table(g.set_index(g.columns[0]), "goal: " + head))
    numeric_axes = [a for a in axes_names if pd.api.types.is_numeric_dtype(t[a])]
    x_axis = goal_axis or (numeric_axes[0] if numeric_axes else None)
    if metrics is None:
        metrics = [m for m in ("wait_p95_s", "alloc_gpu_milli_mean", "gpu_used_mean", "cost_total",
                               "jobs_never_placed") if m in t]
        if goal_key and goal_key not in metrics:
            metrics.insert(0, goal_key)
    others = [a for a in axes_names if a != x_axis] + ["policy"] + (["seed"] if t["seed"].nunique() > 1 else [])
    if x_axis is not None and metrics:
        fig, axs = _subplots(len(metrics))
        for ax, m in zip(axs, metrics):
            for k, (key, grp) in enumerate(t.groupby(others, sort=False) if others else [((), t)]):
                grp = grp.sort_values(x_axis)
                key = key if isinstance(key, tuple) else (key,)
                label = ", ".join(f"{n}={v}" if n != "policy" else str(v) for n, v in zip(others, key))
                ax.plot(grp[x_axis], grp[m], marker="o", ms=3, color=f"C{k % 10}",
                        ls=plot._STYLES[(k // 10) % 4], label=label or m)
            if m == goal_key and goal_bound is not None:
                ax.axhline(goal_bound, color="black", ls=":", lw=1.2, label=f"goal: {goal_key} {parts[4]} {goal_bound:g}")
            ax.set_xlabel(x_axis)
            ax.set_title(m, loc="left", fontsize="medium")
            plot._legend_outside(ax)
        fig.tight_layout()
        out.append(_figure(fig, f"metrics against {x_axis}"))
    shown = ["point"] + axes_names + ["policy", "seed"] + [m for m in metrics if m in t] + ["wall_s"]
    out.append(_table(t[shown].set_index("point"), f"every run of the sweep ({len(t)} rows; all keys in sweep.csv)"))
    return out


# ---- the page ------------------------------------------------------------------------------------------

_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1180px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;margin:12px 0;font-size:13px}caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}thead th{background:#f4f4f4}tbody th{text-align:left;font-weight:normal}
.scroll{overflow-x:auto}figure{margin:16px 0}figure img{max-width:100%}figcaption{color:#666;font-size:12px}.src{color:#666;font-size:12px}
"""

_CHECK = """
window.addEventListener('error', function (e) { document.body.dataset.errors = (document.body.dataset.errors || '') + e.message + ';'; });
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; });
  document.body.dataset.figures = imgs.length;
  document.body.dataset.rendered = ok.length;
});
"""


def _source(files):
    return (f'<p class="src">{len(files)} file(s): ' + ", ".join(html.escape(os.path.relpath(f)) for f in files) +
            "</p>")


def report(paths, out, title=None, metrics=None):
    """Writes one self-contained HTML page for capsim outputs (results.h5 files or directories of a run,
    a compare, an inflation or a sweep); several runs are compared on one page. Returns out."""
    import matplotlib
    matplotlib.use("Agg", force=False)
    if not paths:
        raise ReportError("no results given")
    kinds = [(classify(p), p) for p in paths]
    sections = []
    # Loose results.h5 files are compared on one section; a directory (a run, a compare) is its own.
    loose = [q for (kind, payload), p in kinds if kind == "runs" and not os.path.isdir(p) for q in payload]
    if loose:
        sections.append(("Runs", [_source(loose)] + _runs_section(loose)))
    for (kind, payload), p in kinds:
        if kind == "runs" and os.path.isdir(p):
            sections.append((f"Runs: {os.path.basename(os.path.abspath(p))}", [_source(payload)] + _runs_section(payload)))
        elif kind == "inflation":
            sections.append(("Inflation experiment", [_source([payload])] + _inflation_section(payload)))
        elif kind == "sweep":
            sections.append((f"Sweep: {os.path.basename(os.path.abspath(payload))}",
                             [_source([os.path.join(payload, "sweep.csv")])] + _sweep_section(payload, metrics)))
    title = title or "capsim report"
    version = getattr(_api._core, "__version__", "?")
    body = "".join(f"<h2>{html.escape(h)}</h2>" + "".join(parts) for h, parts in sections)
    page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
            f'<p class="src">capsim {html.escape(str(version))}; self-contained: opens with no network.</p>'
            f"{body}<script>{_CHECK}</script></body></html>")
    out = os.fspath(out)
    d = os.path.dirname(os.path.abspath(out))
    os.makedirs(d, exist_ok=True)
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(tmp, out)  # atomically: a reader never sees half a page
    return out
