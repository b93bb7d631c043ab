"""Shared helpers for the integration tests: the binaries under test, scratch homes, running
commands, and waiting on conditions with a deadline (never a bare sleep)."""
import os
import socket
import stat
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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
