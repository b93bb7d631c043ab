"""A runtime is never written by what runs on it; doctor and the build key notice when something
else wrote it; app.st binds loopback unless [app] bind says otherwise; a sim kernel image fails
builds and starts as the real kernel image does. On pharo-sim (test_real_pharo.py does the
same against the real VM where it can)."""
import hashlib
import json
import os
import re
import stat
import subprocess

import harness
from harness import pharoctl, wait_until
from service_fixture import new_service, require

NO_HANDLER = "this image cannot evaluate Smalltalk: no `eval`/`st` handler; it answered: "


def sha(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


def listen_address(port):
    """The local address of the TCP socket listening on `port` ("127.0.0.1", "0.0.0.0"), from /proc."""
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, p = local.split(":")
            if int(p, 16) == port and state == "0A":
                return ".".join(str(int(addr[i:i + 2], 16)) for i in (6, 4, 2, 0))
    return None


def bound(port):
    """The address `port` listens on, once app.st (run after NeoConsole's REPL, before its metrics)
    has started its ZnServer."""
    return wait_until(lambda: listen_address(port), timeout=15, what=f"a listener on port {port}")


def test_runtime_stays_as_installed_and_doctor_sees_drift(home):
    svc = new_service(home, "shop", instances=1)
    rt = home / "runtimes" / "sim"
    for n in os.listdir(rt):
        if os.path.isfile(rt / n):
            assert os.stat(rt / n).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) == 0, n
    before = {n: sha(rt / n) for n in ("Pharo.image", "Pharo.changes")}
    try:
        require(pharoctl(home, "start", "shop", timeout=60), "start")
        # Before any deploy the VM runs the service's own copy.
        pid = int((svc / "run" / "shop.pid").read_text().split()[0])
        args = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
        assert str(svc / "base" / "sim" / "shop.image").encode() in args
        # The default app.st binds loopback only; NeoConsole's ports too.
        cfg = (svc / "service.toml").read_text()
        http_port = int(re.search(r"(?m)^http_port\s*=\s*(\d+)", cfg).group(1))
        assert bound(http_port) == "127.0.0.1"
        assert pharoctl(home, "eval", "shop", "3 + 4", timeout=30).stdout.strip() == "7"
    finally:
        pharoctl(home, "stop", "shop", timeout=60)
    assert {n: sha(rt / n) for n in before} == before
    doc = pharoctl(home, "doctor")
    assert "runtime sim matches" in doc.stdout, doc.stdout
    key1 = require(pharoctl(home, "build", "shop", timeout=120), "build").stdout.strip().split()[-1]
    # Something writes the runtime behind pharoctl's back.
    os.chmod(rt / "Pharo.image", 0o644)
    data = (rt / "Pharo.image").read_bytes()
    assert b"e9a5c7c" in data
    (rt / "Pharo.image").write_bytes(data.replace(b"e9a5c7c", b"e9a5c7d", 1))  # same size, other content
    doc = pharoctl(home, "doctor")
    out = doc.stdout + doc.stderr
    assert doc.returncode != 0 and "runtime sim differs from" in out, out
    assert "Pharo.image: same size, content differs" in out and "Pharo.image: writable" in out, out
    assert "install it again" in out
    # The build key hashes the content, not runtime.toml's record of it.
    key2 = require(pharoctl(home, "build", "shop", timeout=120), "build").stdout.strip().split()[-1]
    assert key2 != key1


def test_app_bind_every_interface_when_asked(home):
    svc = new_service(home, "open", instances=1)
    toml = svc / "service.toml"
    toml.write_text(re.sub(r'(?m)^bind\s*=.*$', 'bind      = "0.0.0.0"', toml.read_text()))
    http_port = int(re.search(r"(?m)^http_port\s*=\s*(\d+)", toml.read_text()).group(1))
    try:
        require(pharoctl(home, "start", "open", timeout=60), "start")
        assert bound(http_port) == "0.0.0.0"
    finally:
        pharoctl(home, "stop", "open", timeout=60)
    toml.write_text(re.sub(r'(?m)^bind\s*=.*$', 'bind = "localhost"', toml.read_text()))
    bad = pharoctl(home, "doctor", "open")
    assert "is not an IPv4 address" in bad.stdout + bad.stderr


def test_sim_zinc_without_binding_address_listens_everywhere(home):
    """pharo-sim binds as Zinc would: an app.st that does not say binds every interface."""
    svc = new_service(home, "plain", instances=1)
    port = int(re.search(r"(?m)^http_port\s*=\s*(\d+)", (svc / "service.toml").read_text()).group(1))
    (svc / "app.st").write_text(
        "(ZnServer defaultOn: (OSEnvironment current at: 'PHAROCTL_HTTP_PORT') asInteger) start.\n")
    try:
        require(pharoctl(home, "start", "plain", timeout=60), "start")
        assert bound(port) == "0.0.0.0"
    finally:
        pharoctl(home, "stop", "plain", timeout=60)


def kernel_runtime(home, tmp_path):
    src = tmp_path / "kernel-rt"
    subprocess.run([harness.PHARO_SIM, "--sim-create-runtime", str(src), "--pharo-version", "80", "--kernel"],
                   check=True, capture_output=True, timeout=60)
    require(pharoctl(home, "install", "--from", str(src), "--name", "kernel", timeout=120), "install kernel")


def test_sim_kernel_image_build_and_start_fail_as_the_real_one(home, tmp_path):
    kernel_runtime(home, tmp_path)
    base = harness.free_port_block([0, 1, 2])
    require(pharoctl(home, "new", "k", "--runtime", "kernel", "--http-port", str(base), "--telnet-port",
                     str(base + 1), "--metrics-port", str(base + 2), "--yes"), "new")
    svc = home / "k"
    proc = pharoctl(home, "build", "k", timeout=120)
    assert proc.returncode == 1
    assert NO_HANDLER + 'Invalid arguments: "st --save --quit build.st" (Command line handler failed)' in proc.stderr, \
        proc.stderr
    assert "\x1b" not in proc.stdout + proc.stderr
    assert not (svc / "builds").exists()
    try:
        start = pharoctl(home, "start", "k", timeout=60)
        assert start.returncode == 1
        assert 'exit status 1: Invalid arguments: "st ' in start.stderr, start.stderr
        assert "(Command line handler failed)" in start.stderr and "\x1b" not in start.stderr
        st = json.loads(pharoctl(home, "--json", "status", "k").stdout)["services"][0]["instances"][0]
        assert st["last_words"].startswith('Invalid arguments: "st ')
        text = pharoctl(home, "status", "k").stdout
        assert "Command line handler failed" in text
    finally:
        pharoctl(home, "stop", "k", timeout=60)
    # Deployed (the service stopped: deploy only switches), a start on the release says the same.
    require(pharoctl(home, "deploy", "k", "--image", str(tmp_path / "kernel-rt" / "Pharo.image"), timeout=120),
            "deploy")
    try:
        again = pharoctl(home, "start", "k", timeout=60)
        assert again.returncode == 1 and "(Command line handler failed)" in again.stderr, again.stderr
        assert "/releases/" in again.stderr and "\x1b" not in again.stdout + again.stderr
    finally:
        pharoctl(home, "stop", "k", timeout=60)
    for log in (svc / "logs").iterdir():
        assert b"\x1b" not in log.read_bytes(), log
    logs = "".join(p.read_text() for p in (svc / "logs").glob("k-*.log"))
    assert "Command line handler failed" in logs and "\\x1b" not in logs
