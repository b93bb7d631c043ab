"""doctor on pid files: a stale one naming a live process that is not this service's VM is
called a live stranger (never "nothing runs under it"), one naming no process is harmless; and
doctor says when service.toml differs from what the running supervisor applied."""
import json
import subprocess

from harness import pharoctl
from supervise_harness import make_service, stop_quietly


def test_stale_pid_file_naming_a_live_stranger(home):
    cfg = make_service(home, "shop")
    run = cfg["dir"] / "run"
    run.mkdir(exist_ok=True)
    stranger = subprocess.Popen(["sleep", "300"])
    try:
        (run / "shop.pid").write_text(f"{stranger.pid}\n")
        (run / "shop.pid.json").write_text(json.dumps({"pid": stranger.pid, "start_ticks": 1, "image": "/x.image",
                                                       "run_script": "/x.st", "exe": ""}))
        out = pharoctl(home, "doctor", "shop").stdout
        line = next(l for l in out.splitlines() if "shop.pid" in l)
        assert "live stranger" in line and str(stranger.pid) in line and "sleep" in line, line
        assert "nothing runs under it" not in line
        assert stranger.poll() is None  # nothing signalled
    finally:
        stranger.kill()
        stranger.wait()
    out = pharoctl(home, "doctor", "shop").stdout
    line = next(l for l in out.splitlines() if "shop.pid" in l)
    assert "nothing runs under it" in line, line


def test_doctor_says_service_toml_differs_from_the_running_one(home):
    cfg = make_service(home, "shop")
    try:
        pharoctl(home, "start", "shop", check=0, timeout=60)
        assert "differs from the configuration" not in pharoctl(home, "doctor", "shop").stdout
        toml = cfg["dir"] / "service.toml"
        toml.write_text(toml.read_text().replace('grace = "5s"', 'grace = "6s"'))
        out = pharoctl(home, "doctor", "shop").stdout
        assert "differs from the configuration the running supervisor applied" in out, out
    finally:
        stop_quietly(home, "shop")
