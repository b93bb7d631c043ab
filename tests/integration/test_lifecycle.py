"""start / stop / pid / concurrency / stale pid files, against real pharo-sim VMs."""
import os
import signal
import subprocess
import threading

import pytest

from harness import pharoctl, port_open, wait_until
# pharo-sim applies PHARO_SIM_FAULT=exit:N just after its servers start, so a probe could
# catch the VM healthy for an instant; expecting a text it never answers keeps "exits at once"
# free of that race.
NEVER_HEALTHY = {"expect": "never answered"}

from supervise_harness import (processes_described, instance, make_service, processes_in, status, stop_quietly, supervisors_of,
                               vm_environ)


@pytest.fixture
def svc(home):
    cfg = make_service(home, "shop")
    yield cfg
    stop_quietly(home, "shop")


def test_start_status_pid_stop(home, svc):
    proc = pharoctl(home, "start", "shop", check=0)
    assert "started" in proc.stdout
    inst = instance(home, "shop")
    assert inst["state"] == "running"
    assert inst["health"]["ok"] is True
    assert inst["telnet_port"] == svc["telnet"] and inst["metrics_port"] == svc["metrics"]
    vm = inst["pid"]
    assert int(pharoctl(home, "pid", "shop", check=0).stdout) == vm
    assert open(svc["dir"] / "run" / "shop.pid").read().strip() == str(vm)
    # Starting again is a no-op that says so.
    again = pharoctl(home, "start", "shop", check=0)
    assert "already running" in again.stdout
    assert instance(home, "shop")["pid"] == vm

    proc = pharoctl(home, "stop", "shop", check=0)
    assert "stopped" in proc.stdout
    assert processes_in(svc["dir"]) == []
    assert not port_open(svc["metrics"]) and not port_open(svc["telnet"])
    assert not (svc["dir"] / "run" / "shop.pid").exists()
    st = pharoctl(home, "--json", "status", "shop")
    assert st.returncode == 3
    assert pharoctl(home, "pid", "shop").returncode == 3
    # Stopping a stopped service: exit 0 and a message.
    proc = pharoctl(home, "stop", "shop", check=0)
    assert "not running" in proc.stdout


