"""pharoctl against the REAL Cog VM and Pharo 8 kernel image of ../shared/real-pharo (README.md
there says what the pair does). Each test unpacks the tarball into its own scratch directory, so
that the image's first-start rewrite never leaks from one test to another. Skipped, saying why,
only where that folder is absent."""
import hashlib
import json
import os
import re
import signal
import stat
import subprocess
import tarfile
import time

import pytest

import harness
from harness import pharoctl, wait_until

REAL = os.path.join(harness.SHARED_DIR, "real-pharo")
TARBALL = os.path.join(REAL, "pharo8-cog.tar.xz")
NO_HANDLER = "this image cannot evaluate Smalltalk: no `eval`/`st` handler; it answered: "

pytestmark = pytest.mark.skipif(not os.path.isfile(TARBALL),
                                reason=f"no real Pharo here: {TARBALL} is absent")


def unpack(dest):
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(TARBALL) as t:
        t.extractall(dest)
    return dest / "pharo8-cog"


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(root):
    """Every file under root: relative path -> (size, sha256); symlinks by target."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for n in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            p = os.path.join(dirpath, n)
            rel = os.path.relpath(p, root)
            if os.path.islink(p):
                out[rel] = ("link", os.readlink(p))
            elif os.path.isfile(p):
                with open(p, "rb") as f:
                    out[rel] = (os.path.getsize(p), hashlib.sha256(f.read()).hexdigest())
    return out


def no_esc(*texts):
    for t in texts:
        data = t.encode() if isinstance(t, str) else t
        assert b"\x1b" not in data, f"an ESC byte reached the user: {data[-400:]!r}"


def logs_have_no_esc(service_dir):
    for dirpath, _, filenames in os.walk(service_dir / "logs"):
        for n in filenames:
            with open(os.path.join(dirpath, n), "rb") as f:
                no_esc(f.read())


def install(home, src, name="pharo-80"):
    proc = pharoctl(home, "install", "--from", str(src), "--name", name, timeout=180)
    assert proc.returncode == 0, proc.stderr
    return proc


def new_service(home, name, runtime, grace="120s", stop_timeout="30s"):
    base = harness.free_port_block([0, 1, 2])
    proc = pharoctl(home, "new", name, "--runtime", runtime, "--http-port", str(base),
                    "--telnet-port", str(base + 1), "--metrics-port", str(base + 2), "--yes")
    assert proc.returncode == 0, proc.stderr
    toml = home / name / "service.toml"
    text = re.sub(r'(?m)^grace\s*=.*$', f'grace = "{grace}"', toml.read_text())
    head, sep, stop = text.partition("[stop]")
    stop = re.sub(r'(?m)^timeout\s*=\s*"[^"]*"', f'timeout = "{stop_timeout}"', stop, count=1)
    toml.write_text(head + sep + stop)
    return home / name


@pytest.fixture
def real(tmp_path):
    return unpack(tmp_path / "unpacked")


def test_install_reads_the_real_runtime_right(home, real):
    before = snapshot(real)
    proc = install(home, real)
    no_esc(proc.stdout, proc.stderr)
    # Asked on a copy: the directory installed from is not touched by printVersion's first start.
    assert snapshot(real) == before
    rt = json.loads(pharoctl(home, "--json", "runtimes", check=0).stdout)["runtimes"][0]
    assert rt["image_format"] == 68021
    assert rt["word_size"] == 64 and rt["object_format"] == "Spur" and rt["sista"] is False
    assert rt["version"] == "80" and rt["vm_generation"] == "old" and rt["headless_option"] == "--nodisplay"
    assert rt["image_version_from"] == "printVersion"
    assert rt["image_version"].startswith("Pharo-8.0.0+build.1080.sha.9f5ce2e")
    text = pharoctl(home, "runtimes", check=0).stdout
    assert "64-bit Spur (68021)" in text and "Pharo-8.0.0" in text
    toml = (home / "runtimes" / "pharo-80" / "runtime.toml").read_text()
    assert 'sources = "Pharo8.0-32bit-9f5ce2e.sources"' in toml
    # Read-only runtime files, and doctor finds them as recorded.
    for n in ("Pharo.image", "Pharo.changes", "Pharo8.0-32bit-9f5ce2e.sources"):
        mode = os.stat(home / "runtimes" / "pharo-80" / n).st_mode
        assert mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) == 0, n
    doc = pharoctl(home, "doctor", check=None)
    assert "runtime pharo-80 matches" in doc.stdout + doc.stderr


def test_runtime_without_changes_and_sources_installs_with_a_warning(home, real):
    (real / "Pharo.changes").unlink()
    (real / "Pharo8.0-32bit-9f5ce2e.sources").unlink()
    proc = install(home, real)
    assert "warning: no Pharo.changes" in proc.stderr
    assert "warning: no sources file for Pharo 8" in proc.stderr and "Pharo8.0-32bit-<hash>.sources" in proc.stderr
    assert "method source" in proc.stderr


def test_start_before_any_deploy_runs_a_private_copy_and_names_the_complaint(home, real):
    install(home, real)
    rt = home / "runtimes" / "pharo-80"
    image_before, changes_before = sha(rt / "Pharo.image"), sha(rt / "Pharo.changes")
    svc = new_service(home, "kern", "pharo-80")
    try:
        proc = pharoctl(home, "start", "kern", timeout=120)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        out = proc.stdout + proc.stderr
        no_esc(proc.stdout, proc.stderr)
        assert 'Invalid arguments: "st ' in out and "(Command line handler failed)" in out, out
        status = pharoctl(home, "status", "kern", check=None)
        no_esc(status.stdout, status.stderr)
        assert "Command line handler failed" in status.stdout + status.stderr
        js = json.loads(pharoctl(home, "--json", "status", "kern", check=None).stdout)
        inst = js["services"][0]["instances"][0]
        assert 'Invalid arguments: "st ' in inst["reason"]
        assert inst["last_words"].endswith("(Command line handler failed)")
    finally:
        pharoctl(home, "stop", "kern", timeout=90)
    # The first start's self-save hit the service's own copy, not the runtime.
    assert sha(rt / "Pharo.image") == image_before and sha(rt / "Pharo.changes") == changes_before
    copy = svc / "base" / "pharo-80" / "kern.image"
    assert copy.stat().st_size != (rt / "Pharo.image").stat().st_size
    logs_have_no_esc(svc)
    no_esc((svc / "logs" / "supervisor.out").read_bytes())


def test_build_fails_with_one_sentence_caches_nothing_and_changes_nothing(home, real):
    install(home, real)
    rt = home / "runtimes" / "pharo-80"
    svc = new_service(home, "kb", "pharo-80")
    home_before = snapshot(home)
    proc = pharoctl(home, "build", "kb", timeout=180)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    no_esc(proc.stdout, proc.stderr)
    assert NO_HANDLER + 'Invalid arguments: "eval ' in proc.stderr, proc.stderr
    assert snapshot(home) == home_before
    assert not (svc / "builds").exists()
    # deploy builds first: the same sentence, still nothing released.
    dep = pharoctl(home, "deploy", "kb", timeout=180)
    assert dep.returncode == 1 and NO_HANDLER in dep.stderr, dep.stderr
    no_esc(dep.stdout, dep.stderr)
    assert not (svc / "current").exists()
    # And a start after the failed build still leaves the runtime's files as installed.
    try:
        pharoctl(home, "start", "kb", timeout=120)
    finally:
        pharoctl(home, "stop", "kb", timeout=90)
    after = snapshot(rt)
    for n in ("Pharo.image", "Pharo.changes"):
        assert after[n] == home_before[os.path.join("runtimes", "pharo-80", n)]
    drift = pharoctl(home, "doctor", check=None)
    assert "runtime pharo-80 matches" in drift.stdout + drift.stderr


# A launcher that keeps the real VM alive (README: loadHermes on a fifo nobody writes) when it
# is asked to run a start script (the script stays on its command line, which /proc identity
# checks, after the fifo; the handler ignores it); everything else (--version, printVersion) goes to the real
# launcher untouched. With a file `ignore-term` in the VM's working directory (the service
# directory) the VM inherits SIGTERM ignored, to drive the SIGKILL half of the stop path.
HERMES_LAUNCHER = """#!/bin/sh
here=$(dirname "$0")
if [ "$3" = st ]; then
  fifo="$(dirname "$2")/blk.hermes"
  [ -p "$fifo" ] || mkfifo "$fifo"
  [ -e ignore-term ] && trap '' TERM
  exec "$here/pharo.real" "$1" "$2" loadHermes "$fifo" "$4"
