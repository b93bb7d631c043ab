"""Builds that track the code: a remote github:// repository served by a real `git daemon` on
loopback (git's own url.insteadOf points https://github.com/ at it, as a mirror would), so that
`build` resolves the ref with `git ls-remote` as it would against GitHub. The key changes when
the branch moves and only then; a service pinned to a commit builds (and hits the cache) with
the host gone; a ref that cannot be resolved fails with one clear line."""
import json
import os
import signal
import subprocess

import pytest

from harness import free_port, pharoctl, port_open, wait_until

SERVICE_TOML = """name = "shop"
runtime = "sim"

[source]
repository = "{repository}"
baseline = "Shop"
"""


def git(cwd, *args, env=None):
    full = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
                GIT_COMMITTER_EMAIL="t@example.org", GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=full, timeout=60)
    assert proc.returncode == 0, f"git {args}: {proc.stderr}"
    return proc.stdout.strip()


class Host:
    """A bare repository acme/shop.git under a `git daemon` on 127.0.0.1, and a work tree to push from."""

    def __init__(self, tmp_path):
        self.root = tmp_path / "host"
        self.bare = self.root / "acme" / "shop.git"
        self.bare.parent.mkdir(parents=True)
        git(tmp_path, "init", "-q", "--bare", "-b", "main", str(self.bare))
        self.work = tmp_path / "work"
        (self.work / "src" / "BaselineOfShop").mkdir(parents=True)
        git(self.work, "init", "-q", "-b", "main")
        git(self.work, "remote", "add", "origin", str(self.bare))
        self.port = free_port()
        self.gitconfig = tmp_path / "gitconfig"
        self.gitconfig.write_text(f'[url "git://127.0.0.1:{self.port}/"]\n\tinsteadOf = https://github.com/\n')
        self.daemon = None

    def commit(self, text):
        (self.work / "src" / "BaselineOfShop" / "BaselineOfShop.class.st").write_text(text)
        git(self.work, "add", "-A")
        git(self.work, "commit", "-q", "-m", text[:20])
        git(self.work, "push", "-q", "origin", "main")
        return git(self.work, "rev-parse", "HEAD")

    def start(self):
        self.daemon = subprocess.Popen(
            ["git", "daemon", "--reuseaddr", "--export-all", f"--base-path={self.root}", "--listen=127.0.0.1",
             f"--port={self.port}", str(self.root)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_until(lambda: port_open(self.port), timeout=20, what="git daemon listening")

    def stop(self):
        if self.daemon and self.daemon.poll() is None:
            os.killpg(self.daemon.pid, signal.SIGTERM)  # the session it was started in: ours
            self.daemon.wait(timeout=20)
        self.daemon = None

    def env(self):
        return {"GIT_CONFIG_GLOBAL": str(self.gitconfig), "GIT_CONFIG_NOSYSTEM": "1"}


@pytest.fixture
def host(tmp_path):
    h = Host(tmp_path)
    yield h
    h.stop()


@pytest.fixture
def shop(home):
    pharoctl(home, "install", "sim", check=0)
    (home / "shop").mkdir()
    return home / "shop"


def configure(shop, repository):
    (shop / "service.toml").write_text(SERVICE_TOML.format(repository=repository))


def build(home, host, check=0):
    return pharoctl(home, "build", "shop", env=host.env(), check=check)


def manifest(shop, key):
    return json.loads((shop / "builds" / key / "manifest.json").read_text())


def test_key_follows_the_branch_and_stays_cached_while_it_does_not_move(home, host, shop):
    c1 = host.commit("Class { #name : #BaselineOfShop }\n")
    host.start()
    configure(shop, "github://acme/shop:main/src")
    k1 = build(home, host).stdout.strip()
    m1 = manifest(shop, k1)
    assert m1["inputs"]["source_commit"] == c1
    assert m1["inputs"]["repository"] == "github://acme/shop:main/src"
    assert m1["inputs"]["resolved_repository"] == f"github://acme/shop:{c1}/src"
    # The image is built from the commit the key names, not from whatever main is later.
    assert f"'github://acme/shop:{c1}/src'" in (shop / "builds" / k1 / "build.st").read_text()

    again = build(home, host)
    assert again.stdout.strip() == k1 and "reusing" in again.stderr

    c2 = host.commit("Class { #name : #BaselineOfShop, #superclass : #BaselineOf }\n")
    k2 = build(home, host).stdout.strip()
    assert k2 != k1
    assert manifest(shop, k2)["inputs"]["source_commit"] == c2
    assert build(home, host).stdout.strip() == k2

    # A tag, annotated: the commit it points to, not the tag object.
    git(host.work, "tag", "-a", "v2", "-m", "release 2")
    git(host.work, "push", "-q", "origin", "v2")
    configure(shop, "github://acme/shop:v2/src")
    assert manifest(shop, build(home, host).stdout.strip())["inputs"]["source_commit"] == c2

    # No ref: the remote's default branch (HEAD), which is main here.
    configure(shop, "github://acme/shop/src")
    assert manifest(shop, build(home, host).stdout.strip())["inputs"]["source_commit"] == c2


def test_pinned_commit_is_the_branch_build_and_needs_no_host(home, host, shop):
    c1 = host.commit("Class { #name : #BaselineOfShop }\n")
    host.start()
    configure(shop, "github://acme/shop:main/src")
    k_branch = build(home, host).stdout.strip()
    host.stop()

    # The host is gone: the branch cannot be resolved, and the build says so in one line.
    offline = build(home, host, check=1)
    assert "cannot resolve ref 'main' of github://acme/shop:main/src" in offline.stderr
    assert "pin a commit" in offline.stderr
    assert len(offline.stderr.strip().splitlines()) == 1, offline.stderr

    # Pinned to the commit main had: no lookup, and the very build made from main.
    configure(shop, f"github://acme/shop:{c1}/src")
    pinned = build(home, host)
    assert pinned.stdout.strip() == k_branch and "reusing" in pinned.stderr


def test_missing_ref_is_named(home, host, shop):
    host.commit("Class { #name : #BaselineOfShop }\n")
    host.start()
    configure(shop, "github://acme/shop:nosuchbranch/src")
    proc = build(home, host, check=1)
    assert "ref 'nosuchbranch'" in proc.stderr and "no branch or tag of that name" in proc.stderr
    assert not (shop / "builds").exists() or not [p for p in os.listdir(shop / "builds") if not p.startswith(".")]


def test_token_reaches_neither_files_nor_command_lines(home, host, shop):
    host.commit("Class { #name : #BaselineOfShop }\n")
    host.start()
    configure(shop, "github://acme/shop:main/src")
    secret = "ghp_i13cSecretTokenValue0123456789"
    env = dict(host.env(), GITHUB_TOKEN=secret)
    key = pharoctl(home, "build", "shop", env=env, check=0).stdout.strip()
    script = (shop / "builds" / key / "build.st").read_text()
    assert "'GITHUB_TOKEN'" in script and "IceTokenCredentials" in script
    for root, _, files in os.walk(home):
        for name in files:
            path = os.path.join(root, name)
            if os.path.isfile(path) and not os.path.islink(path):
                assert secret.encode() not in open(path, "rb").read(), path
