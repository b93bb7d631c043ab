"""pharo-sim as a VM from the outside: the command line by generation, image files, the image's
command-line handlers, the startup script, PharoDebug.log, signals."""
import os
import signal
import struct
import subprocess

import pytest

from harness import PHARO_SIM, port_open, wait_until
from sim_support import GUARD, Session, Vm, http, make_runtime


def run(runtime, *args, cwd=None, input=None, env=None, timeout=20):
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run([os.path.join(runtime, "pharo-vm", "pharo"), *args], cwd=cwd, input=input, env=full_env,
                          capture_output=True, text=True, timeout=timeout, stdin=None if input is not None else subprocess.DEVNULL)


@pytest.fixture(scope="module")
def new_rt(tmp_path_factory):
    return str(make_runtime(tmp_path_factory.mktemp("new") / "rt", version="130"))


@pytest.fixture(scope="module")
def old_rt(tmp_path_factory):
    return str(make_runtime(tmp_path_factory.mktemp("old") / "rt", version="80"))


@pytest.fixture
def rt(new_rt, tmp_path):
    """A private copy of the new runtime's image, so handlers may save over it."""
    import shutil
    d = tmp_path / "rt"
    shutil.copytree(new_rt, d, symlinks=True)
    return str(d)


def test_runtime_layout(new_rt):
    names = sorted(os.listdir(new_rt))
    assert names == ["Pharo.changes", "Pharo.image", "Pharo13.0-64bit-e9a5c7c.sources", "pharo", "pharo-ui", "pharo-vm"]
    vm = os.path.join(new_rt, "pharo-vm", "pharo")
    assert os.access(vm, os.X_OK) and not os.path.islink(vm)


def test_image_header(new_rt, old_rt):
    for rt, version in [(new_rt, 130), (old_rt, 0)]:
        data = open(os.path.join(rt, "Pharo.image"), "rb").read()
        fmt, header, size = struct.unpack_from("<IIQ", data)
        assert (fmt, header, size) == (68021, 128, len(data) - 128)
        assert struct.unpack_from("<H", data, 70)[0] == version


def test_version_by_generation(new_rt, old_rt):
    out = run(new_rt, "--version")
    assert out.returncode == 0 and out.stdout.startswith("Pharo ") and "Built from:" in out.stdout
    for flag in ["--version", "-version"]:
        out = run(old_rt, flag)
        assert out.returncode == 0 and out.stdout.startswith("5.0-")
        assert "CoInterpreter" in out.stdout and "StackToRegisterMappingCogit" in out.stdout


def test_headless_options_new_vm(new_rt):
    assert run(new_rt, "--headless", os.path.join(new_rt, "Pharo.image"), "eval", "1").returncode == 0
    assert run(new_rt, "--vm-display-null", os.path.join(new_rt, "Pharo.image"), "eval", "1").returncode == 0
    out = run(new_rt, "--nodisplay", os.path.join(new_rt, "Pharo.image"), "eval", "1")
    assert out.returncode == 1
    assert out.stderr.startswith("Invalid or unknown VM parameter --nodisplay\nUsage: ")
    assert out.stdout == ""


def test_headless_options_old_vm(old_rt):
    image = os.path.join(old_rt, "Pharo.image")
    for flag in ["--nodisplay", "-vm-display-null", "--vm-display-null", "--headless"]:
        out = run(old_rt, flag, image, "eval", "3 + 4")
        assert (out.returncode, out.stdout) == (0, "7\n"), flag
    out = run(old_rt, "--bogus", image, "eval", "1")
    assert out.returncode == 1
    lines = out.stderr.splitlines()
    assert lines[0] == "unknown option: --bogus"
    assert lines[1].startswith("Usage: ") and lines[1].endswith(" [<option>...] [<imageName> [<argument>...]]")
    assert len(lines) == 3


