#!/usr/bin/env python3
"""The supervisor's resident memory while its VM floods 1 GB of stdout, with [logs] max_size
set: RSS sampled every 50 ms (min / median / max, first and last), the bytes the log directory
holds at the end (bounded by 2 x max_size per day) and the throughput. Target: flat RSS, logs
bounded.

usage: bench/flood_rss.py [--bytes 1073741824] [--max-size 16MB]
env: PHAROCTL, PHARO_SIM (default: build/pharoctl, build/pharo-sim of this checkout)
"""
import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_env import HERE, ROOT  # noqa: E402,F401  (sys.path and binaries)

from harness import pharoctl  # noqa: E402
from supervise_harness import make_service  # noqa: E402


def rss_kb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def rchar(pid):
    for line in open(f"/proc/{pid}/io"):
        if line.startswith("rchar:"):
            return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bytes", type=int, default=1 << 30)
    ap.add_argument("--max-size", default="16MB")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pharoctl-bench-flood-"))
    try:
        home = tmp / "home"
        home.mkdir()
        make_service(home, "shop", logs={"keep_days": 2, "max_size": args.max_size},
                     health={"interval": "1s", "timeout": "900ms", "retries": 100, "grace": "30s"},
                     extra=f'\n[env]\nPHARO_SIM_FAULT = "flood:{args.bytes}"\nPHARO_SIM_FAULT_AFTER = "1"\n')
        r = pharoctl(home, "start", "shop", timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr
        st = json.loads(pharoctl(home, "--json", "status", "shop").stdout)["services"][0]
        sup = st["supervisor_pid"]
        base = rchar(sup)
        samples = []
        t0 = time.monotonic()
        deadline = t0 + 600
        while rchar(sup) - base < args.bytes and time.monotonic() < deadline:
            samples.append(rss_kb(sup))
            time.sleep(0.05)
        took = time.monotonic() - t0
        samples.append(rss_kb(sup))
        read = rchar(sup) - base
        logs = home / "shop" / "logs"
        held = sum(p.stat().st_size for p in logs.iterdir() if p.name.startswith("shop-"))
        names = sorted(p.name for p in logs.iterdir() if p.name.startswith("shop-"))
        pharoctl(home, "stop", "shop", timeout=60)
        mb = 1 << 20
        print(f"flood of {args.bytes / mb:.0f} MB through the supervisor in {took:.1f}s "
              f"({read / mb / took:.0f} MB/s read), max_size {args.max_size}")
        print(f"supervisor RSS: first {samples[0] / 1024:.1f} MB, last {samples[-1] / 1024:.1f} MB, "
              f"min {min(samples) / 1024:.1f} / median {statistics.median(samples) / 1024:.1f} / "
              f"max {max(samples) / 1024:.1f} MB over {len(samples)} samples")
        print(f"log files at the end: {held / mb:.1f} MB in {names}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
