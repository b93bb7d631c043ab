"""The site `export nginx` writes, in real nginx (Debian's package), loopback only: next to
Debian's stock config and default site it gets the traffic for its name and no conflict
warning; --sticky keeps each client on one instance through a rolling deploy; a WebSocket
upgrade passes; --listen, --server-name and --tls pass `nginx -t` and TLS serves."""
import base64
import hashlib
import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import threading

import pytest

from harness import free_port, pharoctl, wait_until
from nginx_fixture import NGINX, Nginx, nginx_available
from service_fixture import new_service, require, upload_image

pytestmark = pytest.mark.skipif(not nginx_available(), reason="nginx is not installed (Debian package nginx)")


def export_site(home, *args):
    return require(pharoctl(home, "export", "nginx", "shop", *args), "pharoctl export nginx").stdout


def answer_with_port(svc):
    """app.st serving Zinc's default page, which names the port, hence the instance."""
    (svc / "app.st").write_text("(ZnServer defaultOn: (OSEnvironment current at: 'PHAROCTL_HTTP_PORT') asInteger) start.\n")
    return svc


def http_port(svc):
    toml = (svc / "service.toml").read_text()
    return int(re.search(r"^http_port\s*=\s*(\d+)", toml, re.M).group(1))


class StockNginx(Nginx):
    """/etc/nginx as Debian installs it (nginx.conf, sites-enabled/default, snippets...), copied
    into the test's prefix with only its paths moved there and port 80 moved to a free
    loopback port; the exported site linked from sites-enabled/ as an operator would."""

    def __init__(self, prefix, site_text):  # noqa: super().__init__ writes a config of its own
        self.prefix = prefix
        self.port = free_port()
        shutil.copytree("/etc/nginx", prefix / "etc", symlinks=True)
        for link in (prefix / "etc" / "sites-enabled").iterdir():  # /etc/nginx/sites-available/default
            target = os.readlink(link)
            if target.startswith("/etc/nginx/"):
                link.unlink()
                os.symlink(prefix / "etc" / target[len("/etc/nginx/"):], link)
        (prefix / "logs").mkdir()
        conf = (prefix / "etc" / "nginx.conf").read_text()
        conf = conf.replace("/etc/nginx/", f"{prefix}/etc/").replace("/run/nginx.pid", f"{prefix}/nginx.pid")
        conf = conf.replace("/var/log/nginx/", f"{prefix}/logs/")
        temps = "".join(f"\t{k}_temp_path {prefix}/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        conf = conf.replace("http {\n", "http {\n" + temps, 1)
        (prefix / "etc" / "nginx.conf").write_text(conf)
        default = prefix / "etc" / "sites-available" / "default"
        text = default.read_text()
        assert "listen 80 default_server;" in text and "server_name _;" in text  # the stock default site
        text = text.replace("listen 80 default_server;", f"listen 127.0.0.1:{self.port} default_server;")
        text = text.replace("listen [::]:80 default_server;", "")
        default.write_text(text)
        (prefix / "etc" / "sites-available" / "pharo-shop.conf").write_text(site_text)
        os.symlink("../sites-available/pharo-shop.conf", prefix / "etc" / "sites-enabled" / "pharo-shop.conf")
        self.proc = None

    def conf(self):
        return self.prefix / "etc" / "nginx.conf"


def get(port, host, path="/", source="127.0.0.1", cookie=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    headers = {"Host": host}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    body = r.read().decode(errors="replace")
    conn.close()
    return r.status, body, r.getheader("Set-Cookie")


def test_stock_debian_nginx_gives_the_site_its_traffic_without_conflict(home, tmp_path):
    svc = answer_with_port(new_service(home, instances=2))
    # The catch-all name of Debian's default site is refused, with the reason.
    refused = pharoctl(home, "export", "nginx", "shop", "--server-name", "_")
    assert refused.returncode == 2 and "default site" in refused.stderr
    nginx = StockNginx(tmp_path / "nginx", "")
    site = export_site(home, "--listen", f"127.0.0.1:{nginx.port}", "--server-name", "shop.test",
                       "--server-name", "www.shop.test")
    (nginx.prefix / "etc" / "sites-available" / "pharo-shop.conf").write_text(site)
    checked = nginx.check()
    assert checked.returncode == 0, checked.stderr
    assert "conflicting server name" not in checked.stderr and "warn" not in checked.stderr, checked.stderr
    require(pharoctl(home, "start", "shop", timeout=60), "pharoctl start")
    nginx.start()
    try:
        base = http_port(svc)
        for host in ("shop.test", "www.shop.test"):
            status, body, _ = get(nginx.port, host)
            assert status == 200 and "Zinc HTTP Components" in body, body
            assert re.search(rf"port ({base}|{base + 10})\b", body), body
        # Any other name still reaches Debian's default site.
        status, body, _ = get(nginx.port, "other.test")
        assert status == 200 and "Welcome to nginx" in body, body
    finally:
        nginx.stop()
        pharoctl(home, "stop", "shop", timeout=60)


def instance_of(body):
    return int(re.search(r"port (\d+)", body).group(1))


class StickyClient:
    """A browser-like client from its own loopback address: keeps the route cookie it is given."""

    def __init__(self, port, source):
        self.port, self.source = port, source
        self.cookie = None
        self.served = []  # instance port per request
        self.failures = []

    def once(self):
        try:
            status, body, set_cookie = get(self.port, "shop.test", source=self.source, cookie=self.cookie)
        except OSError as e:
            self.failures.append(repr(e))
            return
        if status != 200:
            self.failures.append(f"status {status}")
            return
        if set_cookie:
            assert self.cookie is None, f"a second route cookie {set_cookie} after {self.cookie}"
            self.cookie = set_cookie.split(";")[0]
        self.served.append(instance_of(body))


def test_sticky_clients_stay_on_their_instance_across_a_rolling_deploy(home, tmp_path):
    svc = answer_with_port(new_service(home, instances=3, grace="3s"))
    site = export_site(home, "--sticky", "--server-name", "shop.test")
    assert "hash $pharoctl_shop_route consistent;" in site and "backup" not in site
    require(pharoctl(home, "start", "shop", timeout=60), "pharoctl start")
    nginx = Nginx(tmp_path / "nginx", site)
    checked = nginx.check()
    assert checked.returncode == 0, checked.stderr
    nginx.start()
    try:
        clients = [StickyClient(nginx.port, f"127.0.0.{n}") for n in range(2, 14)]
        for c in clients:
            for _ in range(5):
                c.once()
        homes = {}
        for c in clients:
            assert not c.failures, c.failures
            assert c.cookie and c.cookie.startswith("pharoctl_shop_route="), c.cookie
            assert len(set(c.served)) == 1, (c.source, c.served)  # stuck from the first request on
            homes[c.source] = c.served[0]
        assert len(set(homes.values())) >= 2, homes  # and clients spread over the instances

        # A rolling deploy under load: each instance replaced in turn.
        stop = threading.Event()

        def load(c):
            while not stop.is_set():
                c.once()

        threads = [threading.Thread(target=load, args=(c,), daemon=True) for c in clients]
        for t in threads:
            t.start()
        image = upload_image(home, tmp_path / "up")
        proc = pharoctl(home, "deploy", "shop", "--image", str(image), timeout=180)
        stop.set()
        for t in threads:
            t.join(timeout=30)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        for c in clients:
            assert not c.failures, (c.source, c.failures[:5], nginx.error_log())
            during = c.served[5:]
            # Away from its instance only while that one was being replaced: one stretch at most.
            away = [i for i, p in enumerate(during) if p != homes[c.source]]
            if away:
                assert away == list(range(away[0], away[-1] + 1)), (c.source, during)
        # After the deploy every client is back where it was, address or cookie alone.
        for c in clients:
            for _ in range(3):
                c.once()
            assert c.served[-3:] == [homes[c.source]] * 3, (c.source, c.served[-10:])
        moved = clients[0]
        _, body, _ = get(nginx.port, "shop.test", source="127.0.0.99", cookie=moved.cookie)
        assert instance_of(body) == homes[moved.source]  # a new address, the same cookie: same instance
    finally:
        nginx.stop()
        pharoctl(home, "stop", "shop", timeout=60)


class WebSocketEcho:
    """A minimal WebSocket server (RFC 6455 handshake, one text frame echoed) on a port of
    the service, standing in for an instance: pharo-sim speaks no WebSocket."""

    GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self, port):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(8)
        self.seen_headers = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn):
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            head = data.split(b"\r\n\r\n")[0].decode()
            headers = {k.lower(): v.strip() for k, v in (l.split(":", 1) for l in head.split("\r\n")[1:])}
            self.seen_headers.append(headers)
            if headers.get("upgrade", "").lower() != "websocket" or "upgrade" not in headers.get("connection", "").lower():
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            accept = base64.b64encode(hashlib.sha1((headers["sec-websocket-key"] + self.GUID).encode()).digest())
            conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
            frame = conn.recv(4096)
            n = frame[1] & 0x7F
            mask, payload = frame[2:6], frame[6:6 + n]
            text = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            conn.sendall(bytes([0x81, len(text)]) + text)  # unmasked, server to client

    def close(self):
        self.sock.close()


def websocket_roundtrip(port, text, wrap=None):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    if wrap:
        s = wrap(s)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET /ws HTTP/1.1\r\nHost: shop.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    resp = b""
    while b"\r\n\r\n" not in resp:
        chunk = s.recv(4096)
        assert chunk, resp
        resp += chunk
    head, rest = resp.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 101"), head
    want = base64.b64encode(hashlib.sha1((key + WebSocketEcho.GUID).encode()).digest())
    assert b"Sec-WebSocket-Accept: " + want in head, head
    mask = os.urandom(4)
    data = text.encode()
    s.sendall(bytes([0x81, 0x80 | len(data)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))
    frame = rest
    while len(frame) < 2 or len(frame) < 2 + (frame[1] & 0x7F):
        frame += s.recv(4096)
    s.close()
    return frame[2:2 + (frame[1] & 0x7F)].decode()


def test_a_websocket_upgrade_passes_and_plain_requests_keep_alive(home, tmp_path):
    svc = new_service(home, instances=1)
    backend = WebSocketEcho(http_port(svc))
    nginx = Nginx(tmp_path / "nginx", export_site(home, "--server-name", "shop.test"))
    nginx.start()
    try:
        assert websocket_roundtrip(nginx.port, "hello pharo") == "hello pharo"
        upgraded = backend.seen_headers[-1]
        assert upgraded["upgrade"] == "websocket" and upgraded["connection"].lower() == "upgrade"
        # A plain request reaches the instance without `Connection: upgrade` (keepalive kept).
        get(nginx.port, "shop.test")
        assert "connection" not in backend.seen_headers[-1] or backend.seen_headers[-1]["connection"] == ""
    finally:
        nginx.stop()
        backend.close()


def self_signed(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=shop.test",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
    snippet = tmp_path / "shop-tls.conf"
    snippet.write_text(f"ssl_certificate {cert};\nssl_certificate_key {key};\n")
    return snippet


def bare_check(tmp_path, site):
    """nginx -t of the site as written (its own listen lines), in a minimal http context."""
    prefix = tmp_path / "check"
    (prefix / "logs").mkdir(parents=True)
    (prefix / "site.conf").write_text(site)
    (prefix / "nginx.conf").write_text(f"pid {prefix}/nginx.pid;\nerror_log {prefix}/logs/error.log;\n"
                                       f"events {{}}\nhttp {{ include {prefix}/site.conf; }}\n")
    return subprocess.run([NGINX, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf")], capture_output=True,
                          text=True, timeout=30)


def test_listen_server_name_and_tls_pass_nginx_t_and_tls_serves(home, tmp_path):
    svc = new_service(home, instances=2)
    snippet = self_signed(tmp_path)
    variants = [
        (),
        ("--listen", "127.0.0.1:8081", "--listen", "[::1]:8081", "--server-name", "shop.test"),
        ("--listen", "8082 default_server", "--server-name", "*.shop.test", "--sticky"),
        ("--tls", str(snippet), "--server-name", "shop.test"),
        ("--tls", str(snippet), "--listen", "127.0.0.1:8443", "--sticky"),
    ]
    for args in variants:
        site = export_site(home, *args)
        checked = bare_check(tmp_path / str(abs(hash(args))), site)
        assert checked.returncode == 0, (args, checked.stderr, site)
        assert "server_name _" not in site
    tls_site = export_site(home, "--tls", str(snippet), "--server-name", "shop.test")
    assert "listen 443 ssl;" in tls_site and f"include {snippet};" in tls_site
    assert "return 301 https://$host$request_uri;" in tls_site
    for bad, why in [(("--listen", "80; evil"), "--listen"), (("--server-name", "a b"), "--server-name"),
                     (("--tls", "x;y"), "--tls")]:
        proc = pharoctl(home, "export", "nginx", "shop", *bad)
        assert proc.returncode == 2 and why in proc.stderr, proc.stderr
    proc = pharoctl(home, "export", "systemd", "shop", "--sticky")
    assert proc.returncode == 2 and "export nginx" in proc.stderr

    # https through real nginx to a WebSocket-speaking instance.
    backend = WebSocketEcho(http_port(svc))
    nginx = Nginx(tmp_path / "nginx", export_site(home, "--tls", str(snippet), "--listen", "127.0.0.1:1"))
    nginx.start()
    try:
        ctx = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
        ctx.check_hostname = False
        assert websocket_roundtrip(nginx.port, "over tls", wrap=lambda s: ctx.wrap_socket(s)) == "over tls"
        forwarded = backend.seen_headers[-1]
        assert forwarded.get("x-forwarded-proto") == "https"
    finally:
        nginx.stop()
        backend.close()
