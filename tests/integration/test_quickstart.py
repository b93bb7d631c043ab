"""quickstart end to end from an empty home. Offline here, so it must say so plainly and run on
pharo-sim, naming it as such on every line that names the runtime; a second run changes nothing."""
import urllib.request

import pytest

from harness import pharoctl, snapshot_tree


@pytest.fixture
def quickstart_home(home):
    yield home
    pharoctl(home, "stop", "hello", timeout=120)


def runtime_lines(text):
    return [l for l in text.splitlines() if "runtime" in l.lower() and "$ pharoctl" not in l]


def test_quickstart_end_to_end_then_idempotent(quickstart_home):
    home = quickstart_home
    first = pharoctl(home, "quickstart", timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    out = first.stdout
    assert "cannot be reached" in out and "pharo-sim" in out
    lines = runtime_lines(out)
    assert lines, out
    for line in lines:
        assert "pharo-sim" in line, line
    for command in ["$ pharoctl install sim", "$ pharoctl new hello", "$ pharoctl deploy hello", "$ pharoctl start hello"]:
        assert command in out, out
    answered = [l for l in out.splitlines() if " answered 200: " in l]
    assert len(answered) == 1, out
    url = answered[0].split(" answered ")[0]
    with urllib.request.urlopen(url, timeout=5) as r:
        assert r.status == 200
    for hint in ["pharoctl status", "pharoctl repl hello", "pharoctl logs hello", "pharoctl enable hello"]:
        assert hint in out

    # A second run: reports what exists, changes nothing (logs aside, which the running VM writes).
    # Besides logs and run files, the port index is a cache: a service.toml younger than the
    # clock tick at the first run's start is remembered by the second's (docs/architecture.md).
    def state():
        return {k: v for k, v in snapshot_tree(home).items()
                if not k.startswith(("hello/logs", "hello/run", ".pharoctl-ports"))}
    before = state()
    second = pharoctl(home, "quickstart", timeout=300)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "exists already" in second.stdout and "deployed already" in second.stdout
    assert "$ pharoctl install" not in second.stdout and "$ pharoctl deploy" not in second.stdout
    assert "already running" in second.stdout.lower() or "is running" in second.stdout
    assert state() == before
