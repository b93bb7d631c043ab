"""Shell completion as a person meets it: bash and zsh, each in a real shell under tmux, with the
completion installed the way the package installs it (zsh: a #compdef file in $fpath, so the
very first TAB of a new shell must already complete); plus bash driven directly for the finer
cases, and shellcheck on the bash script."""
import os
import re
import shutil
import subprocess

import pytest

from harness import PHAROCTL, wait_until


def script(shell):
    proc = subprocess.run([PHAROCTL, "completion", shell], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def make_home(root):
    home = root / "home"
    for name, count in [("shop", 3), ("shipping", 1), ("blog", 2)]:
        (home / name).mkdir(parents=True)
        (home / name / "service.toml").write_text(f'name = "{name}"\n\n[instances]\ncount = {count}\n')
    (home / "shadow").mkdir()  # no service.toml: not a service
    return home


class Tmux:
    """A shell in a tmux session of its own, typed into and read like a terminal."""

    def __init__(self, tmp_path, command, env):
        self.sock = f"pharoctl-completion-{os.getpid()}-{id(self)}"
        self.env = {**os.environ, **env, "TERM": "xterm"}
        self.env.pop("TMUX", None)
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "160", "-y", "40", command)

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.sock, *args], capture_output=True, text=True, env=self.env,
                              check=True, timeout=10).stdout

    def screen(self):
        return self.tmux("capture-pane", "-p", "-J", "-t", "t")

    def type(self, text):
        self.tmux("send-keys", "-t", "t", "-l", text)

    def key(self, *keys):
        self.tmux("send-keys", "-t", "t", *keys)

    def tab_completes(self, typed, line, prompt=None):
        """Types `typed` on an empty line, presses TAB, and waits for the prompt line to read `line`."""
        prompt = prompt or line.split(" ", 1)[0] + " "
        self.key("C-u")
        self.type(typed)
        self.key("Tab")
        wait_until(lambda: prompt_line(self.screen(), prompt).rstrip() == line, timeout=10,
                   what=f"{typed!r} + TAB to give {line!r}; screen:\n{self.screen()}")

    def tab_lists(self, typed, seen, tabs=1):
        self.key("C-u")
        self.type(typed)
        for _ in range(tabs):
            self.key("Tab")
        wait_until(lambda: seen(self.screen()), timeout=10, what=f"{typed!r} + TAB; screen:\n{self.screen()}")

    def close(self):
        subprocess.run(["tmux", "-L", self.sock, "kill-server"], capture_output=True, timeout=10)


@pytest.fixture
def tmux_needed():
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (scripts/packages.txt lists it)")


def prompt_line(screen, marker):
    lines = [line for line in screen.splitlines() if line.startswith(marker)]
    return lines[-1] if lines else ""


def test_zsh_completes_a_service_and_an_instance_on_the_first_tab(tmp_path, tmux_needed):
    if shutil.which("zsh") is None:
        pytest.skip("zsh is not installed (scripts/packages.txt lists it)")
    home = make_home(tmp_path)
    fpath = tmp_path / "zfunc"
    fpath.mkdir()
    (fpath / "_pharoctl").write_text(script("zsh"))
    zdot = tmp_path / "zdot"
    zdot.mkdir()
    # What a user's .zshrc does: the vendor directory in fpath, then compinit; nothing else.
    (zdot / ".zshrc").write_text(f"fpath=({fpath} $fpath)\nautoload -Uz compinit\ncompinit -u -d {zdot}/.zcompdump\n"
                                 "PS1='ZSH> '\n")
    t = Tmux(tmp_path, "zsh -i", {"ZDOTDIR": str(zdot), "PHARO_HOME": str(home), "HOME": str(tmp_path)})
    try:
        wait_until(lambda: "ZSH> " in t.screen(), timeout=15, what="the zsh prompt")
        # The very first TAB of the shell: a service.
        t.tab_completes("pharoctl restart shi", "ZSH> pharoctl restart shipping")
        t.tab_lists("pharoctl restart shop@", lambda screen: all(f"shop@{i}" in screen for i in range(3)))
        assert "shop@shop" not in t.screen()
        t.tab_completes("pharoctl logs blog@1", "ZSH> pharoctl logs blog@1")
        # Options: the global ones after the command, and the command's own.
        t.tab_completes("pharoctl status --js", "ZSH> pharoctl status --json")
        t.tab_completes("pharoctl logs --fol", "ZSH> pharoctl logs --follow")
        # Descriptions (one has a quote, some a colon) are listed whole.
        t.tab_lists("pharoctl e", lambda screen: "Evaluate one expression" in screen)
        t.tab_lists("pharoctl sup", lambda screen: "systemd's ExecStart" in screen or "ZSH> pharoctl supervise" in screen)
    finally:
        t.close()


