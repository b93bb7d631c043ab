"""`new --from-ston [FILE]`: a service whose [source] comes from the project's smalltalkCI
.smalltalk.ston, read again at each build (baseline, #directory as a tonel:// repository by its
.properties, #load groups), and refused in one line, with nothing written, when the file is not
something pharoctl can build from."""
import json
import shutil
import stat
import subprocess
import tomllib

import pytest

from harness import PHAROCTL, pharoctl
from service_fixture import service_port_block

STON = """SmalltalkCISpec {
  #loading : [
    SCIMetacelloLoadSpec {
      #baseline : 'Shop',
      #directory : 'src',
      #load : [ {groups} ],
      #platforms : [ #squeak, #pharo ]
    }
  ],
  #testing : { #coverage : { #categories : [ 'Shop-*' ] } }
}
"""


@pytest.fixture
def project(tmp_path):
    p = tmp_path / "shop-project"
    (p / "src" / "BaselineOfShop").mkdir(parents=True)
    (p / "src" / ".properties").write_text("{\n\t#format : #tonel\n}\n")
    (p / "src" / "BaselineOfShop" / "BaselineOfShop.class.st").write_text("Class { #name : #BaselineOfShop }\n")
    (p / ".smalltalk.ston").write_text(STON.replace("{groups}", "'default'"))
    return p


def new(home, *args, cwd=None, check=None):
    base = service_port_block(1)
    cmd = [PHAROCTL, "--home", str(home), "new", "shop", "--runtime", "sim", "--http-port", str(base),
           "--telnet-port", str(base + 1000), "--metrics-port", str(base + 1001), "--yes", *args]
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    if check is not None:
        assert proc.returncode == check, proc.stdout + proc.stderr
    return proc


def test_new_from_ston_then_build_reads_it(home, project):
    pharoctl(home, "install", "sim", check=0)
    proc = new(home, "--from-ston", str(project / ".smalltalk.ston"), check=0)
    assert f"source: baseline Shop from tonel://{project / 'src'}, groups default" in proc.stdout
    cfg = tomllib.loads((home / "shop" / "service.toml").read_text())
    assert cfg["source"] == {"smalltalk_ston": str(project / ".smalltalk.ston"), "strategy": "image"}

    key = pharoctl(home, "build", "shop", check=0).stdout.strip()
    m = json.loads((home / "shop" / "builds" / key / "manifest.json").read_text())
    assert m["inputs"]["repository"] == f"tonel://{project / 'src'}"
    assert m["inputs"]["baseline"] == "Shop" and m["inputs"]["groups"] == ["default"]
    script = (home / "shop" / "builds" / key / "build.st").read_text()
    assert f"repository: 'tonel://{project / 'src'}'" in script and "baseline: 'Shop'" in script

    # The file is read at each build: a new group is a new build.
    (project / ".smalltalk.ston").write_text(STON.replace("{groups}", "'default', 'Tests'"))
    key2 = pharoctl(home, "build", "shop", check=0).stdout.strip()
    assert key2 != key
    assert json.loads((home / "shop" / "builds" / key2 / "manifest.json").read_text())["inputs"]["groups"] == [
        "default", "Tests"]


def test_from_ston_without_file_reads_the_current_directory(home, project):
    new(home, "--from-ston", cwd=project, check=0)
    cfg = tomllib.loads((home / "shop" / "service.toml").read_text())
    assert cfg["source"]["smalltalk_ston"] == str(project / ".smalltalk.ston")


