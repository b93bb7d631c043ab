"""A rolling restart hands over to the next instance only once the replaced one serves HTTP
again, not at its first health answer: a start code that forks its server's start returns, and
NeoConsole's metrics (the default health check, started after the start code) answer, before
the app's port listens. pharo-sim's PHARO_SIM_LISTEN_DELAY holds the app's socket back that long
after its start returned."""
import re
import threading
import time

from harness import accepts_connections, pharoctl, wait_until
from service_fixture import new_service, require, set_env


def http_ports(service_dir):
    base = int(re.search(r"(?m)^http_port\s*=\s*(\d+)", (service_dir / "service.toml").read_text()).group(1))
    return base, base + 10


class Watch:
    """Looks at both instances' HTTP ports every millisecond; counts the looks at which neither accepted."""

    def __init__(self, ports):
        self.ports, self.neither, self.looks, self.running = ports, 0, 0, True
        self.thread = threading.Thread(target=self.run)

    def run(self):
        while self.running:
            self.looks += 1
            if not any(accepts_connections(p) for p in self.ports):
                self.neither += 1
            time.sleep(0.001)  # the sampling step, not synchronisation

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()


def test_a_reload_waits_for_each_replacement_to_serve_before_stopping_the_next(home):
    d = new_service(home, instances=2, grace="5s")
    set_env(d, "PHARO_SIM_LISTEN_DELAY", 0.3)
    require(pharoctl(home, "start", "shop", timeout=60), "pharoctl start")
    try:
        ports = http_ports(d)
        wait_until(lambda: all(accepts_connections(p) for p in ports), timeout=10, what="both apps serving")
        with Watch(ports) as w:
            r = pharoctl(home, "reload", "shop", timeout=60)
            wait_until(lambda: all(accepts_connections(p) for p in ports), timeout=10, what="both apps serving again")
        assert r.returncode == 0, r.stdout + r.stderr
        # Without the gate, the second instance went down while the first one's app slept.
        assert w.neither == 0, f"{w.neither} of {w.looks} looks found neither instance serving"
        assert w.looks > 100  # the two 0.3 s app starts, one after the other
    finally:
        pharoctl(home, "stop", "shop", timeout=60)


def test_a_replacement_that_never_serves_fails_the_reload_and_the_next_instance_is_kept(home):
    d = new_service(home, instances=2, grace="2s")
    require(pharoctl(home, "start", "shop", timeout=60), "pharoctl start")
    try:
        ports = http_ports(d)
        wait_until(lambda: all(accepts_connections(p) for p in ports), timeout=10, what="both apps serving")
        before = pharoctl(home, "pid", "shop@1").stdout.strip()
        set_env(d, "PHARO_SIM_LISTEN_DELAY", 60)  # applied by the reload: the new VMs' apps never listen in time
        with Watch(ports) as w:
            r = pharoctl(home, "reload", "shop", timeout=60)
        assert r.returncode != 0, r.stdout + r.stderr
        assert f"nothing accepts connections on its HTTP port {ports[0]}" in r.stdout + r.stderr, r.stdout + r.stderr
        assert w.neither == 0, f"{w.neither} of {w.looks} looks found neither instance serving"
        assert pharoctl(home, "pid", "shop@1").stdout.strip() == before
        assert accepts_connections(ports[1])
    finally:
        pharoctl(home, "stop", "shop", timeout=60)
