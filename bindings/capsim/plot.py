"""Plots of capsim results with matplotlib: one figure, several policies."""
import numpy as np


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=(8, 4))
    return ax


_STYLES = ["-", "--", "-.", ":"]


def _label(r):
    """A run's display label: its own (Results.label), else policy and seed."""
    return getattr(r, "label", None) or f"{r.summary['policy']} (seed {r.summary['seed']})"


def _distinct_series(results, metric):
    """Results grouped by identical series: identical runs draw one line with their labels joined, so that
    four policies that place alike do not hide each other."""
    groups = []
    for r in results:
        values = r.timeseries[metric].to_numpy()
        for g in groups:
            if len(g[0]) == len(values) and (g[0] == values).all():
                g[1].append(r)
                break
        else:
            groups.append((values, [r]))
    return [(members[0], " = ".join(_label(m) for m in members)) for _, members in groups]


def _legend_outside(ax):
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)


def utilization(results, metric="gpu_milli_alloc_frac", ax=None, hours=True):
    """Allocated share over simulated time, one line per distinct result (identical runs share a line and
    a joined label); distinct colours and line styles; the legend outside the data."""
    ax = _axes(ax)
    for k, (r, label) in enumerate(_distinct_series(results, metric)):
        ts = r.timeseries
        x = ts.index / 3600.0 if hours else ts.index
        ax.plot(x, ts[metric], label=label, lw=1.2, linestyle=_STYLES[(k // 10) % len(_STYLES)],
                color=f"C{k % 10}")
    ax.set_xlabel("simulated time (h)" if hours else "simulated time (s)")
    ax.set_ylabel(metric)
    _legend_outside(ax)
    return ax


def queueing_delay(results, ax=None):
    """Distribution of job waits: the share of started jobs that waited at most x seconds."""
    ax = _axes(ax)
    for r in results:
        w = np.sort(r.jobs.wait_us[r.jobs.wait_us >= 0].to_numpy() / 1e6)
        if len(w) == 0:
            continue
        ax.step(np.maximum(w, 1e-3), np.arange(1, len(w) + 1) / len(w), where="post", label=_label(r))
    ax.set_xscale("log")
    ax.set_xlabel("wait (s, log; 0 shown at 1 ms)")
    ax.set_ylabel("share of started jobs")
    _legend_outside(ax)
    return ax


def inflation(curves, ax=None, y="unallocated_gpus"):
    """Inflation-experiment curves (capsim.inflate's DataFrame): mean over seeds per policy."""
    ax = _axes(ax)
    for policy, g in curves.groupby("policy", sort=False):
        m = g.groupby("arrived_share")[y].agg(["mean", "std"])
        ax.plot(100 * m.index, m["mean"], label=policy)
        ax.fill_between(100 * m.index, m["mean"] - m["std"].fillna(0), m["mean"] + m["std"].fillna(0), alpha=0.2)
    ax.set_xlabel("arrived GPU requests (% of capacity)")
    ax.set_ylabel(y)
    ax.legend(fontsize="small")
    return ax


def comparison(results, path=None):
    """The comparison figure: one panel per metric (GPU, CPU and memory allocation over time, and the
    distribution of waits), identical runs drawn once, legends outside the data."""
    # The backend stays the caller's: a notebook that saves a figure still shows the next ones.
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(4, 1, figsize=(11, 13))
    utilization(results, "gpu_milli_alloc_frac", ax=axes[0])
    utilization(results, "cpu_alloc_frac", ax=axes[1])
    utilization(results, "memory_alloc_frac", ax=axes[2])
    queueing_delay(results, ax=axes[3])
    for ax, title in zip(axes, ["GPU allocated (share of GPU milli)", "CPU allocated", "memory allocated",
                                "waits of started jobs"]):
        ax.set_title(title, fontsize="medium", loc="left")
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=100, bbox_inches="tight")
        plt.close(fig)
    return fig


def cost(results, by="pool", ax=None, cumulative=True, days=True):
    """Cost over simulated time from the ledger, one line per pool (or provider,
    gpu_model, team), for one priced result; cumulative by default."""
    ax = _axes(ax)
    c = results.cost
    if c is None:
        raise ValueError("cost: this run was not priced (give the scenario a cost section)")
    df = c.ledger
    wide = df.groupby(["t_s", by], observed=True)["cost"].sum().unstack(by).fillna(0.0)
    if cumulative:
        wide = wide.cumsum()
    x = wide.index / (86400.0 if days else 3600.0)
    for col in wide.columns:
        ax.plot(x, wide[col], label=str(col))
    ax.set_xlabel("simulated time (days)" if days else "simulated time (h)")
    ax.set_ylabel(("cumulative cost" if cumulative else "cost per window") + f" ({c.currency})")
    ax.legend(fontsize="small", title=by)
    return ax


def tco(results, ax=None):
    """The TCO projection: cumulative cost by month for each option priced."""
    ax = _axes(ax)
    c = results.cost
    if c is None or c.tco is None:
        raise ValueError("tco: this run was not priced")
    for col in c.tco.columns:
        ax.plot(c.tco.index, c.tco[col], label=col)
    if c.breakeven_month is not None:
        ax.axvline(c.breakeven_month, color="grey", ls=":", label=f"owned break-even: month {c.breakeven_month:.0f}")
    ax.set_xlabel("month")
    ax.set_ylabel(f"cumulative cost ({c.currency})")
    ax.legend(fontsize="small")
    return ax


def daily_margin(results, ax=None, by=None):
    """Unit economics by simulated day (`capsim cost --by day`): the bill, the revenue of the requests
    served and the margin between them. by="provider" or by="service": one margin line per cloud
    (`--by provider-day`) or per service (`--by service-day`: its replicas' charges against its revenue)."""
    ax = _axes(ax)
    c = results.cost
    if c is None:
        raise ValueError("daily_margin: this run was not priced")
    if by not in (None, "provider", "service"):
        raise ValueError(f"daily_margin: by must be None, 'provider' or 'service', got {by!r}")
    t = c.table("day")
    if t["revenue_" + c.currency].isna().all():
        raise ValueError("daily_margin: no service has revenue_per_request")
    if by is not None:
        per = c.table(by + "-day")
        for name, rows in per.groupby(by, sort=False):
            ax.plot(rows.index.astype(int), rows["margin_" + c.currency], marker="o", label=f"margin, {name}")
    else:
        days = t.index.astype(int)
        ax.bar(days, t["bill_" + c.currency], color="lightgrey", label="bill")
        ax.plot(days, t["revenue_" + c.currency], marker="o", label="revenue")
        ax.plot(days, t["margin_" + c.currency], marker="s", label="margin")
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_xlabel("day")
    ax.set_ylabel(c.currency)
    ax.legend(fontsize="small")
    return ax


def preemptions(results, ax=None, days=True):
    """The preemption curve: jobs interrupted per sample interval (and, on a
    second axis, cumulative lost GPU-hours), one line per result."""
    ax = _axes(ax)
    ax2 = ax.twinx()
    for r in results:
        ts = r.timeseries
        if "job_interruptions" not in ts:
            raise ValueError("preemptions: results without interruption columns (written by an older capsim?)")
        x = ts.index / (86400.0 if days else 3600.0)
        line, = ax.step(x, ts["job_interruptions"], where="post", lw=1, label=r.summary["policy"])
        ax2.plot(x, ts["lost_gpu_hours"], ls="--", lw=1, color=line.get_color())
    ax.set_xlabel("simulated time (days)" if days else "simulated time (h)")
    ax.set_ylabel("jobs interrupted per sample")
    ax2.set_ylabel("lost GPU-hours, cumulative (dashed)")
    ax.legend(fontsize="small")
    return ax


def used_vs_allocated(result, resource="cpu", ax=None, hours=True):
    """Allocated and used share of the fleet over simulated time for one run (resource "cpu", "memory" or
    "gpu"): the gap between the two lines is what pods hold but do not use."""
    ax = _axes(ax)
    ts = result.timeseries
    alloc = {"cpu": "cpu_alloc_frac", "memory": "memory_alloc_frac", "gpu": "gpu_milli_alloc_frac"}[resource]
    used = f"{resource}_used_frac"
    x = ts.index / 3600.0 if hours else ts.index
    ax.plot(x, ts[alloc], label=f"{resource} allocated (requests)", lw=1.2)
    ax.plot(x, ts[used], label=f"{resource} used", lw=1.2)
    ax.fill_between(x, ts[used], ts[alloc], alpha=0.15, label="held, not used")
    ax.set_xlabel("simulated time (h)" if hours else "simulated time (s)")
    ax.set_ylabel("share of the fleet")
    ax.set_ylim(0, max(0.05, float(ts[alloc].max()) * 1.15))
    ax.legend(fontsize="small", loc="upper left")
    return ax


def nodes_held(result, ax=None, hours=True, pools=None):
    """Nodes held per pool over simulated time (what elastic pools grew and shrank to), stacked."""
    ax = _axes(ax)
    ts = result.timeseries
    columns = [c for c in ts.columns if c.startswith("nodes_held.")]
    if pools is not None:
        columns = [f"nodes_held.{p}" for p in pools]
    x = ts.index / 3600.0 if hours else ts.index
    ax.stackplot(x, [ts[c] for c in columns], labels=[c[len("nodes_held."):] for c in columns], step="post",
                 alpha=0.8)
    ax.set_xlabel("simulated time (h)" if hours else "simulated time (s)")
    ax.set_ylabel("nodes held")
    ax.legend(fontsize="small", loc="upper left")
    return ax


def tide(result, resource="cpu", ax=None, by_hour_of_day=True):
    """The daily tide of a co-location run: used capacity stacked by class (the tiers' labels) over the
    hour of the day (mean over days; by_hour_of_day=False: over simulated time), with the Batch offer
    and what Batch pods took drawn as lines (CPU only)."""
    ax = _axes(ax)
    ts = result.timeseries
    columns = [c for c in ts.columns if c.startswith(f"{resource}_used_frac.") and ts[c].max() > 0]
    if not columns:
        raise ValueError("tide: this run has no per-class usage columns (tiers or a colocation section)")
    extra = [c for c in ("batch_cpu_offered_frac", "batch_cpu_taken_frac") if resource == "cpu" and c in ts]
    frame = ts[columns + extra]
    if by_hour_of_day:
        frame = frame.groupby(np.floor((ts.index / 3600.0) % 24)).mean()
        x, xlabel = frame.index, "hour of the simulated day (mean over days)"
    else:
        x, xlabel = ts.index / 3600.0, "simulated time (h)"
    ax.stackplot(x, [frame[c] for c in columns], labels=[c.split(".", 1)[1] + " used" for c in columns], alpha=0.8,
                 step="post" if not by_hour_of_day else None)
    for c, style in zip(extra, ["--", ":"]):
        ax.plot(x, frame[c], color="black", ls=style, lw=1.2, label=c.replace("_frac", "").replace("_", " "))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(f"share of the fleet's {resource.upper()}")
    ax.set_ylim(bottom=0)
    _legend_outside(ax)
    return ax
