"""Shared helpers for the integration tests: the binaries under test, scratch homes, running
commands, and waiting on conditions with a deadline (never a bare sleep)."""
import os
import random
import socket
import stat
import struct
import subprocess
import time

PHAROCTL = os.environ.get("PHAROCTL", "pharoctl")
PHARO_SIM = os.environ.get("PHARO_SIM", "pharo-sim")
SOURCE_DIR = os.environ.get("PHAROCTL_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
SHARED_DIR = os.environ.get("PHAROCTL_SHARED_DIR", os.path.join(SOURCE_DIR, "..", "shared"))


def pharoctl(home, *args, input=None, env=None, timeout=60, check=None):
    """Runs pharoctl --home HOME ARGS; returns the CompletedProcess (text mode)."""
    full_env = dict(os.environ)
    full_env.pop("NOTIFY_SOCKET", None)
    if env:
        full_env.update(env)
    proc = subprocess.run([PHAROCTL, "--home", str(home), *args], input=input, capture_output=True,
                          text=True, env=full_env, timeout=timeout,
                          stdin=None if input is not None else subprocess.DEVNULL)
    if check is not None:
        assert proc.returncode == check, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc


def wait_until(predicate, timeout=10.0, interval=0.01, what="condition"):
    """Polls predicate until it returns a truthy value; fails after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


# Ports for test servers come from below the kernel's ephemeral range (32768-60999 here), so
# that no outgoing connection of a concurrent test (load clients, nginx upstreams) can take one
# between the moment a test picks it and the moment its server binds it.
TEST_PORT_RANGE = (20000, 32000)


def port_free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def free_port():
    """A random free loopback port below the ephemeral range."""
    for _ in range(200):
        port = random.randrange(*TEST_PORT_RANGE)
        if port_free(port):
            return port
    raise AssertionError("no free port in the test range")


def free_port_block(offsets):
    """A random base port, multiple of 10, with base + each offset free now."""
    for _ in range(200):
        base = random.randrange(TEST_PORT_RANGE[0], TEST_PORT_RANGE[1] - max(offsets), 10)
        if all(port_free(base + o) for o in offsets):
            return base
    raise AssertionError("no free port block in the test range")


def accepts_connections(port):
    """Something accepts a connection on 127.0.0.1:port now; closed with a reset, so that the look
    leaves no TIME_WAIT that could keep a VM from binding the port."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return s.connect_ex(("127.0.0.1", port)) == 0


def port_open(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def snapshot_tree(root):
    """Every file below root with its bytes and mode, to prove a command changed nothing."""
    state = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            p = os.path.join(dirpath, d)
            state[os.path.relpath(p, root)] = ("dir", os.lstat(p).st_mode)
        for f in filenames:
            p = os.path.join(dirpath, f)
            st = os.lstat(p)
            if os.path.islink(p):
                data = os.readlink(p)
            elif not stat.S_ISREG(st.st_mode):
                data = "special"  # a socket or fifo: its presence and mode are what count
            else:
                data = open(p, "rb").read()
            state[os.path.relpath(p, root)] = (data, st.st_mode)
    return state
