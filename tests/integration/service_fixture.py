"""A running pharo-sim service for the deploy tests, made only through pharoctl's own commands
(install sim, new, start, stop)."""
import json
import os
import re
import shutil
import struct

import pytest

import harness
from harness import pharoctl, wait_until


def require(proc, what):
    """Skips (with the reason) when a command this test stands on is not in this build yet."""
    if proc.returncode != 0 and "not implemented yet" in proc.stderr:
        pytest.skip(f"{what} is not implemented in this build: {proc.stderr.strip()}")
    assert proc.returncode == 0, f"{what}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def service_port_block(instances):
    """A base port whose http (+10 x I) and console ports (+1000/+1001 + 10 x I) are free."""
    offsets = [o + 10 * i for i in range(instances) for o in (0, 1000, 1001)]
    return harness.free_port_block(offsets)


def new_service(home, name="shop", instances=2, grace="10s", extra_args=()):
    require(pharoctl(home, "install", "sim", timeout=120), "pharoctl install sim")
    base = service_port_block(instances)
    require(pharoctl(home, "new", name, "--runtime", "sim", "--instances", str(instances),
                     "--http-port", str(base), "--telnet-port", str(base + 1000),
                     "--metrics-port", str(base + 1001), "--yes",
                     *extra_args), "pharoctl new")
    toml = home / name / "service.toml"
    text = toml.read_text()
    text = re.sub(r'(?m)^grace\s*=.*$', f'grace = "{grace}"', text)
    text = re.sub(r'(?m)^interval\s*=.*$', 'interval = "500ms"', text)
    text = re.sub(r'(?m)^timeout\s*=\s*"5s".*$', 'timeout = "300ms"', text)
    toml.write_text(text)
    return home / name


def set_env(service_dir, name, value):
    """Sets one variable of the [env] table `pharoctl new` wrote (read by the VM at its next start)."""
    toml = service_dir / "service.toml"
    text = re.sub(rf'(?m)^{name} = .*\n', "", toml.read_text())
    assert re.search(r"(?m)^\[env\]", text), text
    toml.write_text(re.sub(r"(?m)^\[env\].*$", lambda m: f'{m.group(0)}\n{name} = "{value}"', text, count=1))


def runtime_dir(home):
    return home / "runtimes" / "sim"


def upload_image(home, dest, slow_start=None):
    """The sim runtime's image with its .changes and .sources, as an image built elsewhere would
    come. slow_start: seconds the image takes to start (pharo-sim's saved simSlowStart fault), to
    make an image that cannot pass health within grace."""
    rt = runtime_dir(home)
    dest.mkdir(parents=True, exist_ok=True)
    data = (rt / "Pharo.image").read_bytes()
    if slow_start is not None:
        state = json.loads(data[128:])
        state.setdefault("state", {})["simSlowStart"] = slow_start
        body = json.dumps(state).encode()
        header = bytearray(data[:128])
        header[8:16] = struct.pack("<Q", len(body))
        data = bytes(header) + body
    (dest / "App.image").write_bytes(data)
    shutil.copyfile(rt / "Pharo.changes", dest / "App.changes")
    src = next(n for n in os.listdir(rt) if n.endswith(".sources"))
    shutil.copyfile(rt / src, dest / src)
    return dest / "App.image"


def vm_images(service_dir, instances):
    """The image argument of each instance's running VM, read from /proc via its pid file."""
    out = []
    for i in range(instances):
        stem = service_dir.name if instances == 1 else f"{service_dir.name}.{i}"
        pid = int((service_dir / "run" / f"{stem}.pid").read_text().strip())
        args = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
        out.append(next(a.decode() for a in args if a.endswith(b".image")))
    return out


def current_release(service_dir):
    return os.readlink(service_dir / "current").split("/", 1)[1] if os.path.lexists(service_dir / "current") else None
