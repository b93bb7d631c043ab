"""pharoctl metrics and health over HTTP against pharo-sim's NeoConsoleMetricDelegate."""
import json

import pytest

from harness import free_port, pharoctl
from neoconsole_service import SimService, sim_runtime


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    base = tmp_path_factory.mktemp("metrics")
    home = base / "home"
    home.mkdir()
    svc = SimService(home, sim_runtime(str(base))).start()
    yield svc
    svc.stop()


def test_list(service):
    out = pharoctl(service.home, "metrics", "shop", check=0).stdout
    names = [line.split()[0] for line in out.splitlines()]
    assert "system.status" in names and "memory.total" in names
    assert names == sorted(names)
    data = json.loads(pharoctl(service.home, "--json", "metrics", "shop", check=0).stdout)
    assert any(m["name"] == "system.version" and m["description"] for m in data["metrics"])


def test_one_value(service):
    assert pharoctl(service.home, "metrics", "shop", "system.status", check=0).stdout.startswith("Status OK - Clock ")
    total = pharoctl(service.home, "metrics", "shop", "memory.total", check=0).stdout
    assert total.strip().isdigit() and total.endswith("\n")
    data = json.loads(pharoctl(service.home, "--json", "metrics", "shop", "process.count", check=0).stdout)
    assert data["name"] == "process.count" and data["value"].isdigit()


def test_unknown_metric(service):
    proc = pharoctl(service.home, "metrics", "shop", "no.such")
    assert proc.returncode == 1
    assert "unknown metric 'no.such'" in proc.stderr


def test_health(service):
    proc = pharoctl(service.home, "health", "shop", check=0)
    assert proc.stdout.startswith("shop: healthy: Status OK")
    assert len(proc.stdout.splitlines()) == 1


def test_health_unhealthy_then_healthy_again(service):
    assert pharoctl(service.home, "eval", "shop", "1", check=0)
    # The sim's fault commands go over the REPL like any console command.
    import socket
    with socket.create_connection(("127.0.0.1", service.telnet_port), timeout=5) as s:
        f = s.makefile("rwb")
        f.readline()
        s.sendall(b"sim.unhealthy status\n")
        s.sendall(b"quit\n")
        f.read()
    proc = pharoctl(service.home, "health", "shop")
    assert proc.returncode == 1
    assert proc.stdout.startswith("shop: unhealthy: ") and "without 'Status OK'" in proc.stdout
    with socket.create_connection(("127.0.0.1", service.telnet_port), timeout=5) as s:
        f = s.makefile("rwb")
        f.readline()
        s.sendall(b"sim.healthy\nquit\n")
        f.read()
    pharoctl(service.home, "health", "shop", check=0)


def test_health_when_down(service, tmp_path):
    home = tmp_path / "h"
    home.mkdir()
    (home / "shop").mkdir()
    (home / "shop" / "service.toml").write_text(
        f'name = "shop"\nruntime = "sim"\n[console]\ntelnet_port = {free_port()}\nmetrics_port = {free_port()}\n')
    proc = pharoctl(home, "health", "shop")
    assert proc.returncode == 1
    assert proc.stdout.startswith("shop: unhealthy: ") and "refused" in proc.stdout.lower()
