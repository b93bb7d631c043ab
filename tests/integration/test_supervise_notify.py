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


def test_ready_after_health_watchdog_at_rate_through_unhealth_and_none_while_stuck(home, tmp_path):
    cfg = make_service(home, "shop", instances=2, health={"interval": "100ms", "timeout": "80ms", "retries": 100},
                       env={"PHARO_SIM_SLOWSTART": "0.5"})
    listener = Listener(tmp_path / "notify.sock")
    env = {**os.environ, "NOTIFY_SOCKET": str(tmp_path / "notify.sock"), "WATCHDOG_USEC": "400000"}
    launched = time.monotonic()
    sup = subprocess.Popen([PHAROCTL, "--home", str(home), "supervise", "shop"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        ready_at = listener.wait_for("READY=1", 20)
        # The VMs' slow start ([env] PHARO_SIM_SLOWSTART) held READY back: it cannot come sooner.
        assert ready_at - launched >= 0.5, ready_at - launched
        # READY only once health held: every VM answers health now, and no READY came before
        # a STATUS saying so.
        assert healthy(cfg, 0) and healthy(cfg, 1)
        before = [m for t, m in listener.messages if t < ready_at]
        assert before and all("READY=1" not in m for m in before), before
        assert any("0/2 instances healthy" in m for m in before)
        ready_msg = next(m for t, m in listener.messages if t == ready_at)
        assert "STATUS=2/2 instances healthy" in ready_msg
        # The watchdog beats from the start, before READY too: systemd's timer runs from the exec.
        assert listener.watchdogs(0, ready_at)

        # WATCHDOG=1 at half of WATCHDOG_USEC (200 ms).
        start = time.monotonic()
        listener.pump(2.0)
        n = len(listener.watchdogs(start))
        assert 7 <= n <= 12, n

        # One instance unhealthy (metrics answer 500): the supervisor's loop is alive and deals
        # with it, so the watchdog keeps beating and systemd leaves the healthy instance alone.
        repl(cfg["telnet"] + 10, "sim.unhealthy")
        wait_until(lambda: instance(home, "shop", 1)["state"] == "unhealthy", 5, what="unhealthy")
        during = time.monotonic()
        listener.pump(1.5)
        assert 5 <= len(listener.watchdogs(during)) <= 10, listener.watchdogs(during)
        assert any("STATUS=1/2 instances healthy; shop.1 unhealthy" in m for _, m in listener.messages)
        assert instance(home, "shop", 0)["state"] == "running"

        # The loop stuck (the supervisor stopped in its tracks): no beat at all.
        sup.send_signal(signal.SIGSTOP)
        listener.pump(0.2)  # a datagram sent just before the stop
        stuck_from = time.monotonic()
        listener.pump(1.2)
        assert listener.watchdogs(stuck_from) == []
        sup.send_signal(signal.SIGCONT)
        resumed = time.monotonic()
        listener.pump(1.0)
        assert len(listener.watchdogs(resumed)) >= 3

        repl(cfg["telnet"] + 10, "sim.healthy")
        wait_until(lambda: instance(home, "shop", 1)["state"] == "running", 5, what="healthy again")

        sup.send_signal(signal.SIGTERM)
        assert sup.wait(timeout=20) == 0
        listener.pump(0.2)
        assert any("STOPPING=1" in m for _, m in listener.messages)
        assert processes_in(cfg["dir"]) == []
    finally:
        if sup.poll() is None:
            sup.send_signal(signal.SIGCONT)
            sup.kill()
            sup.wait()


def test_sighup_reports_reloading_then_ready(home, tmp_path):
    make_service(home, "shop")
    listener = Listener(tmp_path / "notify.sock")
    env = {**os.environ, "NOTIFY_SOCKET": str(tmp_path / "notify.sock")}
    env.pop("WATCHDOG_USEC", None)
    sup = subprocess.Popen([PHAROCTL, "--home", str(home), "supervise", "shop"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ready_at = listener.wait_for("READY=1", 20)
        sup.send_signal(signal.SIGHUP)  # what ExecReload=/bin/kill -HUP $MAINPID does
        reloading = listener.wait_for("RELOADING=1", 10)
        assert reloading > ready_at
        end = time.monotonic() + 10
        while not [t for t, m in listener.messages if t > reloading and "READY=1" in m.split("\n")]:
            assert time.monotonic() < end, listener.messages
            listener.pump(0.05)
        sup.send_signal(signal.SIGTERM)
        assert sup.wait(timeout=20) == 0
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
