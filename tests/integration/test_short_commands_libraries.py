"""The short commands map only what they use: libcurl, libarchive, libedit and libcrypto (and the
dozens of libraries they bring) are opened on first use by the commands that need them
(util/shared_library.hpp), never by --version, status, pid, health, eval, start, stop or logs.
Seen by the dynamic linker itself (LD_DEBUG=files, every process a command starts included) and
in /proc/PID/maps of a `logs -f` held open; the commands that need a library still get it."""
import os
import re
import subprocess
import time

from harness import PHAROCTL, pharoctl, wait_until
from supervise_harness import make_service, stop_quietly, supervisors_of

HEAVY = ("libcurl", "libarchive", "libedit", "libcrypto")
# What a short command may map: libc and the few libraries the core links.
ALLOWED = {"libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "libfmt.so.9", "libtomlplusplus.so.3",
           "libmd.so.0", "ld-linux-x86-64.so.2"}


def loaded(tmp_path, home, *args, check=0):
    """The shared objects the dynamic linker loaded for `pharoctl ARGS` and any process it
    started (each writes its own LD_DEBUG_OUTPUT.PID)."""
    out = tmp_path / f"ld-{time.monotonic_ns()}"
    out.mkdir()
    proc = pharoctl(home, *args, env={"LD_DEBUG": "files", "LD_DEBUG_OUTPUT": str(out / "ld")}, timeout=60)
    assert proc.returncode == check, f"{args}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    names = set()
    for f in out.iterdir():
        for m in re.finditer(r"file=(\S+) \[\d+\];\s+(?:needed|dynamically loaded) by", f.read_text()):
            names.add(os.path.basename(m.group(1)))
    assert names, f"{args}: LD_DEBUG saw no library at all (is the test blind?)"
    return names


def assert_lean(names, what):
    heavy = sorted(n for n in names if n.startswith(HEAVY))
    assert not heavy, f"{what} loaded {heavy}"
    assert names <= ALLOWED, f"{what} loaded more than the core links: {sorted(names - ALLOWED)}"


def test_short_commands_load_none_of_the_heavy_libraries(home, tmp_path):
    cfg = make_service(home, "shop")
    try:
        assert_lean(loaded(tmp_path, home, "--version"), "--version")
        # pharoctl alone (--version starts nothing): libc; libm's load-time work is gone too, and
        # libmd is linked from its archive.
        assert loaded(tmp_path, home, "--version") <= {"libc.so.6"}
        assert_lean(loaded(tmp_path, home, "status", check=3), "status (stopped)")
        assert_lean(loaded(tmp_path, home, "start", "shop"), "start")
        assert_lean(loaded(tmp_path, home, "status"), "status (running)")
        assert_lean(loaded(tmp_path, home, "--json", "status", "shop"), "status --json")
        assert_lean(loaded(tmp_path, home, "pid", "shop"), "pid")
        assert_lean(loaded(tmp_path, home, "health", "shop"), "health")
        assert_lean(loaded(tmp_path, home, "eval", "shop", "3 + 4"), "eval")
        assert_lean(loaded(tmp_path, home, "logs", "shop"), "logs")
        assert_lean(loaded(tmp_path, home, "stop", "shop"), "stop")
    finally:
        stop_quietly(home, cfg["name"])


def test_logs_follow_held_open_maps_none_of_them(home):
    cfg = make_service(home, "shop")
    pharoctl(home, "start", "shop", check=0)
    follower = subprocess.Popen([PHAROCTL, "--home", str(home), "logs", "-f", "shop"], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        # Following: it has printed what the log holds (the app's start line) and waits for more.
        assert follower.stdout.readline(), "logs -f printed nothing"
        maps = (f"/proc/{follower.pid}/maps")
        wait_until(lambda: "libc.so" in open(maps).read(), what="libc mapped in logs -f")
        mapped = {os.path.basename(line.split()[-1]) for line in open(maps) if ".so" in line}
        heavy = sorted(n for n in mapped if n.startswith(HEAVY))
        assert not heavy, f"logs -f maps {heavy}"
    finally:
        follower.kill()
        follower.wait()
        stop_quietly(home, cfg["name"])


def test_commands_that_need_a_library_still_load_it(home, tmp_path):
    # install hashes the runtime's files (the VM is over 1 MiB): libcrypto, on first use.
    names = loaded(tmp_path, home, "install", "sim")
    assert "libcrypto.so.3" in names, sorted(names)
    assert not any(n.startswith(("libcurl", "libarchive", "libedit")) for n in names), sorted(names)


def test_the_supervisor_maps_libc_alone(home):
    # pharoctl-supervise lives as long as its service: libm (loaded for nothing but its load-time
    # ifunc resolvers, 0.3 MB resident), libstdc++ and the rest are not mapped, and libmd is linked
    # from its archive (a shared object costs each supervisor its own written pages):
    # docs/supervisor.md.
    cfg = make_service(home, "shop")
    pharoctl(home, "start", "shop", check=0)
    try:
        (pid,) = supervisors_of("shop", home)
        mapped = {os.path.basename(line.split()[-1]) for line in open(f"/proc/{pid}/maps") if ".so" in line}
        assert "libc.so.6" in mapped, sorted(mapped)
        assert {n.split(".so")[0] for n in mapped} <= {"libc", "ld-linux-x86-64"}, sorted(mapped)
    finally:
        stop_quietly(home, cfg["name"])
