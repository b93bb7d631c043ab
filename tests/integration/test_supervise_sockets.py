"""What the supervisor leaves behind on the machine: no TIME_WAIT from its health probes (so a
VM that crash-loops can bind its ports again at once), and no descriptor it did not open
itself, neither in the supervisor nor in a VM."""
import os
import signal
import subprocess

from harness import PHAROCTL, pharoctl, wait_until
from supervise_harness import instance, make_service, status, stop_quietly


def time_wait_on(ports):
    """TCP sockets in TIME_WAIT (state 06 of /proc/net/tcp) with one of `ports` at either end."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            next(f)
            for line in f:
                fields = line.split()
                local, remote, state = fields[1], fields[2], fields[3]
                lport, rport = int(local.rsplit(":", 1)[1], 16), int(remote.rsplit(":", 1)[1], 16)
                if state == "06" and (lport in ports or rport in ports):
                    found.append((lport, rport))
    return found


def supervisor_events(cfg):
    """The supervisor's lines of the service's daily logs, for a failure's message."""
    lines = "".join(p.read_text() for p in sorted((cfg["dir"] / "logs").glob("shop-*.log"))).splitlines()
    return "\n".join(l for l in lines if " sup " in l)[-3000:]


def test_crash_looping_vm_under_100ms_probes_rebinds_its_ports_at_once(home):
    # Probes every 100 ms; 10 retries, so that a loaded machine's stall of a few hundred ms does
    # not replace a VM by health and add a restart the count below does not expect.
    cfg = make_service(home, "shop", health={"interval": "100ms", "timeout": "80ms", "retries": 10},
                       restart={"backoff_initial": "0ms", "backoff_max": "0ms", "max": 50, "window": "10m"})
    ports = {cfg["http"], cfg["telnet"], cfg["metrics"]}
    try:
        pharoctl(home, "start", "shop", check=0)
        for crash in range(1, 9):
            old = instance(home, "shop")["pid"]
            # A few probes against the healthy VM first: each one would leave a TIME_WAIT.
            first = instance(home, "shop")["health"]["at"]
            wait_until(lambda: instance(home, "shop")["health"]["at"] != first, 5, what="another probe")
            os.kill(old, signal.SIGKILL)
            wait_until(lambda: (lambda i: i["pid"] not in (None, old) and i["state"] == "running")(instance(home, "shop")),
                       10, what=f"replacement {crash} healthy")
            # Rebound at once: the first VM after the crash took its ports, no restart in between.
            assert instance(home, "shop")["restarts"] == crash, supervisor_events(cfg)
        assert time_wait_on(ports) == []
        log = "".join(p.read_text() for p in (cfg["dir"] / "logs").glob("shop-*.log"))
        assert "Address already in use" not in log, supervisor_events(cfg)
    finally:
        stop_quietly(home, "shop")


def fd_targets(pid):
    out = {}
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            out[int(fd)] = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            pass
    return out


def test_supervisor_and_vm_hold_only_what_they_opened(home, tmp_path):
    make_service(home, "shop")
    marker = tmp_path / "held-by-the-shell"
    marker.write_text("x")
    # What a shell running `start` may hold: files, a pipe, on low and high numbers.
    held = [os.open(marker, os.O_RDONLY) for _ in range(2)]
    r, w = os.pipe()
    high = os.dup2(held[0], 251)
    extra = held + [r, w, high]
    pipe_id = os.readlink(f"/proc/self/fd/{r}")
    try:
        env = dict(os.environ)
        env.pop("NOTIFY_SOCKET", None)
        proc = subprocess.run([PHAROCTL, "--home", str(home), "start", "shop"], pass_fds=extra, env=env,
                              capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert proc.returncode == 0, proc.stderr
        st = status(home, "shop")
        for who, pid in (("supervisor", st["supervisor_pid"]), ("VM", st["instances"][0]["pid"])):
            targets = fd_targets(pid)
            leaked = {fd: t for fd, t in targets.items() if t == str(marker) or t == pipe_id}
            assert leaked == {}, f"{who} {pid} inherited {leaked}; all: {targets}"
        vm = fd_targets(st["instances"][0]["pid"])
        assert vm[0] == "/dev/null"
        assert vm[1].startswith("pipe:") and vm[2].startswith("pipe:")
        # Beyond 0-2 only what the VM opened: its servers' sockets, its own log in the service directory.
        service_dir = str(home / "shop")
        assert all(t.startswith("socket:") or t.startswith(service_dir) for fd, t in vm.items() if fd > 2), repr(vm)
    finally:
        for fd in extra:
            os.close(fd)
        stop_quietly(home, "shop")
