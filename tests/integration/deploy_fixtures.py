"""Helpers shared by the deploy tests: a service directory with hand-written service.toml and
builds made from a pharo-sim runtime's real image files (so that header checks are real)."""
import json
import os
import shutil
import subprocess

from harness import PHARO_SIM


def make_sim_runtime(dest):
    """A runtime laid out as get.pharo.org leaves it, made by pharo-sim itself."""
    subprocess.run([PHARO_SIM, "--sim-create-runtime", str(dest)], check=True, capture_output=True, timeout=30)
    return dest


def sources_name(runtime_dir):
    return next(n for n in os.listdir(runtime_dir) if n.endswith(".sources"))


def write_service(home, name="shop", http_port=18080, instances=1, extra=""):
    """service.toml and app.st of a sim-runtime service, the runtime installed (deploy checks
    both before it releases anything)."""
    from supervise_harness import install_sim_runtime
    install_sim_runtime(home)
    d = home / name
    d.mkdir(parents=True, exist_ok=True)
    (d / "app.st").write_text("Transcript show: 'app started'; cr.\n")
    (d / "service.toml").write_text(
        f'name = "{name}"\nruntime = "sim"\nimage = "{name}"\n\n'
        f"[app]\nhttp_port = {http_port}\n\n"
        f"[console]\ntelnet_port = {http_port + 1000}\nmetrics_port = {http_port + 1001}\n\n"
        f"[instances]\ncount = {instances}\n{extra}")
    return d


def make_build(service_dir, runtime_dir, key, image="shop", commit=None):
    """builds/KEY/ as the build step leaves it: image, changes, sources, manifest.json."""
    b = service_dir / "builds" / key
    b.mkdir(parents=True)
    shutil.copyfile(runtime_dir / "Pharo.image", b / f"{image}.image")
    shutil.copyfile(runtime_dir / "Pharo.changes", b / f"{image}.changes")
    src = sources_name(runtime_dir)
    shutil.copyfile(runtime_dir / src, b / src)
    manifest = {"key": key, "inputs": {"repository": "tonel:///nowhere"}}
    if commit:
        manifest["inputs"]["source_commit"] = commit
    (b / "manifest.json").write_text(json.dumps(manifest))
    return b


def release_is_complete(service_dir, rid, image="shop"):
    r = service_dir / "releases" / rid
    names = set(os.listdir(r))
    return (f"{image}.image" in names and f"{image}.changes" in names
            and any(n.endswith(".sources") for n in names) and "release.json" in names
            and json.loads((r / "release.json").read_text())["id"] == rid)
