"""pharoctl-container on the host, without a container engine: the init seeds the volume once,
forwards SIGTERM to the VM and exits with its status, SIGKILLs a VM that ignores SIGTERM after
the stop timeout, and the probe and the REPL bridge speak to a real pharo-sim on loopback."""
import os
import signal
import subprocess
import time

import pytest

from harness import PHAROCTL, wait_until
from sim_support import Vm, make_runtime

HELPER = os.path.join(os.path.dirname(PHAROCTL), "pharoctl-container")


@pytest.fixture(autouse=True)
def helper_present():
    if not os.access(HELPER, os.X_OK):
        pytest.fail(f"{HELPER} is missing: the build makes it beside pharoctl")


def start_init(tmp_path, argv, stop_timeout=2, seed=True):
    args = [HELPER, "run", "--stop-timeout", str(stop_timeout)]
    if seed:
        (tmp_path / "pristine").write_text("pristine changes\n")
        args += ["--seed", f"{tmp_path / 'pristine'}:{tmp_path / 'var.changes'}"]
    return subprocess.Popen(args + ["--", *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def child_of(pid):
    def find():
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            kids = f.read().split()
        return int(kids[0]) if kids else None
    return wait_until(find, timeout=10, what="the init's child")


def test_sigterm_is_forwarded_and_the_vm_status_returned(tmp_path):
    p = start_init(tmp_path, ["/bin/sleep", "100"])
    child = child_of(p.pid)
    assert (tmp_path / "var.changes").read_text() == "pristine changes\n"
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=10)
    assert p.returncode == 143, err
    assert "the VM ended on signal 15" in err
    assert not os.path.exists(f"/proc/{child}")


def test_a_vm_ignoring_sigterm_is_killed_after_the_stop_timeout(tmp_path):
    ready = tmp_path / "trapped"
    p = start_init(tmp_path, ["/bin/sh", "-c", f"trap '' TERM; : > {ready}; while :; do sleep 0.1; done"], stop_timeout=1)
    wait_until(ready.exists, timeout=10, what="the VM to ignore SIGTERM")
    started = time.monotonic()
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=10)
    took = time.monotonic() - started
    assert p.returncode == 137, err
    assert "still running 1 s after the stop signal: SIGKILL" in err
    assert 0.9 < took < 5, took


def test_seed_keeps_what_the_vm_wrote_and_exit_codes_pass_through(tmp_path):
    (tmp_path / "var.changes").write_text("written by the VM\n")
    p = start_init(tmp_path, ["/bin/sh", "-c", "exit 7"])
    p.communicate(timeout=10)
    assert p.returncode == 7
    assert (tmp_path / "var.changes").read_text() == "written by the VM\n"


def test_bad_usage_exits_2(tmp_path):
    for args in (["run"], ["run", "--stop-timeout", "0", "--", "/bin/true"], ["run", "--seed", "x", "--", "/bin/true"],
                 ["probe", "--url", "http://10.1.2.3:80/"], ["nosuch"], []):
        proc = subprocess.run([HELPER, *args], capture_output=True, text=True, timeout=10)
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.startswith("pharoctl-container: "), proc.stderr


def test_probe_and_repl_against_a_real_sim(tmp_path):
    vm = Vm(make_runtime(tmp_path / "rt"), str(tmp_path)).wait_healthy()
    try:
        url = f"http://127.0.0.1:{vm.metrics}/metrics/system.status"

        def probe(*extra):
            return subprocess.run([HELPER, "probe", "--url", url, *extra], capture_output=True, text=True, timeout=10)

        ok = probe("--expect", "Status OK")
        assert ok.returncode == 0 and ok.stdout.startswith("healthy: 200"), ok.stdout
        wrong = probe("--expect", "No Such Text")
        assert wrong.returncode == 1 and "lacks" in wrong.stdout, wrong.stdout
        repl = subprocess.run([HELPER, "repl"], input="3 + 4\nquit\n", capture_output=True, text=True, timeout=20,
                              env=dict(os.environ, PHAROCTL_TELNET_PORT=str(vm.telnet)))
        assert repl.returncode == 0, repl.stderr
        assert "pharo> " in repl.stdout and "7" in repl.stdout, repl.stdout
    finally:
        vm.stop()
