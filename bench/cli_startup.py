#!/usr/bin/env python3
"""Start-up time of short commands: `pharoctl --version` and `pharoctl status` with nothing
running (a home with one stopped service), median and p90 of N runs, for this build and,
given --before, another pharoctl binary measured in the same run, interleaved run by run so
that load on the machine falls on both alike; the ratio after/before is printed.

usage: bench/cli_startup.py [--runs 200] [--before OTHER_PHAROCTL]
env: PHAROCTL (default: build/pharoctl of this checkout)
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PHAROCTL = os.environ.get("PHAROCTL", os.path.join(ROOT, "build", "pharoctl"))


def once(argv):
    t0 = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, check=False)
    return (time.perf_counter() - t0) * 1000


def summary(samples):
    s = sorted(samples)
    return statistics.median(s), s[int(len(s) * 0.9) - 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--before", help="another pharoctl binary to compare with (e.g. a build of main)")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pharoctl-startup-bench-"))
    try:
        home = tmp / "home"
        (home / "shop").mkdir(parents=True)
        (home / "shop" / "service.toml").write_text('name = "shop"\nruntime = "sim"\n')
        binaries = {"after": PHAROCTL}
        if a.before:
            # A copy, so that a rebuild of the other tree during the run cannot change it.
            shutil.copy2(a.before, tmp / "pharoctl-before")
            binaries["before"] = str(tmp / "pharoctl-before")
        commands = {"--version": ["--version"], "status (nothing running)": ["--home", str(home), "status"]}
        samples = {(b, c): [] for b in binaries for c in commands}
        for b in binaries.values():  # warm the page cache
            for args in commands.values():
                once([b, *args])
        for _ in range(a.runs):
            for label, args in commands.items():
                for name, b in binaries.items():
                    samples[(name, label)].append(once([b, *args]))
        floor = [once(["/bin/true"]) for _ in range(a.runs)]
        print(f"pharoctl start-up, {a.runs} runs each, interleaved (ms: median / p90)")
        for label in commands:
            line = f"  {label:26}"
            medians = {}
            for name in binaries:
                med, p90 = summary(samples[(name, label)])
                medians[name] = med
                line += f"  {name}: {med:6.2f} / {p90:6.2f}"
            if "before" in medians:
                line += f"  after/before: {medians['after'] / medians['before']:.2f}"
            print(line)
        med, p90 = summary(floor)
        print(f"  {'/bin/true (the floor)':26}  {med:6.2f} / {p90:6.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
