"""`start NAME` launches the service's supervisor before it checks the service, held on its
starter channel (one end of a socket pair) until the checks pass: "wait" lets it go ahead and
is answered on the same channel once every instance is healthy; EOF calls it off before it has
started or written anything."""
import fcntl
import json
import os
import shutil
import socket
import subprocess
import time

from harness import PHAROCTL, pharoctl, snapshot_tree
from supervise_harness import make_service, processes_in, supervisors_of


def slim_supervisor():
    exe = shutil.which(PHAROCTL) or PHAROCTL
    return os.path.join(os.path.dirname(os.path.abspath(exe)), "pharoctl-supervise")


def lock_free(path):
    if not path.exists():
        return True
    with open(path, "rb") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(f, fcntl.LOCK_UN)
        return True


def written_by_a_start(d):
    """What a supervisor that went ahead leaves in run/ and logs/ (besides the lock and supervisor.out)."""
    names = [p.name for p in (d / "run").iterdir()] if (d / "run").exists() else []
    names += [p.name for p in (d / "logs").glob("*.log")] if (d / "logs").exists() else []
    return sorted(n for n in names if n not in ("supervisor.lock", "start.lock"))


def test_a_start_refused_by_its_checks_calls_its_held_supervisor_off(home):
    make_service(home, "first")
    cfg = make_service(home, "second")
    d = cfg["dir"]
    # Started once: its lock files and supervisor.out exist, so the next start holds a supervisor.
    pharoctl(home, "start", "second", timeout=30)
    pharoctl(home, "stop", "second", timeout=30)
    toml = d / "service.toml"
    first = (home / "first" / "service.toml").read_text()
    port = next(int(l.split("=")[1]) for l in first.splitlines() if l.startswith("http_port"))
    toml.write_text("\n".join(f"http_port = {port}" if l.startswith("http_port") else l
                              for l in toml.read_text().splitlines()) + "\n")
    before = snapshot_tree(d)
    r = pharoctl(home, "start", "second", timeout=30)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "is also used by service 'first'" in r.stderr, r.stderr
    # Called off, and gone by the time start returned: no supervisor, no VM, not a byte written
    # (not its pid into the lock file, not a line into supervisor.out, no run script).
    assert processes_in(d) == []  # the supervisor and its VMs work in the service's directory
    assert supervisors_of("second", home) == []
    assert lock_free(d / "run" / "supervisor.lock")
    assert snapshot_tree(d) == before


def launch_held(home, name):
    """The supervisor as `start` launches it, our end of its starter channel."""
    ours, theirs = socket.socketpair()
    fd = theirs.fileno()
    p = subprocess.Popen([slim_supervisor(), "--home", str(home), "supervise", name, "--starter-fd", str(fd)],
                         cwd=home / name, pass_fds=(fd,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, start_new_session=True)
    theirs.close()
    return p, ours, fd


def test_eof_on_the_starter_channel_ends_the_supervisor_before_it_starts_anything(home):
    cfg = make_service(home, "shop")
    d = cfg["dir"]
    p, ours, _ = launch_held(home, "shop")
    # Held: it took its lock and waits for the go-ahead, with no VM.
    deadline = time.monotonic() + 10
    while lock_free(d / "run" / "supervisor.lock"):
        assert p.poll() is None, p.stderr.read()
        assert time.monotonic() < deadline, "the held supervisor never took its lock"
        time.sleep(0.005)
    assert processes_in(d) == [p.pid]  # no VM (it would work in the service's directory too)
    ours.close()
    assert p.wait(timeout=10) == 0
    assert p.stderr.read() == b""
    assert written_by_a_start(d) == []
    assert lock_free(d / "run" / "supervisor.lock")


def test_wait_on_the_starter_channel_is_answered_there_once_healthy(home):
    cfg = make_service(home, "shop")
    p, ours, fd = launch_held(home, "shop")
    try:
        ours.sendall(b'{"cmd":"wait"}\n')
        ours.settimeout(20)
        got = b""
        while b"\n" not in got:
            chunk = ours.recv(65536)
            assert chunk, "the supervisor closed the channel without an answer"
            got += chunk
        answer = json.loads(got.split(b"\n")[0])
        assert answer["ok"] and answer["status"]["ready"], answer
        vm = answer["status"]["instances"][0]["pid"]
        # The channel is the supervisor's alone: the VM did not inherit it.
        channel = os.readlink(f"/proc/{p.pid}/fd/{fd}")
        assert channel.startswith("socket:"), channel
        assert channel not in [os.readlink(f"/proc/{vm}/fd/{f}") for f in os.listdir(f"/proc/{vm}/fd")]
    finally:
        ours.close()
        pharoctl(home, "stop", "shop", check=0, timeout=30)
        p.wait(timeout=10)
