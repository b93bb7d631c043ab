#!/usr/bin/env python3
"""kill -9 of a VM -> the supervisor's new child, timed finely: the kill, then the supervisor's
children (/proc/SUP/task/SUP/children) read in a tight loop until a new pid is there (the fork,
before the exec); and the supervisor's minor page faults from the kill to healthy again. Builds
alternate, one service each, RUNS kills each; prints medians.

usage: bench/restart_latency.py --bindirs build,/tmp/other-build [--runs 10]
env:   BENCH_BASE_PORT (default 26000), PHARO_SIM
"""
import argparse
import importlib.machinery
import importlib.util
import os
import shutil
import signal
import statistics
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def load_peers(bindir):
    os.environ["PHAROCTL"] = os.path.join(os.path.abspath(bindir), "pharoctl")
    loader = importlib.machinery.SourceFileLoader("peers", os.path.join(HERE, "peers"))
    spec = importlib.util.spec_from_loader("peers", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    module.PHAROCTL = os.environ["PHAROCTL"]
    return module


def minor_faults(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[7])


def one_kill(peers, root):
    health = {"interval": "1s", "timeout": "500ms", "retries": 3, "grace": "30s"}
    home, (s,) = peers.make_home(root, 1, health)
    pc = lambda *a, **k: peers.run(peers.PHAROCTL, "--home", home, *a, **k)  # noqa: E731
    pc("start", s.name)
    try:
        peers.wait(s.up, 30, "healthy")
        time.sleep(1.2)  # past the first round after healthy
        (sup,) = peers.pids_named("pharoctl-supervise", "pharoctl", under=home)
        old, faults, children = s.vm_pid(), minor_faults(sup), f"/proc/{sup}/task/{sup}/children"
        t0 = time.perf_counter()
        os.kill(old, signal.SIGKILL)
        while not any(int(p) != old for p in open(children).read().split()):
            pass
        ms = (time.perf_counter() - t0) * 1000
        peers.wait(s.up, 30, "healthy again")
        return ms, minor_faults(sup) - faults
    finally:
        pc("stop", "--all", check=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bindirs", required=True, help="comma-separated build directories")
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    os.environ.setdefault("PHARO_SIM", os.path.join(os.path.dirname(HERE), "build", "pharo-sim"))
    bindirs = args.bindirs.split(",")
    root = tempfile.mkdtemp(prefix="pharoctl-restart-")
    got = {b: [] for b in bindirs}
    try:
        for _ in range(args.runs):
            for b in bindirs:
                got[b].append(one_kill(load_peers(b), root))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    for b in bindirs:
        ms = [m for m, _ in got[b]]
        faults = [f for _, f in got[b]]
        print(f"{b}: kill -9 -> new child {statistics.median(ms):.2f} ms median (min {min(ms):.2f}); "
              f"minor faults of the supervisor, kill to healthy: {statistics.median(faults):g}")


if __name__ == "__main__":
    main()
