"""The generated systemd unit's sandbox, scored by the real `systemd-analyze security
--offline=yes` (exposure 3.0 or lower, for a service user and for root, with the home below
/tmp and elsewhere), each directive left out named in a comment, and still accepted by
`systemd-analyze verify`."""
import os
import re
import shutil
import subprocess
import tempfile

import pytest

from harness import pharoctl
from test_export import systemd_root, verify_unit

LEFT_OUT = ["MemoryDenyWriteExecute", "RestrictRealtime", "PrivateNetwork", "IPAddressDeny", "ProcSubset",
            "RootDirectory", "DeviceAllow"]


def exposure(unit):
    proc = subprocess.run(["systemd-analyze", "security", "--offline=yes", str(unit)], capture_output=True,
                          text=True, timeout=60)
    m = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", proc.stdout + proc.stderr)
    assert m, proc.stdout + proc.stderr
    return float(m.group(1)), proc.stdout


@pytest.fixture(params=["tmp", "srv"])
def any_home(request, tmp_path):
    if request.param == "tmp":
        yield tmp_path / "home"
        return
    # A home outside /tmp, where PrivateTmp=yes applies (only paths are rendered: no VM runs).
    os.makedirs("/srv", exist_ok=True)
    d = tempfile.mkdtemp(prefix="pharoctl-test-", dir="/srv")
    try:
        yield os.path.join(d, "pharo")
    finally:
        shutil.rmtree(d, ignore_errors=True)


def make(home, user=None, http_port=None):
    os.makedirs(home, exist_ok=True)
    pharoctl(home, "new", "shop", "--yes", check=0)
    toml = os.path.join(home, "shop", "service.toml")
    text = open(toml).read()
    if user:
        text = re.sub(r'^user\s*=.*$', f'user = "{user}"', text, flags=re.M)
    if http_port:
        text = re.sub(r'^http_port\s*=\s*\d+', f'http_port = {http_port}', text, flags=re.M)
    open(toml, "w").write(text)


@pytest.mark.parametrize("user", ["root", "daemon"])
def test_exposure_at_most_3_and_left_out_directives_named(any_home, tmp_path, user):
    make(any_home, user=user)
    root = systemd_root(tmp_path)
    unit_dir = root / "etc" / "systemd" / "system"
    pharoctl(any_home, "export", "systemd", "shop", "-o", str(unit_dir), check=0)
    unit = unit_dir / "pharo-shop.service"
    text = unit.read_text()
    assert f"User={user}" in text.splitlines()
    score, report = exposure(unit)
    assert score <= 3.0, report
    lines = text.splitlines()
    for d in LEFT_OUT:
        assert not any(l.startswith(d + "=") for l in lines), d
        assert re.search(rf"^#  (\S+, )*{d}\b.*: \S", text, re.M), f"no reason given for leaving out {d}"
    for want in ["CapabilityBoundingSet=", "PrivateUsers=yes", "SystemCallFilter=@system-service",
                 "SystemCallErrorNumber=EPERM", "ProtectProc=invisible", "ExecReload=/bin/kill -HUP $MAINPID"]:
        assert want in lines, want
    under_tmp = str(any_home).startswith("/tmp/")
    assert ("PrivateTmp=yes" in lines) == (not under_tmp)
    assert ("#  PrivateTmp: the home " in text) == under_tmp
    proc = verify_unit(root, unit)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr


def test_a_port_below_1024_keeps_only_cap_net_bind_service(home, tmp_path):
    make(home, http_port=80)
    unit = pharoctl(home, "export", "systemd", "shop", check=0).stdout
    lines = unit.splitlines()
    assert "CapabilityBoundingSet=CAP_NET_BIND_SERVICE" in lines
    assert "AmbientCapabilities=CAP_NET_BIND_SERVICE" in lines
    # A capability inside a private user namespace cannot bind the host's low ports.
    assert "PrivateUsers=yes" not in lines and "#  PrivateUsers: " in unit
    path = tmp_path / "pharo-shop.service"
    path.write_text(unit)
    score, report = exposure(path)
    assert score <= 3.0, report


def test_the_score_can_fail(home, tmp_path):
    """The check above can fail: the same unit without its sandbox scores far above 3.0."""
    make(home)
    unit = pharoctl(home, "export", "systemd", "shop", check=0).stdout
    bare = "\n".join(l for l in unit.splitlines()
                     if not re.match(r"(Protect|Private|Restrict|SystemCall|Capability|NoNew|Lock|Remove)", l))
    path = tmp_path / "bare.service"
    path.write_text(bare + "\n")
    score, _ = exposure(path)
    assert score > 3.0
