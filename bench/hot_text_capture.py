#!/usr/bin/env python3
"""The callgrind capture that bench/hot_text.py reads: one pharo-sim service's supervisor run
under callgrind, instrumented only once it is healthy and released its code, while what runs
then is run: probes, `status` (also `--json` and of the one service), `health`, `pid`, `logs`,
`eval`, `metrics`, and a flood of the VM's output into the daily log (pharo-sim's `sim.flood`).

usage: bench/hot_text_capture.py OUT [--bindir build] [--flood-bytes 2000000]
       bench/hot_text.py build/pharoctl-supervise OUT.1 > cmake/supervisor_hot_text.ld
env:   BENCH_BASE_PORT (default 26000) where the service's ports begin. Takes about a minute.
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from supervisor_memory import load_peers

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", help="callgrind's output file; the capture is OUT.1")
    ap.add_argument("--bindir", default=os.path.join(os.path.dirname(HERE), "build"))
    ap.add_argument("--flood-bytes", type=int, default=2_000_000)
    args = ap.parse_args()
    bindir = os.path.abspath(args.bindir)
    os.environ.setdefault("PHARO_SIM", os.path.join(bindir, "pharo-sim"))
    peers = load_peers(os.path.join(bindir, "pharoctl"))
    root = tempfile.mkdtemp(prefix="pharoctl-hottext-")
    # An interval long enough for a probe under callgrind (tens of times slower) to be answered.
    home, (s,) = peers.make_home(root, 1, {"interval": "4s", "timeout": "3s", "retries": 3, "grace": "60s"})
    sup = subprocess.Popen(["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={args.out}",
                            os.path.join(bindir, "pharoctl-supervise"), "--home", home, "supervise", s.name],
                           stdout=subprocess.DEVNULL, stderr=open(os.path.join(root, "supervisor.err"), "w"))
    pc = lambda *a: subprocess.run([peers.PHAROCTL, "--home", home, *a], capture_output=True, text=True)  # noqa: E731
    try:
        peers.wait(s.up, 120, "healthy")
        time.sleep(3)  # the release, at the end of the round that found it healthy
        subprocess.run(["callgrind_control", "-i", "on", str(sup.pid)], check=True, capture_output=True)
        clients = (["status"], ["status", s.name], ["--json", "status"], ["health", s.name], ["pid", s.name],
                   ["logs", s.name, "-n", "5"], ["eval", s.name, "3 + 4"], ["metrics", s.name])
        for _ in range(3):
            for argv in clients:
                r = pc(*argv)
                if r.returncode != 0:
                    raise RuntimeError(f"pharoctl {' '.join(argv)}: exit {r.returncode}: {r.stderr.strip()}")
            time.sleep(1.5)
        with socket.create_connection(("127.0.0.1", s.telnet), timeout=5) as c:
            buf = b""
            while not buf.endswith(b"pharo> "):
                buf += c.recv(4096)
            c.sendall(f"sim.flood {args.flood_bytes}\n".encode())
            log = os.path.join(s.dir, "logs")
            peers.wait(lambda: sum(os.path.getsize(os.path.join(log, f)) for f in os.listdir(log)) > args.flood_bytes,
                       120, "the flood in the log")
        for _ in range(2):
            for argv in clients[:5]:
                pc(*argv)
            time.sleep(1.5)
        subprocess.run(["callgrind_control", "-d", str(sup.pid)], check=True, capture_output=True)
        subprocess.run(["callgrind_control", "-i", "off", str(sup.pid)], check=True, capture_output=True)
    finally:
        pc("stop", s.name)
        try:
            sup.wait(timeout=60)
        except subprocess.TimeoutExpired:
            sup.kill()  # our own child
        shutil.rmtree(root, ignore_errors=True)
    print(f"{args.out}.1: now bench/hot_text.py {os.path.join(bindir, 'pharoctl-supervise')} {args.out}.1")


if __name__ == "__main__":
    sys.exit(main())
