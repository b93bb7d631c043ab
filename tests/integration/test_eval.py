"""pharoctl eval against pharo-sim: answers, failures, stdin, timeouts, greeting checks, and
1000 evaluations in a row without a leaked descriptor on either side."""
import os
import socket
import subprocess
import threading

import pytest

from harness import PHAROCTL, free_port, pharoctl, wait_until
from neoconsole_service import SimService, sim_runtime


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    base = tmp_path_factory.mktemp("eval")
    home = base / "home"
    home.mkdir()
    svc = SimService(home, sim_runtime(str(base))).start()
    yield svc
    svc.stop()


def test_answer_on_stdout(service):
    proc = pharoctl(service.home, "eval", "shop", "3 + 4", check=0)
    assert proc.stdout == "7\n"
    assert proc.stderr == ""


def test_multi_line_expression_and_inner_empty_lines(service):
    proc = pharoctl(service.home, "eval", "shop", "| a |\na := 20.\n\n  a + 22", check=0)
    assert proc.stdout == "42\n"


def test_failure_goes_to_stderr_with_exit_1(service):
    proc = pharoctl(service.home, "eval", "shop", "1/0")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "failed with" in proc.stderr and "ZeroDivide" in proc.stderr


def test_expression_from_stdin(service):
    proc = pharoctl(service.home, "eval", "shop", "-", input="'ab' , 'cd'\n", check=0)
    assert proc.stdout == "'abcd'\n"


def test_eval_never_runs_save_or_halt(service):
    # NeoConsole would run `halt` for any line starting with it; eval sends it to be evaluated.
    proc = pharoctl(service.home, "eval", "shop", "halt")
    assert "Image saved" not in proc.stdout
    assert service.proc.poll() is None, "the image quit"
    assert pharoctl(service.home, "eval", "shop", "1 + 1", check=0).stdout == "2\n"


def test_empty_expression_is_usage_error(service):
    proc = pharoctl(service.home, "eval", "shop", "  ")
    assert proc.returncode == 2


def test_unknown_service_is_usage_error(service):
    proc = pharoctl(service.home, "eval", "nosuch", "1")
    assert proc.returncode == 2
    assert "nosuch" in proc.stderr


def test_not_running_exits_3(service, tmp_path):
    proc = pharoctl(service.home, "eval", "shop", "1", "--port", str(free_port()))
    assert proc.returncode == 3
    assert "connection refused" in proc.stderr


def test_a_port_that_is_not_neoconsole(service):
    # The metrics port speaks HTTP: the greeting check must say so, not hang or print garbage.
    proc = pharoctl(service.home, "eval", "shop", "1", "--port", str(service.metrics_port), "--connect-timeout", "500ms")
    assert proc.returncode == 1
    assert "not a NeoConsole" in proc.stderr


def test_timeout(service):
    # A server that greets like NeoConsole and then never answers.
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]
    conns = []

    def serve():
        c, _ = srv.accept()
        conns.append(c)
        c.sendall(b"NeoConsole Pharo-12.0.0 (64 Bit)\npharo> ")

    t = threading.Thread(target=serve)
    t.start()
    try:
        proc = pharoctl(service.home, "eval", "shop", "1", "--port", str(port), "--timeout", "300ms")
        assert proc.returncode == 1
        assert "no answer within" in proc.stderr
    finally:
        t.join()
        for c in conns:
            c.close()
        srv.close()


def open_fds(pid):
    return set(os.listdir(f"/proc/{pid}/fd"))


def established_to(port):
    """The image's side of console connections still open: ESTABLISHED (01) or CLOSE_WAIT (08,
    the client has gone but the image has not closed yet)."""
    with open("/proc/net/tcp") as f:
        rows = f.read().splitlines()[1:]
    return [r for r in rows if r.split()[1].endswith(f":{port:04X}") and r.split()[3] in ("01", "08")]


def settled_fds(service):
    """The image's descriptors once no console connection is open any more."""
    wait_until(lambda: not established_to(service.telnet_port), timeout=10, what="no open console connection")
    return open_fds(service.proc.pid)


def test_evals_in_a_row_leak_nothing_in_the_image(service):
    """100 `pharoctl eval` processes in a row: the image's descriptors return to where they were
    and no connection to the console stays established."""
    sim_pid = service.proc.pid
    pharoctl(service.home, "eval", "shop", "0", check=0)  # warm up: lazy descriptors
    before = settled_fds(service)
    for i in range(100):
        out = subprocess.run([PHAROCTL, "--home", service.home, "eval", "shop", f"{i} + 1"], capture_output=True,
                             text=True, stdin=subprocess.DEVNULL, timeout=20)
        assert out.returncode == 0 and out.stdout == f"{i + 1}\n", out.stderr
    # The image closes its side when the client has gone; wait for that, never sleep.
    wait_until(lambda: open_fds(sim_pid) == before, timeout=10, what="the image's descriptors to settle")
    wait_until(lambda: not established_to(service.telnet_port), timeout=10, what="no ESTABLISHED console connection")


def test_thousand_evals_leak_nothing(service):
    """1000 evaluations in a row, each on a fresh session (connect, greeting, eval, close), by
    the client library in one process (bench/eval_roundtrip --leak-check): its /proc/self/fd is
    as it was, and so are the image's descriptors."""
    bench = os.path.join(os.path.dirname(PHAROCTL), "eval_roundtrip")
    assert os.path.exists(bench), f"{bench} is not built"
    sim_pid = service.proc.pid
    pharoctl(service.home, "eval", "shop", "0", check=0)
    before = settled_fds(service)
    out = subprocess.run([bench, str(service.telnet_port), "1000", "--leak-check"], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "fresh sessions: 1000" in out.stdout
    wait_until(lambda: open_fds(sim_pid) == before, timeout=10, what="the image's descriptors to settle")
    wait_until(lambda: not established_to(service.telnet_port), timeout=10, what="no ESTABLISHED console connection")
