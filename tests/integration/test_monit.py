"""The monit check run by the real monit (a daemon with a 1 s cycle, its own files) against a
live pharo-sim service: a supervisor killed with -9 is noticed and the service comes back; an
instance's stop program stops that instance alone."""
import json
import os
import re
import signal
import subprocess

from harness import pharoctl, wait_until
from supervise_harness import instance, make_service, status


def check_file(home, tmp_path):
    out = tmp_path / "monit"
    pharoctl(home, "export", "monit", "shop", "-o", str(out), check=0)
    return out / "pharo-shop.monit"


def program(text, check, kind):
    block = text.split(f"check process {check} ", 1)[1] if "process" in check or "_" in check else text
    return re.search(rf'{kind} program = "([^"]+)"', block).group(1)


def test_each_instance_stop_program_stops_only_that_instance(home, tmp_path):
    make_service(home, "shop", instances=2)
    text = check_file(home, tmp_path).read_text()
    pharoctl(home, "start", "shop", timeout=60, check=0)
    try:
        sup = status(home, "shop")["supervisor_pid"]
        stop1 = program(text, "pharo-shop_1", "stop")
        assert stop1.endswith(" stop shop@1"), stop1
        subprocess.run(stop1, shell=True, check=True, timeout=60)
        st = status(home, "shop")
        assert st["supervisor_pid"] == sup
        assert st["instances"][1]["state"] == "stopped" and st["instances"][0]["state"] == "running", st
        subprocess.run(program(text, "pharo-shop_1", "start"), shell=True, check=True, timeout=60)
        wait_until(lambda: instance(home, "shop", 1)["state"] == "running", 20, what="instance 1 back")
        assert status(home, "shop")["supervisor_pid"] == sup
    finally:
        pharoctl(home, "stop", "shop", timeout=60)


def test_real_monit_notices_a_dead_supervisor(home, tmp_path):
    make_service(home, "shop", instances=2)
    check = check_file(home, tmp_path)
    d = tmp_path / "monitd"
    d.mkdir()
    rc = d / "monitrc"
    rc.write_text(f"set daemon 1\nset logfile {d}/monit.log\nset idfile {d}/id\nset statefile {d}/state\n"
                  f"set pidfile {d}/monit.pid\ninclude {check}\n")
    rc.chmod(0o600)
    assert subprocess.run(["monit", "-t", "-c", str(rc)], capture_output=True, timeout=30).returncode == 0
    pharoctl(home, "start", "shop", timeout=60, check=0)
    monit = subprocess.Popen(["monit", "-I", "-c", str(rc)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        old = status(home, "shop")["supervisor_pid"]
        wait_until(lambda: "Monit 5" in (d / "monit.log").read_text() and "started" in (d / "monit.log").read_text()
                   if (d / "monit.log").exists() else False, 30, what="monit to start")
        os.kill(old, signal.SIGKILL)

        def back():
            # While monit brings it back, status may also meet a supervisor that does not answer
            # yet (exit 1): not back, keep waiting.
            proc = pharoctl(home, "--json", "status", "shop")
            assert proc.returncode in (0, 1, 3, 4, 5), proc.stderr
            if proc.returncode == 1:
                return False
            st = json.loads(proc.stdout)["services"][0]
            return (st.get("supervisor_pid") not in (None, 0, old) and
                    all(i["state"] == "running" for i in st["instances"]))

        wait_until(back, 60, what="monit to bring the service back")
        log = (d / "monit.log").read_text()
        print(log)
        assert re.search(r"'pharo-shop' status failed \(3\)", log), log
        assert "'pharo-shop' start:" in log, log
    finally:
        monit.terminate()
        monit.wait(timeout=30)
        pharoctl(home, "stop", "shop", timeout=60)
