"""`pharoctl export nginx NAME`: the file real nginx accepts (nginx -t), an upstream over every
instance's HTTP port, printed or written with -o."""
import os

import pytest

from harness import pharoctl
from nginx_fixture import Nginx, nginx_available
from service_fixture import new_service, require


@pytest.mark.skipif(not nginx_available(), reason="nginx is not installed (Debian package nginx)")
def test_export_nginx_is_valid_for_real_nginx(home, tmp_path):
    svc = new_service(home, instances=3)
    printed = require(pharoctl(home, "export", "nginx", "shop"), "pharoctl export nginx").stdout
    toml = (svc / "service.toml").read_text()
    base = int(next(l for l in toml.splitlines() if l.startswith("http_port")).split("=")[1].split("#")[0])
    for i in range(3):
        assert f"server 127.0.0.1:{base + 10 * i} max_fails=1 fail_timeout=2s;" in printed
        assert f"server 127.0.0.1:{base + 10 * i} backup max_fails=0;" in printed
    assert "proxy_next_upstream error timeout http_502 http_503 http_504;" in printed
    out = tmp_path / "out"
    proc = require(pharoctl(home, "export", "nginx", "shop", "-o", str(out)), "pharoctl export nginx -o")
    written = out / "pharo-shop.conf"
    assert str(written) in proc.stdout
    assert written.read_text() == printed
    checked = Nginx(tmp_path / "nginx", printed).check()
    assert checked.returncode == 0, checked.stderr


def test_export_nginx_of_a_missing_service_is_bad_usage(home):
    proc = pharoctl(home, "export", "nginx", "nosuch")
    assert proc.returncode == 2 and "nosuch" in proc.stderr
    assert not os.listdir(home) or "nosuch" not in os.listdir(home)
