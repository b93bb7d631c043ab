"""restart, reload and SIGHUP apply service.toml as it is now; a broken edit is refused with its
error (exit 2) and the running service is left exactly as it was; status says when the file
differs from what runs."""
import json
import os
import re
import signal

from harness import pharoctl, wait_until, free_port
from supervise_harness import make_service, stop_quietly


def svc_status(home):
    return json.loads(pharoctl(home, "--json", "status", "shop").stdout)["services"][0]


def vm_http_port(home):
    """PHAROCTL_HTTP_PORT in the running VM's environment (what app.st binds Zinc to)."""
    pid = svc_status(home)["instances"][0]["pid"]
    try:
        env = open(f"/proc/{pid}/environ", "rb").read().split(b"\0")
    except (OSError, TypeError):
        return None
    for e in env:
        if e.startswith(b"PHAROCTL_HTTP_PORT="):
            return int(e.split(b"=", 1)[1])
    return None


def set_http_port(d, port):
    toml = d / "service.toml"
    toml.write_text(re.sub(r"(?m)^http_port = \d+$", f"http_port = {port}", toml.read_text()))


def test_restart_applies_an_edit_and_refuses_a_broken_one(home):
    cfg = make_service(home, "shop")
    d = cfg["dir"]
    try:
        pharoctl(home, "start", "shop", check=0, timeout=60)
        s = svc_status(home)
        assert s["config_differs"] is False
        new_port = free_port()
        set_http_port(d, new_port)
        s = svc_status(home)
        assert s["config_differs"] is True
        assert "differs" in pharoctl(home, "status", "shop").stdout
        r = pharoctl(home, "restart", "shop", timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
        s = svc_status(home)
        assert s["config_differs"] is False and s["instances"][0]["http_port"] == new_port
        assert vm_http_port(home) == new_port

        # A broken edit: refused with the file's error, nothing restarted.
        pid = s["instances"][0]["pid"]
        good = (d / "service.toml").read_text()
        (d / "service.toml").write_text(good.replace(f"http_port = {new_port}", 'http_port = "eighty"'))
        for cmd in ("restart", "reload"):
            r = pharoctl(home, cmd, "shop", timeout=60)
            assert r.returncode == 2, r.stdout + r.stderr
            assert "service.toml:" in r.stderr and "http_port" in r.stderr, r.stderr
            assert len(r.stderr.strip().splitlines()) == 1, r.stderr
        s = svc_status(home)
        assert s["state"] == "running" and s["instances"][0]["pid"] == pid
        assert pharoctl(home, "status", "shop").returncode == 0

        # reload applies an edit too, one instance at a time.
        third = free_port()
        (d / "service.toml").write_text(good)
        set_http_port(d, third)
        r = pharoctl(home, "reload", "shop", timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
        assert vm_http_port(home) == third
        assert svc_status(home)["instances"][0]["pid"] != pid
    finally:
        stop_quietly(home, "shop")


def test_sighup_applies_an_edit_like_reload(home):
    cfg = make_service(home, "shop")
    d = cfg["dir"]
    try:
        pharoctl(home, "start", "shop", check=0, timeout=60)
        s = svc_status(home)
        pid = s["instances"][0]["pid"]
        # Unchanged file: SIGHUP only reopens the logs, the VM stays.
        os.kill(s["supervisor_pid"], signal.SIGHUP)
        log = next(p for p in (d / "logs").iterdir() if p.name.startswith("shop-"))
        wait_until(lambda: "SIGHUP: log files reopened" in log.read_text(), timeout=10, what="the SIGHUP handled")
        assert svc_status(home)["instances"][0]["pid"] == pid
        port = free_port()
        set_http_port(d, port)
        os.kill(s["supervisor_pid"], signal.SIGHUP)
        wait_until(lambda: vm_http_port(home) == port and svc_status(home)["state"] == "running", timeout=20,
                   what="the VM on the http_port SIGHUP applied")
        s2 = svc_status(home)
        assert s2["instances"][0]["pid"] != pid and s2["config_differs"] is False
    finally:
        stop_quietly(home, "shop")


def test_instance_count_change_restarts_the_supervisor(home):
    cfg = make_service(home, "shop", instances=1)
    d = cfg["dir"]
    try:
        pharoctl(home, "start", "shop", check=0, timeout=60)
        toml = d / "service.toml"
        toml.write_text(toml.read_text().replace("count = 1", "count = 2"))
        r = pharoctl(home, "reload", "shop", timeout=60)
        assert r.returncode != 0 and "count" in r.stderr, r.stdout + r.stderr
        r = pharoctl(home, "restart", "shop", timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
        s = svc_status(home)
        assert len(s["instances"]) == 2 and s["state"] == "running", s
    finally:
        stop_quietly(home, "shop")
