#!/usr/bin/python3
"""Turns a SkyPilot spot-traces multi-node availability file into a capsim
spot capacity CSV (columns t_s,nodes; one row per change;
with --end-row, a last row at the trace's end, ticks x gap, repeating the last
count: the series' period for `capsim deadline-spot`. A spot pool's run keeps
going to its horizon while a capacity row is ahead, so scenarios' series are
written without it).

The files hold one value per tick of metadata.gap_seconds. Following the
paper's simulator (1 = not available / preempted; see
traces/skypilot-spot-v2023/SOURCE.md), a value v of an N-node file means N - v
instances could be held.

usage: skypilot_capacity_csv.py TRACE.json NODES OUT.csv [--end-row]
"""
import csv
import json
import os
import sys


def main():
    end_row = "--end-row" in sys.argv[4:]
    if len(sys.argv) not in (4, 5) or (len(sys.argv) == 5 and not end_row):
        print(__doc__, file=sys.stderr)
        return 2
    src, nodes, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(src) as f:
        trace = json.load(f)
    gap = float(trace["metadata"]["gap_seconds"])
    rows, last = [], None
    for tick, value in enumerate(trace["data"]):
        if not 0 <= value <= nodes:
            print(f"{src}: tick {tick}: value {value} is outside [0, {nodes}]", file=sys.stderr)
            return 2
        available = nodes - int(value)
        if available != last:
            rows.append((tick * gap, available))
            last = available
    if end_row:
        rows.append((len(trace["data"]) * gap, last))
    tmp = out + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["t_s", "nodes"])
        for t, n in rows:
            w.writerow([f"{t:.10g}", n])
    os.replace(tmp, out)
    print(f"wrote {out}: {len(rows) - end_row} changes over {len(trace['data']) * gap / 86400:.1f} days")
    return 0


if __name__ == "__main__":
    sys.exit(main())
