"""Command-line habits of systemctl, kubectl and git users: global options before and after the
command, `pharoctl help CMD`, the nearest command or option named for a typo, `pharoctl:` on
every error, --help that shows the global options and typed placeholders, --version with the
build's facts, `logs` without a service, and the man page agreeing with --help."""
import glob
import os
import re
import subprocess

import pytest

from harness import PHAROCTL, SOURCE_DIR


def run(*args, env=None, input=None):
    full = dict(os.environ)
    full.pop("PHARO_HOME", None)
    full.update(env or {})
    return subprocess.run([PHAROCTL, *args], capture_output=True, text=True, timeout=60, env=full,
                          input=input, stdin=None if input is not None else subprocess.DEVNULL)


@pytest.fixture
def shop_home(tmp_path):
    """A home with one service (no runtime needed: status and builds only read)."""
    home = tmp_path / "home"
    d = home / "shop"
    (d / "logs").mkdir(parents=True)
    (d / "service.toml").write_text('name = "shop"\nruntime = "sim"\n[app]\nhttp_port = 28080\n'
                                    '[console]\ntelnet_port = 29001\nmetrics_port = 29002\n')
    return home


# Each global option, with a command it changes, and what shows it took effect.
GLOBAL_CASES = [
    (["--json"], ["status"], lambda p: p.stdout.lstrip().startswith("{") and '"services"' in p.stdout),
    (["--no-color"], ["status"], lambda p: "\033[" not in p.stdout and "SERVICE" in p.stdout),
    (["-q"], ["runtimes"], lambda p: p.returncode == 0),
    (["--quiet"], ["runtimes"], lambda p: p.returncode == 0),
    (["-v"], ["status"], lambda p: "SERVICE" in p.stdout),
    (["--verbose"], ["status"], lambda p: "SERVICE" in p.stdout),
    (["--json"], ["builds", "shop"], lambda p: '"builds"' in p.stdout),
    (["--json"], ["runtimes"], lambda p: '"runtimes"' in p.stdout),
]


@pytest.mark.parametrize("option,command,took_effect", GLOBAL_CASES,
                         ids=[f"{' '.join(c[0])}-{c[1][0]}" for c in GLOBAL_CASES])
def test_global_option_before_and_after_the_command(shop_home, option, command, took_effect):
    home = ["--home", str(shop_home)]
    before = run(*home, *option, *command)
    after = run(*home, *command, *option)
    assert before.returncode in (0, 3), before.stderr
    assert (after.returncode, after.stdout) == (before.returncode, before.stdout), after.stderr
    assert took_effect(after), after.stdout


def test_home_before_and_after_the_command(shop_home):
    before = run("--home", str(shop_home), "--json", "status")
    after = run("status", "--json", "--home", str(shop_home))
    assert before.returncode == 3 and '"shop"' in before.stdout  # 3: stopped (status exit codes)
    assert after.stdout == before.stdout
    # --home=DIR spelling too
    assert run("status", f"--home={shop_home}", "--json").stdout == before.stdout


def test_quiet_and_verbose_contradict(shop_home):
    for args in (["-q", "status", "-v"], ["status", "-q", "--verbose"]):
        p = run("--home", str(shop_home), *args)
        assert p.returncode == 2
        assert p.stderr.startswith("pharoctl: ") and "-q" in p.stderr and "-v" in p.stderr


def test_help_command_is_the_commands_help(shop_home):
    for cmd in ["status", "deploy", "logs", "new", "help"]:
        via_help = run("help", cmd)
        assert via_help.returncode == 0, via_help.stderr
        assert via_help.stdout == run(cmd, "--help").stdout
    top = run("help")
    assert top.returncode == 0 and top.stdout == run("--help").stdout
    bad = run("help", "statsu")
    assert bad.returncode == 2
    assert bad.stderr.startswith("pharoctl: ") and "did you mean 'status'?" in bad.stderr


def test_typo_suggests_the_nearest_command(shop_home):
    p = run("--home", str(shop_home), "statsu")
    assert p.returncode == 2
    assert p.stderr.splitlines() == [
        "pharoctl: unknown command 'statsu' (did you mean 'status'?); `pharoctl help` lists the commands"]
    p = run("--json", "deplyo", "shop")
    assert p.returncode == 2 and "did you mean 'deploy'?" in p.stderr
    p = run("frobnicate")
    assert p.returncode == 2 and "unknown command 'frobnicate'" in p.stderr and "did you mean" not in p.stderr


def test_unknown_option_suggests_the_nearest(shop_home):
    p = run("--home", str(shop_home), "status", "--jsno")
    assert p.returncode == 2
    assert p.stderr.startswith("pharoctl status: unknown option '--jsno' (did you mean '--json'?)")
    p = run("--home", str(shop_home), "logs", "shop", "--folow")
    assert p.returncode == 2 and "did you mean '--follow'?" in p.stderr


def test_every_parse_error_carries_the_prefix(shop_home):
    cases = [
        ["logs", "shop", "-n", "many"],
        ["new", "--http-port"],
        ["completion", "fish"],
        ["--home"],
        [],
        ["export"],
    ]
    for args in cases:
        p = run(*args)
        assert p.returncode == 2, (args, p.stderr)
        lines = p.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("pharoctl"), (args, p.stderr)
        assert "Run with --help" not in p.stderr


