"""pharoctl repl in a real terminal (tmux) against pharo-sim: prompts, a multi-line expression,
history recall (also across sessions), Ctrl-C, Tab completion, the reconnect after the image
closed an idle session, and the confirmation before `save`."""
import os
import shutil
import stat
import subprocess

import pytest

from harness import PHAROCTL, wait_until
from neoconsole_service import SimService, sim_runtime

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (scripts/packages.txt)")


class Tmux:
    def __init__(self, tmp_path, command, env):
        self.socket = f"pharoctl-repl-{os.getpid()}-{id(self)}"
        self.env = dict(os.environ)
        self.env.update(env)
        self.env.pop("TMUX", None)
        self.run("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "160", "-y", "50", command)
        self.run("set-option", "-t", "t", "remain-on-exit", "on")

    def run(self, *args):
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, env=self.env,
                              check=True, timeout=10).stdout

    def keys(self, *keys):
        self.run("send-keys", "-t", "t", *keys)

    def type(self, text):
        self.run("send-keys", "-t", "t", "-l", text)

    def screen(self):
        return self.run("capture-pane", "-p", "-N", "-t", "t", "-S", "-200")

    def wait_for(self, text, count=1):
        try:
            wait_until(lambda: self.screen().count(text) >= count, timeout=20, what=f"{text!r} on screen")
        except AssertionError as e:
            raise AssertionError(f"{e}; the screen:\n{self.screen()}") from None
        return self.screen()

    def interrupt(self, prompt):
        """Ctrl-C, then wait for the fresh prompt it brings: the terminal turns it into SIGINT,
        which reaches the line editor after any key typed behind it has been read."""
        n = self.screen().count(prompt)
        self.keys("C-c")
        return self.wait_for(prompt, count=n + 1)

    def close(self):
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=10)


@pytest.fixture
def service(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    svc = SimService(home, sim_runtime(str(tmp_path)), env={"PHARO_SIM_REPL_IDLE_SECONDS": "1"}).start()
    yield svc
    svc.stop()


@pytest.fixture
def repl(service, tmp_path):
    sessions = []

    def start():
        cmd = f"{PHAROCTL} --home {service.home} repl shop; echo exit=$?"
        t = Tmux(tmp_path, cmd, {"XDG_STATE_HOME": str(tmp_path / "state"), "TERM": "xterm", "HOME": str(tmp_path)})
        sessions.append(t)
        t.wait_for("shop> ")
        return t

    yield start
    for t in sessions:
        t.close()


def established_to(port):
    with open("/proc/net/tcp") as f:
        rows = f.read().splitlines()[1:]
    return [r for r in rows if r.split()[1].endswith(f":{port:04X}") and r.split()[3] == "01"]


def test_session(service, repl, tmp_path):
    t = repl()
    assert "Connected to shop (Pharo-" in t.screen()

    # A multi-line expression: the open parenthesis continues under the continuation prompt.
    t.type("(1 + 2")
    t.keys("Enter")
    t.wait_for("....> ")
    t.type("* 3)")
    t.keys("Enter")
    screen = t.wait_for("\n9\n")
    assert "(1 + 2\n....> * 3)\n9\nshop> " in screen

    # History recall: Up brings the expression back, Enter runs it again.
    t.keys("Up")
    t.keys("Enter")
    t.wait_for("\n9\n", count=2)

    # Ctrl-C drops what was typed; nothing of it reaches the image.
    t.type("1000 + ")
    t.wait_for("shop> 1000 +")
    t.interrupt("shop> ")
    t.type("2 + 2")
    t.keys("Enter")
    screen = t.wait_for("\n4\n")
    assert "1002" not in screen and "failed with" not in screen

    # Tab completes command names and, after `get `, metric names.
    t.type("hel")
    t.keys("Tab")
    wait_until(lambda: "shop> help " in t.screen(), what="help completed")
    t.interrupt("shop> ")
    t.type("get system.sta")
    t.keys("Tab")
    t.keys("Enter")
    t.wait_for("Status OK - Clock")

    # The image closes a session idle for a second (PHARO_SIM_REPL_IDLE_SECONDS=1); the next
    # input reconnects without a word.
    wait_until(lambda: not established_to(service.telnet_port), timeout=10, what="the idle close")
    t.type("6 * 7")
    t.keys("Enter")
    screen = t.wait_for("\n42\n")
    assert "pharoctl:" not in screen and "closed" not in screen

    # `save` (and anything starting with it) asks first; no sends nothing.
    t.type("saveAll")
    t.keys("Enter")
    t.wait_for("'saveAll' starts with 'save': NeoConsole runs its save command")
    t.type("n")
    t.keys("Enter")
    t.wait_for("Not sent.")
    t.type("save")
    t.keys("Enter")
    t.wait_for("'save' saves the image. Send it? [y/N] ")
    t.type("y")
    t.keys("Enter")
    t.wait_for("Image saved.")

    t.type("quit")
    t.keys("Enter")
    t.wait_for("Bye!\nexit=0")

    # The history outlives the session, private to the user.
    hist = tmp_path / "state" / "pharoctl" / "history" / "shop"
    assert stat.S_IMODE(hist.stat().st_mode) == 0o600
    assert '"(1 + 2\\n* 3)"' in hist.read_text()
    t2 = repl()
    t2.keys("Up")
    wait_until(lambda: "shop> quit" in t2.screen(), what="last session's history")
    t2.interrupt("shop> ")
    t2.keys("C-d")
    t2.wait_for("exit=0")


def test_service_down_is_a_clear_error(service, tmp_path):
    service.stop()
    env = dict(os.environ, XDG_STATE_HOME=str(tmp_path / "state"))
    proc = subprocess.run([PHAROCTL, "--home", service.home, "repl", "shop"], capture_output=True, text=True,
                          env=env, stdin=subprocess.DEVNULL, timeout=20)
    assert proc.returncode == 3
    assert f"nothing listens on 127.0.0.1:{service.telnet_port}" in proc.stderr