def test_zsh_script_quotes_quotes_and_colons():
    text = script("zsh")
    assert text.startswith("#compdef pharoctl\n")
    assert text.rstrip().endswith("fi")
    assert "_pharoctl \"$@\"" in text
    # `systemd's` in a description: quoted for the shell, not replaced.
    assert "systemd'\\''s" in text
    proc = subprocess.run(["zsh", "-n"], input=text, capture_output=True, text=True) if shutil.which("zsh") else None
    if proc is not None:
        assert proc.returncode == 0, proc.stderr


def test_bash_completes_instances_after_the_at_sign_in_a_real_bash(tmp_path, tmux_needed):
    home = make_home(tmp_path)
    rc = tmp_path / "bashrc"
    completion = tmp_path / "pharoctl.bash"
    completion.write_text(script("bash"))
    rc.write_text(f"source {completion}\nPS1='BASH> '\n")
    t = Tmux(tmp_path, f"bash --noprofile --rcfile {rc} -i", {"PHARO_HOME": str(home)})
    try:
        wait_until(lambda: "BASH> " in t.screen(), timeout=15, what="the bash prompt")
        # bash lists the part of the word it replaces, which starts at the @: @0 @1 @2.
        t.tab_lists("pharoctl restart shop@", lambda screen: re.search(r"^@0\s+@1\s+@2\s*$", screen, re.M), tabs=2)
        assert "shop@shop" not in t.screen()
        t.tab_completes("pharoctl restart shop@1", "BASH> pharoctl restart shop@1")
        t.tab_lists("pharoctl restart blog@", lambda screen: re.search(r"^@0\s+@1\s*$", screen, re.M), tabs=2)
        t.tab_completes("pharoctl restart blog@0", "BASH> pharoctl restart blog@0")
        assert "blog@blog" not in t.screen() and "blog@shop" not in t.screen()
    finally:
        t.close()


def bash_complete(completion, home, line):
    """The completion function as bash calls it for the line typed so far."""
    cmd = f"""source {completion}
COMP_LINE={line!r}; COMP_POINT=${{#COMP_LINE}}
read -ra COMP_WORDS <<< "$COMP_LINE"; COMP_CWORD=${{#COMP_WORDS[@]}}
_pharoctl
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    proc = subprocess.run(["bash", "--norc", "--noprofile", "-c", cmd], capture_output=True, text=True,
                          env={**os.environ, "PHARO_HOME": str(home)}, timeout=10)
    assert proc.returncode == 0, proc.stderr
    return [w for w in proc.stdout.splitlines() if w]


def test_bash_completion_cases(tmp_path):
    home = make_home(tmp_path)
    completion = tmp_path / "pharoctl.bash"
    completion.write_text(script("bash"))
    c = lambda line: bash_complete(completion, home, line)
    assert sorted(c("pharoctl status sh")) == ["shipping", "shop"]
    assert c("pharoctl sta") == ["start", "status"]
    assert "--json" in c("pharoctl --")
    assert "--json" in c("pharoctl status --")  # globals after the command
    assert "--follow" in c("pharoctl logs shop --")
    assert c("pharoctl export sy") == ["systemd"]
    assert c("pharoctl export systemd sh") == ["shipping", "shop"]
    assert c("pharoctl install 1") == ["100", "110", "120", "130", "140"]
    assert c("pharoctl help dep") == ["deploy"]
    # bash replaces the word from the @ on (the @ is one of its break characters that it
    # keeps in the word): the replies start there.
    assert c("pharoctl restart shop@") == ["@0", "@1", "@2"]
    assert c("pharoctl --json logs blog@1") == ["@1"]
    assert c("pharoctl restart nosuch@") == []
    # --home on the line wins over PHARO_HOME, before or after the command.
    other = tmp_path / "other"
    (other / "solo").mkdir(parents=True)
    (other / "solo" / "service.toml").write_text('name = "solo"\n')
    assert c(f"pharoctl --home {other} logs s") == ["solo"]
    assert c(f"pharoctl logs --home {other} s") == ["solo"]
    assert c(f"pharoctl --home={other} logs s") == ["solo"]
    # an option's value is no positional: --timeout 5s, then the service
    assert c("pharoctl eval --timeout 5s sh") == ["shipping", "shop"]


def test_bash_completion_passes_shellcheck(tmp_path):
    if not shutil.which("shellcheck"):
        pytest.skip("shellcheck is not installed (setup.sh installs it)")
    completion = tmp_path / "pharoctl.bash"
    completion.write_text(script("bash"))
    proc = subprocess.run(["shellcheck", "-s", "bash", str(completion)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout
