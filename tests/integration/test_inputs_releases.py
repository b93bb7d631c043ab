"""Inputs and releases (issue 12 part B): the VM's environment is defined, not inherited; app.st
belongs to each release; release ids order however many are made per second; and a table of
bad inputs, each refused with exit 2, one line naming the field or flag, the home unchanged."""
import json
import os
import re
import signal
import subprocess

import pytest

from deploy_fixtures import make_build
from harness import PHAROCTL, pharoctl, snapshot_tree, wait_until
from supervise_harness import install_sim_runtime, instance, make_service, stop_quietly


def evaluate(home, name, expr):
    proc = pharoctl(home, "eval", name, expr, check=0)
    return proc.stdout.strip().strip("'")


def current(svc_dir):
    return os.readlink(svc_dir / "current").split("/", 1)[1]


def test_vm_environment_is_defined_not_inherited(home):
    cfg = make_service(home, "shop", env={"APP_MODE": "production"})
    # Set only in the operator's shell: a token, and a variable of its own.
    shell = {"GITHUB_TOKEN": "ghp_operator_secret", "ONLY_IN_MY_SHELL": "leaked", "PATH": "/opt/op/bin:" + os.environ["PATH"]}
    try:
        pharoctl(home, "start", "shop", env=shell, check=0)
        for var in ("ONLY_IN_MY_SHELL", "GITHUB_TOKEN"):
            assert evaluate(home, "shop", f"OSEnvironment current at: '{var}' ifAbsent: [ 'absent' ]") == "absent", var
        assert evaluate(home, "shop", "OSEnvironment current at: 'APP_MODE' ifAbsent: [ 'absent' ]") == "production"
        assert evaluate(home, "shop", "OSEnvironment current at: 'PHAROCTL_SERVICE' ifAbsent: [ 'absent' ]") == "shop"
        assert "/opt/op/bin" not in evaluate(home, "shop", "OSEnvironment current at: 'PATH' ifAbsent: [ 'absent' ]")
        # A crash restart by the supervisor gives the same environment.
        old = instance(home, "shop")["pid"]
        os.kill(old, signal.SIGKILL)
        wait_until(lambda: instance(home, "shop")["pid"] not in (None, old) and instance(home, "shop")["state"] == "running",
                   20, what="VM restarted")
        assert evaluate(home, "shop", "OSEnvironment current at: 'ONLY_IN_MY_SHELL' ifAbsent: [ 'absent' ]") == "absent"
        with open(f"/proc/{instance(home, 'shop')['pid']}/environ", "rb") as f:
            names = sorted(e.split(b"=", 1)[0].decode() for e in f.read().split(b"\0") if e)
        allowed = re.compile(r"^(PATH|HOME|LANG|LANGUAGE|TZ|LC_[A-Z_]+|PHAROCTL_[A-Z_]+|APP_MODE)$")
        assert [n for n in names if not allowed.match(n)] == [], names
    finally:
        stop_quietly(home, "shop")
    assert cfg["name"] == "shop"


def test_thirty_releases_within_one_second_roll_back_in_order(home):
    cfg = make_service(home, "shop")
    svc = cfg["dir"]
    rt = home / "runtimes" / "sim"
    make_build(svc, rt, "a1b2c3d4e5f6a7b8")
    clock = {"PHAROCTL_TEST_WALL_CLOCK": "2030-06-01T12:00:00.000", "TZ": "UTC"}
    ids = []
    for i in range(30):
        (svc / "app.st").write_text(f"Transcript show: 'app v{i}'; cr.\n")
        pharoctl(home, "deploy", "shop", "--build", "a1b2c3d4e5f6a7b8", "--keep", "40", env=clock, check=0)
        ids.append(current(svc))
    assert len(set(ids)) == 30
    assert len({i[:16] for i in ids}) == 1, ids  # all within one second
    listed = [r["id"] for r in json.loads(pharoctl(home, "releases", "shop", "--json", check=0).stdout)["releases"]]
    assert listed == ids
    # Rollback goes to the release made just before, each time; the release runs its own app.st.
    for back in range(28, 22, -1):
        pharoctl(home, "rollback", "shop", check=0)
        assert current(svc) == ids[back]
        assert (svc / "releases" / ids[back] / "app" / "app.st").read_text() == f"Transcript show: 'app v{back}'; cr.\n"
    # Pruning by the same order: back on the newest, one more deploy keeps the newest five.
    pharoctl(home, "rollback", "shop", ids[29], check=0)
    (svc / "app.st").write_text("Transcript show: 'app last'; cr.\n")
    pharoctl(home, "deploy", "shop", "--build", "a1b2c3d4e5f6a7b8", "--keep", "5", env=clock, check=0)
    listed = [r["id"] for r in json.loads(pharoctl(home, "releases", "shop", "--json", check=0).stdout)["releases"]]
    assert listed == ids[26:] + [current(svc)]


