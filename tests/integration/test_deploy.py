"""deploy / releases / rollback against the real binary on a stopped service (the restart behind
the health gate is covered by test_deploy_health.py): the release layout, release.json, the
atomic `current`, keeping 5, rollbacks, bad input."""
import json
import os
import shutil

import pytest

from deploy_fixtures import make_build, make_sim_runtime, sources_name, write_service
from harness import pharoctl, snapshot_tree


@pytest.fixture
def rt(tmp_path):
    return make_sim_runtime(tmp_path / "rt")


@pytest.fixture
def service(home, rt):
    return write_service(home)


def releases(home, check=0):
    return json.loads(pharoctl(home, "releases", "shop", "--json", check=check).stdout)


def test_deploy_build_makes_a_complete_release_and_switches_current(home, rt, service):
    b = make_build(service, rt, "a1b2c3d4e5f6a7b8", commit="0123456789abcdef0123456789abcdef01234567")
    proc = pharoctl(home, "deploy", "shop", "--build", "a1b2c3d4e5f6a7b8", check=0)
    assert "not running" in proc.stdout
    link = os.readlink(service / "current")
    rid = link.split("/", 1)[1]
    assert link == f"releases/{rid}" and rid.endswith("Z-a1b2c3d4")
    r = service / "releases" / rid
    src = sources_name(rt)
    assert sorted(os.listdir(r)) == sorted(["shop.image", "shop.changes", src, "release.json", "app"])
    # the release's own copy of app.st, never a link to the one the user edits
    assert (r / "app" / "app.st").read_text() == (service / "app.st").read_text()
    assert os.stat(r / "app" / "app.st").st_ino != os.stat(service / "app.st").st_ino
    # image and sources hard-linked from the build, changes copied (a running VM appends to it)
    assert os.stat(r / "shop.image").st_ino == os.stat(b / "shop.image").st_ino
    assert os.stat(r / src).st_ino == os.stat(b / src).st_ino
    assert os.stat(r / "shop.changes").st_ino != os.stat(b / "shop.changes").st_ino
    meta = json.loads((r / "release.json").read_text())
    assert meta["build_key"] == "a1b2c3d4e5f6a7b8"
    assert meta["source_commit"] == "0123456789abcdef0123456789abcdef01234567"
    assert meta["user"] and meta["time"].endswith("Z")
    listing = releases(home)
    assert listing["current"] == rid
    assert [x["current"] for x in listing["releases"]] == [True]
    human = pharoctl(home, "releases", "shop", check=0).stdout
    assert f"* {rid}" in human and "0123456789ab" in human


def test_deploy_image_file_with_its_changes_and_sources(home, rt, service, tmp_path):
    up = tmp_path / "upload"
    up.mkdir()
    shutil.copyfile(rt / "Pharo.image", up / "MyApp.image")
    shutil.copyfile(rt / "Pharo.changes", up / "MyApp.changes")
    shutil.copyfile(rt / sources_name(rt), up / sources_name(rt))
    pharoctl(home, "deploy", "shop", "--image", str(up / "MyApp.image"), check=0)
    rid = os.readlink(service / "current").split("/", 1)[1]
    meta = json.loads((service / "releases" / rid / "release.json").read_text())
    assert meta["origin"] == "image" and meta["origin_path"] == str(up / "MyApp.image")
    assert meta["build_key"].startswith("img")
    assert (service / "releases" / rid / "shop.image").read_bytes() == (rt / "Pharo.image").read_bytes()


@pytest.mark.parametrize("content,missing", [
    (b"<!DOCTYPE html><html><body>404 Not Found</body></html>", None),
    (None, "changes"),
    (None, "sources"),
])
def test_bad_image_upload_is_refused_and_changes_nothing(home, rt, service, tmp_path, content, missing):
    make_build(service, rt, "feedfacecafe")
    pharoctl(home, "deploy", "shop", "--build", "feedfacecafe", check=0)
    before = snapshot_tree(service)
    up = tmp_path / "upload"
    up.mkdir()
    if content is not None:
        (up / "App.image").write_bytes(content)
    else:
        shutil.copyfile(rt / "Pharo.image", up / "App.image")
    if missing != "changes":
        (up / "App.changes").write_text("")
    if missing != "sources":
        (up / "Pharo.sources").write_text("")
    proc = pharoctl(home, "deploy", "shop", "--image", str(up / "App.image"))
    assert proc.returncode == 2, proc.stderr
    assert "App.image" in proc.stderr or "App.changes" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert snapshot_tree(service) == before


def test_keeps_five_releases_and_rolls_back(home, rt, service):
    keys = [f"{i:02d}aa{i:02d}bb{i:02d}cc" for i in range(7)]
    ids = []
    for k in keys:
        make_build(service, rt, k)
        pharoctl(home, "deploy", "shop", "--build", k, check=0)
        ids.append(os.readlink(service / "current").split("/", 1)[1])
    listed = [r["id"] for r in releases(home)["releases"]]
    assert listed == ids[2:]
    # rollback: to the one before, then to a named one
    pharoctl(home, "rollback", "shop", check=0)
    assert releases(home)["current"] == ids[5]
    pharoctl(home, "rollback", "shop", ids[2], check=0)
    assert releases(home)["current"] == ids[2]
    # the oldest has nothing before it; a missing id is bad usage; both change nothing
    before = snapshot_tree(service)
    proc = pharoctl(home, "rollback", "shop")
    assert proc.returncode == 2 and "no release before" in proc.stderr
    proc = pharoctl(home, "rollback", "shop", "20990101T000000Z-nothere")
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    assert snapshot_tree(service) == before
    # A new deploy after rolling back far keeps the release that was live (ids[2]).
    make_build(service, rt, "99zz99zz99zz")
    pharoctl(home, "deploy", "shop", "--build", "99zz99zz99zz", check=0)
    listed = [r["id"] for r in releases(home)["releases"]]
    assert ids[2] in listed and len(listed) == 5


def test_bad_usage(home, rt, service):
    assert pharoctl(home, "deploy", "nosuch", "--build", "x").returncode == 2
    proc = pharoctl(home, "deploy", "shop", "--build", "nokey")
    assert proc.returncode == 2 and "build 'nokey'" in proc.stderr
    assert pharoctl(home, "deploy", "shop", "--build", "x", "--image", "y.image").returncode == 2
    assert pharoctl(home, "deploy", "shop@1", "--build", "x").returncode == 2
    assert not (service / "releases").exists() or not os.listdir(service / "releases")
    assert not os.path.lexists(service / "current")
