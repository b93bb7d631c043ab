"""status from the supervisors' run/status records: the same truth as the control socket, for a
running, a stopped, a restarting service and one whose supervisor was killed with -9, without
waking a running supervisor (a stopped one still gets a fast, true answer), and "unresponsive"
once a stopped supervisor's record is overdue."""
import json
import os
import signal
import socket
import time

import pytest

from harness import pharoctl, wait_until
from supervise_harness import alive, make_service, processes_in, stop_quietly, supervisors_of

ROUNDS = 20


def live(cfg):
    """What the supervisor answers on its control socket now (the old way of `status`)."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(5)
        s.connect(str(cfg["dir"] / "run" / "control.sock"))
        s.sendall(b'{"cmd":"status"}\n')
        buf = b""
        while not buf.endswith(b"\n"):
            chunk = s.recv(65536)
            assert chunk, "the supervisor closed without an answer"
            buf += chunk
    return json.loads(buf)["status"]


def shown(home, name):
    proc = pharoctl(home, "--json", "status", name)
    return proc.returncode, json.loads(proc.stdout)["services"][0]


def comparable(svc):
    """A status without what changes from one moment to the next."""
    svc = dict(svc)
    svc.pop("app_files_differ", None)
    svc.pop("config_differs", None)
    svc["instances"] = [{k: v for k, v in i.items() if k not in ("uptime_s", "rss_bytes")} for i in svc["instances"]]
    return svc


def settled(home, cfg):
    """The status shown and the socket's answer, taken until they agree (a probe may land between)."""
    for _ in range(50):
        rc, svc = shown(home, cfg["name"])
        if comparable(svc) == comparable(live(cfg)):
            return rc, svc
    raise AssertionError(f"status never agreed with the supervisor: {svc} vs {live(cfg)}")


def test_running_and_stopped_are_told_as_the_supervisor_tells_them(home):
    cfg = make_service(home, "shop", instances=2)
    record = cfg["dir"] / "run" / "status"
    try:
        for _ in range(ROUNDS // 2):
            pharoctl(home, "start", "shop", check=0)
            assert record.exists()
            rc, svc = settled(home, cfg)
            assert rc == 0 and svc["state"] == "running" and svc["supervisor_pid"] == supervisors_of("shop", home)[0]
            assert all(i["state"] == "running" and alive(i["pid"]) and i["rss_bytes"] > 0 for i in svc["instances"])
            table = pharoctl(home, "status", "shop", check=0).stdout
            assert all(str(i["pid"]) in table for i in svc["instances"])
            pharoctl(home, "stop", "shop", check=0)
            assert not record.exists()
            rc, svc = shown(home, "shop")
            assert rc == 3 and svc["state"] == "stopped" and svc["supervisor_pid"] is None
            assert [i["pid"] for i in svc["instances"]] == [None, None]
    finally:
        stop_quietly(home, "shop")


def test_a_stopped_supervisor_is_not_woken_then_found_unresponsive(home):
    cfg = make_service(home, "shop", health={"interval": "200ms", "timeout": "150ms"})
    try:
        pharoctl(home, "start", "shop", check=0)
        (sup,) = supervisors_of("shop", home)
        os.kill(sup, signal.SIGSTOP)
        try:
            # Its record is fresh: the answer comes from it, at once (the socket would take 3 s).
            t0 = time.monotonic()
            rc, svc = shown(home, "shop")
            assert rc == 0 and svc["state"] == "running"
            assert time.monotonic() - t0 < 1.5
            # Overdue (its next probe's answer + 2 s): asked, and found not answering.
            time.sleep(2.5)
            rc, svc = shown(home, "shop")
            assert rc == 1 and svc["state"] == "unresponsive" and svc["supervisor_pid"] == sup
        finally:
            os.kill(sup, signal.SIGCONT)
        wait_until(lambda: shown(home, "shop")[1]["state"] == "running", 10, what="running again")
    finally:
        stop_quietly(home, "shop")


def test_a_supervisor_killed_with_9_is_never_shown_running(home):
    cfg = make_service(home, "shop")
    record = cfg["dir"] / "run" / "status"
    try:
        for _ in range(ROUNDS):
            pharoctl(home, "start", "shop", check=0)
            (sup,) = supervisors_of("shop", home)
            vm = shown(home, "shop")[1]["instances"][0]["pid"]
            os.kill(sup, signal.SIGKILL)
            wait_until(lambda: not alive(sup), 10, what="the supervisor gone")
            assert record.exists()  # what it left: a record nobody vouches for any more
            rc, svc = shown(home, "shop")
            assert svc["state"] != "running" and svc["supervisor_pid"] is None, svc
            assert rc == 3, svc  # stopped (or its VM still ending: orphaned)
            assert all(i["state"] in ("stopped", "orphaned") for i in svc["instances"])
            # Its VM follows it (parent-death signal); then status says stopped, and start works.
            wait_until(lambda: not alive(vm), 10, what="the VM gone")
            assert shown(home, "shop")[1]["state"] == "stopped"
    finally:
        stop_quietly(home, "shop")
        assert processes_in(cfg["dir"]) == []


@pytest.mark.parametrize("backoff", ["0ms", "300ms"])  # at once (the crash path), and after a backoff
def test_a_restarting_service_shows_no_dead_vm_as_running(home, backoff):
    cfg = make_service(home, "shop", restart={"backoff_initial": backoff, "backoff_max": backoff, "max": 100})
    try:
        pharoctl(home, "start", "shop", check=0)
        seen_backoff = False
        for _ in range(ROUNDS):
            old = shown(home, "shop")[1]["instances"][0]["pid"]
            os.kill(old, signal.SIGKILL)
            # From the moment the VM is reaped, no status may show it.
            wait_until(lambda: not os.path.exists(f"/proc/{old}"), 10, what="the VM reaped")
            while True:
                rc, svc = shown(home, "shop")
                (i,) = svc["instances"]
                assert i["pid"] != old, svc
                assert (i["last_exit"] or {}).get("signal") == "SIGKILL", svc
                seen_backoff |= i["state"] == "backoff"
                if i["state"] == "backoff":
                    assert rc == 4 and i["pid"] is None and i["reason"], svc
                if i["state"] == "running":
                    assert rc == 0 and alive(i["pid"]) and i["restarts"] >= 1, svc
                    break
        rc, svc = settled(home, cfg)
        assert rc == 0 and svc["instances"][0]["restarts"] == ROUNDS
        assert seen_backoff == (backoff != "0ms")  # a backoff is waited out, and status says so
    finally:
        stop_quietly(home, "shop")