def test_release_runs_its_own_app_st_and_rollback_restores_it(home):
    cfg = make_service(home, "shop")
    svc = cfg["dir"]
    make_build(svc, home / "runtimes" / "sim", "a1b2c3d4e5f6a7b8")
    app_start = "OSEnvironment current at: 'PHAROCTL_APP_START' ifAbsent: [ 'none' ]"
    try:
        (svc / "app.st").write_text("Transcript show: 'app v1'; cr.\n")
        pharoctl(home, "start", "shop", check=0)
        pharoctl(home, "deploy", "shop", "--build", "a1b2c3d4e5f6a7b8", check=0)
        first = current(svc)
        assert evaluate(home, "shop", app_start) == str(svc / "releases" / first / "app" / "app.st")

        # An edit changes nothing until the next deploy, even across a crash restart; status says so.
        (svc / "app.st").write_text("Transcript show: 'app v2'; cr.\n")
        st = pharoctl(home, "status", "shop")
        assert "app.st differs from the running release" in st.stdout, st.stdout
        assert json.loads(pharoctl(home, "--json", "status", "shop").stdout)["services"][0]["app_files_differ"] == ["app.st"]
        old = instance(home, "shop")["pid"]
        os.kill(old, signal.SIGKILL)
        wait_until(lambda: instance(home, "shop")["pid"] not in (None, old) and instance(home, "shop")["state"] == "running",
                   20, what="VM restarted")
        assert evaluate(home, "shop", app_start) == str(svc / "releases" / first / "app" / "app.st")

        pharoctl(home, "deploy", "shop", "--build", "a1b2c3d4e5f6a7b8", check=0)
        second = current(svc)
        assert second != first
        assert evaluate(home, "shop", app_start) == str(svc / "releases" / second / "app" / "app.st")
        assert "differs" not in pharoctl(home, "status", "shop").stdout

        # Twenty deploys without an edit make no new release.
        for _ in range(20):
            pharoctl(home, "deploy", "shop", "--build", "a1b2c3d4e5f6a7b8", check=0)
        assert current(svc) == second
        assert len([r for r in json.loads(pharoctl(home, "releases", "shop", "--json").stdout)["releases"]]) == 2

        pharoctl(home, "rollback", "shop", check=0)
        assert current(svc) == first
        path = evaluate(home, "shop", app_start)
        assert path == str(svc / "releases" / first / "app" / "app.st")
        assert open(path).read() == "Transcript show: 'app v1'; cr.\n"
    finally:
        stop_quietly(home, "shop")


# --- bad inputs, table-driven -------------------------------------------------------------

