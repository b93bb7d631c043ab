"""Instance events reach journald with priorities: the supervisor's stderr is a stream socket
as systemd connects it to journald (JOURNAL_STREAM names its device:inode), and the test's
listener on the other end reads what journald would: sd-daemon "<N>" prefixes, no timestamps
of the supervisor's own. With JOURNAL_STREAM naming some other file, lines stay timestamped."""
import os
import re
import signal
import socket
import subprocess
import threading

from harness import PHAROCTL, wait_until
from supervise_harness import instance, make_service, processes_in, repl


class JournalListener:
    """Stands in for journald's stdout stream socket (/run/systemd/journal/stdout)."""

    def __init__(self, path):
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(str(path))
        self.server.listen(1)
        self.client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.client.connect(str(path))
        self.conn, _ = self.server.accept()
        st = os.fstat(self.client.fileno())
        self.journal_stream = f"{st.st_dev}:{st.st_ino}"
        self.lines = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self):
        buf = b""
        while True:
            chunk = self.conn.recv(65536)
            if not chunk:
                return
            buf += chunk
            *done, buf = buf.split(b"\n")
            with self._lock:
                self.lines.extend(l.decode() for l in done)

    def snapshot(self):
        with self._lock:
            return list(self.lines)

    def find(self, pattern):
        rx = re.compile(pattern)
        return [l for l in self.snapshot() if rx.search(l)]

    def wait_for(self, pattern, timeout=15):
        try:
            return wait_until(lambda: self.find(pattern), timeout, what=f"a journal line matching {pattern!r}")
        except AssertionError as e:
            raise AssertionError(f"{e}; the journal got: {self.snapshot()[-20:]}") from None

    def close(self):
        self.client.close()


def start(home, stderr, journal_stream):
    env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC")}
    env["JOURNAL_STREAM"] = journal_stream
    return subprocess.Popen([PHAROCTL, "--home", str(home), "supervise", "shop"], env=env,
                            stdout=subprocess.DEVNULL, stderr=stderr)


def test_instance_events_reach_the_journal_with_priorities(home, tmp_path):
    cfg = make_service(home, "shop", instances=2, health={"retries": 2},
                       restart={"backoff_initial": "100ms"})
    journal = JournalListener(tmp_path / "stdout")
    sup = start(home, journal.client.fileno(), journal.journal_stream)
    try:
        journal.wait_for(r"^<5>shop: ready: every instance is healthy$")
        journal.wait_for(r"^<6>shop\.0: pid \d+ healthy after")

        # The VMs' stderr is a pipe to the supervisor: JOURNAL_STREAM is not theirs to inherit.
        pid = instance(home, "shop", 1)["pid"]
        with open(f"/proc/{pid}/environ", "rb") as f:
            assert b"JOURNAL_STREAM=" not in f.read()

        # A VM crash: err, then the restart: notice.
        repl(cfg["telnet"] + 10, "sim.crash")
        journal.wait_for(rf"^<3>shop\.1: pid {pid} ended after [0-9.]+s: killed by SIGABRT$")
        journal.wait_for(r"^<5>shop\.1: restart(ing in |ed at once)")
        wait_until(lambda: instance(home, "shop", 1)["state"] == "running", 15, what="instance 1 back")

        # Failed health checks: warning each, err when the VM is replaced for them.
        pid = instance(home, "shop", 0)["pid"]
        repl(cfg["telnet"], "sim.unhealthy")
        journal.wait_for(rf"^<4>shop\.0: pid {pid} health failed 1 of 2: ")
        journal.wait_for(rf"^<3>shop\.0: replacing pid {pid}: 2 consecutive failed health checks$")
        # Ended because the supervisor asked: info, not a crash.
        journal.wait_for(rf"^<6>shop\.0: pid {pid} ended after ")

        sup.send_signal(signal.SIGTERM)
        assert sup.wait(timeout=20) == 0
        journal.wait_for(r"^<5>shop: supervisor stopped: every VM is gone$")
        lines = journal.snapshot()
        # Every line an sd-daemon prefix and a source; no timestamp of our own.
        assert lines and all(re.match(r"^<[0-7]>shop(\.[01])?: \S", l) for l in lines), lines
        assert not [l for l in lines if re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", l)]
        assert processes_in(cfg["dir"]) == []
    finally:
        if sup.poll() is None:
            sup.kill()
            sup.wait()
        journal.close()


def test_journal_stream_of_another_file_keeps_timestamps(home, tmp_path):
    make_service(home, "shop")
    other = JournalListener(tmp_path / "other")  # JOURNAL_STREAM names this one, stderr is a file
    err = open(tmp_path / "stderr.txt", "w+")
    sup = start(home, err.fileno(), other.journal_stream)
    try:
        wait_until(lambda: "ready: every instance is healthy" in (tmp_path / "stderr.txt").read_text(), 20,
                   what="ready")
        sup.send_signal(signal.SIGTERM)
        assert sup.wait(timeout=20) == 0
        lines = (tmp_path / "stderr.txt").read_text().splitlines()
        assert lines and all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d shop: ", l)
                             for l in lines), lines
        assert any(re.search(r" shop: started pid \d+", l) for l in lines)
        assert other.snapshot() == []
    finally:
        if sup.poll() is None:
            sup.kill()
            sup.wait()
        err.close()
        other.close()
