"""--ssh USER@HOST against a real sshd started here on a loopback port, with its own
sshd_config, host key and a user key made by the test: eval and repl reach the image's loopback
console through `ssh -W` (no port opened anywhere), the port learnt over ssh or given."""
import getpass
import json
import os
import shutil
import subprocess
import threading

import pytest

from harness import PHAROCTL, free_port, pharoctl, port_open, wait_until
from neoconsole_service import SimService, sim_runtime

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    if not os.path.exists(SSHD) or shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        pytest.skip("openssh-server/openssh-client are not installed (scripts/packages.txt lists them)")
    d = tmp_path_factory.mktemp("sshd")
    if os.geteuid() == 0 and not os.path.isdir("/run/sshd"):
        # sshd running as root insists on its privilege separation directory, which the
        # openssh-server package creates at boot (tmpfiles.d); a container has not booted.
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / "host_key")], check=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / "id")], check=True)
    (d / "authorized_keys").write_text((d / "id.pub").read_text())
    os.chmod(d / "authorized_keys", 0o600)
    port = free_port()
    (d / "sshd_config").write_text(f"""Port {port}
ListenAddress 127.0.0.1
HostKey {d}/host_key
AuthorizedKeysFile {d}/authorized_keys
PidFile {d}/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AllowTcpForwarding yes
LogLevel ERROR
""")
    proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(d / "sshd_config")], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_until(lambda: proc.poll() is not None or port_open(port), timeout=10, what="sshd to listen")
    except AssertionError:
        proc.kill()
        raise
    if proc.poll() is not None:
        pytest.skip(f"sshd cannot run here: {proc.stdout.read().decode(errors='replace').strip()}")
    ssh_command = (f"ssh -F /dev/null -p {port} -i {d}/id -o IdentitiesOnly=yes -o BatchMode=yes "
                   f"-o UserKnownHostsFile={d}/known_hosts -o StrictHostKeyChecking=accept-new")
    yield {"env": {"PHAROCTL_SSH": ssh_command}, "target": f"{getpass.getuser()}@127.0.0.1"}
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    base = tmp_path_factory.mktemp("remote")
    home = base / "home"
    home.mkdir()
    svc = SimService(home, sim_runtime(str(base))).start()
    yield svc
    svc.stop()