def test_not_an_image(new_rt, tmp_path):
    bad = tmp_path / "bad.image"
    bad.write_text("<html>404 Not Found</html>" * 10)
    out = run(new_rt, str(bad), "eval", "1")
    assert out.returncode == 1 and "cannot read image file" in out.stderr
    out = run(new_rt, str(tmp_path / "missing.image"), "eval", "1")
    assert out.returncode == 1 and "missing.image" in out.stderr
    truncated = tmp_path / "short.image"
    truncated.write_bytes(open(os.path.join(new_rt, "Pharo.image"), "rb").read()[:-10])
    out = run(new_rt, str(truncated), "eval", "1")
    assert out.returncode == 1 and "truncated" in out.stderr


def test_no_arguments_prints_help(rt):
    out = run(rt, "--headless", os.path.join(rt, "Pharo.image"))
    assert out.returncode == 0 and out.stdout.startswith("Usage:")


def test_eval_handler(rt):
    image = os.path.join(rt, "Pharo.image")
    assert run(rt, image, "eval", "(3 + 4) factorial").stdout == "5040\n"
    assert run(rt, image, "eval", "2 + 3 * 4").stdout == "20\n"  # binary messages strictly left to right
    assert run(rt, image, "eval", "2 + 3 factorial").stdout == "8\n"  # unary first
    assert run(rt, image, "eval", input="'from' , ' stdin'").stdout == "'from stdin'\n"
    out = run(rt, image, "eval", "1/0")
    assert out.returncode == 1 and "ZeroDivide" in out.stderr


def test_printversion_save_clean(rt, tmp_path):
    image = os.path.join(rt, "Pharo.image")
    out = run(rt, image, "printVersion")
    assert out.returncode == 0 and out.stdout.startswith("Pharo-13.0")
    # save writes next to the image, not into the working directory
    assert run(rt, image, "save", "Copy", cwd=str(tmp_path)).returncode == 0
    assert os.path.exists(os.path.join(rt, "Copy.image")) and os.path.exists(os.path.join(rt, "Copy.changes"))
    assert not os.path.exists(tmp_path / "Copy.image")
    assert run(rt, os.path.join(rt, "Copy.image"), "clean", "--production").returncode == 0


def test_st_save_quit_and_metacello_state(rt, tmp_path):
    image = os.path.join(rt, "Pharo.image")
    repo = tmp_path / "repo" / "src" / "BaselineOfShop"
    repo.mkdir(parents=True)
    build = tmp_path / "build.st"
    build.write_text(GUARD + f"""Metacello new
  repository: 'tonel://{tmp_path}/repo/src';
  baseline: 'Shop';
  load: #('default' 'tests').
EpMonitor current disable.
Smalltalk snapshot: true andQuit: true.
""")
    out = run(rt, "--headless", image, "st", "--save", "--quit", str(build))
    assert out.returncode == 0, out.stderr
    assert "BaselineOfShop" in out.stdout
    assert run(rt, image, "eval", "Smalltalk hasClassNamed: #BaselineOfShop").stdout == "true\n"
    assert run(rt, image, "eval", "Smalltalk hasClassNamed: #NeoConsoleTelnetServer").stdout == "true\n"


def test_metacello_install_handler(rt, tmp_path):
    image = os.path.join(rt, "Pharo.image")
    (tmp_path / "r" / "BaselineOfApp.package").mkdir(parents=True)
    out = run(rt, image, "metacello", "install", f"filetree://{tmp_path}/r", "BaselineOfApp", "--groups=core,web")
    assert out.returncode == 0, out.stderr
    assert run(rt, image, "eval", "Smalltalk hasClassNamed: #BaselineOfApp").stdout == "true\n"
    out = run(rt, image, "metacello", "install", f"tonel://{tmp_path}/nowhere", "BaselineOfApp", cwd=str(tmp_path))
    assert out.returncode == 1
    assert "Could not resolve" in (tmp_path / "PharoDebug.log").read_text()


