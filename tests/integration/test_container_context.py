"""export containerfile: the build context on disk, for pharo-sim and for the real Cog VM of
../shared/real-pharo (which needs only libc and libm, so its image brings no library and runs
no ldconfig)."""
import os
import subprocess

import pytest

from container_fixtures import service_with_release
from harness import SHARED_DIR, pharoctl
from service_fixture import new_service

TARBALL = os.path.join(SHARED_DIR, "real-pharo", "pharo8-cog.tar.xz")


def test_sim_context_brings_the_vm_libraries_and_owns_nothing_writable(home, tmp_path):
    service_with_release(home, tmp_path)
    ctx = tmp_path / "ctx"
    pharoctl(home, "export", "containerfile", "shop", "-o", str(ctx), "--base", "localhost/b:1", check=0)
    text = (ctx / "Containerfile").read_text()
    assert text.splitlines()[4] == "FROM localhost/b:1"
    assert "&& ldconfig" in text and "USER 10001:10001" in text
    libs = sorted(os.listdir(ctx / "rootfs/usr/local/lib/pharoctl"))
    assert "libfmt.so.9" in libs and not [l for l in libs if l.startswith(("libc.so", "libm.so", "ld-linux"))]
    rootfs = ctx / "rootfs"
    for dirpath, dirnames, filenames in os.walk(rootfs):
        for n in dirnames + filenames:
            p = os.path.join(dirpath, n)
            if os.path.islink(p):
                continue
            mode = os.stat(p).st_mode & 0o7777
            assert mode in (0o755, 0o644), (p, oct(mode))
    rel = next((rootfs / "srv/pharo/shop/releases").iterdir())
    assert os.readlink(rel / "shop.changes") == "../../var/shop.changes"
    assert (rel / ".pristine-shop.changes").stat().st_size > 0
    run = (rootfs / "srv/pharo/shop/run/run-shop.st").read_text()
    assert "NonInteractiveTranscript stdout install." in run and "NeoConsoleTranscript onFileNamed:" not in run
    # A non-empty directory is refused; nothing written into it.
    proc = pharoctl(home, "export", "containerfile", "shop", "-o", str(ctx))
    assert proc.returncode == 2 and "not empty" in proc.stderr


@pytest.mark.skipif(not os.path.exists(TARBALL), reason="../shared/real-pharo is absent")
def test_real_cog_vm_context_needs_no_library(home, tmp_path):
    subprocess.run(["tar", "-xJf", TARBALL, "-C", str(tmp_path)], check=True, timeout=120)
    real = tmp_path / "pharo8-cog"
    pharoctl(home, "install", "80", "--from", str(real), "--name", "cog8", timeout=120, check=0)
    new_service(home, instances=1)
    toml = home / "shop" / "service.toml"
    toml.write_text(toml.read_text().replace('runtime     = "sim"', 'runtime     = "cog8"'))
    up = tmp_path / "up"
    up.mkdir()
    for src, dst in [("Pharo.image", "App.image"), ("Pharo.changes", "App.changes")]:
        (up / dst).write_bytes((real / src).read_bytes())
    src = next(n for n in os.listdir(real) if n.endswith(".sources"))
    (up / src).write_bytes((real / src).read_bytes())
    pharoctl(home, "deploy", "shop", "--image", str(up / "App.image"), timeout=120, check=0)
    ctx = tmp_path / "ctx"
    pharoctl(home, "export", "containerfile", "shop", "-o", str(ctx), check=0)
    text = (ctx / "Containerfile").read_text()
    assert "ldconfig" not in text
    assert not (ctx / "rootfs/usr/local/lib/pharoctl").exists()
    assert "/srv/pharo/runtimes/cog8/pharo-vm/pharo\",\"--nodisplay\"" in text, text
    assert (ctx / "rootfs/srv/pharo/runtimes/cog8/pharo-vm/lib/pharo/5.0-/pharo").exists()
