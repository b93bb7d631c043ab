#!/usr/bin/env python3
"""`pharoctl logs NAME -n 100` on a service whose daily log file is 1 GB (sparse-free: real
lines), median wall time of N runs, beside `tail -n 100` of the same file measured in the same
run. Target: under 20 ms, independent of the file's size (also shown at 1 MB).

usage: bench/logs_tail.py [--runs 20] [--size-mb 1024]
env: PHAROCTL, PHARO_SIM (default: build/pharoctl, build/pharo-sim of this checkout)
"""
import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_env import HERE, ROOT  # noqa: E402,F401  (sys.path and binaries)

from harness import PHAROCTL  # noqa: E402
from supervise_harness import make_service  # noqa: E402


def write_log(path, size):
    now = datetime.datetime.now().astimezone()
    stamp = now.isoformat(timespec="milliseconds")
    line = f"{stamp} out GET /api/orders/12345 200 1.7ms {'x' * 60}\n".encode()
    block = line * ((1 << 20) // len(line) + 1)
    with open(path, "wb") as f:
        written = 0
        while written < size:
            f.write(block)
            written += len(block)


def timed(argv, runs):
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
        out.append((time.perf_counter() - t0) * 1000)
        assert p.returncode == 0 and p.stdout.count(b"\n") == 100, (p.returncode, p.stdout[-200:])
    return statistics.median(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--size-mb", type=int, default=1024)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pharoctl-bench-logs-"))
    try:
        home = tmp / "home"
        home.mkdir()
        make_service(home, "shop")
        logs = home / "shop" / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        today = datetime.date.today().isoformat()
        big = logs / f"shop-{today}.log"
        results = []
        for size_mb in (1, args.size_mb):
            write_log(big, size_mb << 20)
            ours = timed([PHAROCTL, "--home", str(home), "logs", "shop", "-n", "100"], args.runs)
            tail = timed(["tail", "-n", "100", str(big)], args.runs)
            results.append((size_mb, os.path.getsize(big), ours, tail))
        for size_mb, real, ours, tail in results:
            print(f"logs -n 100, {real / (1 << 20):.0f} MB file: pharoctl {ours:.1f} ms median of {args.runs} "
                  f"(tail -n 100: {tail:.1f} ms; ratio {ours / tail:.1f}x)")
        print(f"target: under 20 ms on {args.size_mb} MB: {'met' if results[-1][2] < 20 else 'NOT met'}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
