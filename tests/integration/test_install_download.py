"""install VERSION --mirror URL: sim zips served by a local HTTP server under the files.pharo.org
layout (get-files/<VER>/<zip>), and --from with the two zips. Bad downloads leave no runtime."""
import http.server
import os
import subprocess
import threading
import tomllib
import zipfile

import pytest

from harness import PHARO_SIM, pharoctl
from runtime_fixtures import image_bytes, make_runtime_dir

IMAGE_ZIP = "pharoImage-x86_64.zip"
VM_ZIP = "pharo-vm-Linux-x86_64-stable.zip"


def add_tree(z, root, prefix=""):
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            p = os.path.join(dirpath, name)
            arc = prefix + os.path.relpath(p, root)
            if os.path.islink(p):
                info = zipfile.ZipInfo(arc)
                info.external_attr = (0o120777 << 16)
                z.writestr(info, os.readlink(p))
            elif os.path.isfile(p):
                z.write(p, arc)


def make_zips(runtime_dir, out_dir, image_name="Pharo13.0-SNAPSHOT-64bit-e9a5c7c"):
    """The two zips of files.pharo.org made from a runtime directory: versioned image names in the
    image zip, the VM tree at the VM zip's top."""
    os.makedirs(out_dir, exist_ok=True)
    with zipfile.ZipFile(os.path.join(out_dir, IMAGE_ZIP), "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.write(os.path.join(runtime_dir, "Pharo.image"), image_name + ".image")
        z.write(os.path.join(runtime_dir, "Pharo.changes"), image_name + ".changes")
        for f in os.listdir(runtime_dir):
            if f.endswith(".sources"):
                z.write(os.path.join(runtime_dir, f), f)
    with zipfile.ZipFile(os.path.join(out_dir, VM_ZIP), "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        add_tree(z, os.path.join(runtime_dir, "pharo-vm"))
    return out_dir


class Mirror:
    """files.pharo.org's layout over HTTP with Range support; can drop connections half way."""

    def __init__(self, root):
        self.root = root
        self.drop_first = set()  # paths whose next answer stops half way
        self.drop_always = set()
        self.requests = []
        mirror = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                mirror.requests.append((self.path, self.headers.get("Range")))
                path = os.path.join(mirror.root, self.path.lstrip("/"))
                if not os.path.isfile(path):
                    self.send_error(404)
                    return
                data = open(path, "rb").read()
                start = 0
                rng = self.headers.get("Range")
                if rng and rng.startswith("bytes="):
                    start = int(rng[6:].split("-")[0])
                    if start >= len(data):
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{len(data)}")
                        self.end_headers()
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                body = data[start:]
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.path in mirror.drop_always or self.path in mirror.drop_first:
                    mirror.drop_first.discard(self.path)
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sim_runtime(tmp_path):
    d = tmp_path / "simrt"
    if os.path.exists(PHARO_SIM):
        subprocess.run([PHARO_SIM, "--sim-create-runtime", str(d)], check=True)
    else:  # a hand-made runtime until pharo-sim is in the tree
        make_runtime_dir(d, version="130")
    return str(d)


@pytest.fixture
def mirror(tmp_path, sim_runtime):
    root = tmp_path / "mirror"
    make_zips(sim_runtime, root / "get-files" / "130")
    m = Mirror(str(root))
    yield m
    m.close()


def runtimes_entries(home):
    d = home / "runtimes"
    return sorted(e for e in os.listdir(d) if e != ".downloads") if d.exists() else []


def test_install_from_mirror_end_to_end(home, mirror):
    proc = pharoctl(home, "install", "130", "--mirror", mirror.url, check=0)
    assert "installed runtime pharo-130" in proc.stdout
    assert proc.stderr == ""  # quiet when not on a terminal
    rt = home / "runtimes" / "pharo-130"
    meta = tomllib.loads((rt / "runtime.toml").read_text())
    assert meta["version"] == "130" and meta["vm_generation"] == "new"
    assert f"{mirror.url}/get-files/130/{IMAGE_ZIP}" in meta["source"]
    assert (rt / "Pharo.image").exists() and (rt / "Pharo.changes").exists()
    assert any(f.endswith(".sources") for f in os.listdir(rt))
    assert os.access(rt / "pharo-vm" / "pharo", os.X_OK)
    assert [p for p, _ in mirror.requests] == [f"/get-files/130/{IMAGE_ZIP}", f"/get-files/130/{VM_ZIP}"]
    assert runtimes_entries(home) == ["pharo-130"]
    assert os.listdir(home / "runtimes" / ".downloads") == []


def test_install_from_the_two_zips_offline(home, tmp_path, sim_runtime):
    zips = make_zips(sim_runtime, tmp_path / "zips")
    pharoctl(home, "install", "--from", os.path.join(zips, VM_ZIP), os.path.join(zips, IMAGE_ZIP), check=0)
    assert runtimes_entries(home) == ["pharo-130"]
    # a directory holding the two zips works the same
    pharoctl(home, "install", "--from", zips, "--name", "again", check=0)
    assert runtimes_entries(home) == ["again", "pharo-130"]


def test_resumes_after_a_dropped_connection(home, mirror):
    path = f"/get-files/130/{IMAGE_ZIP}"
    mirror.drop_first.add(path)
    pharoctl(home, "install", "130", "--mirror", mirror.url, check=0)
    ranges = [r for p, r in mirror.requests if p == path]
    assert ranges[0] is None and ranges[1] and ranges[1].startswith("bytes=")
    assert runtimes_entries(home) == ["pharo-130"]


def test_server_dropping_every_time_is_a_clear_error(home, mirror):
    mirror.drop_always.add(f"/get-files/130/{VM_ZIP}")
    proc = pharoctl(home, "install", "130", "--mirror", mirror.url)
    assert proc.returncode == 1
    assert "cannot download" in proc.stderr and VM_ZIP in proc.stderr
    assert runtimes_entries(home) == []


def test_missing_version_on_the_mirror(home, mirror):
    proc = pharoctl(home, "install", "120", "--mirror", mirror.url)
    assert proc.returncode == 1 and "404" in proc.stderr
    assert runtimes_entries(home) == []


def test_unknown_version(home):
    proc = pharoctl(home, "install", "55")
    assert proc.returncode == 2 and "70 80 90" in proc.stderr


def corrupt(path):
    data = bytearray(open(path, "rb").read())
    # flip bytes in the middle of the first member's compressed data
    for i in range(60, 90):
        data[i] ^= 0xFF
    open(path, "wb").write(bytes(data))


def test_corrupt_zip(home, mirror):
    corrupt(os.path.join(mirror.root, "get-files", "130", IMAGE_ZIP))
    proc = pharoctl(home, "install", "130", "--mirror", mirror.url)
    assert proc.returncode == 1 and IMAGE_ZIP in proc.stderr
    assert runtimes_entries(home) == []


def test_zip_with_a_truncated_image(home, tmp_path, sim_runtime):
    zips = make_zips(sim_runtime, tmp_path / "zips")
    with zipfile.ZipFile(os.path.join(zips, IMAGE_ZIP), "w") as z:
        z.writestr("Pharo13.0-64bit-x.image", image_bytes(pharo_version=130)[:1000])
        z.writestr("Pharo13.0-64bit-x.changes", "x")
        z.writestr("Pharo13.0-64bit-x.sources", "x")
    proc = pharoctl(home, "install", "--from", zips)
    assert proc.returncode == 1 and "truncated" in proc.stderr
    assert runtimes_entries(home) == []


@pytest.mark.parametrize("member", ["../evil.sh", "/tmp/evil.sh", "pharo-vm/../../evil.sh"])
def test_zip_with_escaping_members(home, tmp_path, sim_runtime, member):
    zips = make_zips(sim_runtime, tmp_path / "zips")
    with zipfile.ZipFile(os.path.join(zips, VM_ZIP), "a") as z:
        z.writestr(member, "#!/bin/sh\necho owned\n")
    proc = pharoctl(home, "install", "--from", zips)
    assert proc.returncode == 1 and "refusing member" in proc.stderr
    assert runtimes_entries(home) == []
    assert not (tmp_path / "evil.sh").exists() and not (home / "evil.sh").exists()


def test_zip_with_an_escaping_symlink(home, tmp_path, sim_runtime):
    zips = make_zips(sim_runtime, tmp_path / "zips")
    with zipfile.ZipFile(os.path.join(zips, VM_ZIP), "a") as z:
        info = zipfile.ZipInfo("lib/passwd")
        info.external_attr = (0o120777 << 16)
        z.writestr(info, "../../../../etc/passwd")
    proc = pharoctl(home, "install", "--from", zips)
    assert proc.returncode == 1 and "refusing symlink" in proc.stderr
    assert runtimes_entries(home) == []


def test_pinned_checksum_installs_only_the_pinned_image(home, mirror, sim_runtime):
    import hashlib
    want = hashlib.sha256(open(os.path.join(sim_runtime, "Pharo.image"), "rb").read()).hexdigest()
    wrong = "0" * 64
    proc = pharoctl(home, "install", "130", "--mirror", mirror.url, "--sha256", wrong)
    assert proc.returncode == 1
    assert f"has SHA-256 {want}, but --sha256 pins {wrong}: nothing installed" in proc.stderr, proc.stderr
    assert runtimes_entries(home) == []

    pharoctl(home, "install", "130", "--mirror", mirror.url, "--sha256", want.upper(), check=0)
    meta = tomllib.loads((home / "runtimes" / "pharo-130" / "runtime.toml").read_text())
    assert meta["image_sha256"] == want
    # Installed already: the pin is still checked.
    again = pharoctl(home, "install", "130", "--mirror", mirror.url, "--sha256", wrong)
    assert again.returncode == 1 and "installed before" in again.stderr
    bad = pharoctl(home, "install", "130", "--sha256", "abc")
    assert bad.returncode == 2 and "64 hex digits" in bad.stderr
