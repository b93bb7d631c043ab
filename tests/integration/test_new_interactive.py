"""pharoctl new on a real terminal (tmux): every question shows its default, Enter takes it,
custom answers are kept, and a bad answer is refused with the reason and asked again."""
import os
import shlex
import shutil
import subprocess
import tomllib
import uuid

import pytest

from harness import PHAROCTL, wait_until

pytestmark = pytest.mark.skipif(not shutil.which("tmux"), reason="needs tmux")


class Pane:
    def __init__(self, tmp_path, command):
        self.sock = f"pharoctl-test-{uuid.uuid4().hex[:8]}"
        self.rc_file = tmp_path / "rc"
        script = f"{command}; echo $? > {shlex.quote(str(self.rc_file))}; sleep 60"
        subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null", "new-session", "-d", "-x", "200", "-y", "60",
                        "sh", "-c", script], check=True, env={**os.environ, "TERM": "xterm"})

    def text(self):
        return subprocess.run(["tmux", "-L", self.sock, "capture-pane", "-p", "-S", "-200"], capture_output=True,
                              text=True).stdout

    def wait_for(self, needle, count=1):
        return wait_until(lambda: self.text().count(needle) >= count, timeout=10, what=repr(needle))

    def answer(self, text):
        if text:
            subprocess.run(["tmux", "-L", self.sock, "send-keys", "-l", text], check=True)
        subprocess.run(["tmux", "-L", self.sock, "send-keys", "Enter"], check=True)

    def exit_code(self):
        wait_until(lambda: self.rc_file.exists() and self.rc_file.read_text().strip(), timeout=10, what="exit")
        return int(self.rc_file.read_text())

    def close(self):
        subprocess.run(["tmux", "-L", self.sock, "kill-server"], capture_output=True)


@pytest.fixture
def pane_factory(tmp_path):
    panes = []

    def make(command):
        p = Pane(tmp_path, command)
        panes.append(p)
        return p

    yield make
    for p in panes:
        p.close()


def test_interactive_new(home, pane_factory):
    p = pane_factory(f"{shlex.quote(PHAROCTL)} --home {shlex.quote(str(home))} new")
    p.wait_for("Service name []:")
    p.answer("my_shop")
    p.wait_for("not accepted: \"my_shop\" may contain only lowercase letters")
    p.wait_for("Service name []:", 2)
    p.answer("shop")
    p.wait_for("Image name [shop]:")
    p.answer("")
    p.wait_for("User (empty: the user running pharoctl) [")
    p.answer("")
    p.wait_for("Description [shop Pharo server]:")
    p.answer("The shop front end")
    p.wait_for("Runtime [pharo-130]:")
    p.answer("")
    p.wait_for("Metacello repository (empty: none) []:")
    p.answer("github://acme/shop:main/src")
    p.wait_for("Baseline (without BaselineOf) []:")
    p.answer("BaselineOfShop")
    p.wait_for("includes the BaselineOf prefix (write \"Shop\")")
    p.answer("Shop")
    p.wait_for("Groups (comma separated) [default]:")
    p.answer("")
    p.wait_for("Number of instances [1]:")
    p.answer("two")
    p.wait_for("not accepted: \"two\" is not a whole number")
    p.answer("2")
    p.wait_for("HTTP port [8080]:")
    p.answer("")
    p.wait_for("Telnet (REPL) port [42001]:")
    p.answer("8090")  # instance 1 of HTTP uses 8090
    p.wait_for("clashes with app.http_port of the same service")
    p.answer("43001")
    p.wait_for("Metrics port [42002]:")
    p.answer("")
    assert p.exit_code() == 0, p.text()
    with open(home / "shop" / "service.toml", "rb") as f:
        cfg = tomllib.load(f)
    assert cfg["image"] == "shop"
    assert cfg["user"] == ""
    assert cfg["description"] == "The shop front end"
    assert cfg["source"]["repository"] == "github://acme/shop:main/src"
    assert cfg["source"]["baseline"] == "Shop"
    assert cfg["source"]["groups"] == ["default"]
    assert cfg["instances"]["count"] == 2
    assert cfg["app"]["http_port"] == 8080
    assert cfg["console"] == {"telnet_port": 43001, "metrics_port": 42002}
    assert (home / "shop" / "run" / "run-shop.1.st").exists()


def test_interactive_with_flags_asks_only_the_rest(home, pane_factory):
    p = pane_factory(f"{shlex.quote(PHAROCTL)} --home {shlex.quote(str(home))} new shop --image img "
                     "--description d --runtime sim --repository '' --baseline '' --groups default "
                     "--instances 1 --http-port 9000 --telnet-port 9001")
    p.wait_for("User (empty: the user running pharoctl) [")
    p.answer("")
    p.wait_for("Metrics port [")
    p.answer("")
    assert p.exit_code() == 0, p.text()
    assert "Image name" not in p.text()


def test_yes_on_a_terminal_never_asks(home, pane_factory):
    p = pane_factory(f"{shlex.quote(PHAROCTL)} --home {shlex.quote(str(home))} new shop --yes")
    assert p.exit_code() == 0, p.text()
    assert "[" not in p.text().split("created service")[0]
