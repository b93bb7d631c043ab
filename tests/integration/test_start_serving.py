"""`pharoctl start` says healthy only once the app's start code has run: a request right after it
is served. The default health check asks NeoConsole's metrics, which the generated run script
starts after app.st (the REPL before it). CI once saw quickstart's start report healthy and the
page refuse at once after: the metrics answered while the start code had not yet run.
pharo-sim's PHARO_SIM_APP_DELAY makes the app's ZnServer start take that long."""
import re
import subprocess
import time
import urllib.request

from harness import PHAROCTL, accepts_connections, pharoctl, wait_until
from service_fixture import new_service, require, set_env


def ports(service_dir):
    text = (service_dir / "service.toml").read_text()
    return {k: int(re.search(rf"(?m)^{k}\s*=\s*(\d+)", text).group(1)) for k in ("http_port", "telnet_port", "metrics_port")}


def test_start_returns_healthy_once_the_app_serves(home):
    d = new_service(home, instances=1, grace="10s")
    set_env(d, "PHARO_SIM_APP_DELAY", 0.3)
    p = ports(d)
    began = time.monotonic()
    r = require(pharoctl(home, "start", "shop", timeout=60), "pharoctl start")
    took = time.monotonic() - began
    try:
        assert "healthy" in r.stdout, r.stdout
        # At once, no retry: the page answers.
        with urllib.request.urlopen(f"http://127.0.0.1:{p['http_port']}/", timeout=5) as page:
            assert page.status == 200
        assert took >= 0.3, f"start said healthy after {took:.3f}s, before the 0.3 s start code ended"
    finally:
        pharoctl(home, "stop", "shop", timeout=60)


def test_while_the_start_code_runs_the_repl_answers_and_the_service_is_starting(home):
    d = new_service(home, instances=1, grace="20s")
    set_env(d, "PHARO_SIM_APP_DELAY", 3)
    p = ports(d)
    start = subprocess.Popen([PHAROCTL, "--home", str(home), "start", "shop"], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: accepts_connections(p["telnet_port"]), timeout=10, what="the REPL port")
        status = pharoctl(home, "status", "shop")
        assert "starting" in status.stdout, status.stdout
        assert not accepts_connections(p["metrics_port"]) and not accepts_connections(p["http_port"])
        out, err = start.communicate(timeout=60)
        assert start.returncode == 0, out + err
        assert accepts_connections(p["http_port"]) and accepts_connections(p["metrics_port"])
    finally:
        if start.poll() is None:
            start.kill()
            start.wait()
        pharoctl(home, "stop", "shop", timeout=60)
