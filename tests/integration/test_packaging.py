"""The .deb (CPack): lintian-clean, hardened binaries (hardening-check), the Debian layout
(helpers in libexec, man pages compressed, /usr/share/doc/pharoctl with copyright and
changelog), the licence the same in LICENSE and debian copyright; it installs with dpkg into a
scratch root and runs from there; the man page renders."""
import glob
import os
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


def deb_field(deb, field):
    return subprocess.run(["dpkg-deb", "-f", deb, field], capture_output=True, text=True, check=True).stdout.strip()


def deb_members(deb):
    listing = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True, text=True, check=True).stdout
    return {line.split()[-1] if " -> " not in line else line.split()[-3] for line in listing.splitlines()}


def test_deb_layout(deb):
    assert deb_field(deb, "Package") == "pharoctl"
    assert "libc6" in deb_field(deb, "Depends")  # computed from the linked libraries
    recommends = deb_field(deb, "Recommends")
    suggests = deb_field(deb, "Suggests")
    for optional in ["nginx", "monit"]:
        assert optional not in recommends and optional in suggests
    description = deb_field(deb, "Description").splitlines()
    assert len(description) > 3  # an extended description
    members = deb_members(deb)
    for member in ["./usr/bin/pharoctl", "./usr/libexec/pharoctl/pharoctl-supervise", "./usr/libexec/pharoctl/pharo-sim",
                   "./usr/libexec/pharoctl/pharoctl-container",
                   "./usr/share/man/man1/pharoctl.1.gz", "./usr/share/man/man1/pharo-sim.1.gz",
                   "./usr/share/man/man8/pharoctl-supervise.8.gz",
                   "./usr/share/doc/pharoctl/copyright", "./usr/share/doc/pharoctl/changelog.gz",
                   "./usr/share/bash-completion/completions/pharoctl", "./usr/share/zsh/vendor-completions/_pharoctl"]:
        assert member in members, member
    on_path = sorted(m for m in members if m.startswith("./usr/bin/") and m != "./usr/bin/")
    assert on_path == ["./usr/bin/pharoctl"]


def test_lintian_is_clean(deb):
    if subprocess.run(["which", "lintian"], capture_output=True).returncode != 0:
        pytest.skip("lintian is not installed (scripts/packages.txt lists it)")
    proc = subprocess.run(["lintian", "--fail-on", "error,warning", "--display-level", ">=warning", deb],
                          capture_output=True, text=True, timeout=600)
    tags = [line for line in proc.stdout.splitlines() if line[:2] in ("E:", "W:")]
    assert proc.returncode == 0 and not tags, proc.stdout + proc.stderr


def test_hardening_check_passes_on_every_binary(deb, tmp_path):
    if subprocess.run(["which", "hardening-check"], capture_output=True).returncode != 0:
        pytest.skip("hardening-check is not installed (devscripts, in scripts/packages.txt)")
    subprocess.run(["dpkg-deb", "-x", deb, str(tmp_path)], check=True)
    binaries = []
    for root, _, files in os.walk(tmp_path):
        for f in files:
            path = os.path.join(root, f)
            with open(path, "rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    binaries.append(path)
    assert len(binaries) == 4, binaries
    for b in binaries:
        # --nocfprotection: Debian 12's startup files (crt*.o) carry no CET property, so the
        # linker drops it from every program linked there, this one or a trivial main() built
        # with -fcf-protection alike; everything else is required.
        proc = subprocess.run(["hardening-check", "--nocfprotection", b], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        for feature in ["Position Independent Executable: yes", "Stack protected: yes",
                        "Fortify Source functions: yes", "Read-only relocations: yes", "Immediate binding: yes"]:
            assert feature in proc.stdout, (b, proc.stdout)


def test_licence_and_copyright_say_the_same(deb, tmp_path):
    from harness import SOURCE_DIR
    licence = open(os.path.join(SOURCE_DIR, "LICENSE")).read()
    assert licence.startswith("MIT License")
    subprocess.run(["dpkg-deb", "-x", deb, str(tmp_path)], check=True)
    copyright = (tmp_path / "usr/share/doc/pharoctl/copyright").read_text()
    assert copyright.startswith("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/")
    body = copyright.split("\nLicense: Expat\n", 2)[2]
    text = "\n".join("" if line == " ." else line[1:] for line in body.rstrip("\n").splitlines())
    assert text in licence, "debian copyright's licence text differs from LICENSE"
    holder = [line for line in licence.splitlines() if line.startswith("Copyright")][0]
    assert holder.replace("Copyright (c) ", "Copyright: ") in copyright


def test_changelog_matches_the_version_and_the_man_date(deb, tmp_path):
    import gzip
    import re
    subprocess.run(["dpkg-deb", "-x", deb, str(tmp_path)], check=True)
    changelog = gzip.decompress((tmp_path / "usr/share/doc/pharoctl/changelog.gz").read_bytes()).decode()
    version = deb_field(deb, "Version")
    assert changelog.startswith(f"pharoctl ({version}) ")
    man = gzip.decompress((tmp_path / "usr/share/man/man1/pharoctl.1.gz").read_bytes()).decode()
    date = re.match(r'\.TH PHAROCTL 1 "([0-9-]+)"', man).group(1)
    trailer = [line for line in changelog.splitlines() if line.startswith(" -- ")][0]
    import datetime
    released = datetime.datetime.strptime(trailer.split("  ")[-1], "%a, %d %b %Y %H:%M:%S %z").date().isoformat()
    assert date == released


def test_deb_installs_with_dpkg_and_finds_its_helpers(deb, tmp_path):
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
    installed = str(root / "usr/bin/pharoctl")
    version = subprocess.run([installed, "--version"], capture_output=True, text=True, timeout=10)
    assert version.returncode == 0 and version.stdout.startswith("pharoctl ")
    # pharo-sim is found in libexec, with a PATH that has none.
    home = tmp_path / "home"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    sim = subprocess.run([installed, "--home", str(home), "install", "sim"], capture_output=True, text=True,
                         timeout=120, env=env)
    assert sim.returncode == 0, sim.stderr
    assert (home / "runtimes" / "sim" / "pharo-vm" / "pharo").exists()
    supervise = subprocess.run([str(root / "usr/libexec/pharoctl/pharoctl-supervise")], capture_output=True,
                               text=True, timeout=10)
    assert supervise.returncode == 2 and "pharoctl supervise NAME" in supervise.stderr


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
