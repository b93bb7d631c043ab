"""Shared by the container and Kubernetes tests: a pharo-sim service with a release, made through
pharoctl's own commands, and the offline tools (the npm validators, the local base image) that
setup.sh and scripts/container-base keep in the test cache outside the repository."""
import os
import subprocess

import pytest

from harness import SOURCE_DIR, pharoctl
from service_fixture import new_service, require, upload_image

CACHE = os.environ.get("PHAROCTL_TEST_CACHE", "/var/cache/pharoctl-tests")
NODE_MODULES = os.path.join(CACHE, "npm", "node_modules")
CONTAINERS_CONF = os.path.join(CACHE, "containers.conf")

# Every key service.toml has, each away from its default.
ALL_OPTIONS = {
    "description": "Shop: every option set",
    "health": {"url": "http://127.0.0.1:{metrics_port}/metrics/system.status", "expect": "Status OK",
               "interval": "7s", "timeout": "3s", "retries": 4, "grace": "45s"},
    "restart": {"policy": "on-failure", "backoff_initial": "300ms", "backoff_max": "30s", "max": 7, "window": "5m"},
    "stop": {"timeout": "12s"},
    "logs": {"keep_days": 9},
}


def toml_value(v):
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(v)


def set_every_option(service_dir, options=ALL_OPTIONS, source=True):
    """Rewrites service.toml with every section present and the values above (keeping the
    ports, runtime and instances `new` chose)."""
    text = (service_dir / "service.toml").read_text()
    keep = {}
    section = ""
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("["):
            section = s.split("]")[0].strip("[ ")
        elif "=" in s and not s.startswith("#"):
            k, _, v = s.partition("=")
            keep[(section, k.strip())] = v.split("#")[0].strip()
    out = [f'name = {keep[("", "name")]}', f'description = {toml_value(options["description"])}', 'user = ""',
           f'runtime = {keep[("", "runtime")]}', f'image = {keep[("", "image")]}', ""]
    if source:
        out += ["[source]", 'repository = "github://acme/shop:main/src"', 'baseline = "Shop"',
                'groups = ["default", "tests"]', 'strategy = "image"', ""]
    out += ["[app]", 'start = "app.st"', f'http_port = {keep[("app", "http_port")]}', "",
            "[console]", f'telnet_port = {keep[("console", "telnet_port")]}',
            f'metrics_port = {keep[("console", "metrics_port")]}', "",
            "[instances]", f'count = {keep[("instances", "count")]}', ""]
    for sec in ("health", "restart", "stop", "logs"):
        out.append(f"[{sec}]")
        out += [f"{k} = {toml_value(v)}" for k, v in options[sec].items()]
        out.append("")
    (service_dir / "service.toml").write_text("\n".join(out))


def service_with_release(home, tmp_path, name="shop", instances=1, every_option=True, stop_timeout=None):
    """A sim service NAME with one release deployed from an uploaded image (not started)."""
    d = new_service(home, name=name, instances=instances)
    if every_option:
        options = dict(ALL_OPTIONS)
        if stop_timeout:
            options = {**ALL_OPTIONS, "stop": {"timeout": stop_timeout}}
        set_every_option(d, options)
    image = upload_image(home, tmp_path / "upload")
    require(pharoctl(home, "deploy", name, "--image", str(image), timeout=120), "pharoctl deploy --image")
    return d


def podman_env():
    env = dict(os.environ)
    env["CONTAINERS_CONF"] = CONTAINERS_CONF
    return env


def local_base_image():
    """The debootstrap base image, made (once, cached) by scripts/container-base; skips with
    its reason where it cannot be made."""
    proc = subprocess.run([os.path.join(SOURCE_DIR, "scripts", "container-base")], capture_output=True, text=True,
                          timeout=900, env=podman_env())
    if proc.returncode != 0:
        pytest.skip(f"no local base image: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout.strip()
