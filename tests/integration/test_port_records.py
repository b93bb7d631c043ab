"""start checks a service's ports against every other service of the home, reading each other
service's run/ports record (keyed by its service.toml's digest) instead of parsing its file: an
edited file must be seen at once, and a stale or damaged record must never hide a clash."""
import re

from harness import pharoctl
from supervise_harness import make_service, stop_quietly


def http_port(home, name):
    return int(re.search(r"^http_port = (\d+)$", (home / name / "service.toml").read_text(), re.M).group(1))


def test_an_edited_service_toml_is_seen_through_its_record(home):
    make_service(home, "a")
    make_service(home, "b")
    try:
        for n in ("a", "b"):
            assert pharoctl(home, "start", n).returncode == 0
            assert (home / n / "run" / "ports").read_text().startswith("pharoctl-ports 1\n")
        pharoctl(home, "stop", "a")
        # b now takes a's HTTP port: b's record is stale, and start of a must still refuse.
        b_toml = home / "b" / "service.toml"
        b_toml.write_text(re.sub(r"^http_port = \d+$", f"http_port = {http_port(home, 'a')}", b_toml.read_text(),
                                 flags=re.M))
        proc = pharoctl(home, "start", "a")
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "service 'b'" in proc.stderr and "app.http_port" in proc.stderr, proc.stderr
        # A damaged record is not believed either.
        (home / "b" / "run" / "ports").write_text("pharoctl-ports 1\nnot-a-digest\nb\n1 1 2 3\n")
        proc = pharoctl(home, "start", "a")
        assert proc.returncode == 2 and "service 'b'" in proc.stderr, proc.stderr
    finally:
        pharoctl(home, "stop", "--all", timeout=60)
        for n in ("a", "b"):
            stop_quietly(home, n)
