"""The health gate and its switch-back live in the supervisor: a deploy killed with SIGKILL at
20 points spread over its run (many inside the gate of a slow-starting image, some on an image
that never becomes healthy) still ends on the new release, healthy, or back on the previous one;
the next deploy succeeds. Two deploys at once: the second waits for the first, then succeeds."""
import json
import os
import signal
import subprocess
import time

import pytest

from deploy_fixtures import release_is_complete
from harness import PHAROCTL, pharoctl, wait_until
from service_fixture import current_release, new_service, require, upload_image, vm_images


def env():
    e = dict(os.environ)
    e.pop("NOTIFY_SOCKET", None)
    return e


def status(home):
    proc = pharoctl(home, "--json", "status", "shop", timeout=30)
    return json.loads(proc.stdout)["services"][0], proc.returncode


def settled(home):
    """Waits until the supervisor has no rollout in progress; returns (status, exit code)."""
    def idle():
        s, rc = status(home)
        return (s, rc) if s.get("rollout") is None and rc == 0 else None
    return wait_until(idle, timeout=60, interval=0.05, what="the supervisor idle and healthy")


@pytest.fixture
def running(home, tmp_path):
    svc = new_service(home, instances=1, grace="3s")
    require(pharoctl(home, "start", "shop", timeout=60), "pharoctl start")
    good = upload_image(home, tmp_path / "good")
    require(pharoctl(home, "deploy", "shop", "--image", str(good), timeout=120), "first deploy")
    yield svc
    pharoctl(home, "stop", "shop", timeout=60)


def check_whole_and_healthy(home, svc, allowed):
    s, rc = settled(home)
    cur = current_release(svc)
    assert cur is not None and release_is_complete(svc, cur), f"current is not whole: {cur}"
    assert cur in allowed, (cur, allowed)
    assert rc == 0 and s["state"] == "running", s
    assert all(f"/releases/{cur}/shop.image" in img for img in vm_images(svc, 1)), vm_images(svc, 1)
    return cur


def test_deploy_killed_at_20_points_ends_whole(home, tmp_path, running):
    svc = running
    # Each image differs by a few bytes, so that each deploy makes a release of its own (the same
    # content twice would be "nothing to deploy"): slow ones pass the 3s gate after a while, bad
    # ones never do.
    def slow_image(n):
        return upload_image(home, tmp_path / f"slow{n}", slow_start=0.6 + 0.001 * n)
    t0 = time.monotonic()
    require(pharoctl(home, "deploy", "shop", "--image", str(slow_image(99)), timeout=120), "an uninterrupted deploy")
    span = time.monotonic() - t0
    killed_in_gate = 0
    for k in range(20):
        bad_one = k % 4 == 3
        image = upload_image(home, tmp_path / f"bad{k}", slow_start=60 + k) if bad_one else slow_image(k)
        before = current_release(svc)
        proc = subprocess.Popen([PHAROCTL, "--home", str(home), "deploy", "shop", "--image", str(image)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env())
        delay = span * (k + 0.5) / 20
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.002)
        if proc.poll() is None:
            if status(home)[0].get("rollout"):
                killed_in_gate += 1
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        releases = set(n for n in os.listdir(svc / "releases") if not n.startswith("."))
        allowed = {before} | (set() if bad_one else releases)
        check_whole_and_healthy(home, svc, allowed)
    assert killed_in_gate >= 5, f"only {killed_in_gate} of 20 kills fell inside the health gate"
    r = pharoctl(home, "deploy", "shop", "--image", str(slow_image(100)), timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    newest = sorted(n for n in os.listdir(svc / "releases") if not n.startswith("."))[-1]
    check_whole_and_healthy(home, svc, {newest})
    assert not [n for n in os.listdir(svc / "releases") if n.startswith(".")]


def test_two_deploys_at_once_the_second_waits(home, tmp_path, running):
    svc = running
    slow = upload_image(home, tmp_path / "slow", slow_start=1.0)
    other = upload_image(home, tmp_path / "other", slow_start=1.001)
    first = subprocess.Popen([PHAROCTL, "--home", str(home), "deploy", "shop", "--image", str(slow)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env())
    wait_until(lambda: status(home)[0].get("rollout"), timeout=30, interval=0.02, what="the first deploy's gate")
    second = pharoctl(home, "deploy", "shop", "--image", str(other), timeout=120)
    out1, err1 = first.communicate(timeout=120)
    assert first.returncode == 0, out1 + err1
    assert second.returncode == 0, second.stdout + second.stderr
    assert "waiting for" in second.stdout, second.stdout
    check_whole_and_healthy(home, svc, {current_release(svc)})


def test_a_deploy_after_a_killed_one_waits_for_its_gate(home, tmp_path, running):
    svc = running
    slow = upload_image(home, tmp_path / "slow", slow_start=1.0)
    first = subprocess.Popen([PHAROCTL, "--home", str(home), "deploy", "shop", "--image", str(slow)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env())
    wait_until(lambda: status(home)[0].get("rollout"), timeout=30, interval=0.02, what="the first deploy's gate")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    other = upload_image(home, tmp_path / "other", slow_start=1.001)
    second = pharoctl(home, "deploy", "shop", "--image", str(other), timeout=120)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "waiting for the deploy" in second.stdout, second.stdout
    check_whole_and_healthy(home, svc, {current_release(svc)})
