#!/usr/bin/env python3
"""`pharoctl status` wall time, median of N runs, with 1 and with 50 running pharo-sim services
(every service started under its own supervisor). Target: 50 services under 7 ms (issue 14).
Given --before, another pharoctl binary asks the same supervisors, interleaved run by run.

usage: bench/status_wall_time.py [--runs 20] [--services 50] [--before OTHER_PHAROCTL]
env: PHAROCTL, PHARO_SIM (default: build/pharoctl, build/pharo-sim of this checkout)
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_env import HERE, ROOT  # noqa: E402,F401  (sys.path and binaries)

from harness import PHAROCTL, pharoctl  # noqa: E402
from supervise_harness import make_service  # noqa: E402


def timed(binaries, args, runs):
    """Median wall time of `BINARY ARGS` for each binary, the binaries alternating run by run."""
    out = {b: [] for b in binaries}
    for _ in range(runs):
        for b in binaries:
            t0 = time.perf_counter()
            subprocess.run([b, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            out[b].append((time.perf_counter() - t0) * 1000)
    return [statistics.median(out[b]) for b in binaries]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--services", type=int, default=50)
    ap.add_argument("--before", help="another pharoctl binary to compare with (e.g. a build of main)")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="pharoctl-status-bench-")
    home = Path(tmp) / "home"
    home.mkdir()
    names = [f"svc{i:02d}" for i in range(a.services)]
    try:
        for n in names:
            make_service(home, n, health={"interval": "10s", "timeout": "2s"})
            pharoctl(home, "start", n, check=0)
        binaries = [PHAROCTL] + ([shutil.copy2(a.before, Path(tmp) / "pharoctl-before")] if a.before else [])
        rows = {
            "1 running service": ["--home", str(home), "status", names[0]],
            "1 running service, --json": ["--home", str(home), "--json", "status", names[0]],
            f"{a.services} running services": ["--home", str(home), "status"],
            f"{a.services} running services, --json": ["--home", str(home), "--json", "status"],
        }
        print(f"pharoctl status wall time, median of {a.runs} (ms; target for {a.services}: under 7)")
        for label, args in rows.items():
            medians = timed(binaries, args, a.runs)
            line = f"  {label:32} after: {medians[0]:6.1f}"
            if a.before:
                line += f"  before: {medians[1]:6.1f}  after/before: {medians[0] / medians[1]:.2f}"
            print(line)
    finally:
        for n in names:
            pharoctl(home, "stop", n)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
