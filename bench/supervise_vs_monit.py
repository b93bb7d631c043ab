#!/usr/bin/env python3
"""Time from `kill -9` of a VM to (a) a new VM running and (b) health answering again, median of
N runs, for pharoctl's supervisor and for real monit (`set daemon 1`, a process check on the
pid file plus the HTTP check of the metrics port) on the same pharo-sim service. Also the
supervisor's resident memory and its CPU seconds per idle hour.

usage: bench/supervise_vs_monit.py [--runs 20] [--idle-seconds 60]
env: PHAROCTL, PHARO_SIM (default: build/pharoctl, build/pharo-sim of this checkout)
"""
import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from bench_env import HERE, ROOT  # noqa: E402,F401  (sys.path and binaries)

from harness import pharoctl  # noqa: E402
from supervise_harness import make_service, status  # noqa: E402


def healthy(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics/system.status", timeout=0.2) as r:
            return r.status == 200 and b"Status OK" in r.read()
    except OSError:
        return False


def read_pid(pidfile):
    try:
        return int(open(pidfile).read().strip())
    except (OSError, ValueError):
        return None


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def measure(pidfile, metrics_port, timeout=30.0):
    """kill -9 the VM named by the pid file; seconds to a new live VM, and to healthy again."""
    old = read_pid(pidfile)
    assert old and healthy(metrics_port), "service not healthy before the kill"
    t0 = time.monotonic()
    os.kill(old, signal.SIGKILL)
    running = None
    while time.monotonic() - t0 < timeout:
        pid = read_pid(pidfile)
        if running is None and pid and pid != old and alive(pid):
            running = time.monotonic() - t0
        if running is not None and healthy(metrics_port):
            return running, time.monotonic() - t0
        time.sleep(0.001)  # a measurement's sampling step, not synchronisation
    raise RuntimeError("no recovery within the timeout")


def wait_healthy(port, pidfile, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if read_pid(pidfile) and healthy(port):
            return
        time.sleep(0.01)
    raise RuntimeError("not healthy")


def bench_pharoctl(home, runs):
    cfg = make_service(home, "shop", health={"interval": "10s", "timeout": "2s", "retries": 3, "grace": "30s"},
                       restart={"backoff_initial": "0ms", "backoff_max": "60s", "max": 1000, "window": "10m"})
    pharoctl(home, "start", "shop", check=0)
    pidfile = cfg["dir"] / "run" / "shop.pid"
    res = []
    for _ in range(runs):
        wait_healthy(cfg["metrics"], pidfile)
        res.append(measure(pidfile, cfg["metrics"]))
    return cfg, res


def idle_figures(home, seconds):
    st = status(home, "shop")
    sup = st["supervisor_pid"]
    with open(f"/proc/{sup}/status") as f:
        rss_kb = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
    tick = os.sysconf("SC_CLK_TCK")

    def cpu():
        with open(f"/proc/{sup}/stat") as f:
            fl = f.read().rsplit(")", 1)[1].split()
        return (int(fl[11]) + int(fl[12])) / tick

    c0, t0 = cpu(), time.monotonic()
    time.sleep(seconds)  # the idle period being measured
    c1, t1 = cpu(), time.monotonic()
    return rss_kb, (c1 - c0) * 3600.0 / (t1 - t0)


MONITRC = """set daemon 1
set logfile {dir}/monit.log
set pidfile {dir}/monit.pid
set idfile {dir}/monit.id
set statefile {dir}/monit.state
check process shop with pidfile {pidfile}
  start program = "{start}" with timeout 30 seconds
  stop program = "/bin/sh -c 'kill $(cat {pidfile})'"
  if failed host 127.0.0.1 port {metrics} protocol http request "/metrics/system.status"
     and content = "Status OK" with timeout 2 seconds then restart
"""


def bench_monit(home, cfg, runs):
    """The same service run the pharo-ctl.sh way (VM in the background, a pid file) under monit."""
    work = home / "monit"
    work.mkdir()
    pidfile = work / "shop.pid"
    rt = home / "runtimes" / "sim"
    d = cfg["dir"]
    env = (f"PHAROCTL_SERVICE=shop PHAROCTL_INSTANCE=0 PHAROCTL_HTTP_PORT={cfg['http']} "
           f"PHAROCTL_TELNET_PORT={cfg['telnet']} PHAROCTL_METRICS_PORT={cfg['metrics']}")
    start = work / "start.sh"
    start.write_text(f"""#!/bin/sh
cd {d}
{env} {rt}/pharo-vm/pharo --headless {rt}/Pharo.image st {d}/run/run-shop.st >>{work}/vm.log 2>&1 &
echo $! > {pidfile}
""")
    start.chmod(0o755)
    rc = work / "monitrc"
    rc.write_text(MONITRC.format(dir=work, pidfile=pidfile, start=start, metrics=cfg["metrics"]))
    rc.chmod(0o600)
    subprocess.run([str(start)], check=True)
    monit = subprocess.Popen(["monit", "-I", "-c", str(rc)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(cfg["metrics"], pidfile)
        res = []
        for _ in range(runs):
            wait_healthy(cfg["metrics"], pidfile)
            time.sleep(1.5)  # let monit see the healthy process in a cycle before the next kill
            res.append(measure(pidfile, cfg["metrics"], timeout=60))
        return res
    finally:
        monit.terminate()
        monit.wait()
        pid = read_pid(pidfile)
        if pid and alive(pid):
            os.kill(pid, signal.SIGKILL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--idle-seconds", type=float, default=60)
    ap.add_argument("--no-monit", action="store_true")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="pharoctl-bench-")
    from pathlib import Path
    home = Path(tmp) / "home"
    home.mkdir()
    try:
        cfg, ours = bench_pharoctl(home, a.runs)
        rss_kb, cpu_per_hour = idle_figures(home, a.idle_seconds)
        pharoctl(home, "stop", "shop", check=0)
        o_run = statistics.median(r for r, _ in ours) * 1000
        o_ok = statistics.median(h for _, h in ours) * 1000
        print(f"pharoctl supervisor, kill -9 -> new VM running: median {o_run:.1f} ms (n={len(ours)})")
        print(f"pharoctl supervisor, kill -9 -> healthy again:  median {o_ok:.1f} ms")
        print(f"supervisor resident memory: {rss_kb / 1024:.1f} MB (target < 8 MB)")
        print(f"supervisor CPU while idle (health every 10s): {cpu_per_hour:.2f} s per hour "
              f"(measured over {a.idle_seconds:.0f} s)")
        if shutil.which("monit") and not a.no_monit:
            theirs = bench_monit(home, cfg, a.runs)
            m_run = statistics.median(r for r, _ in theirs) * 1000
            m_ok = statistics.median(h for _, h in theirs) * 1000
            print(f"monit (set daemon 1),       kill -9 -> new VM running: median {m_run:.1f} ms (n={len(theirs)})")
            print(f"monit (set daemon 1),       kill -9 -> healthy again:  median {m_ok:.1f} ms")
            print(f"ratio monit/pharoctl: new VM running {m_run / o_run:.1f}x, healthy again {m_ok / o_ok:.1f}x "
                  f"(target >= 20x)")
    finally:
        pharoctl(home, "stop", "shop")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
