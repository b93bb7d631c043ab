"""Pins the --json schema of docs/json.md: every documented key is there with its type."""
import json

from harness import pharoctl
from service_fixture import new_service

STR, INT, NUM, BOOL = str, int, (int, float), bool
OPT_STR, OPT_INT, OPT_NUM = (str, type(None)), (int, type(None)), (int, float, type(None))


def check(obj, schema, where):
    assert isinstance(obj, dict), f"{where}: expected an object, got {obj!r}"
    for key, kind in schema.items():
        assert key in obj, f"{where}: key {key!r} missing in {sorted(obj)}"
        if isinstance(kind, dict):
            check(obj[key], kind, f"{where}.{key}")
        elif kind is not None:
            assert isinstance(obj[key], kind), f"{where}.{key}: {obj[key]!r} is not {kind}"


def run_json(home, *args):
    proc = pharoctl(home, "--json", *args, timeout=120)
    assert proc.returncode in (0, 3), proc.stderr
    return json.loads(proc.stdout)


INSTANCE = {"index": INT, "state": STR, "pid": OPT_INT, "image": OPT_STR, "started_at": OPT_STR,
            "uptime_s": OPT_NUM, "restarts": INT, "last_exit": OPT_STR, "reason": OPT_STR, "rss_bytes": OPT_INT,
            "last_words": OPT_STR, "health": None, "http_port": INT, "telnet_port": INT, "metrics_port": INT}
SERVICE = {"name": STR, "state": STR, "supervisor_pid": OPT_INT, "started_at": OPT_STR, "ready": BOOL,
           "reason": OPT_STR, "instances": list}
RUNTIME = {"name": STR, "version": STR, "vm_generation": STR, "headless_option": STR, "vm": STR, "vm_version": STR,
           "image": STR, "image_format": INT, "image_pharo_version": INT, "image_size": INT, "image_sha256": STR,
           "dir": STR, "source": STR, "installed_at": STR, "vm_generation_from": STR, "word_size": INT,
           "object_format": STR, "sista": BOOL, "image_version": STR, "image_version_from": STR}
BUILD = {"key": STR, "dir": STR, "created_at": STR, "duration_ms": INT, "image_size": INT, "released": BOOL}
RELEASE = {"id": STR, "current": BOOL, "build_key": STR, "image": STR, "origin": STR, "repository": STR,
           "source_commit": STR, "time": STR, "user": STR, "files": dict}


def test_json_schemas(home):
    new_service(home, "shop", instances=1)
    stopped = run_json(home, "status", "shop")
    check(stopped, {"services": list}, "status")
    check(stopped["services"][0], SERVICE, "status.services[0]")
    assert stopped["services"][0]["state"] == "stopped"
    check(stopped["services"][0]["instances"][0], INSTANCE, "status.instances[0]")

    assert pharoctl(home, "deploy", "shop", timeout=120).returncode == 0
    assert pharoctl(home, "start", "shop", timeout=120).returncode == 0
    try:
        running = run_json(home, "status", "shop")["services"][0]
        check(running, SERVICE, "status.services[0]")
        inst = running["instances"][0]
        check(inst, INSTANCE, "status.instances[0]")
        assert running["state"] == "running" and isinstance(inst["pid"], int)
        check(inst["health"], {"ok": BOOL, "detail": STR, "latency_ms": NUM, "at": STR}, "status.health")

        runtimes = run_json(home, "runtimes")
        check(runtimes, {"runtimes": list}, "runtimes")
        check(runtimes["runtimes"][0], RUNTIME, "runtimes[0]")

        builds = run_json(home, "builds", "shop")
        check(builds, {"service": STR, "builds": list}, "builds")
        check(builds["builds"][0], BUILD, "builds[0]")

        releases = run_json(home, "releases", "shop")
        check(releases, {"service": STR, "current": OPT_STR, "releases": list}, "releases")
        check(releases["releases"][0], RELEASE, "releases[0]")
        assert releases["releases"][0]["current"] is True

        metrics = run_json(home, "metrics", "shop")
        check(metrics, {"service": STR, "instance": INT, "metrics": list}, "metrics")
        check(metrics["metrics"][0], {"name": STR, "description": STR}, "metrics[0]")
        one = run_json(home, "metrics", "shop", "system.status")
        check(one, {"service": STR, "instance": INT, "name": STR, "value": STR}, "metrics value")
        assert one["value"].startswith("Status OK")
    finally:
        pharoctl(home, "stop", "shop", timeout=120)
