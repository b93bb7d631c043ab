"""doctor: one line per finding with what to do; --fix rewrites run scripts only."""
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