# (id, setup, command args, text the one line must contain)
#   setup: ("toml", EXTRA) appends EXTRA to service bad's service.toml; ("replace", OLD, NEW) edits it;
#          ("dangling",) points bad's current nowhere; ("dir", NAME) makes a directory; None: nothing.
BAD = [
    ("repo-github-empty", ("toml", '[source]\nrepository = "github://"\n'), ["start", "bad"], "source.repository:"),
    ("repo-github-owner-only", ("toml", '[source]\nrepository = "github://acme"\n'), ["start", "bad"], "source.repository:"),
    ("repo-http-empty", ("toml", '[source]\nrepository = "http://"\n'), ["start", "bad"], "source.repository:"),
    ("repo-https-credentials", ("toml", '[source]\nrepository = "https://bob:S3CRET@host/mc"\n'), ["start", "bad"], "credentials"),
    ("repo-github-credentials", ("toml", '[source]\nrepository = "github://bob:tok@acme/shop"\n'), ["deploy", "bad"], "credentials"),
    ("repo-query-token", ("toml", '[source]\nrepository = "https://host/mc?private_token=abc"\n'), ["restart", "bad"], "source.repository:"),
    ("repo-dotdot-path", ("toml", '[source]\nrepository = "github://acme/shop:main/../etc"\n'), ["start", "bad"], "source.repository:"),
    ("repo-tonel-empty", ("toml", '[source]\nrepository = "tonel://"\n'), ["run", "bad"], "source.repository:"),
    ("repo-gitlab-no-repo", ("toml", '[source]\nrepository = "gitlab://acme/"\n'), ["start", "bad"], "source.repository:"),
    ("repo-bad-port", ("toml", '[source]\nrepository = "https://host:99999/x"\n'), ["start", "bad"], "source.repository:"),
    ("repo-empty-ref", ("toml", '[source]\nrepository = "github://acme/shop:"\n'), ["start", "bad"], "source.repository:"),
    ("env-pharoctl", ("toml", '[env]\nPHAROCTL_HTTP_PORT = "1"\n'), ["start", "bad"], "env.PHAROCTL_HTTP_PORT:"),
    ("env-credential", ("toml", '[env]\nGITHUB_TOKEN = "x"\n'), ["start", "bad"], "env.GITHUB_TOKEN:"),
    ("env-bad-name", ("toml", '[env]\n"1BAD" = "x"\n'), ["start", "bad"], "env.1BAD:"),
    ("env-not-string", ("toml", '[env]\nA = 5\n'), ["start", "bad"], "env.A:"),
    ("env-systemd", ("toml", '[env]\nNOTIFY_SOCKET = "/x"\n'), ["run", "bad"], "env.NOTIFY_SOCKET:"),
    ("env-newline", ("toml", '[env]\nA = "one\\ntwo"\n'), ["start", "bad"], "env.A:"),
    ("env-not-table", ("toml", 'env = "A=1"\n'), ["start", "bad"], "env:"),
    ("app-files-outside", ("replace", '[app]\n', '[app]\nfiles = ["../etc/passwd"]\n'), ["start", "bad"], "app.files:"),
    ("app-files-twice", ("replace", '[app]\n', '[app]\nfiles = ["app.st"]\n'), ["start", "bad"], "app.files:"),
    ("app-files-missing", ("replace", '[app]\n', '[app]\nfiles = ["config.json"]\n'), ["start", "bad"], "app.files:"),
    ("app-start-missing", ("replace", 'start = "app.st"', 'start = "missing.st"'), ["start", "bad"], "app.start:"),
    ("app-start-directory", ("replace", 'start = "app.st"', 'start = "code"'), ["restart", "bad"], "app.start:"),
    ("app-start-missing-deploy", ("replace", 'start = "app.st"', 'start = "missing.st"'), ["deploy", "bad"], "app.start:"),
    ("runtime-missing", ("replace", 'runtime = "sim"', 'runtime = "pharo-99"'), ["start", "bad"], "runtime:"),
    ("runtime-missing-run", ("replace", 'runtime = "sim"', 'runtime = "pharo-99"'), ["run", "bad"], "runtime:"),
    ("runtime-missing-deploy", ("replace", 'runtime = "sim"', 'runtime = "pharo-99"'), ["deploy", "bad"], "runtime:"),
    ("port-clash-http", ("clash", "http"), ["start", "bad"], "app.http_port:"),
    ("port-clash-telnet", ("clash", "telnet"), ["start", "bad"], "console.telnet_port:"),
    ("port-clash-deploy", ("clash", "metrics"), ["deploy", "bad"], "console.metrics_port:"),
    ("current-dangling", ("dangling",), ["start", "bad"], "current:"),
    ("current-dangling-run", ("dangling",), ["run", "bad"], "current:"),
    ("duration-huge", ("replace", 'timeout = "2s"', 'timeout = "99999999h"'), ["start", "bad"], "stop.timeout:"),
    ("duration-31d", ("replace", 'grace = "5s"', 'grace = "31d"'), ["start", "bad"], "health.grace:"),
    ("duration-digits", ("replace", 'backoff_max = "1s"', 'backoff_max = "100000000000000000000ms"'), ["start", "bad"], "restart.backoff_max:"),
    ("duration-unit", ("replace", 'grace = "5s"', 'grace = "1y"'), ["start", "bad"], "health.grace:"),
    ("start-nosuch-last", None, ["start", "shop", "bad", "nosuch"], "nosuch"),
    ("start-bad-name", None, ["start", "shop", "Shop"], "Shop"),
    ("start-instance-range", None, ["start", "shop@7"], "shop@7"),
    ("start-all-one-bad", ("replace", 'runtime = "sim"', 'runtime = "pharo-99"'), ["start", "--all"], "runtime:"),
    ("home-empty", None, ["--home", "", "status"], "--home"),
    ("home-file", None, ["--home", "{home}/afile", "status"], "--home"),
    ("home-under-file", None, ["--home", "{home}/afile/sub", "start", "shop"], "--home"),
    ("eval-timeout-huge", None, ["eval", "shop", "1", "--timeout", "99999999h"], "--timeout"),
    ("eval-timeout-zero", None, ["eval", "shop", "1", "--timeout", "0s"], "--timeout"),
    ("eval-timeout-text", None, ["eval", "shop", "1", "--timeout", "soon"], "--timeout"),
    ("eval-connect-timeout", None, ["eval", "shop", "1", "--connect-timeout", "99999999999999999999s"], "--connect-timeout"),
    ("metrics-timeout-day", None, ["metrics", "shop", "--timeout", "25h"], "--timeout"),
    ("new-repo-credentials", None, ["new", "fresh", "--yes", "--repository", "https://u:pw@host/x"], "source.repository:"),
    ("new-repo-scheme-only", None, ["new", "fresh", "--yes", "--repository", "github://"], "source.repository:"),
]