@pytest.mark.parametrize("text,message", [
    ("SmalltalkCISpec {\n  #loading : [ SCIMetacelloLoadSpec { #baseline 'Shop' } ]\n}\n", ".smalltalk.ston:2:49: expected ':'"),
    ("SmalltalkCISpec { #loading : [ SCIMetacelloLoadSpec { #baseline : 'Shop', #platforms : [ #squeak ] } ] }",
     "no SCIMetacelloLoadSpec that loads on #pharo"),
    ("SmalltalkCISpec { #loading : [ SCIMetacelloLoadSpec { #configuration : 'Shop' } ] }", "names #configuration 'Shop'"),
    ("SmalltalkCISpec { #loading : [ SCIMetacelloLoadSpec { #baseline : 'Shop', #directory : 'nope' } ] }",
     "#directory 'nope'"),
])
def test_bad_ston_is_refused_and_nothing_written(home, project, text, message):
    (project / ".smalltalk.ston").write_text(text)
    proc = new(home, "--from-ston", str(project / ".smalltalk.ston"), check=2)
    assert message in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert not (home / "shop").exists()


def test_from_ston_excludes_source_flags_and_missing_file(home, project):
    proc = new(home, "--from-ston", str(project / ".smalltalk.ston"), "--baseline", "Shop", check=2)
    assert "--from-ston" in proc.stderr
    proc = new(home, "--from-ston", str(project / "none.ston"), check=2)
    assert "none.ston: no such file" in proc.stderr
    assert not (home / "shop").exists()


def test_service_toml_refuses_ston_beside_baseline(home, project):
    (home / "shop").mkdir()
    (home / "shop" / "service.toml").write_text(
        f'name = "shop"\nruntime = "sim"\n[source]\nsmalltalk_ston = "{project / ".smalltalk.ston"}"\nbaseline = "Shop"\n')
    proc = pharoctl(home, "build", "shop", check=2)
    assert "source.baseline" in proc.stderr and "smalltalk_ston" in proc.stderr


# A VM (pharo-sim behind a wrapper) whose build runs every statement of build.st but the load
# of the service's own baseline: the load "takes" silently, the build prints its last line and
# exits 0, and only the check of the saved image for BaselineOf<Name> can tell.
SKIPPING_VM = r"""#!/bin/sh
here=$(dirname "$0")
for a in "$@"; do
  shift
  case "$a" in
    *build.st)
      awk '/^Metacello new/ { skip = 1 } skip && /\.$/ { skip = 0; next } !skip' "$a" > "$a.skipped"
      a="$a.skipped" ;;
  esac
  set -- "$@" "$a"
done
exec "$here/pharo-sim" "$@"
"""


def test_build_of_a_ston_service_proves_its_baseline_is_in_the_saved_image(home, project, tmp_path):
    pharoctl(home, "install", "sim", check=0)
    vm_dir = tmp_path / "skipping"
    shutil.copytree(home / "runtimes" / "sim", vm_dir, symlinks=True)
    for p in [vm_dir, *vm_dir.rglob("*")]:
        p.chmod(p.stat().st_mode | stat.S_IWUSR)
    (vm_dir / "runtime.toml").unlink()
    (vm_dir / "pharo-vm" / "pharo").rename(vm_dir / "pharo-vm" / "pharo-sim")
    (vm_dir / "pharo-vm" / "pharo").write_text(SKIPPING_VM)
    (vm_dir / "pharo-vm" / "pharo").chmod(0o755)
    pharoctl(home, "install", "--from", str(vm_dir), "--name", "skipping", check=0)
    ston = project / ".smalltalk.ston"
    (home / "shop").mkdir()
    (home / "shop" / "service.toml").write_text(
        f'name = "shop"\nruntime = "skipping"\n[source]\nsmalltalk_ston = "{ston}"\n')

    proc = pharoctl(home, "build", "shop")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "the saved image has no BaselineOfShop" in proc.stderr, proc.stderr
    assert not (home / "shop" / "builds").exists()

    # The same service on the plain runtime loads its baseline, and the check finds it.
    (home / "shop" / "service.toml").write_text(
        f'name = "shop"\nruntime = "sim"\n[source]\nsmalltalk_ston = "{ston}"\n')
    key = pharoctl(home, "build", "shop", check=0).stdout.strip()
    assert (home / "shop" / "builds" / key / "manifest.json").exists()
