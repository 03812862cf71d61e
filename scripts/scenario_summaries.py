#!/usr/bin/python3
"""Record, or check, the summary of every bundled scenario under every
placement policy: the guard that a refactoring changed no result.

    scripts/scenario_summaries.py record OUT.json [--capsim build/capsim]
    scripts/scenario_summaries.py check  OLD.json [--capsim build/capsim] [--allow KEY ...]

Each scenario in scenarios/ and tests/scenarios/ runs through `capsim compare
--policies all` (with its own seed); the summaries are kept key by key, wall
times left out. `check` prints every difference and exits 1 if there is one.
A scenario that is an input error (tests/scenarios cases that expect one) is
recorded as its error message."""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
SKIP_KEYS = {"wall_s"}


def scenarios():
    out = []
    for folder in ["scenarios", "tests/scenarios"]:
        for p in sorted((ROOT / folder).iterdir()):
            if p.suffix in (".json", ".textproto") and not p.name.endswith(".expected.json"):
                out.append(p)
    return out


def summaries(capsim, scenario):
    with tempfile.TemporaryDirectory() as tmp:
        p = subprocess.run([capsim, "compare", str(scenario), "--policies", "all", "--out", tmp, "--csv"],
                           capture_output=True, text=True)
        if p.returncode != 0:
            message = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else f"exit {p.returncode}"
            return {"error": message.replace(str(ROOT), "<root>")}  # the same from any checkout
        out = {}
        for s in sorted(pathlib.Path(tmp).glob("*/summary.json")):
            d = json.loads(s.read_text())
            out[s.parent.name] = {k: v for k, v in d.items() if k not in SKIP_KEYS}
        return out


def collect(capsim):
    result = {}
    for s in scenarios():
        name = str(s.relative_to(ROOT))
        print(f"  {name}", file=sys.stderr, flush=True)
        result[name] = summaries(capsim, s)
    return result


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        try:
            return a == b or (a != a and b != b) or abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
        except (TypeError, ValueError):
            return False
    return a == b


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["record", "check"])
    ap.add_argument("file")
    ap.add_argument("--capsim", default=str(ROOT / "build" / "capsim"))
    ap.add_argument("--allow", nargs="*", default=[], help="scenario paths whose differences are expected")
    a = ap.parse_args()
    now = collect(a.capsim)
    if a.mode == "record":
        pathlib.Path(a.file).write_text(json.dumps(now, indent=1, sort_keys=True) + "\n")
        print(f"recorded {sum(len(v) for v in now.values())} runs of {len(now)} scenarios in {a.file}")
        return 0
    old = json.loads(pathlib.Path(a.file).read_text())
    diffs = 0
    for scen in sorted(set(old) | set(now)):
        allowed = scen in a.allow
        o, n = old.get(scen, {}), now.get(scen, {})
        for run in sorted(set(o) | set(n)):
            ro, rn = o.get(run, {}), n.get(run, {})
            if not isinstance(ro, dict) or not isinstance(rn, dict):
                if ro != rn:
                    print(f"{'(allowed) ' if allowed else ''}{scen} {run}: {ro!r} -> {rn!r}")
                    diffs += not allowed
                continue
            for k in sorted(set(ro) | set(rn)):
                if not same(ro.get(k), rn.get(k)):
                    print(f"{'(allowed) ' if allowed else ''}{scen} {run} {k}: {ro.get(k)!r} -> {rn.get(k)!r}")
                    diffs += not allowed
    print(f"{diffs} unexpected differences" if diffs else "same summaries, key by key")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
