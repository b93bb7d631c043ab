"""export systemd|initd|monit, checked by the real validators: systemd-analyze verify (stderr must
be empty: it exits 0 on unknown directives), shellcheck + checkbashisms, monit -t."""
import os
import shutil
import subprocess

import pytest

from harness import PHAROCTL, SHARED_DIR, pharoctl

MONIT_VALIDATE = os.path.join(SHARED_DIR, "tools", "monit-validate")
HOMES = ["home", "home with spaces %n $x"]


@pytest.fixture(params=HOMES)
def svc_home(request, tmp_path):
    h = tmp_path / request.param
    h.mkdir()
    pharoctl(h, "new", "shop", "--yes", "--instances", "2", "--description", "Shop 100% Pharo", check=0)
    return h


def export(home, kind, out):
    pharoctl(home, "export", kind, "shop", "-o", str(out), check=0)


def systemd_root(tmp_path):
    """A root for systemd-analyze: the distribution's units and a stand-in pharoctl at the
    absolute path the unit names."""
    root = tmp_path / "root"
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    stand_in = root / os.path.realpath(PHAROCTL).lstrip("/")
    stand_in.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy("/bin/true", stand_in)
    # ExecReload's /bin/kill, below the root as well.
    (root / "bin").mkdir(exist_ok=True)
    shutil.copy("/bin/true", root / "bin" / "kill")
    return root


def verify_unit(root, unit):
    return subprocess.run(["systemd-analyze", "verify", f"--root={root}", "--man=no", str(unit)],
                          capture_output=True, text=True, timeout=60)


def test_systemd_unit_verifies_with_empty_stderr(svc_home, tmp_path):
    root = systemd_root(tmp_path)
    unit_dir = root / "etc" / "systemd" / "system"
    export(svc_home, "systemd", unit_dir)
    unit = unit_dir / "pharo-shop.service"
    proc = verify_unit(root, unit)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    text = unit.read_text()
    lines = text.splitlines()
    for want in ["Type=notify", "NotifyAccess=main", "Restart=on-failure", "LimitRTPRIO=2:2", "NoNewPrivileges=yes",
                 "ProtectSystem=strict", "ProtectHome=yes", "KillMode=mixed", "ExecReload=/bin/kill -HUP $MAINPID",
                 "TimeoutStopSec=45s", "StartLimitBurst=5"]:
        assert want in lines, want
    # The test home is below /tmp: a private /tmp would hide it, so PrivateTmp is left out, saying so.
    assert "PrivateTmp=yes" not in lines and "#  PrivateTmp: the home " in text
    assert not any(l.startswith("MemoryDenyWriteExecute") for l in lines)
    exec_start = next(l for l in lines if l.startswith("ExecStart="))
    home_word = '"' + str(svc_home).replace("%", "%%").replace("$", "$$") + '"'
    assert exec_start.endswith(f"--home {home_word} supervise shop")
    assert f'ReadWritePaths="{str(svc_home / "shop").replace("%", "%%")}"' in lines
    assert f"WorkingDirectory={str(svc_home / 'shop').replace('%', '%%')}" in lines
    assert "Description=Shop 100%% Pharo" in lines


def test_systemd_verify_catches_a_bad_unit(tmp_path, home):
    """The check above can fail: a unit with an unknown directive makes stderr non-empty."""
    root = systemd_root(tmp_path)
    unit_dir = root / "etc" / "systemd" / "system"
    pharoctl(home, "new", "shop", "--yes", check=0)
    export(home, "systemd", unit_dir)
    unit = unit_dir / "pharo-shop.service"
    unit.write_text(unit.read_text().replace("Type=notify", "Type=notify\nFrobnicate=yes"))
    assert "Frobnicate" in verify_unit(root, unit).stderr


def test_stop_timeout_and_watchdog_follow_service_toml(home, tmp_path):
    pharoctl(home, "new", "shop", "--yes", check=0)
    toml = home / "shop" / "service.toml"
    toml.write_text(toml.read_text().replace('timeout = "30s"', 'timeout = "2m"').replace('interval = "10s"', 'interval = "20s"'))
    unit = pharoctl(home, "export", "systemd", "shop", check=0).stdout
    assert "TimeoutStopSec=135s" in unit.splitlines()
    # The watchdog proves the loop turns: leftover VMs stopped one by one at start, plus 30s.
    assert "WatchdogSec=150s" in unit.splitlines()


def test_initd_passes_shellcheck_and_checkbashisms(svc_home, tmp_path):
    out = tmp_path / "initd"
    export(svc_home, "initd", out)
    script = out / "pharo-shop"
    assert os.stat(script).st_mode & 0o111
    sc = subprocess.run(["shellcheck", "-s", "sh", str(script)], capture_output=True, text=True)
    assert sc.returncode == 0, sc.stdout + sc.stderr
    cb = subprocess.run(["checkbashisms", str(script)], capture_output=True, text=True)
    assert cb.returncode == 0, cb.stdout + cb.stderr
    text = script.read_text()
    assert "### BEGIN INIT INFO" in text and "# Provides:          pharo-shop" in text
    for action in ["start)", "stop)", "restart)", "try-restart)", "reload|force-reload)", "status)"]:
        assert action in text
    # The home path reaches sh single-quoted, so spaces, % and $ stay literal.
    assert f"PHAROCTL_HOME='{svc_home}'" in text


def test_initd_usage_and_status_exit_codes(home, tmp_path):
    pharoctl(home, "new", "shop", "--yes", check=0)
    export(home, "initd", tmp_path)
    script = str(tmp_path / "pharo-shop")
    assert subprocess.run(["sh", script, "bogus"], capture_output=True).returncode == 2
    # LSB: status of a service that is not running is 3 (or 4 when pharoctl cannot tell).
    assert subprocess.run(["sh", script, "status"], capture_output=True, timeout=30).returncode in (3, 4)


def test_monit_check_validates(svc_home, tmp_path):
    export(svc_home, "monit", tmp_path)
    check = tmp_path / "pharo-shop.monit"
    proc = subprocess.run([MONIT_VALIDATE, str(check)], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = check.read_text()
    for i in (0, 1):
        assert f'check process pharo-shop_{i} with pidfile "{svc_home}/shop/run/shop.{i}.pid"' in text
        assert f"restart shop@{i}\"" in text and f"stop shop@{i}\"" in text and f"start shop@{i}\"" in text
    assert "check program pharo-shop with path" in text and "status shop\"" in text
    assert "if status = 3 then start" in text and text.count("depends on pharo-shop\n") == 2
    assert 'request "/metrics/system.status"' in text and 'content = "Status OK"' in text
    assert "port 42002 protocol http" in text and "port 42012 protocol http" in text
    assert "then unmonitor" in text and "then alert" in text
    assert "timeout 5 seconds retry 3" in text


def test_monit_validate_catches_a_bad_check(home, tmp_path):
    pharoctl(home, "new", "shop", "--yes", check=0)
    export(home, "monit", tmp_path)
    check = tmp_path / "pharo-shop.monit"
    check.write_text(check.read_text().replace("then unmonitor", "then frobnicate"))
    assert subprocess.run([MONIT_VALIDATE, str(check)], capture_output=True, timeout=30).returncode != 0


def test_export_to_stdout_and_bad_kind(home):
    pharoctl(home, "new", "shop", "--yes", check=0)
    assert pharoctl(home, "export", "systemd", "shop", check=0).stdout.startswith("# pharo-shop.service")
    assert pharoctl(home, "export", "upstart", "shop").returncode == 2
    assert pharoctl(home, "export", "systemd", "nosuch").returncode == 2
