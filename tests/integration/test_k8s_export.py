"""export k8s: every object for a 1-instance and a 3-instance service with every service.toml
option set validates against the Kubernetes OpenAPI schemas (kubernetes-models, offline), and
carries what service.toml says; plus the files' shape and bad input."""
import re
import json
import os
import subprocess

import pytest
import yaml

from container_fixtures import NODE_MODULES, service_with_release
from harness import SOURCE_DIR, free_port_block, pharoctl

VALIDATE = os.path.join(SOURCE_DIR, "tests", "integration", "k8s", "validate.js")


def validator_or_skip():
    if not os.path.isdir(os.path.join(NODE_MODULES, "kubernetes-models")):
        pytest.skip(f"kubernetes-models is not installed in {NODE_MODULES} (setup.sh installs it, as root)")


def validate(files):
    env = dict(os.environ, NODE_PATH=NODE_MODULES)
    return subprocess.run(["node", VALIDATE, *map(str, files)], capture_output=True, text=True, env=env, timeout=60)


def load(path):
    return yaml.safe_load(path.read_text())


@pytest.mark.parametrize("instances", [1, 3])
def test_every_object_validates_and_follows_service_toml(home, tmp_path, instances):
    validator_or_skip()
    svc = service_with_release(home, tmp_path, instances=instances)
    out = tmp_path / "k8s"
    pharoctl(home, "export", "k8s", "shop", "-o", str(out), "--image", "registry.example.com/shop:v7",
             "--namespace", "shop-prod", "--host", "shop.example.com", check=0)
    names = sorted(os.listdir(out))
    assert names == ["deployment.yaml", "ingress.yaml", "kustomization.yaml", "pdb.yaml", "service.yaml"]
    objects = [out / n for n in names if n != "kustomization.yaml"]
    proc = validate(objects)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("ok ") == 4, proc.stdout

    cfg = (svc / "service.toml").read_text()
    http_port = int(cfg.split("http_port = ")[1].split()[0])
    d = load(out / "deployment.yaml")
    assert d["metadata"]["namespace"] == "shop-prod"
    spec = d["spec"]
    assert spec["replicas"] == instances
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}
    pod = spec["template"]["spec"]
    assert pod["terminationGracePeriodSeconds"] == 12
    assert pod["enableServiceLinks"] is False
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["fsGroup"] == 10001
    (c,) = pod["containers"]
    assert c["image"] == "registry.example.com/shop:v7"
    assert c["ports"] == [{"name": "http", "containerPort": http_port, "protocol": "TCP"}]
    sc = c["securityContext"]
    assert sc["readOnlyRootFilesystem"] is True and sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"] == {"drop": ["ALL"]} and sc["runAsUser"] == 10001
    # What the probe checks is baked into the image (/opt/pharoctl/health.conf, see
    # test_container_image): the command has no argument a shell could split.
    probe_cmd = ["/opt/pharoctl/bin/pharoctl-container", "probe"]
    for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert c[kind]["exec"]["command"] == probe_cmd, kind
        assert c[kind]["timeoutSeconds"] == 4
    assert c["livenessProbe"]["periodSeconds"] == 7 and c["livenessProbe"]["failureThreshold"] == 4
    assert c["readinessProbe"]["periodSeconds"] == 7 and c["readinessProbe"]["failureThreshold"] == 4
    # grace 45s probed every 5s: 9 tries.
    assert c["startupProbe"]["periodSeconds"] == 5 and c["startupProbe"]["failureThreshold"] == 9
    assert {m["mountPath"] for m in c["volumeMounts"]} == {"/srv/pharo/shop/logs", "/srv/pharo/shop/var", "/tmp"}
    assert all("emptyDir" in v for v in pod["volumes"])
    assert set(c["resources"]) == {"requests", "limits"}
    assert "release" in d["metadata"]["annotations"]["kubernetes.io/change-cause"]

    s = load(out / "service.yaml")
    # The HTTP port only: neither NeoConsole port is ever exposed.
    assert s["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]
    text = "".join((out / n).read_text() for n in names)
    telnet_port = int(cfg.split("telnet_port = ")[1].split()[0])
    # As a whole number: a release id (a timestamp) may contain the digits.
    assert not re.search(rf"(?<![0-9]){telnet_port}(?![0-9])", text), f"telnet port {telnet_port} appears"
    assert load(out / "pdb.yaml")["spec"]["maxUnavailable"] == 1
    ing = load(out / "ingress.yaml")
    assert ing["spec"]["rules"][0]["host"] == "shop.example.com"
    k = load(out / "kustomization.yaml")
    assert k["namespace"] == "shop-prod"
    assert sorted(k["resources"]) == sorted(n for n in names if n != "kustomization.yaml")
    assert k["images"] == [{"name": "registry.example.com/shop", "newTag": "v7"}]


def test_stdout_is_one_stream_and_defaults_need_no_flags(home, tmp_path):
    validator_or_skip()
    service_with_release(home, tmp_path, every_option=False)
    proc = pharoctl(home, "export", "k8s", "shop", check=0)
    docs = [d for d in yaml.safe_load_all(proc.stdout) if d]
    assert [d["kind"] for d in docs] == ["Deployment", "Service", "PodDisruptionBudget"]
    current = json.loads(pharoctl(home, "releases", "shop", "--json", check=0).stdout)["current"]
    assert docs[0]["spec"]["template"]["spec"]["containers"][0]["image"] == f"localhost/pharo-shop:{current}"
    stream = tmp_path / "all.yaml"
    stream.write_text(proc.stdout)
    v = validate([stream])
    assert v.returncode == 0, v.stdout + v.stderr


def test_bad_input_is_refused_with_exit_2(home, tmp_path):
    service_with_release(home, tmp_path, every_option=False)
    for args, what in [(["--host", "Not_A_Host"], "--host"), (["--host", "10.0.0.1"], "--host"),
                       (["--namespace", "Prod"], "--namespace"), (["--release", "nosuch"], "nosuch")]:
        proc = pharoctl(home, "export", "k8s", "shop", *args)
        assert proc.returncode == 2 and what in proc.stderr, (args, proc.stderr)
    proc = pharoctl(home, "export", "systemd", "shop", "--image", "x")
    assert proc.returncode == 2 and "--image" in proc.stderr
    proc = pharoctl(home, "export", "k8s", "shop@1")
    assert proc.returncode == 2
    # No release yet: says how to make one.
    base = free_port_block([0, 1, 2])
    pharoctl(home, "new", "other", "--runtime", "sim", "--yes", "--http-port", str(base), "--telnet-port", str(base + 1),
             "--metrics-port", str(base + 2), check=0)
    proc = pharoctl(home, "export", "k8s", "other")
    assert proc.returncode == 2 and "pharoctl deploy other" in proc.stderr
