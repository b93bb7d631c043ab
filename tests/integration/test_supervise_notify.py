"""The sd_notify protocol, checked with a listener on a NOTIFY_SOCKET datagram socket, as
systemd's Type=notify with WatchdogSec= would see it."""
import os
import select
import signal
import socket
import subprocess
import time

from harness import PHAROCTL, wait_until
from supervise_harness import healthy, instance, make_service, processes_in, repl


class Listener:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.messages = []  # (monotonic time, text)

    def pump(self, seconds):
        """Collects datagrams for `seconds` (a deadline on the socket, not a sleep)."""
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            r, _, _ = select.select([self.sock], [], [], left)
            if r:
                self.messages.append((time.monotonic(), self.sock.recv(4096).decode()))

    def wait_for(self, needle, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for t, m in self.messages:
                if needle in m.split("\n"):
                    return t
            self.pump(min(0.05, max(0, end - time.monotonic())))
        raise AssertionError(f"no {needle} within {timeout}s; got {self.messages}")

    def watchdogs(self, since, until=None):
        return [t for t, m in self.messages if "WATCHDOG=1" in m.split("\n") and t >= since and
                (until is None or t <= until)]


def test_ready_after_health_watchdog_at_rate_and_none_while_unhealthy(home, tmp_path):
    cfg = make_service(home, "shop", health={"interval": "100ms", "timeout": "80ms", "retries": 100},
                       env={"PHARO_SIM_SLOWSTART": "0.5"})
    listener = Listener(tmp_path / "notify.sock")
    env = {**os.environ, "NOTIFY_SOCKET": str(tmp_path / "notify.sock"), "WATCHDOG_USEC": "400000"}
    sup = subprocess.Popen([PHAROCTL, "--home", str(home), "supervise", "shop"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        ready_at = listener.wait_for("READY=1", 20)
        # READY only once health held: the VM answers health now, and no READY came before a
        # STATUS saying so.
        assert healthy(cfg)
        before = [m for t, m in listener.messages if t < ready_at]
        assert before and all("READY=1" not in m and "WATCHDOG=1" not in m for m in before), before
        assert any("0/1 instance healthy" in m for m in before)
        ready_msg = next(m for t, m in listener.messages if t == ready_at)
        assert "STATUS=1/1 instance healthy" in ready_msg

        # WATCHDOG=1 at half of WATCHDOG_USEC (200 ms) while healthy.
        start = time.monotonic()
        listener.pump(2.0)
        n = len(listener.watchdogs(start))
        assert 7 <= n <= 12, n

        # Unhealthy (metrics answer 500): no WATCHDOG=1 while it lasts.
        repl(cfg["telnet"], "sim.unhealthy")
        wait_until(lambda: instance(home, "shop")["state"] == "unhealthy", 5, what="unhealthy")
        listener.pump(0.3)  # let any datagram sent before the state change arrive
        quiet_from = time.monotonic()
        listener.pump(1.5)
        assert listener.watchdogs(quiet_from) == []
        assert any("unhealthy" in m for _, m in listener.messages)

        repl(cfg["telnet"], "sim.healthy")
        wait_until(lambda: instance(home, "shop")["state"] == "running", 5, what="healthy again")
        again = time.monotonic()
        listener.pump(1.0)
        assert len(listener.watchdogs(again)) >= 3

        sup.send_signal(signal.SIGTERM)
        assert sup.wait(timeout=20) == 0
        listener.pump(0.2)
        assert any("STOPPING=1" in m for _, m in listener.messages)
        assert processes_in(cfg["dir"]) == []
    finally:
        if sup.poll() is None:
            sup.kill()
            sup.wait()


def test_without_notify_socket_nothing_breaks_and_sigint_stops(home):
    cfg = make_service(home, "shop")
    env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC")}
    sup = subprocess.Popen([PHAROCTL, "--home", str(home), "supervise", "shop"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_until(lambda: (cfg["dir"] / "run" / "control.sock").exists() and
                   instance(home, "shop")["state"] == "running", 20, what="running")
        # A second supervisor for the same service refuses: the lock, not a pid file, decides.
        second = subprocess.run([PHAROCTL, "--home", str(home), "supervise", "shop"], env=env,
                                capture_output=True, text=True, timeout=30)
        assert second.returncode == 1 and "already supervised" in second.stderr
        sup.send_signal(signal.SIGINT)
        assert sup.wait(timeout=20) == 0
        assert processes_in(cfg["dir"]) == []
    finally:
        if sup.poll() is None:
            sup.kill()
            sup.wait()
