"""Real nginx (Debian's package) run as the test user on loopback: its own prefix, pid file,
error log and temp dirs, in the foreground. The site file is the one pharoctl exports, with its
`listen` pointed at a free loopback port."""
import os
import pwd
import re
import shutil
import subprocess
import threading
import http.client
import time

from harness import free_port, port_open, wait_until

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_available():
    return os.path.exists(NGINX)


def on_port(site_text, port):
    """The site with its first `listen` pointed at 127.0.0.1:PORT (keeping parameters such as
    ssl) and its other `listen` lines dropped (they would duplicate it)."""
    out, done = [], False
    for line in site_text.splitlines(keepends=True):
        m = re.match(r"^(\s*)listen ([^;]+);", line)
        if m and done:
            continue
        if m:
            done = True
            line = f"{m.group(1)}listen {' '.join([f'127.0.0.1:{port}', *m.group(2).split()[1:]])};\n"
        out.append(line)
    return "".join(out)


class Nginx:
    def __init__(self, prefix, site_text):
        self.prefix = prefix
        self.port = free_port()
        os.makedirs(prefix / "logs", exist_ok=True)
        site = on_port(site_text, self.port)
        (prefix / "site.conf").write_text(site)
        # Workers run as this user (nginx would switch to nobody under root).
        user = pwd.getpwuid(os.geteuid()).pw_name
        user_line = f"user {user};" if os.geteuid() == 0 else ""
        (prefix / "nginx.conf").write_text(f"""{user_line}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/site.conf;
}}
""")
        self.proc = None

    def conf(self):
        return self.prefix / "nginx.conf"

    def check(self):
        return subprocess.run([NGINX, "-t", "-p", str(self.prefix), "-c", str(self.conf())], capture_output=True,
                              text=True)

    def start(self):
        self.proc = subprocess.Popen([NGINX, "-p", str(self.prefix), "-c", str(self.conf()), "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_until(lambda: port_open(self.port) or self.proc.poll() is not None, timeout=10, what="nginx to listen")
        assert self.proc.poll() is None, self.proc.stderr.read().decode()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def error_log(self):
        p = self.prefix / "logs" / "error.log"
        return p.read_text() if p.exists() else ""


class Load:
    """Clients sending GET / through nginx as fast as they can, each on its own keep-alive
    connection; counts answers that are 200 and everything else (other statuses, errors)."""

    def __init__(self, port, clients=4):
        self.port = port
        self.clients = clients
        self.ok = 0
        self.failed = 0
        self.failures = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(clients)]

    def _run(self):
        conn = None
        while not self._stop.is_set():
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                conn.request("GET", "/")
                resp = conn.getresponse()
                resp.read()
                good = resp.status == 200
                why = f"status {resp.status}"
            except Exception as e:  # noqa: BLE001 - every failure counts
                good, why = False, repr(e)
                conn = None
            with self._lock:
                if good:
                    self.ok += 1
                else:
                    self.failed += 1
                    if len(self.failures) < 100000:
                        self.failures.append(why)

    def start(self):
        for t in self._threads:
            t.start()
        wait_until(lambda: self.ok > 0 or self.failed > 0, timeout=10, what="the first answer")

    def counts(self):
        with self._lock:
            return self.ok, self.failed

    def stop(self):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=15)
