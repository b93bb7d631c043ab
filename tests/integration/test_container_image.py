"""pharoctl image on pharo-sim, run for real with podman (runc; host network or none, never a
bridge): the image builds from the locally made Debian minbase, runs with a read-only root as a
non-root user, answers HTTP, its probe succeeds, its transcript is the container's stdout, and
`podman stop` ends the VM cleanly within the stop timeout. Then `podman kube play` of `export
k8s` runs the pod with its probes (run with `podman healthcheck run`: podman schedules them
with systemd timers, and no systemd runs on these machines), a `kill -9` of the VM is followed by a restart and health
again, and `podman kube down` leaves nothing behind. Where no container can be started at all,
every test here skips and says why."""
import json
import os
import random
import shutil
import subprocess
import time

import pytest
import yaml

from container_fixtures import local_base_image, podman_env, service_with_release
from harness import pharoctl, wait_until
from sim_support import http

PROBE = "/opt/pharoctl/bin/pharoctl-container"


def podman(*args, timeout=120, check=None):
    proc = subprocess.run(["podman", *args], capture_output=True, text=True, timeout=timeout, env=podman_env(),
                          stdin=subprocess.DEVNULL)
    if check is not None:
        assert proc.returncode == check, f"podman {' '.join(args)}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def base():
    if shutil.which("podman") is None:
        pytest.skip("podman is not installed (setup.sh installs podman, buildah, runc, debootstrap)")
    if os.geteuid() != 0:
        pytest.skip("the container tests run podman as root")
    image = local_base_image()
    proc = podman("run", "--rm", "--network", "none", image, "/bin/true", timeout=120)
    if proc.returncode != 0:
        pytest.skip(f"no container can be started here: {proc.stderr.strip()}")
    return image