def test_twenty_concurrent_starts_give_one_supervisor(home):
    cfg = make_service(home, "shop", instances=2)
    try:
        procs = [subprocess.Popen([os.environ.get("PHAROCTL", "pharoctl"), "--home", str(home), "start", "shop"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(20)]
        results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
        assert all(rc == 0 for rc, _, _ in results), results
        assert sum("started" in out for _, out, _ in results) == 1
        assert sum("already running" in out for _, out, _ in results) == 19
        assert len(supervisors_of("shop", home)) == 1
        st = status(home, "shop")
        vms = [i["pid"] for i in st["instances"]]
        procs_now = processes_in(cfg["dir"])
        # exactly the supervisor and one VM per instance
        assert sorted(procs_now) == sorted(vms + [st["supervisor_pid"]])
    finally:
        stop_quietly(home, "shop")
    assert processes_described(cfg["dir"]) == []


def test_unrelated_process_in_pid_file_is_stale_and_never_signalled(home, svc):
    sleeper = subprocess.Popen(["sleep", "300"])
    try:
        run = svc["dir"] / "run"
        run.mkdir(exist_ok=True)
        (run / "shop.pid").write_text(f"{sleeper.pid}\n")
        st = status(home, "shop")
        assert st["state"] == "stopped"
        assert "stale" not in st["instances"][0]["state"]
        assert str(sleeper.pid) in st["instances"][0]["stale_pid_file"]
        table = pharoctl(home, "status", "shop")
        assert table.returncode == 3
        assert "stale pid file" in table.stdout
        stop = pharoctl(home, "stop", "shop", check=0)
        assert "stale pid file" in stop.stderr and "left alone" in stop.stderr
        assert sleeper.poll() is None
        pharoctl(home, "start", "shop", check=0)
        assert sleeper.poll() is None
        vm = instance(home, "shop")["pid"]
        assert vm != sleeper.pid
        assert open(run / "shop.pid").read().strip() == str(vm)  # replaced
        log = "".join(p.read_text() for p in (svc["dir"] / "logs").glob("shop-*.log"))
        assert "stale pid file" in log and str(sleeper.pid) in log
        pharoctl(home, "stop", "shop", check=0)
        assert sleeper.poll() is None
        # A stale identity record beside it (same pid, other start time) is refused as well.
        (run / "shop.pid").write_text(f"{sleeper.pid}\n")
        (run / "shop.pid.json").write_text(
            '{"pid": %d, "start_ticks": 1, "image": "/x/shop.image", "run_script": "", "exe": ""}' % sleeper.pid)
        pharoctl(home, "stop", "shop", check=0)
        assert sleeper.poll() is None
    finally:
        sleeper.kill()
        sleeper.wait()


def test_stop_from_any_state_leaves_nothing(home):
    # starting: a VM that takes long to become healthy
    cfg = make_service(home, "slow", health={"grace": "30s"}, env={"PHARO_SIM_SLOWSTART": "20"})
    p = subprocess.Popen([os.environ.get("PHAROCTL", "pharoctl"), "--home", str(home), "start", "slow"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_until(lambda: (home / "slow" / "run" / "control.sock").exists() and
               status(home, "slow")["instances"][0]["state"] == "starting", 20, what="starting")
    # The slow start is in effect: the VM got the variable and has not run its script (no
    # console port), where without it the script runs at once.
    vm = instance(home, "slow")["pid"]
    assert vm_environ(vm).get("PHARO_SIM_SLOWSTART") == "20"
    assert not port_open(cfg["telnet"])
    pharoctl(home, "stop", "slow", check=0)
    p.wait(timeout=30)
    assert processes_described(cfg["dir"]) == []

    # backoff and failed: a VM that exits at once
    cfg = make_service(home, "crashy", health=NEVER_HEALTHY, restart={"backoff_initial": "2s", "backoff_max": "5s", "max": 3},
                       env={"PHARO_SIM_FAULT": "exit:3"})
    proc = pharoctl(home, "start", "crashy")
    assert proc.returncode == 1
    inst = instance(home, "crashy")
    assert inst["state"] == "backoff"
    assert inst["last_exit"]["status"] == 3, inst  # the fault's own exit status
    pharoctl(home, "stop", "crashy", check=0)
    assert processes_described(cfg["dir"]) == []

    cfg = make_service(home, "dead", health=NEVER_HEALTHY, restart={"backoff_initial": "10ms", "backoff_max": "20ms", "max": 1},
                       env={"PHARO_SIM_FAULT": "exit:3"})
    pharoctl(home, "start", "dead")
    wait_until(lambda: instance(home, "dead")["state"] == "failed", 20, what="failed")
    assert instance(home, "dead")["last_exit"]["status"] == 3
    pharoctl(home, "stop", "dead", check=0)
    assert processes_described(cfg["dir"]) == []

    # a hung VM (ignores nothing, answers nothing): SIGTERM still ends it
    cfg = make_service(home, "hung", health={"retries": 100})
    pharoctl(home, "start", "hung", check=0)
    from supervise_harness import repl
    repl(cfg["telnet"], "sim.hang", read_reply=False)
    pharoctl(home, "stop", "hung", check=0)
    assert processes_described(cfg["dir"]) == []


def test_supervisor_killed_takes_its_vms_along_and_stop_cleans_up(home, svc):
    pharoctl(home, "start", "shop", check=0)
    st = status(home, "shop")
    os.kill(st["supervisor_pid"], signal.SIGKILL)
    wait_until(lambda: processes_in(svc["dir"]) == [], 10, what="VMs gone with their supervisor")
    assert pharoctl(home, "--json", "status", "shop").returncode == 3
    pharoctl(home, "start", "shop", check=0)
    assert instance(home, "shop")["state"] == "running"


def test_start_reports_a_vm_that_cannot_start(home):
    make_service(home, "broken", health=NEVER_HEALTHY, env={"PHARO_SIM_FAULT": "exit:7"})
    proc = pharoctl(home, "start", "broken")
    assert proc.returncode == 1
    assert "exit status 7" in proc.stderr
    assert "log tail" in proc.stderr
    pharoctl(home, "stop", "broken", check=0)


def test_bad_usage(home, svc):
    assert pharoctl(home, "start").returncode == 2
    assert pharoctl(home, "start", "nosuch").returncode == 2
    assert pharoctl(home, "start", "shop@3").returncode == 2
    assert pharoctl(home, "reload", "shop").returncode == 3


def test_a_supervisor_that_exits_at_once_is_reported_at_once(home, svc):
    # A bad test-clock value makes the supervisor exit with status 2 before its control socket
    # exists: start notices the exit on the supervisor's pidfd, long before [health].grace (2m).
    import time
    t0 = time.monotonic()
    proc = pharoctl(home, "start", "shop", env={"PHAROCTL_TEST_WALL_CLOCK": "not-a-time"}, timeout=60)
    elapsed = time.monotonic() - t0
    assert proc.returncode == 1, proc.stderr
    assert "the supervisor exited (status 2)" in proc.stderr and "PHAROCTL_TEST_WALL_CLOCK" in proc.stderr, proc.stderr
    assert elapsed < 10, elapsed
