#!/usr/bin/env python3
"""`pharoctl status` wall time, median of N runs, with 1 and with 50 running pharo-sim services
(every service started under its own supervisor). Target: 50 services under 50 ms.

usage: bench/status_wall_time.py [--runs 20] [--services 50]
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


def timed(argv, runs):
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        out.append((time.perf_counter() - t0) * 1000)
    return statistics.median(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--services", type=int, default=50)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="pharoctl-status-bench-")
    home = Path(tmp) / "home"
    home.mkdir()
    names = [f"svc{i:02d}" for i in range(a.services)]
    try:
        for n in names:
            make_service(home, n, health={"interval": "10s", "timeout": "2s"})
            pharoctl(home, "start", n, check=0)
        one = timed([PHAROCTL, "--home", str(home), "status", names[0]], a.runs)
        one_json = timed([PHAROCTL, "--home", str(home), "--json", "status", names[0]], a.runs)
        many = timed([PHAROCTL, "--home", str(home), "status"], a.runs)
        many_json = timed([PHAROCTL, "--home", str(home), "--json", "status"], a.runs)
        print(f"pharoctl status, 1 running service:            median {one:.1f} ms (json {one_json:.1f} ms, n={a.runs})")
        print(f"pharoctl status, {a.services} running services:          median {many:.1f} ms "
              f"(json {many_json:.1f} ms; target < 50 ms)")
    finally:
        for n in names:
            pharoctl(home, "stop", n)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
