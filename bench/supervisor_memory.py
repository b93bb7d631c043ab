#!/usr/bin/env python3
"""Where pharoctl-supervise's memory goes, mapping by mapping: starts N pharo-sim services with the
bench/peers settings, lets them run, and prints for one supervisor its /proc/PID/smaps (Rss, Pss,
Private_Dirty, Private_Clean, Shared_Clean per mapping, grouped by object), the 64 KiB windows of
its executable's and libc's code that are resident (the kernel maps a whole 64 KiB window around
each page fault of a file: fault_around_bytes), the sum over all N supervisors (PSS per service),
and after a kill -9 of the VM the same again with the minor faults the restart took.

usage: bench/supervisor_memory.py [--services 1] [--settle 3] [--bindir build] [--windows]
env:   BENCH_BASE_PORT (default 26000), PHARO_SIM; the home lives in a temporary directory.
"""
import argparse
import importlib.machinery
import importlib.util
import os
import shutil
import signal
import struct
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FIELDS = ("Rss", "Pss", "Private_Dirty", "Private_Clean", "Shared_Clean")


def load_peers(pharoctl):
    os.environ["PHAROCTL"] = pharoctl
    loader = importlib.machinery.SourceFileLoader("peers", os.path.join(HERE, "peers"))
    spec = importlib.util.spec_from_loader("peers", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    module.PHAROCTL = pharoctl
    return module


def smaps(pid):
    """[(perm, name, {field: kB})] of /proc/PID/smaps."""
    rows, cur = [], None
    for line in open(f"/proc/{pid}/smaps"):
        parts = line.split()
        if "-" in parts[0] and not parts[0].endswith(":"):
            name = os.path.basename(parts[5]) if len(parts) > 5 else "[anon]"
            cur = (parts[1], name, {}, parts[0])
            rows.append(cur)
        elif len(parts) == 3 and parts[2] == "kB":
            cur[2][parts[0][:-1]] = int(parts[1])
    return rows


def print_mappings(pid):
    print(f"{'object':24s} {'perm':5s} " + " ".join(f"{f:>13s}" for f in FIELDS))
    total = dict.fromkeys(FIELDS, 0)
    for perm, name, f, _ in smaps(pid):
        if not f.get("Rss"):
            continue
        print(f"{name[:24]:24s} {perm:5s} " + " ".join(f"{f.get(k, 0):13d}" for k in FIELDS))
        for k in FIELDS:
            total[k] += f.get(k, 0)
    print(f"{'total (kB)':30s} " + " ".join(f"{total[k]:13d}" for k in FIELDS))


def resident_windows(pid, suffix):
    """Resident pages per 64 KiB window of the executable mapping of the object named suffix."""
    out = []
    with open(f"/proc/{pid}/pagemap", "rb") as pm:
        for perm, name, _, span in smaps(pid):
            if not name.endswith(suffix) or "x" not in perm:
                continue
            start, end = (int(x, 16) for x in span.split("-"))
            for w in range(start & ~0xFFFF, end, 0x10000):
                count = 0
                for va in range(max(w, start), min(w + 0x10000, end), 4096):
                    pm.seek(va // 4096 * 8)
                    count += struct.unpack("Q", pm.read(8))[0] >> 63
                out.append(count)
    return out


def rollup(pids):
    total = dict.fromkeys(FIELDS, 0)
    for pid in pids:
        for line in open(f"/proc/{pid}/smaps_rollup"):
            parts = line.split()
            if parts[0][:-1] in total:
                total[parts[0][:-1]] += int(parts[1])
    return total


def minor_faults(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[7])


def report(peers, home, services, args, what):
    pids = peers.pids_named("pharoctl-supervise", "pharoctl", under=home)
    print(f"\n## {what}: {len(pids)} supervisor(s); mappings of pid {pids[0]}\n")
    print_mappings(pids[0])
    if args.windows:
        for obj in ("pharoctl-supervise", "libc.so.6"):
            w = resident_windows(pids[0], obj)
            print(f"{obj}: {sum(1 for c in w if c)} of {len(w)} code windows touched, {sum(w) * 4} kB resident: {w}")
    t = rollup(pids)
    n = len(pids)
    print(f"all supervisors: RSS {t['Rss'] / 1024 / n:.2f} MB each; PSS {t['Pss'] / 1024 / n:.3f} MB per service")
    # The one shown above may not be typical: the spread of each supervisor's own pages.
    for field in ("Pss", "Private_Dirty"):
        each = sorted(rollup([p])[field] for p in pids)
        print(f"  {field} per supervisor (kB): min {each[0]}, median {each[n // 2]}, max {each[-1]}")
    return pids


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--services", type=int, default=1)
    ap.add_argument("--settle", type=float, default=3.0, help="seconds of steady state before measuring")
    ap.add_argument("--bindir", default=os.path.join(os.path.dirname(HERE), "build"),
                    help="where pharoctl and pharoctl-supervise are (another build: its directory)")
    ap.add_argument("--windows", action="store_true", help="also the resident 64 KiB code windows")
    args = ap.parse_args()
    os.environ.setdefault("PHARO_SIM", os.path.join(os.path.dirname(HERE), "build", "pharo-sim"))
    peers = load_peers(os.path.join(os.path.abspath(args.bindir), "pharoctl"))
    root = tempfile.mkdtemp(prefix="pharoctl-supmem-")
    health = {"interval": "1s", "timeout": "500ms", "retries": 3, "grace": "30s"}
    home, services = peers.make_home(root, args.services, health)
    pc = lambda *a, **k: peers.run(peers.PHAROCTL, "--home", home, *a, **k)  # noqa: E731
    try:
        pc("start", *[s.name for s in services])
        for s in services:
            peers.wait(s.up, 30, "healthy")
        time.sleep(args.settle)
        pids = report(peers, home, services, args, f"{args.services} running, {args.settle:g} s after healthy")
        old = services[0].vm_pid()
        faults = minor_faults(pids[0])
        os.kill(old, signal.SIGKILL)
        peers.wait(lambda: services[0].vm_pid() not in (None, old) and services[0].up(), 30, "replaced and healthy")
        print(f"\nkill -9 of the VM -> healthy again: {minor_faults(pids[0]) - faults} minor faults in the supervisor")
        time.sleep(args.settle)
        report(peers, home, services, args, f"after the kill -9, {args.settle:g} s after healthy")
    finally:
        pc("stop", "--all", check=False)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
