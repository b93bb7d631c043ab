"""build on pharo-sim: build.st on a scratch copy of the base image, the content-addressed cache,
local repository changes, a failing load, load-on-start, and credentials kept out of every file."""
import json
import os

import pytest

from harness import PHARO_SIM, pharoctl, snapshot_tree


SERVICE_TOML = """name = "shop"
runtime = "sim"
image = "shop"

[source]
repository = "{repository}"
baseline = "Shop"
groups = ["default"]
strategy = "{strategy}"
"""


@pytest.fixture
def shop(home):
    pharoctl(home, "install", "sim", check=0)
    svc = home / "shop"
    svc.mkdir()
    repo = svc / "src"
    (repo / "BaselineOfShop").mkdir(parents=True)
    (repo / "BaselineOfShop" / "BaselineOfShop.class.st").write_text("Class { #name : #BaselineOfShop }\n")
    (repo / "Shop").mkdir()
    (repo / "Shop" / "ShopApp.class.st").write_text("Class { #name : #ShopApp }\n")
    write_config(home, "tonel://src")
    return svc


def write_config(home, repository, strategy="image"):
    (home / "shop" / "service.toml").write_text(SERVICE_TOML.format(repository=repository, strategy=strategy))


def build(home, *args, **kw):
    return pharoctl(home, "build", "shop", *args, **kw)


def test_build_then_cache_hit(home, shop):
    first = build(home, check=0)
    key = first.stdout.strip()
    assert len(key) == 16
    d = shop / "builds" / key
    assert sorted(os.listdir(d)) == sorted(["shop.image", "shop.changes", "Pharo13.0-64bit-e9a5c7c.sources",
                                            "manifest.json", "build.st"])
    manifest = json.loads((d / "manifest.json").read_text())
    assert manifest["key"] == key and manifest["inputs"]["baseline"] == "Shop"
    assert manifest["inputs"]["local_repository"] == str(shop / "src")
    assert manifest["sizes"]["image"] == (d / "shop.image").stat().st_size
    assert manifest["vm_version"] and manifest["image_format"]
    script = (d / "build.st").read_text()
    assert "EpMonitor current disable." in script and "NeoConsole" in script and "BaselineOf" not in script
    assert f"tonel://{shop / 'src'}" in script
    before = snapshot_tree(shop / "builds")
    second = build(home, check=0)
    assert second.stdout.strip() == key
    assert "reusing" in second.stderr
    assert snapshot_tree(shop / "builds") == before
    listing = json.loads(pharoctl(home, "--json", "builds", "shop", check=0).stdout)
    assert listing["service"] == "shop"
    assert [b["key"] for b in listing["builds"]] == [key]
    assert key in pharoctl(home, "builds", "shop", check=0).stdout


def test_change_in_local_repository_changes_the_key(home, shop):
    k1 = build(home, check=0).stdout.strip()
    (shop / "src" / "Shop" / "ShopApp.class.st").write_text("Class { #name : #ShopApp, #superclass : #Object }\n")
    k2 = build(home, check=0).stdout.strip()
    assert k1 != k2
    (shop / "src" / "Shop" / "NewClass.class.st").write_text("Class { #name : #NewClass }\n")
    k3 = build(home, check=0).stdout.strip()
    assert k3 not in (k1, k2)
    assert sorted(os.listdir(shop / "builds")) == sorted([k1, k2, k3])


def test_failing_baseline_load_leaves_builds_as_they_were(home, shop):
    key = build(home, check=0).stdout.strip()
    before = snapshot_tree(shop / "builds")
    (shop / "elsewhere").mkdir()
    write_config(home, "tonel://elsewhere")
    proc = build(home)
    assert proc.returncode == 1
    assert "build of shop failed" in proc.stderr
    assert "BaselineOfShop" in proc.stderr  # the VM's own error
    assert snapshot_tree(shop / "builds") == before
    assert os.listdir(shop / "builds") == [key]


def test_missing_local_repository_is_a_configuration_error(home, shop):
    write_config(home, "tonel://no-such-dir")
    proc = build(home)
    assert proc.returncode == 2 and "no-such-dir" in proc.stderr and "service.toml" in proc.stderr


def test_load_on_start_needs_no_build(home, shop):
    write_config(home, "tonel://src", strategy="load-on-start")
    proc = build(home, check=0)
    assert "load-on-start" in proc.stderr and proc.stdout == ""
    assert not (shop / "builds").exists()


def test_credentials_reach_the_vm_but_no_file(home, shop):
    secret = "ghp_s3cretTOKENvalue1234567890"
    (home / "credentials").write_text(f"METACELLO_PASSWORD=pw-{secret}\n")
    os.chmod(home / "credentials", 0o600)
    build(home, "--no-cache", env={"GITHUB_TOKEN": secret}, check=0)
    for dirpath, _, files in os.walk(home):
        for f in files:
            p = os.path.join(dirpath, f)
            if p == str(home / "credentials") or os.path.islink(p):
                continue
            assert secret.encode() not in open(p, "rb").read(), p


def test_world_readable_credentials_file_is_refused(home, shop):
    (home / "credentials").write_text("GITHUB_TOKEN=abc\n")
    os.chmod(home / "credentials", 0o644)
    proc = build(home, "--no-cache")
    assert proc.returncode == 2 and "chmod 600" in proc.stderr and "abc" not in proc.stderr


def test_unknown_service(home):
    proc = pharoctl(home, "build", "nosuch")
    assert proc.returncode == 2 and "pharoctl new nosuch" in proc.stderr
