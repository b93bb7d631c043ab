"""The .deb (CPack) installs with dpkg into a scratch root and runs; the completions work in a
real bash; the man page renders."""
import glob
import os
import shutil
import subprocess

import pytest

from harness import PHAROCTL, pharoctl

BUILD_DIR = os.path.dirname(os.path.abspath(PHAROCTL))


@pytest.fixture(scope="module")
def deb(tmp_path_factory):
    out = tmp_path_factory.mktemp("deb")
    proc = subprocess.run(["cpack", "-G", "DEB", "--config", os.path.join(BUILD_DIR, "CPackConfig.cmake"), "-B", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    debs = glob.glob(str(out / "*.deb"))
    assert len(debs) == 1, debs
    return debs[0]


def test_deb_installs_with_dpkg_and_runs(deb, tmp_path):
    info = subprocess.run(["dpkg-deb", "-f", deb, "Package", "Depends"], capture_output=True, text=True, check=True).stdout
    assert "Package: pharoctl" in info
    assert "libc6" in info  # Depends computed from the linked libraries
    files = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True, text=True, check=True).stdout
    for member in ["./usr/bin/pharoctl", "./usr/bin/pharoctl-supervise", "./usr/bin/pharoctl-container",
                   "./usr/share/man/man1/pharoctl.1",
                   "./usr/share/bash-completion/completions/pharoctl", "./usr/share/zsh/vendor-completions/_pharoctl"]:
        assert member in files
    root = tmp_path / "root"
    for d in ["var/lib/dpkg/info", "var/lib/dpkg/updates"]:
        (root / d).mkdir(parents=True)
    (root / "var/lib/dpkg/status").write_text("")
    # The scratch root has no dpkg database of the host's libraries, hence --force-depends.
    proc = subprocess.run(["dpkg", f"--root={root}", "--force-depends", "--force-not-root", "-i", deb],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "pharoctl\tinstall ok installed" in subprocess.run(
        ["dpkg-query", f"--admindir={root}/var/lib/dpkg", "-W", "-f=${Package}\t${Status}\n", "pharoctl"],
        capture_output=True, text=True).stdout
    version = subprocess.run([str(root / "usr/bin/pharoctl"), "--version"], capture_output=True, text=True, timeout=10)
    assert version.returncode == 0 and version.stdout.startswith("pharoctl ")


def bash_complete(script, home, words):
    """Runs the completion function in a real bash as the shell would for `words`."""
    line = " ".join(words)
    cmd = f"""source {script}
complete -p pharoctl
COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}
_pharoctl
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    proc = subprocess.run(["bash", "--norc", "--noprofile", "-c", cmd], capture_output=True, text=True,
                          env={**os.environ, "PHARO_HOME": str(home)}, timeout=10)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "complete -F _pharoctl pharoctl"
    return lines[1:]


def test_bash_completion(home, tmp_path):
    script = tmp_path / "pharoctl.bash"
    script.write_text(pharoctl(home, "completion", "bash", check=0).stdout)
    for name in ["shop", "shipping", "blog"]:
        (home / name).mkdir()
        (home / name / "service.toml").write_text(f'name = "{name}"\n')
    (home / "shadow").mkdir()  # no service.toml: not a service
    assert sorted(bash_complete(script, home, ["pharoctl", "status", "sh"])) == ["shipping", "shop"]
    assert bash_complete(script, home, ["pharoctl", "sta"]) == ["start", "status"]
    assert "--json" in bash_complete(script, home, ["pharoctl", "--"])
    assert bash_complete(script, home, ["pharoctl", "export", "sy"]) == ["systemd"]
    # --home on the command line wins over PHARO_HOME
    other = tmp_path / "other"
    (other / "solo").mkdir(parents=True)
    (other / "solo" / "service.toml").write_text('name = "solo"\n')
    assert bash_complete(script, home, ["pharoctl", "--home", str(other), "logs", "s"]) == ["solo"]


def test_bash_completion_passes_shellcheck(home, tmp_path):
    if not shutil.which("shellcheck"):
        pytest.skip("shellcheck is not installed (setup.sh installs it)")
    script = tmp_path / "pharoctl.bash"
    script.write_text(pharoctl(home, "completion", "bash", check=0).stdout)
    proc = subprocess.run(["shellcheck", "-s", "bash", str(script)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


def test_zsh_completion_and_man_page(home):
    zsh = pharoctl(home, "completion", "zsh", check=0).stdout
    assert zsh.startswith("#compdef pharoctl")
    man = pharoctl(home, "man", check=0).stdout
    assert man.startswith(".TH PHAROCTL 1")
    proc = subprocess.run(["man", "-l", "-"], input=man, capture_output=True, text=True,
                          env={**os.environ, "MANWIDTH": "80", "MANPAGER": "cat"}, timeout=30)
    if proc.returncode == 0:
        assert "quickstart" in proc.stdout


def test_every_command_has_help_with_examples(home):
    top = pharoctl(home, "--help", check=0).stdout
    commands = []
    in_subs = False
    for line in top.splitlines():
        if line.strip().startswith("Subcommands"):
            in_subs = True
            continue
        if in_subs and line.startswith("  ") and line.strip():
            commands.append(line.split()[0])
    assert len(commands) >= 27
    for c in commands:
        out = pharoctl(home, c, "--help", check=0).stdout
        assert "Examples:" in out, c
