"""status: the JSON other parts read (ports for the REPL over ssh), the table, exit codes,
colours on a terminal only."""
import json
import os
import pty
import subprocess

from harness import PHAROCTL, pharoctl
from supervise_harness import make_service, stop_quietly

INSTANCE_KEYS = {"index", "state", "pid", "started_at", "uptime_s", "restarts", "last_exit", "health", "rss_bytes",
                 "http_port", "telnet_port", "metrics_port", "image", "reason"}


def test_stopped_services_appear_with_their_ports(home):
    a = make_service(home, "alpha", instances=2)
    proc = pharoctl(home, "--json", "status")
    assert proc.returncode == 3  # every service is asked about: one is stopped
    doc = json.loads(proc.stdout)
    (svc,) = doc["services"]
    assert svc["name"] == "alpha" and svc["state"] == "stopped" and svc["supervisor_pid"] is None
    assert [i["telnet_port"] for i in svc["instances"]] == [a["telnet"], a["telnet"] + 10]
    assert [i["http_port"] for i in svc["instances"]] == [a["http"], a["http"] + 10]
    assert all(INSTANCE_KEYS <= set(i) for i in svc["instances"])
    assert pharoctl(home, "status", "alpha").returncode == 3
    assert pharoctl(home, "status", "nosuch").returncode == 2


def test_running_service_json_and_table(home):
    a = make_service(home, "alpha")
    make_service(home, "beta")
    try:
        pharoctl(home, "start", "alpha", check=0)
        doc = json.loads(pharoctl(home, "--json", "status", check=3).stdout)  # beta is stopped
        by = {s["name"]: s for s in doc["services"]}
        assert by["beta"]["state"] == "stopped"
        alpha = by["alpha"]
        assert alpha["state"] == "running" and alpha["ready"] is True and alpha["supervisor_pid"] > 0
        (inst,) = alpha["instances"]
        assert INSTANCE_KEYS <= set(inst)
        assert inst["state"] == "running" and inst["pid"] > 0 and inst["restarts"] == 0
        assert inst["health"]["ok"] is True and inst["health"]["latency_ms"] >= 0
        assert inst["rss_bytes"] > 0 and inst["uptime_s"] >= 0
        assert inst["telnet_port"] == a["telnet"]
        # Before any deploy: the service's own copy of the runtime's base image, never the runtime's.
        assert inst["image"].endswith("/alpha/base/sim/alpha.image")
        assert pharoctl(home, "status", "alpha").returncode == 0
        assert pharoctl(home, "status", "alpha", "beta").returncode == 3

        table = pharoctl(home, "status").stdout
        assert "\033[" not in table  # not a terminal: no colours
        header, *rows = table.splitlines()
        assert header.split()[:3] == ["SERVICE", "STATE", "PID"]
        assert any(r.startswith("alpha") and "running" in r and str(inst["pid"]) in r for r in rows)
        assert any(r.startswith("beta") and "stopped" in r for r in rows)

        # On a terminal: colours, unless --no-color.
        coloured = _on_tty([PHAROCTL, "--home", str(home), "status"])
        assert "\033[32m" in coloured
        plain = _on_tty([PHAROCTL, "--home", str(home), "--no-color", "status"])
        assert "\033[" not in plain
    finally:
        stop_quietly(home, "alpha")


def _on_tty(argv):
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["TERM"] = "xterm"
    p = subprocess.Popen(argv, stdout=slave, stderr=slave, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    p.wait(timeout=30)
    os.close(master)
    return out.decode(errors="replace")