def test_command_help_shows_globals_and_typed_placeholders():
    status = run("status", "--help").stdout
    assert "Global options (before or after the command):" in status
    for option in ["--home DIR", "--json", "-q,--quiet", "-v,--verbose", "--no-color", "--ssh USER@HOST"]:
        assert option in status, option
    assert status.rstrip().endswith("pharoctl --json status")  # the examples stay last
    new = run("new", "--help").stdout
    for option in ["--http-port PORT", "--telnet-port PORT", "--metrics-port PORT", "--instances NUMBER"]:
        assert option in new, option
    everything = "".join(run(c, "--help").stdout for c in ["new", "deploy", "enable", "install", "logs", "repl"])
    assert "Excludes" not in everything and "Needs" not in everything
    assert not re.search(r"-port TEXT", everything)
    top = run("--help").stdout
    assert "Excludes" not in top


def test_version_says_more():
    p = run("--version")
    assert p.returncode == 0
    lines = p.stdout.splitlines()
    assert re.fullmatch(r"pharoctl \d+\.\d+\.\d+", lines[0])
    text = p.stdout
    assert re.search(r"^commit: +([0-9a-f]{7,}|unknown)", text, re.M), text
    assert re.search(r"^build: +\w+, g\+\+ ", text, re.M), text
    assert "130" in text and "sim" in text and "Spur" in text
    assert run("status", "--version").stdout == p.stdout  # after the command too


def test_logs_without_a_service_shows_every_service(tmp_path):
    home = tmp_path / "home"
    for name, line in [("shop", "2026-11-23T10:00:00.000+00:00 shop line"),
                       ("blog", "2026-11-23T10:00:01.000+00:00 blog line")]:
        d = home / name
        (d / "logs").mkdir(parents=True)
        (d / "service.toml").write_text(f'name = "{name}"\nruntime = "sim"\n')
        (d / "logs" / f"{name}-2026-11-23.log").write_text(line + "\n")
    p = run("--home", str(home), "logs")
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == ["shop| 2026-11-23T10:00:00.000+00:00 shop line",
                                     "blog| 2026-11-23T10:00:01.000+00:00 blog line"]
    empty = tmp_path / "empty"
    empty.mkdir()
    p = run("--home", str(empty), "logs")
    assert p.returncode == 2 and p.stderr.startswith("pharoctl: no services in")


def man_sections(man):
    """{command: set of option spellings} from the man page's COMMANDS section."""
    out = {}
    current = None
    for line in man.splitlines():
        if line.startswith(".SH "):
            current = None
        if line.startswith(".SS "):
            current = line[4:].replace("\\-", "-")
            out[current] = {"options": set(), "text": ""}
        elif current is not None:
            out[current]["text"] += line.replace("\\-", "-") + "\n"
            for spelling in re.findall(r"\\fB(-[^\\]+)\\fR", line.replace("\\-", "-")):
                out[current]["options"].add(spelling)
    return out


def help_options(text):
    """Option spellings and descriptions listed in a --help."""
    options = {}
    section = None
    for line in text.splitlines():
        if line and not line.startswith(" "):
            section = line
            continue
        m = re.match(r"^  (-[^ ]+(?: [A-Z@,\[\]]+)?(?: \.\.\.)?)\s{2,}(.*)$", line)
        if m and section == "Options:":
            for spelling in m.group(1).split(" ")[0].split(","):
                options[spelling] = m.group(2)
    return options


def test_man_page_and_help_agree():
    man = run("man").stdout
    sections = man_sections(man)
    commands = [line.split()[0] for line in run("--help").stdout.split("Subcommands:")[1].splitlines() if line.strip()]
    assert set(commands) == set(sections), set(commands) ^ set(sections)
    for cmd in commands:
        help_text = run(cmd, "--help").stdout
        summary = help_text.splitlines()[0]
        assert summary in sections[cmd]["text"], cmd
        options = help_options(help_text)
        assert set(options) == sections[cmd]["options"], (cmd, set(options) ^ sections[cmd]["options"])
        for spelling, desc in options.items():
            assert desc.split(" (")[0] in sections[cmd]["text"].replace("\n", " "), (cmd, spelling, desc)
    globals_help = help_options(run("--help").stdout)
    globals_man = man.split(".SH GLOBAL OPTIONS")[1].split(".SH COMMANDS")[0].replace("\\-", "-")
    for spelling in globals_help:
        assert spelling in globals_man or spelling in ("-h", "--help", "--version"), spelling


def test_man_page_header_and_sections():
    man = run("man").stdout
    th = man.splitlines()[0]
    assert re.fullmatch(r'\.TH PHAROCTL 1 "\d{4}-\d{2}-\d{2}" "pharoctl \d+\.\d+\.\d+" "User Commands"', th), th
    name = man.split(".SH NAME\n")[1].split("\n")[0]
    assert name == "pharoctl \\- run Pharo Smalltalk servers in production"
    for section in ["SYNOPSIS", "DESCRIPTION", "GLOBAL OPTIONS", "COMMANDS", "EXIT STATUS", "ENVIRONMENT", "FILES",
                    "SEE ALSO"]:
        assert f".SH {section}\n" in man, section


def test_man_page_environment_lists_every_variable_the_code_reads():
    environment = run("man").stdout.split(".SH ENVIRONMENT")[1].split(".SH ")[0].replace("\\-", "-")
    read = set()
    for path in glob.glob(os.path.join(SOURCE_DIR, "src", "**", "*.cpp"), recursive=True):
        if path.endswith("_test.cpp"):
            continue
        read |= set(re.findall(r'getenv\("([A-Z_][A-Z0-9_]*)"\)', open(path).read()))
    keys = open(os.path.join(SOURCE_DIR, "src", "service", "credentials.hpp")).read()
    read |= set(re.findall(r'"([A-Z][A-Z_]+)"', keys.split("credential_keys")[1].split(";")[0]))
    assert read, "found no getenv calls: the pattern is stale"
    missing = sorted(v for v in read if v not in environment)
    assert not missing, f"variables the code reads but pharoctl(1) does not list: {missing}"
