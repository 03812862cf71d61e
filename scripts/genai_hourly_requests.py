#!/usr/bin/python3
"""Hourly request counts of the Alibaba GenAI LoRA request trace, on a day that starts at midnight.

Reads shared/traces/alibaba-genai-v2026-extra/lora_request_trace.csv (one row per user request,
gmt_create on an anonymised clock) and writes traces/alibaba-genai-v2026/lora_requests_hourly.csv:
hour (0 = midnight of the first day), requests. The trace's clock is shifted by the publisher; its
quietest hours are 09:00-14:00 on that clock. We move it back SHIFT_H hours so that the trough
falls at 01:00-07:00, where a consumer service's night is, and keep whole days from FIRST_DAY for
DAYS days. The shift is an assumption (the trace does not give the real hour); the curve's shape,
its weekday/weekend levels and its peak-to-trough ratio are the trace's.

usage: scripts/genai_hourly_requests.py SHARED_TRACE_CSV OUT_CSV
"""
import csv
import sys
from datetime import datetime, timedelta

SHIFT_H = 7
FIRST_DAY = datetime(2024, 11, 25)  # a Monday (on the shifted clock), after the service's first quiet days
DAYS = 7


def main(src, out):
    counts = [0] * (24 * DAYS)
    with open(src, newline="") as f:
        for row in csv.DictReader(f):
            t = datetime.strptime(row["gmt_create"], "%Y-%m-%d %H:%M:%S") - timedelta(hours=SHIFT_H)
            h = int((t - FIRST_DAY).total_seconds() // 3600)
            if 0 <= h < len(counts):
                counts[h] += 1
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["hour", "requests"])
        for h, c in enumerate(counts):
            w.writerow([h, c])


if __name__ == "__main__":
    main(*sys.argv[1:3])
