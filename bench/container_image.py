#!/usr/bin/env python3
"""`pharoctl image` on pharo-sim with podman: build wall time with a cold layer cache (the
release's image and its layers removed first, only the base left) against a warm one (the same
release again: every step cached), medians of 3 each; and the image's size, whole and above the
base. The base is the local Debian 12 minbase that scripts/container-base makes (cached outside
the repository).

usage: bench/container_image.py [PHAROCTL]   (default: build/pharoctl; run as root)
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pharoctl = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "build", "pharoctl")
cache = os.environ.get("PHAROCTL_TEST_CACHE", "/var/cache/pharoctl-tests")
env = dict(os.environ, CONTAINERS_CONF=os.path.join(cache, "containers.conf"))
base = subprocess.run([os.path.join(here, "scripts", "container-base")], check=True, capture_output=True, text=True,
                      env=env).stdout.strip()
tag = f"localhost/pharoctl-bench-shop:{os.getpid()}"


def podman(*args, check=True):
    return subprocess.run(["podman", *args], check=check, capture_output=True, text=True, env=env)


def size(ref):
    return int(podman("image", "inspect", ref, "--format", "{{.Size}}").stdout.strip())


with tempfile.TemporaryDirectory() as tmp:
    home = os.path.join(tmp, "home")

    def run(*args):
        return subprocess.run([pharoctl, "--home", home, *args], check=True, capture_output=True, text=True, env=env)

    run("install", "sim")
    run("new", "shop", "--yes", "--runtime", "sim", "--http-port", "28080", "--telnet-port", "28081",
        "--metrics-port", "28082")
    rt = os.path.join(home, "runtimes", "sim")
    up = os.path.join(tmp, "up")
    os.makedirs(up)
    for src, dst in [("Pharo.image", "App.image"), ("Pharo.changes", "App.changes")]:
        with open(os.path.join(rt, src), "rb") as f, open(os.path.join(up, dst), "wb") as g:
            g.write(f.read())
    sources = next(n for n in os.listdir(rt) if n.endswith(".sources"))
    with open(os.path.join(rt, sources), "rb") as f, open(os.path.join(up, sources), "wb") as g:
        g.write(f.read())
    run("deploy", "shop", "--image", os.path.join(up, "App.image"))

    def build():
        t0 = time.perf_counter()
        out = json.loads(run("--json", "image", "shop", "--base", base, "--tag", tag).stdout)
        return time.perf_counter() - t0, out

    cold, warm, cold_builder, warm_builder = [], [], [], []
    try:
        for _ in range(3):
            podman("rmi", "-f", tag, check=False)
            podman("image", "prune", "-f", check=False)
            t, out = build()
            cold.append(t)
            cold_builder.append(out["seconds"])
            t, out = build()
            warm.append(t)
            warm_builder.append(out["seconds"])
        _, info = build()
        total, base_size = size(tag), size(base)
    finally:
        podman("rmi", "-f", tag, check=False)
        podman("image", "prune", "-f", check=False)

print(f"pharoctl image (podman, base {base}, runtime pharo-sim)")
print(f"  cold layer cache: median {statistics.median(cold):.2f} s  (runs: {', '.join(f'{t:.2f}' for t in cold)})")
print(f"  warm layer cache: median {statistics.median(warm):.2f} s  (runs: {', '.join(f'{t:.2f}' for t in warm)})")
print(f"  warm / cold: {statistics.median(warm) / statistics.median(cold):.2f}")
print(f"  of which podman build: cold {statistics.median(cold_builder):.2f} s, warm {statistics.median(warm_builder):.2f} s "
      f"(the rest: pharoctl writing the context, ldd)")
print(f"  machine load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
print(f"  image size: {total / 1e6:.1f} MB, of which the base {base_size / 1e6:.1f} MB, pharoctl's layers "
      f"{(total - base_size) / 1e6:.1f} MB")
print(f"  libraries brought for the VM: {', '.join(os.path.basename(l) for l in info['libraries']) or 'none'}")
