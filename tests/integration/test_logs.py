"""pharoctl logs: the supervisor's daily files and the image's server-*.log interleaved by time,
-n, and -f following across the switch to the next day's files. The supervisor's files are
written here in their documented line format (docs/architecture.md); the image's file is
written by pharo-sim's NeoConsoleTranscript."""
import os
import subprocess
import threading

import pytest

from harness import PHAROCTL, pharoctl, wait_until
from neoconsole_service import SimService, sim_runtime


def write_service(home, name="shop", instances=1):
    d = home / name
    (d / "logs").mkdir(parents=True)
    (d / "service.toml").write_text(f'name = "{name}"\nruntime = "sim"\n[instances]\ncount = {instances}\n')
    return d


def test_interleaved_by_time_and_tail(home):
    d = write_service(home)
    (d / "logs" / "shop-2026-11-22.log").write_text("2026-11-22T23:59:59.000+00:00 sup started\n")
    (d / "logs" / "shop-2026-11-23.log").write_text(
        "2026-11-23T10:00:00.000+00:00 sup start pid 42\n2026-11-23T10:00:02.000+00:00 out Zinc started\n")
    (d / "logs" / "server-2026-11-23.log").write_text(
        "2026-11-23T10:00:01.000+00:00 transcript one\n  with a second line\n2026-11-23T10:00:03.000+00:00 last\n")
    out = pharoctl(home, "logs", "shop", check=0).stdout.splitlines()
    assert out == ["2026-11-22T23:59:59.000+00:00 sup started",
                   "2026-11-23T10:00:00.000+00:00 sup start pid 42",
                   "2026-11-23T10:00:01.000+00:00 transcript one",
                   "  with a second line",
                   "2026-11-23T10:00:02.000+00:00 out Zinc started",
                   "2026-11-23T10:00:03.000+00:00 last"]
    assert pharoctl(home, "logs", "shop", "-n", "2", check=0).stdout.splitlines() == out[-2:]
    assert pharoctl(home, "logs", "shop", "-n", "0", check=0).stdout == ""


def test_instances_are_labelled(home):
    d = write_service(home, instances=2)
    (d / "logs" / "shop.0-2026-11-23.log").write_text("2026-11-23T10:00:00.000+00:00 out zero\n")
    (d / "logs" / "shop.1-2026-11-23.log").write_text("2026-11-23T10:00:01.000+00:00 out one\n")
    assert pharoctl(home, "logs", "shop", check=0).stdout.splitlines() == [
        "shop.0| 2026-11-23T10:00:00.000+00:00 out zero", "shop.1| 2026-11-23T10:00:01.000+00:00 out one"]
    assert pharoctl(home, "logs", "shop@1", check=0).stdout == "2026-11-23T10:00:01.000+00:00 out one\n"
    assert pharoctl(home, "logs", "shop@2").returncode == 2


class Follower:
    def __init__(self, home, *args):
        self.proc = subprocess.Popen([PHAROCTL, "--home", str(home), "logs", *args], stdout=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL, text=True)
        self.lines = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def test_follow_across_midnight(home):
    d = write_service(home)
    today = d / "logs" / "shop-2026-11-23.log"
    today.write_text("2026-11-23T23:59:58.000+00:00 out old\n")
    f = Follower(home, "shop", "-f", "-n", "1")
    try:
        wait_until(lambda: f.lines == ["2026-11-23T23:59:58.000+00:00 out old"], what="the tail")
        with open(today, "a") as w:
            w.write("2026-11-23T23:59:59.500+00:00 out before midnight\n")
        wait_until(lambda: len(f.lines) == 2, what="the appended line")
        # The writer switches files at midnight: the next day's file appears and gets the lines.
        (d / "logs" / "shop-2026-11-24.log").write_text("2026-11-24T00:00:00.100+00:00 out after midnight\n")
        (d / "logs" / "server-2026-11-24.log").write_text("2026-11-24T00:00:00.200+00:00 image after midnight\n")
        wait_until(lambda: len(f.lines) == 4, what="the new day's lines")
        assert f.lines[2:] == ["2026-11-24T00:00:00.100+00:00 out after midnight",
                               "2026-11-24T00:00:00.200+00:00 image after midnight"]
        with open(d / "logs" / "shop-2026-11-24.log", "a") as w:
            w.write("2026-11-24T00:00:01.000+00:00 out still following\n")
        wait_until(lambda: len(f.lines) == 5, what="lines appended to the new day's file")
    finally:
        f.stop()


def test_image_transcript_from_pharo_sim(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    svc = SimService(home, sim_runtime(str(tmp_path))).start()
    try:
        # The startup script wrote "shop started" to the image's daily file, in the service dir.
        wait_until(lambda: "shop started" in pharoctl(home, "logs", "shop").stdout, what="the transcript line")
        f = Follower(home, "shop", "-f", "-n", "1")
        try:
            # The tail on screen proves the follower has read to the end: what comes next is followed.
            wait_until(lambda: any("shop started" in line for line in f.lines), what="the follower's tail")
            pharoctl(home, "eval", "shop", "Transcript show: 'hello from the image'; cr", check=0)
            wait_until(lambda: any("hello from the image" in line for line in f.lines), what="the followed line")
        finally:
            f.stop()
    finally:
        svc.stop()
