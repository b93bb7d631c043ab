"""Helpers for the pharo-sim tests: a scratch sim runtime, a running VM on free loopback ports,
a NeoConsole telnet session and plain HTTP requests, all with deadlines."""
import os
import signal
import socket
import subprocess
import time

import pytest

from harness import PHARO_SIM, free_port, port_open, wait_until

PROMPT = b"pharo> "

GUARD = """(Smalltalk hasClassNamed: #NeoConsoleTelnetServer) ifFalse: [
  Metacello new
    repository: 'github://svenvc/NeoConsole/src';
    baseline: 'NeoConsole';
    load ].
"""


def make_runtime(path, generation=None, version=None):
    args = [PHARO_SIM, "--sim-create-runtime", str(path)]
    if generation:
        args += ["--generation", generation]
    if version:
        args += ["--pharo-version", version]
    subprocess.run(args, check=True, timeout=30)
    return path


def read_to_close(sock):
    """Everything the peer sends until it closes the connection."""
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def http(port, path, method="GET", timeout=5.0):
    """One request with Connection: close; returns (status, headers dict, body bytes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = read_to_close(s)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, body


def healthy(port):
    try:
        status, _, body = http(port, "/metrics/system.status", timeout=0.5)
        return status == 200 and body.startswith(b"Status OK")
    except OSError:
        return False


class Vm:
    """A pharo-sim VM started from a runtime with a run script in a working directory."""

    def __init__(self, runtime, workdir, script=None, env=None, extra_args=None, image=None):
        self.runtime = runtime
        self.workdir = workdir
        self.telnet = free_port()
        self.metrics = free_port()
        self.http = free_port()
        self.expect_open = []  # ports that the script opens after the metrics server
        if callable(script):  # a script that needs this VM's ports
            script = script(self)
        if script is None:
            self.expect_open = [self.http]
            script = GUARD + f"""(NeoConsoleTranscript onFileNamed: 'server-{{1}}.log') install.
Transcript
  cr;
  show: 'Starting '; show: (NeoConsoleTelnetServer startOn: {self.telnet}); cr;
  show: 'Starting '; show: (NeoConsoleMetricDelegate startOn: {self.metrics}); cr;
  flush.
(ZnServer defaultOn: (OSEnvironment current at: 'PHAROCTL_HTTP_PORT' ifAbsent: [ '8080' ]) asInteger)
  bindingAddress: NetNameResolver loopBackAddress;
  logToTranscript;
  start.
"""
        script_path = os.path.join(workdir, "run.st")
        with open(script_path, "w") as f:
            f.write(script)
        full_env = dict(os.environ)
        full_env["PHAROCTL_HTTP_PORT"] = str(self.http)
        if env:
            full_env.update(env)
        image = image or os.path.join(runtime, "Pharo.image")
        args = [os.path.join(runtime, "pharo-vm", "pharo"), "--headless", image, "st", script_path] + (extra_args or [])
        self.proc = subprocess.Popen(args, cwd=workdir, env=full_env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def wait_healthy(self, timeout=10.0):
        wait_until(lambda: healthy(self.metrics) or self.proc.poll() is not None, timeout=timeout, what="healthy metrics")
        assert self.proc.poll() is None, f"VM exited with {self.proc.returncode}: {self.proc.stderr.read()!r}"
        for port in self.expect_open:
            wait_until(lambda: port_open(port) or self.proc.poll() is not None, timeout=timeout, what=f"port {port}")
        return self

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc.stdout.close()
        self.proc.stderr.close()


class Session:
    """A raw telnet session to NeoConsole; every read has a deadline."""

    def __init__(self, port, timeout=5.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""
        self.timeout = timeout

    def read_until(self, marker, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while marker not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {marker!r}; got {self.buf!r}")
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError(f"connection closed while waiting for {marker!r}; got {self.buf!r}")
            self.buf += chunk
        i = self.buf.index(marker) + len(marker)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def read_to_close(self, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"connection not closed; got {self.buf!r}")
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                out, self.buf = self.buf, b""
                return out
            self.buf += chunk

    def greeting(self):
        return self.read_until(PROMPT)

    def send(self, text):
        self.sock.sendall(text.encode() if isinstance(text, str) else text)

    def ask(self, text):
        """Sends text and answers the bytes up to (not including) the next prompt."""
        self.send(text)
        return self.read_until(PROMPT)[: -len(PROMPT)]

    def close(self):
        self.sock.close()


# Fixtures shared by the sim test files (imported there by name).
@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    """A sim runtime made once per test module."""
    return str(make_runtime(tmp_path_factory.mktemp("rt") / "runtime"))


@pytest.fixture
def vm(runtime, tmp_path):
    """A healthy pharo-sim VM for one test, stopped afterwards."""
    v = Vm(runtime, str(tmp_path)).wait_healthy()
    yield v
    v.stop()