def service_image(home, tmp_path, base, instances):
    """A sim service with a release and its image built by `pharoctl image`."""
    name = f"ctr{random.randrange(10**6):06d}"
    d = service_with_release(home, tmp_path, name=name, instances=instances, stop_timeout="6s")
    tag = f"localhost/pharoctl-test-{name}:t"
    proc = pharoctl(home, "--json", "image", name, "--base", base, "--tag", tag,
                    env={"CONTAINERS_CONF": podman_env()["CONTAINERS_CONF"]}, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    info = json.loads(proc.stdout)
    assert info["image"] == tag and info["builder"] == "podman"
    return {"name": name, "dir": d, "tag": tag, "toml": (d / "service.toml").read_text()}


@pytest.fixture
def service(home, tmp_path, base):
    """A one-instance sim service with a release and its image; removed afterwards."""
    s = service_image(home, tmp_path, base, 1)
    yield s
    podman("rm", "-f", "-t", "0", f"{s['name']}-run", timeout=60)
    podman("rmi", "-f", s["tag"], timeout=60)


def port_of(toml, key):
    return int(toml.split(f"{key} = ")[1].split()[0])


def container_state(name):
    proc = podman("inspect", name, "--format", "json")
    if proc.returncode != 0:
        return None
    return json.loads(proc.stdout)[0]["State"]


def answers_http(port):
    try:
        return http(port, "/", timeout=1.0)[0] == 200
    except OSError:
        return False


def test_image_runs_read_only_answers_probes_and_stops_cleanly(service):
    name, tag, toml = service["name"], service["tag"], service["toml"]
    http_port, metrics_port = port_of(toml, "http_port"), port_of(toml, "metrics_port")
    ctr = f"{name}-run"
    podman("run", "-d", "--name", ctr, "--read-only", "--network", "host", tag, check=0)
    wait_until(lambda: answers_http(http_port), timeout=30, interval=0.1, what="HTTP from the container")

    # The probe as the Deployment runs it: what it checks comes from the release's [health].
    conf = podman("exec", ctr, "cat", "/opt/pharoctl/health.conf", check=0).stdout
    assert f"url=http://127.0.0.1:{metrics_port}/metrics/system.status\nexpect=Status OK\ntimeout=3\n" in conf, conf
    probe = podman("exec", ctr, PROBE, "probe", check=0)
    assert probe.stdout.startswith("healthy: 200"), probe.stdout
    # The probe says no, with its reason, when nothing answers.
    bad = podman("exec", ctr, PROBE, "probe", "--url", f"http://127.0.0.1:{metrics_port + 7}/", "--timeout", "2")
    assert bad.returncode == 1 and bad.stdout.startswith("unhealthy: connect"), bad.stdout

    # Non-root, read-only root, and still running: only the volumes take writes.
    assert podman("exec", ctr, "id", "-u", check=0).stdout.strip() == "10001"
    ro = podman("exec", ctr, "sh", "-c", f"echo x > /srv/pharo/{name}/x")
    assert ro.returncode != 0 and "Read-only file system" in ro.stderr, ro.stderr
    assert podman("exec", ctr, "test", "-s", f"/srv/pharo/{name}/var/{name}.changes").returncode == 0
    inspect = json.loads(podman("inspect", ctr, "--format", "json", check=0).stdout)[0]
    assert inspect["HostConfig"]["ReadonlyRootfs"] is True

    # The VM's output and the image's transcript are the container's stdout.
    logs = podman("logs", ctr, check=0)
    assert f"pharoctl: {name} instance 0: REPL on 127.0.0.1:" in logs.stdout + logs.stderr

    # SIGTERM reaches the VM through the init, which ends within the stop timeout (6s) with
    # the VM's status for a clean SIGTERM exit.
    started = time.monotonic()
    podman("stop", "-t", "30", ctr, check=0, timeout=60)
    took = time.monotonic() - started
    state = container_state(ctr)
    assert took < 6, f"podman stop took {took:.1f}s"
    assert state["ExitCode"] == 143, state
    logs = podman("logs", ctr, check=0)
    assert "pharoctl-container: the VM ended on signal 15" in logs.stderr + logs.stdout


def kube_deployment(home, service, tmp_path):
    """deployment.yaml as exported, less its containerPort list: podman 4.3 turns every
    containerPort into a host port mapping, which needs a bridge network, and these tests use
    the host's network or none. Everything else is the export as written."""
    out = tmp_path / "k8s"
    pharoctl(home, "export", "k8s", service["name"], "-o", str(out), "--image", service["tag"], check=0)
    d = yaml.safe_load((out / "deployment.yaml").read_text())
    (c,) = d["spec"]["template"]["spec"]["containers"]
    assert [p["name"] for p in c.pop("ports")] == ["http"]
    play = tmp_path / "deployment-podman.yaml"
    play.write_text(yaml.safe_dump(d))
    return play


def pod_containers(name):
    """The containers of the pods `kube play` made for Deployment NAME (pods NAME-pod-<i>)."""
    proc = podman("ps", "-a", "--format", "json", check=0)
    return [c for c in json.loads(proc.stdout or "[]")
            if any(n.startswith(f"{name}-pod-") for n in c.get("Names", [])) and not c.get("IsInfra")]


def health_status(ctr):
    """Runs the pod's liveness probe once, as podman configured it from the Deployment (podman
    schedules its health checks with systemd timers, and no systemd runs here), then reads the
    state podman recorded."""
    podman("healthcheck", "run", ctr, timeout=30)
    state = container_state(ctr) or {}
    h = state.get("Health") or state.get("Healthcheck") or {}
    return h.get("Status")


def vm_pid_of(ctr):
    """The VM: the only child of the container's init (pharoctl-container run), seen from here."""
    init = (container_state(ctr) or {}).get("Pid")
    if not init:
        return None
    children = []
    for task in os.listdir(f"/proc/{init}/task"):
        with open(f"/proc/{init}/task/{task}/children") as f:
            children += [int(p) for p in f.read().split()]
    return children[0] if len(children) == 1 else None


def test_kube_play_runs_the_pod_restarts_a_killed_vm_and_kube_down_cleans_up(home, service, tmp_path):
    name, toml = service["name"], service["toml"]
    http_port = port_of(toml, "http_port")
    deployment = kube_deployment(home, service, tmp_path)
    try:
        podman("kube", "play", "--network", "host", str(deployment), check=0, timeout=180)
        containers = pod_containers(name)
        assert len(containers) == 1, containers
        ctr = containers[0]["Names"][0]
        wait_until(lambda: answers_http(http_port), timeout=60, interval=0.2, what="HTTP from the pod")
        wait_until(lambda: health_status(ctr) == "healthy", timeout=60, interval=0.2, what="the probes to say healthy")

        restarts = (json.loads(podman("inspect", ctr, "--format", "json", check=0).stdout)[0]).get("RestartCount", 0)
        vm = wait_until(lambda: vm_pid_of(ctr), timeout=10, what="the VM's pid")
        os.kill(vm, 9)
        wait_until(lambda: json.loads(podman("inspect", ctr, "--format", "json", check=0).stdout)[0].get("RestartCount", 0)
                   > restarts, timeout=60, interval=0.2, what="the container to restart")
        wait_until(lambda: vm_pid_of(ctr) not in (None, vm), timeout=30, interval=0.2, what="a new VM")
        wait_until(lambda: answers_http(http_port), timeout=60, interval=0.2, what="HTTP after the restart")
        wait_until(lambda: health_status(ctr) == "healthy", timeout=60, interval=0.2, what="healthy after the restart")
    finally:
        down = podman("kube", "down", str(deployment), timeout=180)
    assert down.returncode == 0, down.stderr
    assert pod_containers(name) == []
    pods = json.loads(podman("pod", "ps", "--format", "json", check=0).stdout or "[]")
    assert not [p for p in pods if p["Name"].startswith(f"{name}-pod")]


def test_three_replicas_without_network_each_healthy_on_the_same_ports(home, tmp_path, base):
    """--network none: every pod has its own loopback, so the three replicas all use instance
    0's ports; health and HTTP are checked from inside each pod, by its own probe."""
    s = service_image(home, tmp_path, base, 3)
    name, toml = s["name"], s["toml"]
    deployment = kube_deployment(home, s, tmp_path)
    try:
        podman("kube", "play", "--network", "none", str(deployment), check=0, timeout=180)
        containers = pod_containers(name)
        assert len(containers) == 3, containers
        names = [c["Names"][0] for c in containers]
        for ctr in names:
            wait_until(lambda: health_status(ctr) == "healthy", timeout=60, interval=0.2, what=f"{ctr} healthy")
            page = podman("exec", ctr, PROBE, "probe", "--url", f"http://127.0.0.1:{port_of(toml, 'http_port')}/",
                          "--expect", f"Hello from {name}", check=0)
            assert page.stdout.startswith("healthy: 200"), page.stdout
    finally:
        down = podman("kube", "down", str(deployment), timeout=180)
        podman("rmi", "-f", s["tag"], timeout=60)
    assert down.returncode == 0, down.stderr
    assert pod_containers(name) == []