def test_eval_through_ssh_with_port(sshd, service, tmp_path):
    # An empty local home: nothing about the service is known here, all of it is over there.
    local = tmp_path / "local"
    local.mkdir()
    proc = pharoctl(local, "eval", "shop", "3 + 4", "--ssh", sshd["target"], "--port", str(service.telnet_port),
                    env=sshd["env"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "7\n"
    fail = pharoctl(local, "eval", "shop", "1/0", "--ssh", sshd["target"], "--port", str(service.telnet_port),
                    env=sshd["env"])
    assert fail.returncode == 1 and "ZeroDivide" in fail.stderr


def test_ssh_to_a_port_where_nothing_listens(sshd, service, tmp_path):
    proc = pharoctl(tmp_path, "eval", "shop", "1", "--ssh", sshd["target"], "--port", str(free_port()), env=sshd["env"])
    assert proc.returncode == 1
    assert "ssh" in proc.stderr and ("refused" in proc.stderr.lower() or "failed" in proc.stderr.lower()), proc.stderr


def test_port_learnt_from_remote_status(sshd, service, tmp_path):
    status = pharoctl(service.home, "--json", "status", "shop")
    if "telnet_port" not in status.stdout:
        pytest.skip(f"`pharoctl --json status` lists no telnet_port yet: {status.stderr.strip() or status.stdout[:200]}")
    proc = pharoctl(tmp_path, "eval", "shop", "6 * 7", "--ssh", sshd["target"], "--remote-pharoctl", PHAROCTL,
                    "--remote-home", service.home, env=sshd["env"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "42\n"


def test_repl_through_ssh(sshd, service, tmp_path):
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    sock = f"pharoctl-ssh-{os.getpid()}"
    env = dict(os.environ, XDG_STATE_HOME=str(tmp_path / "state"), TERM="xterm", **sshd["env"])
    env.pop("TMUX", None)

    def tmux(*args):
        return subprocess.run(["tmux", "-L", sock, *args], capture_output=True, text=True, env=env, check=True,
                              timeout=10).stdout

    cmd = f"{PHAROCTL} --home {tmp_path} repl shop --ssh {sshd['target']} --port {service.telnet_port}; echo exit=$?"
    tmux("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "120", "-y", "30", cmd)
    try:
        tmux("set-option", "-t", "t", "remain-on-exit", "on")
        screen = lambda: tmux("capture-pane", "-p", "-N", "-t", "t")
        wait_until(lambda: "shop> " in screen(), timeout=15, what="the prompt over ssh")
        tmux("send-keys", "-t", "t", "-l", "Smalltalk version")
        tmux("send-keys", "-t", "t", "Enter")
        wait_until(lambda: "'Pharo" in screen(), timeout=10, what="the answer over ssh")
        tmux("send-keys", "-t", "t", "-l", "quit")
        tmux("send-keys", "-t", "t", "Enter")
        wait_until(lambda: "Bye!\nexit=0" in screen(), what="the repl to exit")
        assert "history" in os.listdir(tmp_path / "state" / "pharoctl")
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True, timeout=10)


# pharoctl --ssh USER@HOST COMMAND: the whole command runs with the pharoctl over there.

def remote_env(sshd):
    return {**sshd["env"], "PHAROCTL_REMOTE_PHAROCTL": PHAROCTL}


def test_global_ssh_runs_the_command_remotely_before_or_after(sshd, service, tmp_path):
    # The sim service runs without a supervisor: `status shop` says stopped, exit 3 (LSB).
    local = pharoctl(service.home, "--json", "status", "shop")
    assert local.returncode == 3, local.stderr
    # harness.pharoctl puts --home first: here it names the remote home, passed along.
    before = pharoctl(service.home, "--ssh", sshd["target"], "--json", "status", "shop", env=remote_env(sshd))
    after = pharoctl(service.home, "--json", "status", "shop", "--ssh", sshd["target"], env=remote_env(sshd))
    equals = pharoctl(service.home, "status", f"--ssh={sshd['target']}", "shop", "--json", env=remote_env(sshd))
    for p in (before, after, equals):
        assert p.returncode == local.returncode, p.stderr
        assert json.loads(p.stdout)["services"][0]["name"] == "shop"
        assert json.loads(p.stdout).keys() == json.loads(local.stdout).keys()


def test_global_ssh_passes_the_exit_code_and_stderr(sshd, service, tmp_path):
    ok = pharoctl(service.home, "--ssh", sshd["target"], "eval", "shop", "3 + 4", env=remote_env(sshd))
    assert (ok.returncode, ok.stdout) == (0, "7\n"), ok.stderr
    fail = pharoctl(service.home, "--ssh", sshd["target"], "eval", "shop", "1/0", env=remote_env(sshd))
    assert fail.returncode == 1 and "ZeroDivide" in fail.stderr
    usage = pharoctl(service.home, "--ssh", sshd["target"], "status", "no-such-service", env=remote_env(sshd))
    assert usage.returncode == 2 and "no such service" in usage.stderr
    # words with blanks and quotes reach the remote pharoctl intact
    quoted = pharoctl(service.home, "--ssh", sshd["target"], "eval", "shop", "'it''s a $HOME' size",
                      env=remote_env(sshd))
    assert (quoted.returncode, quoted.stdout) == (0, "12\n"), quoted.stderr


def test_global_ssh_streams_output(sshd, service, tmp_path):
    logs = os.path.join(service.dir, "logs")
    with open(os.path.join(logs, "shop-2026-11-23.log"), "a") as f:
        f.write("2026-11-23T10:00:00.000+00:00 first line\n")
    env = {**os.environ, **remote_env(sshd)}
    proc = subprocess.Popen([PHAROCTL, "--home", service.home, "--ssh", sshd["target"], "logs", "shop", "-f"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                            env=env)
    lines = []
    def read_lines():
        for line in proc.stdout:
            lines.append(line)

    reader = threading.Thread(target=read_lines, daemon=True)
    reader.start()
    try:
        # `logs -f` never ends by itself: a line seen while it runs came through as it was written.
        wait_until(lambda: proc.poll() is not None or any("first line" in line for line in lines), timeout=20,
                   what="the followed log line over ssh")
        assert proc.poll() is None, proc.stderr.read()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        # The remote `logs -f` ends at its next write into the closed connection.
        with open(os.path.join(logs, "shop-2026-11-23.log"), "a") as f:
            f.write("2026-11-23T10:00:01.000+00:00 last line\n")


def test_global_ssh_when_ssh_fails(sshd, tmp_path):
    env = {"PHAROCTL_SSH": sshd["env"]["PHAROCTL_SSH"] + " -o ConnectTimeout=5", "PHAROCTL_REMOTE_PHAROCTL": PHAROCTL}
    p = pharoctl(tmp_path, "--ssh", "nobody-here@127.0.0.1", "status", env=env)
    assert p.returncode == 1
    assert "pharoctl: ssh to nobody-here@127.0.0.1 failed" in p.stderr
    missing = pharoctl(tmp_path, "--ssh", sshd["target"], "status",
                       env={**sshd["env"], "PHAROCTL_REMOTE_PHAROCTL": "/nonexistent/pharoctl"})
    assert missing.returncode == 1 and "PHAROCTL_REMOTE_PHAROCTL" in missing.stderr


def test_repl_own_ssh_still_tunnels(sshd, service, tmp_path):
    # `repl/eval NAME --ssh` after the command is the command's own option: the console tunnel,
    # needing nothing of the remote pharoctl (the port is given).
    proc = pharoctl(tmp_path, "eval", "shop", "6 * 7", "--ssh", sshd["target"], "--port", str(service.telnet_port),
                    env={**sshd["env"], "PHAROCTL_REMOTE_PHAROCTL": "/nonexistent/pharoctl"})
    assert (proc.returncode, proc.stdout) == (0, "42\n"), proc.stderr
