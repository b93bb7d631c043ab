"""install --from DIR: a directory laid out as get.pharo.org leaves it, no network. The VM is a
small script answering --version, the image a hand-made header."""
import json
import os
import tomllib

import pytest

from harness import pharoctl
from runtime_fixtures import NEW_VM, OLD_VM, image_bytes, make_runtime_dir


def runtimes_entries(home):
    d = home / "runtimes"
    return sorted(os.listdir(d)) if d.exists() else []


def test_from_directory_writes_runtime_toml(home, tmp_path):
    src = make_runtime_dir(tmp_path / "get", version="120")
    proc = pharoctl(home, "install", "--from", src, check=0)
    assert "installed runtime pharo-120" in proc.stdout
    rt = home / "runtimes" / "pharo-120"
    meta = tomllib.loads((rt / "runtime.toml").read_text())
    assert meta["name"] == "pharo-120"
    assert meta["version"] == "120"
    assert meta["vm_generation"] == "new"
    assert meta["vm_generation_from"] == "vm --version"
    assert meta["headless_option"] == "--headless"
    assert meta["vm_version"].startswith("Pharo 10.0.5")
    assert meta["image"] == "Pharo.image" and meta["changes"] == "Pharo.changes"
    assert meta["sources"] == "Pharo12.0-64bit-abc1234.sources"
    assert meta["image_format"] == 68021
    assert meta["image_pharo_version"] == 120
    assert meta["image_size"] == 128 + 4096 and meta["image_data_size"] == 4096
    assert meta["source"] == os.path.abspath(src)
    files = {f["path"]: f for f in meta["files"]}
    import hashlib
    for path, f in files.items():
        p = rt / path
        if "link" in f:
            assert os.readlink(p) == f["link"]
        else:
            assert hashlib.sha256(p.read_bytes()).hexdigest() == f["sha256"]
            assert p.stat().st_size == f["size"]
    assert files["pharo-vm/pharo"]["executable"] is True
    assert meta["image_sha256"] == files["Pharo.image"]["sha256"]
    # exec bits and symlinks kept; the get.pharo.org wrappers (which do not exec) left out
    assert os.access(rt / "pharo-vm" / "pharo", os.X_OK)
    assert os.readlink(rt / "pharo-vm" / "lib" / "libPharoVMCore.so") == "libPharoVMCore.so.1"
    assert not (rt / "pharo").exists()
    assert runtimes_entries(home) == ["pharo-120"]

    listing = pharoctl(home, "runtimes", check=0).stdout
    assert "pharo-120" in listing and "--headless" in listing
    j = json.loads(pharoctl(home, "--json", "runtimes", check=0).stdout)["runtimes"]
    assert j[0]["name"] == "pharo-120" and j[0]["vm_generation"] == "new"


def test_installing_twice_is_a_no_op(home, tmp_path):
    src = make_runtime_dir(tmp_path / "get", version="120")
    pharoctl(home, "install", "--from", src, check=0)
    before = (home / "runtimes" / "pharo-120" / "runtime.toml").read_text()
    proc = pharoctl(home, "install", "--from", src, check=0)
    assert "already installed" in proc.stdout
    assert (home / "runtimes" / "pharo-120" / "runtime.toml").read_text() == before


def test_reinstalling_an_image_that_names_its_version_never_runs_the_vm(home, tmp_path):
    # Pharo 11+: the image header names the version, so the runtime's name is known, and that it
    # is installed already, without asking the VM anything.
    marker = tmp_path / "vm-ran"
    vm = NEW_VM.replace("#!/bin/sh\n", f"#!/bin/sh\necho \"$@\" >> '{marker}'\n", 1)
    src = make_runtime_dir(tmp_path / "get", vm=vm, version="120")
    pharoctl(home, "install", "--from", src, check=0)
    assert marker.read_text().split("\n")[0] == "--version"  # a first install asks it
    marker.unlink()
    proc = pharoctl(home, "install", "--from", src, check=0)
    assert "already installed" in proc.stdout
    assert not marker.exists()
    assert "asking the VM" not in proc.stderr + proc.stdout


