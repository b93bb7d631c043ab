"""The init.d script run for real (sh, Debian's /lib/lsb/init-functions) against a pharo-sim
service: LSB actions and exit codes, Debian's log_daemon_msg output, try-restart leaving a
stopped service stopped; and, in a private mount namespace that looks like a systemd host, the
redirect of `/etc/init.d/pharo-shop start` to `systemctl start pharo-shop.service`."""
import os
import shutil
import subprocess

import pytest

from harness import pharoctl
from supervise_harness import instance, make_service, processes_in


def script_of(home, tmp_path):
    out = tmp_path / "initd"
    pharoctl(home, "export", "initd", "shop", "-o", str(out), check=0)
    return str(out / "pharo-shop")


def run(script, action, env=None):
    e = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "JOURNAL_STREAM")}
    e.update(env or {})
    return subprocess.run(["sh", script, action], capture_output=True, text=True, timeout=90, env=e)


def test_lsb_actions_on_a_real_service(home, tmp_path):
    cfg = make_service(home, "shop", instances=2)
    script = script_of(home, tmp_path)
    try:
        st = run(script, "status")
        assert st.returncode == 3 and "pharo-shop is not running" in st.stdout, st.stdout + st.stderr
        tr = run(script, "try-restart")
        assert tr.returncode == 0 and "not running, not restarted" in tr.stdout, tr.stdout + tr.stderr
        assert run(script, "status").returncode == 3  # try-restart started nothing

        start = run(script, "start")
        assert start.returncode == 0, start.stdout + start.stderr
        assert start.stdout.startswith("Starting test service: pharo-shop"), start.stdout  # log_daemon_msg
        st = run(script, "status")
        assert st.returncode == 0 and "pharo-shop is running" in st.stdout, st.stdout
        assert run(script, "start").returncode == 0  # already running: success, per LSB

        pids = [instance(home, "shop", i)["pid"] for i in (0, 1)]
        tr = run(script, "try-restart")
        assert tr.returncode == 0 and "Restarting test service: pharo-shop" in tr.stdout, tr.stdout + tr.stderr
        after = [instance(home, "shop", i)["pid"] for i in (0, 1)]
        assert all(a and a not in pids for a in after), (pids, after)

        rl = run(script, "reload")
        assert rl.returncode == 0 and "Reloading test service: pharo-shop" in rl.stdout, rl.stdout + rl.stderr

        stop = run(script, "stop")
        assert stop.returncode == 0 and stop.stdout.startswith("Stopping test service: pharo-shop"), stop.stdout
        assert run(script, "stop").returncode == 0  # already stopped: success
        assert run(script, "status").returncode == 3
        assert processes_in(cfg["dir"]) == []
    finally:
        pharoctl(home, "stop", "shop", timeout=60)


def test_missing_pharoctl_exits_0_and_bad_action_2(home, tmp_path):
    make_service(home, "shop")
    script = script_of(home, tmp_path)
    text = open(script).read()
    gone = tmp_path / "gone"
    gone.write_text(text.replace("PHAROCTL='", f"PHAROCTL='{tmp_path}/no/such", 1))
    assert run(str(gone), "start").returncode == 0
    assert run(script, "bogus").returncode == 2


@pytest.mark.skipif(shutil.which("unshare") is None, reason="unshare (util-linux) is missing")
def test_redirects_to_systemctl_on_a_systemd_host(home, tmp_path):
    """/run/systemd/system exists only in this test's own mount namespace; systemctl there is a
    stand-in that records its arguments."""
    make_service(home, "shop")
    script = script_of(home, tmp_path)
    calls = tmp_path / "systemctl.calls"
    fake = tmp_path / "systemctl"
    fake.write_text(f'#!/bin/sh\necho "$*" >> {calls}\ncase "$*" in *LoadState*) echo loaded ;; esac\nexit 0\n')
    fake.chmod(0o755)
    inner = f"""set -e
mount --make-rprivate /
mount -t tmpfs none /run/systemd 2>/dev/null || {{ mkdir -p /run/systemd; mount -t tmpfs none /run/systemd; }}
mkdir /run/systemd/system
mount --bind {fake} "$(command -v systemctl || echo /usr/bin/systemctl)"
mount -t tmpfs none /etc/init.d
cp {script} /etc/init.d/pharo-shop
/etc/init.d/pharo-shop start
"""
    if shutil.which("systemctl") is None:
        pytest.skip("no systemctl binary to stand in for")
    proc = subprocess.run(["unshare", "-m", "sh", "-c", inner], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "via systemctl" in proc.stdout, proc.stdout
    assert "start pharo-shop.service" in calls.read_text(), calls.read_text()
    assert processes_in(home / "shop") == []  # pharoctl itself was never run
