"""The home on a small tmpfs filled to the brim: a VM killed with -9 and a `restart` do not take
the supervisor down; it says on stderr what it could not write, keeps its VM supervised, and
catches up (pid files, held log lines) once space is freed. Nothing written before is lost."""
import hashlib
import json
import os
import signal
import subprocess

import pytest

from harness import PHAROCTL, pharoctl, wait_until
from supervise_harness import make_service


@pytest.fixture
def small_fs(tmp_path):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m,mode=0755", "tmpfs", str(mnt)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {proc.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def fill(path):
    """Writes zeros until the file system refuses with ENOSPC."""
    chunk = b"\0" * (1 << 20)
    with open(path, "wb", buffering=0) as f:
        while True:
            try:
                f.write(chunk)
            except OSError as e:
                assert e.errno == 28, e  # ENOSPC
                break
        small = b"\0" * 512
        while True:
            try:
                f.write(small)
            except OSError:
                return


def digests(root):
    out = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = os.path.join(dirpath, f)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            with open(p, "rb") as fh:
                out[os.path.relpath(p, root)] = fh.read()
    return out


def status(home, name="shop"):
    proc = pharoctl(home, "--json", "status", name, timeout=30)
    return json.loads(proc.stdout)["services"][0], proc.returncode


def test_full_disk_never_kills_the_supervisor(small_fs, tmp_path):
    home = small_fs / "home"
    home.mkdir()
    cfg = make_service(home, "shop")
    d = cfg["dir"]
    # The supervisor in the foreground, its stderr on another disk: as under systemd (journal).
    stderr_path = tmp_path / "supervisor.stderr"
    env = dict(os.environ)
    env.pop("NOTIFY_SOCKET", None)
    sup = subprocess.Popen([PHAROCTL, "--home", str(home), "supervise", "shop"], stdout=subprocess.DEVNULL,
                           stderr=open(stderr_path, "wb"), env=env)
    try:
        wait_until(lambda: status(home)[1] == 0, timeout=30, what="shop healthy")
        first_pid = status(home)[0]["instances"][0]["pid"]
        before = digests(home)
        # The brim: not one more block.
        fill(small_fs / "filler")
        with pytest.raises(OSError):
            with open(small_fs / "probe", "wb") as f:
                f.write(b"x" * 65536)
                f.flush()
                os.fsync(f.fileno())

        # A crash: the supervisor restarts the VM although it cannot write its pid file.
        os.kill(first_pid, signal.SIGKILL)
        def replaced():
            s, rc = status(home)
            pid = s["instances"][0]["pid"]
            return rc == 0 and pid and pid != first_pid and pid
        second_pid = wait_until(replaced, timeout=30, what="the VM back after kill -9")
        assert sup.poll() is None, "the supervisor died"

        # An operator's restart on the full disk works too.
        r = pharoctl(home, "restart", "shop", timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
        assert sup.poll() is None, "the supervisor died"
        s, rc = status(home)
        third_pid = s["instances"][0]["pid"]
        assert rc == 0 and third_pid not in (first_pid, second_pid)
        said = stderr_path.read_text()
        assert "No space left on device" in said, said
        assert os.path.exists(d / "run" / "control.sock")

        # Space returns: the pid file catches up and names the live VM; held log lines land.
        os.unlink(small_fs / "filler")
        wait_until(lambda: (d / "run" / "shop.pid").exists()
                   and (d / "run" / "shop.pid").read_text().strip() == str(third_pid),
                   timeout=10, what="the pid file written once space returned")
        wait_until(lambda: "takes writes again" in stderr_path.read_text() or "at last" in stderr_path.read_text(),
                   timeout=10, what="the supervisor telling it caught up")
        pharoctl(home, "restart", "shop", check=0, timeout=60)  # and on a disk with room, as before
        s, rc = status(home)
        assert rc == 0 and s["instances"][0]["pid"] != third_pid

        # Nothing written before the disk filled is lost: every file still holds its bytes
        # (logs and the image's .changes may only have grown).
        after = digests(home)
        for rel, data in before.items():
            if rel.startswith("shop/run/"):
                continue  # pid records and run scripts are the supervisor's to rewrite
            assert rel in after, f"{rel} vanished"
            if rel.startswith("shop/logs/") or rel.endswith(".changes"):
                assert after[rel][:len(data)] == data, f"{rel} lost bytes"
            else:
                assert hashlib.sha256(after[rel]).digest() == hashlib.sha256(data).digest(), f"{rel} changed"
        log = next(p for p in (d / "logs").iterdir() if p.name.startswith("shop-") and p.name.endswith(".log"))
        assert "ended after" in log.read_text()  # the kill -9, held while the disk was full, then written
    finally:
        if sup.poll() is None:
            sup.send_signal(signal.SIGTERM)
            sup.wait(timeout=60)