def test_errors_write_pharodebug_log_and_exit_1(rt, tmp_path):
    image = os.path.join(rt, "Pharo.image")
    cases = {
        "signal.st": "Transcript show: 'before'; cr.\nError signal: 'boom'.\nTranscript show: 'after'.\n",
        "bracket.st": "Transcript show: 'x'.\n[ 3 + 4 .\n",
        "quote.st": "Transcript show: 'unterminated.\n",
        "nil.st": "NeoConsoleTelnetServer startOn: 4999.\n",  # NeoConsole not loaded: nil DNU
    }
    for name, text in cases.items():
        d = tmp_path / name.replace(".st", "")
        d.mkdir()
        (d / name).write_text(text)
        out = run(rt, "--headless", image, "st", name, cwd=str(d))
        assert out.returncode == 1, name
        log = (d / "PharoDebug.log").read_text()
        assert log.startswith("THERE_BE_DRAGONS_HERE\n"), name
        if name == "signal.st":
            assert "Error: boom" in log and "before" in out.stdout and "after" not in out.stdout
        if name == "bracket.st":
            assert "x" not in out.stdout  # a syntax error refuses the whole script


def test_unknown_statements_are_skipped_with_a_note(rt, tmp_path):
    image = os.path.join(rt, "Pharo.image")
    (tmp_path / "s.st").write_text("ZTimezone reloadAll.\nTranscript show: 'still here'; cr.\nSmalltalk quit.\n")
    out = run(rt, image, "st", "s.st", cwd=str(tmp_path))
    assert out.returncode == 0
    assert "s.st:1: skipped" in out.stdout and "still here\n" in out.stdout


def test_file_in_and_shebang(rt, tmp_path):
    image = os.path.join(rt, "Pharo.image")
    (tmp_path / "lib.st").write_text("Transcript show: 'lib loaded'; cr.\n")
    (tmp_path / "main.st").write_text("#!/usr/bin/env pharo\nCodeImporter evaluateFileNamed: 'lib.st'.\n'lib.st' asFileReference fileIn.\nSmalltalk quit.\n")
    out = run(rt, image, "st", "main.st", cwd=str(tmp_path))
    assert out.returncode == 0 and out.stdout == "lib loaded\nlib loaded\n"


CLASSIC = """(NeoConsoleTranscript onFileNamed: 'server-{{1}}.log') install.

Transcript
  cr;
  show: 'Starting '; show: (NeoConsoleTelnetServer startOn: {telnet}); cr;
  show: 'Starting '; show: (NeoConsoleMetricDelegate startOn: {metrics}); cr;
  flush.

ZnLogEvent logToTranscript.

(ZnServer defaultOn: {http})
  logToTranscript;
  logLevel: 2;
  start.
"""


def test_classic_startup_script_runs_unchanged(rt, tmp_path):
    image = os.path.join(rt, "Pharo.image")
    # The classic script assumes an image with NeoConsole: build one first, as users did.
    assert run(rt, image, "metacello", "install", "github://svenvc/NeoConsole/src", "BaselineOfNeoConsole").returncode == 0
    work = tmp_path / "svc"
    work.mkdir()
    vm = Vm(rt, str(work), script=lambda v: CLASSIC.format(telnet=v.telnet, metrics=v.metrics, http=v.http))
    try:
        vm.wait_healthy()
        wait_until(lambda: port_open(vm.http), timeout=5, what="the application's ZnServer")
        status, _, body = http(vm.http, "/")
        assert status == 200 and body
        logs = [f for f in os.listdir(work) if f.startswith("server-") and f.endswith(".log")]
        assert len(logs) == 1 and len(logs[0]) == len("server-2026-11-23.log")
        text = wait_until(lambda: (lambda t: "Started ZnManagingMultiThreadedServer" in t and t)((work / logs[0]).read_text()),
                          timeout=5, what="the transcript lines")
        assert f"\nStarting a NeoConsoleTelnetServer(running {vm.telnet})\n" in text
        assert f"Starting a ZnManagingMultiThreadedServer(running {vm.metrics})\n" in text
        s = Session(vm.telnet)
        s.greeting()
        assert s.ask("3 + 4\n\n") == b"7\n"
        s.close()
    finally:
        vm.stop()


