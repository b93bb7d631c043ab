"""Deploys to a running 2-instance pharo-sim service behind real nginx (the file `export nginx`
writes): a rolling, health-gated deploy drops no request; a deploy whose image cannot pass
health (pharo-sim's slow-start fault saved in the image) rolls back and the service answers
throughout."""
import glob
import os

import pytest

from harness import pharoctl
from nginx_fixture import Load, Nginx, nginx_available
from service_fixture import current_release, new_service, require, upload_image, vm_images

pytestmark = pytest.mark.skipif(not nginx_available(), reason="nginx is not installed (Debian package nginx)")


@pytest.fixture
def running(home, tmp_path):
    svc = new_service(home, instances=2, grace="3s")
    require(pharoctl(home, "start", "shop", timeout=60), "pharoctl start")
    out = tmp_path / "nginx-export"
    require(pharoctl(home, "export", "nginx", "shop", "-o", str(out)), "pharoctl export nginx")
    site = [p for p in glob.glob(str(out / "*")) if os.path.isfile(p)]
    assert len(site) == 1, site
    nginx = Nginx(tmp_path / "nginx", open(site[0]).read())
    checked = nginx.check()
    assert checked.returncode == 0, checked.stderr
    nginx.start()
    yield svc, nginx
    nginx.stop()
    pharoctl(home, "stop", "shop", timeout=60)


def test_rolling_deploy_behind_nginx_drops_no_request(home, tmp_path, running):
    svc, nginx = running
    image = upload_image(home, tmp_path / "up1")
    load = Load(nginx.port)
    load.start()
    before = load.counts()
    proc = pharoctl(home, "deploy", "shop", "--image", str(image), timeout=120)
    during = load.counts()
    load.stop()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    served = during[0] - before[0]
    assert load.failed == 0, f"{load.failed} failed requests: {load.failures}\n{nginx.error_log()}"
    assert served > 0
    rid = current_release(svc)
    assert all(f"/releases/{rid}/shop.image" in img for img in vm_images(svc, 2))


def test_unhealthy_image_rolls_back_and_the_service_keeps_answering(home, tmp_path, running):
    svc, nginx = running
    good = upload_image(home, tmp_path / "good")
    require(pharoctl(home, "deploy", "shop", "--image", str(good), timeout=120), "first deploy")
    good_id = current_release(svc)
    bad = upload_image(home, tmp_path / "bad", slow_start=60)
    load = Load(nginx.port)
    load.start()
    proc = pharoctl(home, "deploy", "shop", "--image", str(bad), timeout=120)
    load.stop()
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "health" in proc.stderr.lower() or "healthy" in proc.stderr.lower(), proc.stderr
    assert current_release(svc) == good_id
    assert all(f"/releases/{good_id}/shop.image" in img for img in vm_images(svc, 2))
    assert load.ok > 0
    assert load.failed == 0, f"{load.failed} failed requests: {load.failures}\n{nginx.error_log()}"
