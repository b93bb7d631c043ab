"""doctor: one line per finding with what to do; --fix rewrites run scripts only."""
import re
import socket

from harness import pharoctl


def test_doctor_findings(home):
    pharoctl(home, "new", "shop", "--yes", "--http-port", "18180", "--telnet-port", "18181", "--metrics-port", "18182", check=0)
    (home / "shop" / "run" / "shop.pid").write_text("999999999\n")
    script = home / "shop" / "run" / "run-shop.st"
    script.write_text(script.read_text() + "junk\n")
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 18181))
        s.listen()
        proc = pharoctl(home, "doctor", "shop")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert any(l.startswith("warn") and "no runtime installed" in l for l in lines)
    assert any(l.startswith("error shop runtime:") and "pharoctl install" in l for l in lines)
    assert any(l.startswith("error shop ports:") and "18181" in l and "console.telnet_port" in l for l in lines)
    assert any(l.startswith("warn  shop pids:") and "stale" in l for l in lines)
    assert any(l.startswith("warn  shop files:") and "--fix" in l for l in lines)
    fixed = pharoctl(home, "doctor", "shop", "--fix").stdout
    assert "run scripts rewritten" in fixed
    assert "junk" not in script.read_text()
    # The stale pid file is reported, never acted on.
    assert (home / "shop" / "run" / "shop.pid").exists()


def test_doctor_unknown_service(home):
    assert pharoctl(home, "doctor", "nosuch").returncode == 2


def test_doctor_warns_about_ports_in_the_ephemeral_range(home):
    low, high = map(int, open("/proc/sys/net/ipv4/ip_local_port_range").read().split())
    reserved = open("/proc/sys/net/ipv4/ip_local_reserved_ports").read().strip()
    base = low + 1000
    assert base + 2 <= high and not reserved, reserved
    pharoctl(home, "new", "shop", "--yes", "--http-port", "18190", "--telnet-port", str(base),
             "--metrics-port", str(base + 1), check=0)
    lines = pharoctl(home, "doctor", "shop").stdout.splitlines()
    warned = [l for l in lines if l.startswith("warn  shop ports:") and "ephemeral" in l]
    assert len(warned) == 1, lines
    assert f"{base}-{base + 1}" in warned[0] and "18190" not in warned[0]
    assert f"net.ipv4.ip_local_reserved_ports={base}-{base + 1}" in warned[0]


def test_doctor_warns_that_a_load_at_every_start_must_fit_in_the_grace(home):
    pharoctl(home, "new", "shop", "--yes", "--repository", "github://acme/shop:main/src", "--baseline", "Shop",
             "--http-port", "18280", "--telnet-port", "18281", "--metrics-port", "18282", check=0)
    toml = home / "shop" / "service.toml"
    assert not [l for l in pharoctl(home, "doctor", "shop").stdout.splitlines() if "load-on-start" in l]
    toml.write_text(re.sub(r'(?m)^strategy\s*=\s*"image"', 'strategy = "load-on-start"', toml.read_text()))
    warned = [l for l in pharoctl(home, "doctor", "shop").stdout.splitlines() if "load-on-start" in l]
    assert len(warned) == 1 and warned[0].startswith("warn  shop config:"), warned
    assert '[health].grace = "2m"' in warned[0] and "pharoctl build shop" in warned[0], warned[0]
    toml.write_text(re.sub(r'(?m)^grace\s*=.*$', 'grace = "0s"', toml.read_text()))
    assert not [l for l in pharoctl(home, "doctor", "shop").stdout.splitlines() if "load-on-start" in l]