@pytest.fixture(scope="module")
def bad_home(tmp_path_factory):
    """A home with two valid services (shop, other) and the sim runtime; each case copies it."""
    h = tmp_path_factory.mktemp("bad") / "home"
    h.mkdir()
    install_sim_runtime(h)
    make_service(h, "shop")
    make_service(h, "other")
    make_service(h, "bad")
    (h / "bad" / "code").mkdir()
    (h / "afile").write_text("not a directory\n")
    return h


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_bad_input_is_refused_with_one_line_and_nothing_changed(bad_home, tmp_path, case):
    import shutil
    _, setup, args, expect = case
    home = tmp_path / "home"
    shutil.copytree(bad_home, home, symlinks=True)
    toml = home / "bad" / "service.toml"
    if setup and setup[0] == "toml":
        toml.write_text(toml.read_text() + "\n" + setup[1])
    elif setup and setup[0] == "replace":
        text = toml.read_text()
        assert setup[1] in text
        toml.write_text(text.replace(setup[1], setup[2], 1))
    elif setup and setup[0] == "clash":
        other = (home / "other" / "service.toml").read_text()
        key = {"http": "http_port", "telnet": "telnet_port", "metrics": "metrics_port"}[setup[1]]
        port = re.search(rf"^{key} = (\d+)$", other, re.M).group(1)
        text = re.sub(rf"^{key} = \d+$", f"{key} = {port}", toml.read_text(), flags=re.M)
        toml.write_text(text)
    elif setup and setup[0] == "dangling":
        os.symlink("releases/20990101T000000Z-gone", home / "bad" / "current")
    args = [a.replace("{home}", str(home)) for a in args]
    before = snapshot_tree(home)
    if args[0] == "--home":  # the case is the --home value itself
        proc = subprocess.run([PHAROCTL, *args], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    else:
        proc = pharoctl(home, *args, timeout=60)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert expect in lines[0], lines[0]
    assert "S3CRET" not in proc.stderr and "pw@" not in proc.stderr and "tok@" not in proc.stderr
    assert snapshot_tree(home) == before