def test_environment_port_and_transcript_stdout(rt, tmp_path):
    vm = Vm(rt, str(tmp_path)).wait_healthy()
    try:
        wait_until(lambda: port_open(vm.http), timeout=5, what="the application's ZnServer")
        assert http(vm.http, "/anything")[0] == 200  # PHAROCTL_HTTP_PORT read by OSEnvironment
    finally:
        vm.stop()


def test_signals(rt, tmp_path):
    vm = Vm(rt, str(tmp_path)).wait_healthy()
    try:
        vm.proc.send_signal(signal.SIGINT)
        s = Session(vm.telnet)  # still answering after SIGINT
        s.greeting()
        assert s.ask("1 + 1\n\n") == b"2\n"
        s.close()
        assert vm.proc.poll() is None
        vm.proc.send_signal(signal.SIGTERM)
        assert vm.proc.wait(timeout=5) == -signal.SIGTERM
    finally:
        vm.stop()
    vm = Vm(rt, str(tmp_path)).wait_healthy()
    vm.proc.send_signal(signal.SIGKILL)
    assert vm.proc.wait(timeout=5) == -signal.SIGKILL
    vm.stop()


def test_process_is_the_vm(rt, tmp_path):
    vm = Vm(rt, str(tmp_path)).wait_healthy()
    try:
        exe = os.readlink(f"/proc/{vm.proc.pid}/exe")
        assert exe == os.path.join(rt, "pharo-vm", "pharo")
        assert http(vm.metrics, "/metrics/memory.total")[2].strip().isdigit()
    finally:
        vm.stop()


def test_port_in_use_kills_the_image(rt, tmp_path):
    first = Vm(rt, str(tmp_path)).wait_healthy()
    try:
        d = tmp_path / "second"
        d.mkdir()
        script = GUARD + f"NeoConsoleTelnetServer startOn: {first.telnet}.\n"
        second = Vm(rt, str(d), script=script)
        assert second.proc.wait(timeout=10) == 1
        assert "Address already in use" in (d / "PharoDebug.log").read_text()
        second.stop()
    finally:
        first.stop()


def test_application_metric(rt, tmp_path):
    def script(v):
        return GUARD + f"""NeoConsoleTelnetServer startOn: {v.telnet}.
orders := 41.
NeoConsoleMetric addNamed: 'app.orders' description: 'Orders so far' reader: [ orders + 1 ].
NeoConsoleMetricDelegate startOn: {v.metrics}.
"""
    vm = Vm(rt, str(tmp_path), script=script).wait_healthy()
    try:
        assert http(vm.metrics, "/metrics/app.orders")[2] == b"42\n"
        assert b"/metrics/app.orders - Orders so far\n" in http(vm.metrics, "/metrics")[2]
        s = Session(vm.telnet)
        s.greeting()
        assert s.ask("get app.orders\n") == b"42\n"
        s.close()
    finally:
        vm.stop()


def test_default_app_st_answers_its_page(rt, tmp_path):
    # The form pharoctl's `new` writes into app.st, filed in by the run script.
    (tmp_path / "app.st").write_text(
        "(ZnServer defaultOn: (OSEnvironment current at: 'PHAROCTL_HTTP_PORT' ifAbsent: [ '8080' ]) asInteger)\n"
        "  logToTranscript;\n"
        "  onRequestRespond: [ :request |\n"
        "    ZnResponse ok: (ZnEntity html: '<h1>Hello from shop</h1>') ];\n"
        "  start.\n")

    def script(v):
        return GUARD + f"""NeoConsoleTelnetServer startOn: {v.telnet}.
NeoConsoleMetricDelegate startOn: {v.metrics}.
'app.st' asFileReference fileIn.
"""
    vm = Vm(rt, str(tmp_path), script=script)
    vm.expect_open = [vm.http]
    vm.wait_healthy()
    try:
        status, headers, body = http(vm.http, "/any/path")
        assert (status, headers["content-type"], body) == (200, "text/html;charset=utf-8", b"<h1>Hello from shop</h1>")
    finally:
        vm.stop()