def test_old_vm_detected_through_dash_version(home, tmp_path):
    # Pharo 8: the image does not record its version; the sources file names it.
    src = make_runtime_dir(tmp_path / "get", vm=OLD_VM, version="80")
    pharoctl(home, "install", "--from", src, "--name", "p8", check=0)
    meta = tomllib.loads((home / "runtimes" / "p8" / "runtime.toml").read_text())
    assert meta["version"] == "80"
    assert meta["vm_generation"] == "old"
    assert meta["vm_generation_from"] == "vm -version"
    assert meta["headless_option"] == "--nodisplay"


def test_generation_is_detected_not_assumed(home, tmp_path):
    # A Pharo 12 image with an old VM: the VM's own answer decides the headless option, with a warning.
    src = make_runtime_dir(tmp_path / "get", vm=OLD_VM, version="120")
    proc = pharoctl(home, "install", "--from", src, check=0)
    assert "warning" in proc.stderr and "old" in proc.stderr
    meta = tomllib.loads((home / "runtimes" / "pharo-120" / "runtime.toml").read_text())
    assert meta["headless_option"] == "--nodisplay"


@pytest.mark.parametrize("image,message", [
    (image_bytes()[:3000], "truncated"),
    (b"<!DOCTYPE html><html><body>404 Not Found</body></html>\n", "HTML page"),
    (image_bytes(fmt=6521), "32-bit"),
    (bytes(range(256)) * 4, "not a Pharo image"),
])
def test_bad_image_is_refused_and_nothing_installed(home, tmp_path, image, message):
    src = make_runtime_dir(tmp_path / "get", image=image)
    proc = pharoctl(home, "install", "--from", src, "--name", "x")
    assert proc.returncode == 1, proc.stderr
    assert message in proc.stderr
    assert "Pharo.image" in proc.stderr
    assert proc.stderr.count("\n") == 1  # one clear line
    assert runtimes_entries(home) == []


def test_missing_vm_and_missing_directory(home, tmp_path):
    src = make_runtime_dir(tmp_path / "get")
    os.remove(os.path.join(src, "pharo-vm", "pharo"))
    proc = pharoctl(home, "install", "--from", src)
    assert proc.returncode == 1 and "pharo-vm/pharo" in proc.stderr
    proc = pharoctl(home, "install", "--from", str(tmp_path / "nowhere"))
    assert proc.returncode == 2 and "nowhere" in proc.stderr
    assert runtimes_entries(home) == []


def test_vm_that_answers_nothing_known_falls_back_to_the_version(home, tmp_path):
    src = make_runtime_dir(tmp_path / "get", vm="#!/bin/sh\necho 'some vm'\n", version="130")
    proc = pharoctl(home, "install", "--from", src, check=0)
    assert "not recognised" in proc.stderr
    meta = tomllib.loads((home / "runtimes" / "pharo-130" / "runtime.toml").read_text())
    assert meta["vm_generation"] == "new" and meta["vm_generation_from"] == "version"


def test_version_mismatch_is_refused(home, tmp_path):
    src = make_runtime_dir(tmp_path / "get", version="120")
    proc = pharoctl(home, "install", "90", "--from", src)
    assert proc.returncode == 1 and "Pharo 120" in proc.stderr
    assert runtimes_entries(home) == []


def test_unknown_version_needs_to_be_given(home, tmp_path):
    src = make_runtime_dir(tmp_path / "get", version="80", sources="Custom.sources")
    proc = pharoctl(home, "install", "--from", src)
    assert proc.returncode == 2 and "cannot tell the Pharo version" in proc.stderr
    pharoctl(home, "install", "80", "--from", src, check=0)
    assert runtimes_entries(home) == ["pharo-80"]


def test_symlink_out_of_the_runtime_is_refused(home, tmp_path):
    src = make_runtime_dir(tmp_path / "get", with_link=False)
    os.symlink("../../../etc/passwd", os.path.join(src, "pharo-vm", "lib", "evil"))
    proc = pharoctl(home, "install", "--from", src)
    assert proc.returncode == 1 and "points outside" in proc.stderr
    assert runtimes_entries(home) == []


def test_bad_runtime_name(home, tmp_path):
    src = make_runtime_dir(tmp_path / "get")
    proc = pharoctl(home, "install", "--from", src, "--name", "../evil")
    assert proc.returncode == 2 and "not a valid runtime name" in proc.stderr
