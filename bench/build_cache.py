#!/usr/bin/env python3
"""Cached build wall time: `pharoctl build NAME` when a build of the same inputs exists.
Median of 10 runs on pharo-sim with a local tonel repository (target: under 50 ms).

usage: bench/build_cache.py [PHAROCTL] [PHARO_SIM]   (default: build/pharoctl, build/pharo-sim)
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pharoctl = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "build", "pharoctl")

with tempfile.TemporaryDirectory() as tmp:
    home = os.path.join(tmp, "home")

    def run(*args):
        return subprocess.run([pharoctl, "--home", home, *args], check=True, capture_output=True, text=True)

    run("install", "sim")
    svc = os.path.join(home, "shop")
    os.makedirs(os.path.join(svc, "src", "BaselineOfShop"))
    for i in range(200):  # a repository of some size: every file is hashed into the key
        os.makedirs(os.path.join(svc, "src", "Shop"), exist_ok=True)
        with open(os.path.join(svc, "src", "Shop", f"Class{i}.class.st"), "w") as f:
            f.write(f"Class {{ #name : #Class{i} }}\n" + "method ^ 42\n" * 50)
    with open(os.path.join(svc, "service.toml"), "w") as f:
        f.write('name = "shop"\nruntime = "sim"\n\n[source]\nrepository = "tonel://src"\nbaseline = "Shop"\n')
    t0 = time.perf_counter()
    key = run("build", "shop").stdout.strip()
    first = time.perf_counter() - t0
    times = []
    for _ in range(10):
        t0 = time.perf_counter()
        again = run("build", "shop").stdout.strip()
        times.append(time.perf_counter() - t0)
        assert again == key, (again, key)
    base = []
    for _ in range(10):
        t0 = time.perf_counter()
        subprocess.run([pharoctl, "--version"], check=True, capture_output=True)
        base.append(time.perf_counter() - t0)
    print(f"pharoctl --version (process start, for scale): {statistics.median(base) * 1000:8.1f} ms")
    print(f"first build (VM run):        {first * 1000:8.1f} ms")
    print(f"cached build, median of 10:  {statistics.median(times) * 1000:8.1f} ms   (min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}; target < 50 ms)")
    print(f"local repository: 201 files hashed into the key each time")
