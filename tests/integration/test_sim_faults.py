"""pharo-sim's fault injection, each observed from outside: process state, sockets, exit status."""
import os
import signal
import socket
import time

import pytest

from harness import wait_until
from sim_support import Session, Vm, healthy, http, make_runtime, runtime, vm  # noqa: F401 (fixtures)




def repl(v, line):
    s = Session(v.telnet)
    s.greeting()
    s.send(line + "\n")
    return s


def test_crash_aborts_like_a_vm(vm):
    repl(vm, "sim.crash")
    assert vm.proc.wait(timeout=5) == -signal.SIGABRT
    assert b"Segmentation fault" in vm.proc.stderr.read()


def test_exit_status(vm):
    repl(vm, "sim.exit 7")
    assert vm.proc.wait(timeout=5) == 7


def test_hang_keeps_the_process_but_stops_answering(vm):
    repl(vm, "sim.hang")
    wait_until(lambda: not healthy(vm.metrics), timeout=5, what="metrics to stop answering")
    assert vm.proc.poll() is None
    # the kernel still accepts connections (the VM is alive) but nothing is ever written back
    with socket.create_connection(("127.0.0.1", vm.telnet), timeout=5) as s:
        s.settimeout(0.3)
        with pytest.raises(socket.timeout):
            s.recv(100)
    assert open(f"/proc/{vm.proc.pid}/stat").read().split()[2] in "SR"


def test_unhealthy_http_500_and_back(vm):
    s = repl(vm, "sim.unhealthy")
    s.read_until(b"pharo> ")
    assert http(vm.metrics, "/metrics/system.status")[0] == 500
    assert s.ask("sim.healthy\n") == b"metrics healthy again\n"
    assert http(vm.metrics, "/metrics/system.status")[0] == 200


def test_unhealthy_status_text(vm):
    s = repl(vm, "sim.unhealthy status")
    s.read_until(b"pharo> ")
    status, _, body = http(vm.metrics, "/metrics/system.status")
    assert status == 200 and not body.startswith(b"Status OK")


def test_flood_of_stdout(vm):
    s = repl(vm, "sim.flood 200000")
    data = b""
    while len(data) < 200000:
        chunk = vm.proc.stdout.read1(65536)
        assert chunk
        data += chunk
    assert s.read_until(b"pharo> ").endswith(b"wrote 200000 bytes to stdout\npharo> ")


def test_growing_memory(vm):
    before = int(http(vm.metrics, "/metrics/memory.total")[2])
    s = repl(vm, "sim.leak 50000000")
    s.read_until(b"pharo> ")
    after = int(http(vm.metrics, "/metrics/memory.total")[2])
    assert after - before >= 45_000_000
    rss = int([l for l in open(f"/proc/{vm.proc.pid}/status") if l.startswith("VmRSS:")][0].split()[1]) * 1024
    assert abs(rss - after) < 5_000_000


def test_slow_start_recorded_in_the_image(runtime, tmp_path):
    import shutil
    rt = tmp_path / "rt"
    shutil.copytree(runtime, rt)
    v = Vm(str(rt), str(tmp_path)).wait_healthy()
    s = repl(v, "sim.slowstart 1.5")
    s.read_until(b"pharo> ")
    v.stop()
    v = Vm(str(rt), str(tmp_path))
    started = time.monotonic()
    v.wait_healthy(timeout=10)
    assert time.monotonic() - started >= 1.4
    v.stop()


def test_faults_from_the_environment(runtime, tmp_path):
    v = Vm(runtime, str(tmp_path), env={"PHARO_SIM_FAULT": "exit:3"})
    assert v.proc.wait(timeout=10) == 3
    v.stop()
    v = Vm(runtime, str(tmp_path), env={"PHARO_SIM_FAULT": "crash", "PHARO_SIM_FAULT_AFTER": "0.3"})
    wait_until(lambda: healthy(v.metrics) or v.proc.poll() is not None, timeout=10, what="healthy before the crash")
    assert v.proc.wait(timeout=10) == -signal.SIGABRT
    v.stop()
    v = Vm(runtime, str(tmp_path), env={"PHARO_SIM_FAULT": "unhealthy"})
    wait_until(lambda: v.proc.poll() is not None or _status(v) == 500, timeout=10, what="HTTP 500")
    assert v.proc.poll() is None and _status(v) == 500  # alive, and every metrics request fails
    v.stop()
    v = Vm(runtime, str(tmp_path), env={"PHARO_SIM_SLOWSTART": "1"})
    started = time.monotonic()
    v.wait_healthy()
    assert time.monotonic() - started >= 0.9
    v.stop()


def _status(v):
    try:
        return http(v.metrics, "/metrics/system.status", timeout=0.5)[0]
    except OSError:
        return None
