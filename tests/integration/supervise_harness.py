"""Helpers for the supervisor's integration tests: a sim runtime in the home, a service on
free loopback ports, reading status, talking to the sim's REPL, and finding the processes of a
service through /proc (never through a pid file alone)."""
import json
import os
import random
import socket
import subprocess

from harness import PHARO_SIM, pharoctl, port_open, wait_until


def install_sim_runtime(home):
    """`pharoctl install sim`; until that command exists, the same layout by hand
    (pharo-sim --sim-create-runtime plus the runtime.toml of docs/architecture.md)."""
    proc = pharoctl(home, "install", "sim", timeout=120)
    if proc.returncode == 0 and (home / "runtimes" / "sim" / "runtime.toml").exists():
        return "sim"
    rt = home / "runtimes" / "sim"
    rt.mkdir(parents=True, exist_ok=True)
    subprocess.run([PHARO_SIM, "--sim-create-runtime", str(rt)], check=True, capture_output=True, timeout=60)
    (rt / "runtime.toml").write_text(
        'name = "sim"\nversion = "sim"\nvm_generation = "new"\nheadless_option = "--headless"\n'
        'vm = "pharo-vm/pharo"\nimage = "Pharo.image"\n')
    return "sim"


def _ports_free(base, instances):
    for i in range(instances):
        for off in (0, 1, 2):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", base + off + 10 * i))
                except OSError:
                    return False
    return True


def pick_base_port(instances):
    """A base port whose three ports (per instance, stride 10) are all free now."""
    for _ in range(200):
        base = random.randrange(20000, 32000 - 10 * instances, 10)
        if _ports_free(base, instances):
            return base
    raise AssertionError("no free ports")


def make_service(home, name="shop", instances=1, health=None, restart=None, stop=None, logs=None, extra="", env=None):
    """Writes home/NAME/service.toml (and app.st) for a sim-runtime service on free ports and
    returns its config as a dict of the values tests need. `env` becomes the [env] table: the
    only way to hand the VM a variable (pharo-sim's PHARO_SIM_* fault hooks included)."""
    install_sim_runtime(home)
    base = pick_base_port(instances)
    health = {"interval": "200ms", "timeout": "150ms", "retries": 2, "grace": "5s", **(health or {})}
    restart = {"backoff_initial": "50ms", "backoff_max": "1s", "max": 10, "window": "10m", **(restart or {})}
    stop = {"timeout": "2s", **(stop or {})}
    logs = {"keep_days": 14, **(logs or {})}

    def table(d):
        out = []
        for k, v in d.items():
            out.append(f"{k} = {v}" if isinstance(v, int) else f'{k} = "{v}"')
        return "\n".join(out)

    d = home / name
    d.mkdir(parents=True, exist_ok=True)
    (d / "app.st").write_text("Transcript show: 'app started'; cr.\n")
    (d / "service.toml").write_text(f'''name = "{name}"
description = "test service"
runtime = "sim"
image = "{name}"

[app]
start = "app.st"
http_port = {base}

[console]
telnet_port = {base + 1}
metrics_port = {base + 2}

[instances]
count = {instances}

[health]
{table(health)}

[restart]
{table(restart)}

[stop]
{table(stop)}

[logs]
{table(logs)}
{"[env]" + chr(10) + table(env) if env else ""}
{extra}''')
    return {"name": name, "dir": d, "http": base, "telnet": base + 1, "metrics": base + 2, "instances": instances}


def status(home, name):
    proc = pharoctl(home, "--json", "status", name)
    assert proc.returncode in (0, 3, 4, 5), proc.stderr  # healthy, stopped, failed/backoff, unhealthy
    return json.loads(proc.stdout)["services"][0]


def instance(home, name, i=0):
    return status(home, name)["instances"][i]


def repl(port, line, read_reply=True):
    """Sends one line to the sim's NeoConsole REPL (a single-line command)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.settimeout(5)
        buf = b""
        while not buf.endswith(b"pharo> "):
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
        s.sendall(line.encode() + b"\n")
        if not read_reply:
            return ""
        out = b""
        try:
            while not out.endswith(b"pharo> "):
                chunk = s.recv(4096)
                if not chunk:
                    break
                out += chunk
        except OSError:
            pass
        return out.decode(errors="replace")


def processes_in(service_dir):
    """Pids of live processes whose working directory is the service directory."""
    return [p for p, _, _ in processes_described(service_dir)]


def processes_described(service_dir):
    """(pid, state, command line) of live processes whose working directory is the service directory (the VMs and
    the supervisor), from /proc."""
    found = []
    target = os.path.realpath(service_dir)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.readlink(f"/proc/{entry}/cwd") != target:
                continue
            with open(f"/proc/{entry}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
            if state not in ("Z", "X"):
                found.append((int(entry), state, " ".join(cmdline(int(entry)))[:200]))
        except OSError:
            continue
    return found


def alive(pid):
    """True while the pid names a process that is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [a.decode() for a in f.read().split(b"\0") if a]
    except OSError:
        return []


def vm_environ(pid):
    """The environment a VM was started with (/proc/PID/environ), as a dict: what shows that a
    variable of service.toml's [env] reached it."""
    with open(f"/proc/{pid}/environ", "rb") as f:
        entries = f.read().split(b"\0")
    return dict(e.decode(errors="replace").split("=", 1) for e in entries if b"=" in e)


def supervisors_of(name, home):
    out = []
    for pid in map(int, filter(str.isdigit, os.listdir("/proc"))):
        args = cmdline(pid)
        if "supervise" in args and name in args and str(home) in args:
            out.append(pid)
    return out


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def healthy(cfg, i=0):
    import urllib.request
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{cfg['metrics'] + 10 * i}/metrics/system.status", timeout=0.5) as r:
            return r.status == 200 and b"Status OK" in r.read()
    except OSError:
        return False


def stop_quietly(home, name):
    pharoctl(home, "stop", name, timeout=60)


def start_hang_and_wait_replaced(home, cfg, timeout):
    """Starts the service, hangs its VM (sim.hang) and waits until a new VM is running; returns
    the hung VM's pid and the instance's log text."""
    pharoctl(home, "start", cfg["name"], check=0)
    old = instance(home, cfg["name"])["pid"]
    repl(cfg["telnet"], "sim.hang", read_reply=False)
    wait_until(lambda: instance(home, cfg["name"])["pid"] not in (None, old) and
               instance(home, cfg["name"])["state"] == "running", timeout, what="hung VM replaced")
    return old, "".join(p.read_text() for p in (cfg["dir"] / "logs").glob(f"{cfg['name']}-*.log"))
