"""start checks a service's ports against every other service of the home, taking each other
service's ports from the home's port index (HOME/.pharoctl-ports, a line per service keyed by
the stat of its service.toml) instead of parsing its file: an edited file must be seen at once,
and a stale or damaged index must never hide a clash."""
import os
import re
import time

from harness import pharoctl, wait_until
from supervise_harness import make_service, stop_quietly


def http_port(home, name):
    return int(re.search(r"^http_port = (\d+)$", (home / name / "service.toml").read_text(), re.M).group(1))


def settled(path):
    """A file is remembered once its ctime is older than the filesystem's tick (100 ms)."""
    return time.time() - os.stat(path).st_ctime > 0.2


def index_lines(home):
    return {line.split()[0]: line.split() for line in (home / ".pharoctl-ports").read_text().splitlines()[1:]}


def test_an_edited_service_toml_is_seen_through_the_index(home):
    make_service(home, "a")
    make_service(home, "b")
    b_toml = home / "b" / "service.toml"
    try:
        wait_until(lambda: settled(home / "a" / "service.toml") and settled(b_toml), timeout=5, what="settled files")
        for n in ("a", "b"):
            assert pharoctl(home, "start", n).returncode == 0
        assert set(index_lines(home)) == {"a", "b"}
        assert index_lines(home)["b"][7] == str(http_port(home, "b"))
        pharoctl(home, "stop", "a")
        # b now takes a's HTTP port, in place, the same size, its mtime put back: only its
        # ctime tells, and start of a must still refuse.
        before = os.stat(b_toml)
        text = b_toml.read_text()
        edited = re.sub(r"^http_port = \d+$", f"http_port = {http_port(home, 'a')}", text, flags=re.M)
        assert len(edited) == len(text)
        with open(b_toml, "r+") as f:
            f.write(edited)
        os.utime(b_toml, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert os.stat(b_toml).st_ino == before.st_ino and os.stat(b_toml).st_size == before.st_size
        index = (home / ".pharoctl-ports").read_text()
        proc = pharoctl(home, "start", "a")
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "service 'b'" in proc.stderr and "app.http_port" in proc.stderr, proc.stderr
        assert (home / ".pharoctl-ports").read_text() == index  # refused: nothing written
        # A damaged index is not believed either: b's line with another key and port.
        (home / ".pharoctl-ports").write_text("pharoctl-port-index 1\nb 1 2 3 4 5 1 1 2 3\n")
        proc = pharoctl(home, "start", "a")
        assert proc.returncode == 2 and "service 'b'" in proc.stderr, proc.stderr
        # Nor one cut short in b's line.
        (home / ".pharoctl-ports").write_text(index[:index.index("\nb ") + 10])
        proc = pharoctl(home, "start", "a")
        assert proc.returncode == 2 and "service 'b'" in proc.stderr, proc.stderr
    finally:
        pharoctl(home, "stop", "--all", timeout=60)
        for n in ("a", "b"):
            stop_quietly(home, n)


def test_a_read_only_command_writes_no_index(home):
    make_service(home, "a")
    wait_until(lambda: settled(home / "a" / "service.toml"), timeout=5, what="a settled file")
    for args in (["doctor", "a"], ["status"], ["export", "systemd", "a"]):
        pharoctl(home, *args)
        assert not (home / ".pharoctl-ports").exists(), args
