"""install sim: pharo-sim --sim-create-runtime, then exactly the --from path."""
import os
import subprocess
import tomllib

import pytest

from harness import PHARO_SIM, PHAROCTL, pharoctl



def test_install_sim(home):
    proc = pharoctl(home, "install", "sim", check=0)
    assert "installed runtime sim" in proc.stdout
    rt = home / "runtimes" / "sim"
    meta = tomllib.loads((rt / "runtime.toml").read_text())
    assert meta["name"] == "sim"
    assert meta["vm_generation"] == "new" and meta["headless_option"] == "--headless"
    assert meta["vm_generation_from"] == "vm --version"
    assert meta["image_format"] in (68021, 68533)
    assert "--sim-create-runtime" in meta["source"]
    assert os.access(rt / "pharo-vm" / "pharo", os.X_OK)
    assert sorted(os.listdir(home / "runtimes")) == ["sim"]  # no scratch left behind
    assert "sim" in pharoctl(home, "runtimes", check=0).stdout
    again = pharoctl(home, "install", "sim", check=0)
    assert "already installed" in again.stdout


def test_pharo_sim_found_on_path_when_not_beside_pharoctl(home, tmp_path):
    # A copy of pharoctl alone in a directory: pharo-sim must come from PATH.
    lone = tmp_path / "bin"
    lone.mkdir()
    exe = lone / "pharoctl"
    exe.write_bytes(open(PHAROCTL, "rb").read())
    exe.chmod(0o755)
    env = dict(os.environ, PATH=os.path.dirname(os.path.abspath(PHARO_SIM)) + ":/usr/bin:/bin")
    proc = subprocess.run([str(exe), "--home", str(home), "install", "sim"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    env["PATH"] = "/usr/bin:/bin"
    proc = subprocess.run([str(exe), "--home", str(tmp_path / "h2"), "install", "sim"], capture_output=True, text=True,
                          env=env)
    assert proc.returncode == 2 and "pharo-sim" in proc.stderr


def test_old_generation_sim_runtime_from_directory(home, tmp_path):
    d = tmp_path / "old"
    subprocess.run([PHARO_SIM, "--sim-create-runtime", str(d), "--generation", "old", "--pharo-version", "80"],
                   check=True)
    pharoctl(home, "install", "--from", str(d), check=0)
    meta = tomllib.loads((home / "runtimes" / "pharo-80" / "runtime.toml").read_text())
    assert meta["version"] == "80"
    assert meta["vm_generation"] == "old" and meta["headless_option"] == "--nodisplay"