fi
exec "$here/pharo.real" "$@"
"""


def live_vm(svc, name):
    """The pid of the live real VM of `name` once its first start (the self-save) is over."""
    def check():
        try:
            pid = int((svc / "run" / f"{name}.pid").read_text().split()[0])
            exe = os.readlink(f"/proc/{pid}/exe")
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
        except (OSError, ValueError, IndexError):
            return None
        if not (exe.endswith("lib/pharo/5.0-/pharo") and b"loadHermes" in cmd):
            return None
        # Past the first start of a fresh copy (which saves itself and exits 0 within a second):
        # a VM that has stayed up for 2 s is the one blocked on the fifo.
        return pid if age(pid) > 2.0 else None
    return wait_until(check, timeout=60, interval=0.05, what="a live real VM")


def age(pid):
    """Seconds since process `pid` started, from /proc (field 22 of stat, in clock ticks)."""
    with open(f"/proc/{pid}/stat") as f:
        start_ticks = int(f.read().rsplit(") ", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")


def gone(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1].split()[0] == "Z"
    except OSError:
        return True


def test_stop_path_and_proc_identity_on_a_live_real_vm(home, real):
    launcher = real / "pharo-vm" / "pharo"
    launcher.rename(real / "pharo-vm" / "pharo.real")
    launcher.write_text(HERMES_LAUNCHER)
    launcher.chmod(0o755)
    install(home, real, name="pharo-80-hermes")
    svc = new_service(home, "alive", "pharo-80-hermes", grace="300s", stop_timeout="2s")
    (svc / "ignore-term").write_text("")
    sup = subprocess.Popen([harness.PHAROCTL, "--home", str(home), "supervise", "alive"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        pid = live_vm(svc, "alive")
        # /proc proves it: `pid` answers with the binary's pid (the launcher exec'd in place).
        assert pharoctl(home, "pid", "alive", check=0).stdout.strip() == str(pid)
        # Supervised stop: SIGTERM (ignored), the [stop] timeout, then SIGKILL.
        t0 = time.monotonic()
        pharoctl(home, "stop", "alive", check=0, timeout=60)
        assert time.monotonic() - t0 >= 1.9
        assert gone(pid)
        sup.wait(timeout=30)
        log = "".join(p.read_text() for p in (svc / "logs").glob("alive-*.log"))
        assert f"stopping pid {pid} (SIGTERM; SIGKILL after 2s)" in log
        assert f"pid {pid} ended" in log and "killed by SIGKILL" in log

        # A VM that outlives its supervisor (kill -9; it ignores the parent-death SIGTERM):
        # status calls it orphaned, stop ends it only because /proc proves it is this service's.
        sup = subprocess.Popen([harness.PHAROCTL, "--home", str(home), "supervise", "alive"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pid = live_vm(svc, "alive")
        sup.send_signal(signal.SIGKILL)
        sup.wait(timeout=10)
        js = json.loads(pharoctl(home, "--json", "status", "alive", check=None).stdout)
        inst = js["services"][0]["instances"][0]
        assert inst["state"] == "orphaned" and inst["pid"] == pid
        stop = pharoctl(home, "stop", "alive", check=0, timeout=60)
        assert f"ended pid {pid}" in stop.stderr and "(SIGKILL)" in stop.stderr, stop.stderr
        wait_until(lambda: gone(pid), timeout=10, what="the orphan gone")

        # Without the flag, SIGTERM alone ends the real VM.
        (svc / "ignore-term").unlink()
        sup = subprocess.Popen([harness.PHAROCTL, "--home", str(home), "supervise", "alive"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pid = live_vm(svc, "alive")
        t0 = time.monotonic()
        pharoctl(home, "stop", "alive", check=0, timeout=60)
        assert time.monotonic() - t0 < 1.9
        sup.wait(timeout=30)
        log = "".join(p.read_text() for p in (svc / "logs").glob("alive-*.log"))
        assert f"pid {pid} ended" in log
        assert log.count("killed by SIGTERM") >= 1
        logs_have_no_esc(svc)
    finally:
        if sup.poll() is None:
            pharoctl(home, "stop", "alive", timeout=60)
            sup.wait(timeout=30)
