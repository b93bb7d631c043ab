"""pharoctl deploy killed with SIGKILL at random moments: `current` never dangles nor points at an
incomplete release, and the next deploy succeeds and cleans up after the killed one."""
import os
import random
import signal
import statistics
import subprocess
import time

import pytest

from deploy_fixtures import make_build, make_sim_runtime, release_is_complete, write_service
from harness import PHAROCTL, pharoctl, wait_until


@pytest.fixture
def service(home, tmp_path):
    rt = make_sim_runtime(tmp_path / "rt")
    d = write_service(home)
    for key in ("a1b2c3d4e5f6", "0f1e2d3c4b5a"):
        make_build(d, rt, key)
    return d


def check_invariants(d):
    cur = d / "current"
    if os.path.lexists(cur):
        target = os.readlink(cur)
        assert target.startswith("releases/"), target
        rid = target.split("/", 1)[1]
        assert os.path.isdir(d / target), f"current dangles: {target}"
        assert release_is_complete(d, rid), f"current points at an incomplete release {rid}"
    # Every directory named like a release is complete; anything else in releases/ is a
    # leftover that starts with '.', which the next deploy removes.
    rel = d / "releases"
    if rel.exists():
        for n in os.listdir(rel):
            if not n.startswith("."):
                assert release_is_complete(d, n), f"incomplete release {n}"


def test_sigkill_at_random_moments_never_breaks_current(home, service):
    rng = random.Random(int(os.environ.get("DEPLOY_CRASH_SEED", "0")) or None)
    keys = ["a1b2c3d4e5f6", "0f1e2d3c4b5a"]
    # How long an uninterrupted deploy takes here, to spread the kills over it. On a busy
    # machine one measurement can be far off, so the estimate is the median of every deploy
    # that ended before its kill; and the runs go on (within a bound) until enough kills have
    # landed mid-way, rather than a fixed count.
    t0 = time.monotonic()
    pharoctl(home, "deploy", "shop", "--build", keys[0], check=0)
    durations = [time.monotonic() - t0]
    killed_mid_way = 0
    runs = 0
    while runs < 25 or (killed_mid_way < 10 and runs < 80):
        env = dict(os.environ)
        env.pop("NOTIFY_SOCKET", None)
        started = time.monotonic()
        proc = subprocess.Popen([PHAROCTL, "--home", str(home), "deploy", "shop", "--build", keys[runs % 2]],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        deadline = started + rng.uniform(0, max(statistics.median(durations), 0.005) * 1.2)
        while time.monotonic() < deadline and proc.poll() is None:
            pass  # busy-wait: sub-millisecond kill times, no sleep
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed_mid_way += 1
        else:
            durations.append(time.monotonic() - started)
        proc.wait(timeout=60)
        check_invariants(service)
        runs += 1
    assert killed_mid_way >= 10, f"only {killed_mid_way} of {runs} deploys were killed before they ended"
    # The next deploy succeeds and leaves no leftovers of the killed ones.
    out = pharoctl(home, "deploy", "shop", "--build", keys[1], check=0).stdout
    check_invariants(service)
    assert not [n for n in os.listdir(service / "releases") if n.startswith(".")]
    assert not [n for n in os.listdir(service) if n.startswith(".current.tmp")]
    cur = os.readlink(service / "current").split("/", 1)[1]
    assert cur.endswith(keys[1][:8]) or keys[1][:8] in cur, out
    releases = [n for n in os.listdir(service / "releases")]
    assert len(releases) <= 5
