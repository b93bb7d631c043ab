"""The supervisor forks its first VMs before it has finished setting itself up (its control
socket comes while the VM starts): a supervisor whose set-up fails after that fork takes its VMs
along before it exits, and `start` says why."""
import os
import socket

from harness import pharoctl
from supervise_harness import make_service


def processes_under(directory):
    """Pids whose command line names a file under `directory` (a VM runs its image from there)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        if any(a.startswith(str(directory) + "/") for a in argv):
            found.append(int(pid))
    return found


def refused(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_a_supervisor_failing_after_the_fork_leaves_no_vm_and_says_why(home):
    cfg = make_service(home, "shop")
    d = cfg["dir"]
    # The control socket's name taken by a directory that is not empty: the supervisor cannot
    # put its socket there, which it finds out only once the VM was forked.
    blocker = d / "run" / "control.sock"
    blocker.mkdir(parents=True)
    (blocker / "keep").write_text("")
    r = pharoctl(home, "start", "shop", timeout=30)
    said = r.stdout + r.stderr
    assert r.returncode != 0, said
    assert "control.sock" in said, said
    # At once, not after a parent-death signal: the supervisor ended its VM before it exited.
    assert processes_under(d) == []
    assert not (d / "run" / "shop.pid").exists()
    assert not (d / "run" / "status").exists()
    assert all(refused(p) for p in (cfg["http"], cfg["telnet"], cfg["metrics"]))
    log = "".join(p.read_text() for p in (d / "logs").glob("shop-*.log"))
    assert "ended at once: the supervisor could not start" in log, log
    # With the name free again, the service starts as ever.
    (blocker / "keep").unlink()
    blocker.rmdir()
    try:
        pharoctl(home, "start", "shop", timeout=30)
        assert len(processes_under(d)) == 1
    finally:
        pharoctl(home, "stop", "shop", check=0, timeout=30)
