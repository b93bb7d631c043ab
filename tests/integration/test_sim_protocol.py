"""NeoConsole's REPL and metrics server as pharo-sim serves them, over real sockets, against
neoconsole.md byte for byte."""
import re
import socket
import threading

import pytest

from harness import wait_until
from sim_support import PROMPT, Session, Vm, http, make_runtime, read_to_close, runtime, vm  # noqa: F401 (fixtures)

VERSION = "Pharo-13.0.0+SNAPSHOT.build.1630.sha.e9a5c7c (64 Bit)"
STATUS = re.compile(rb"Status OK - Clock \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d - Allocated \d{1,3}(,\d{3})* bytes - \d+\.\d\d % free\.\n")




@pytest.fixture
def session(vm):
    s = Session(vm.telnet)
    assert s.greeting() == f"NeoConsole {VERSION}\n".encode() + PROMPT
    yield s
    s.close()


def test_sample_session_byte_for_byte(vm):
    s = Session(vm.telnet)
    assert s.read_until(PROMPT) == b"NeoConsole " + VERSION.encode() + b"\npharo> "
    s.send("3 + 4\n")
    s.send("\n")
    assert s.read_until(PROMPT) == b"7\npharo> "
    s.send("get system.status\n")
    out = s.read_until(PROMPT)
    assert out.endswith(b"\npharo> ")
    assert STATUS.fullmatch(out[: -len(PROMPT)]), out
    s.send("quit\n")
    assert s.read_to_close() == b"Bye!\n"


def test_eval_is_the_default_and_multi_line(session):
    assert session.ask("eval 6 * 7\n\n") == b"42\n"
    assert session.ask("3 +\n4 *\n2\n\n") == b"14\n"
    assert session.ask("'it''s'\n\n") == b"'it''s'\n"
    assert session.ask("Smalltalk version\n\n") == f"'{VERSION}'\n".encode()


def test_line_ends_cr_lf_crlf(session):
    assert session.ask("1 + 1\r\r") == b"2\n"
    assert session.ask("2 + 2\r\n\r\n") == b"4\n"
    assert session.ask("3 + 3\n\n") == b"6\n"


def test_eval_failure_answers_failed_with(session):
    out = session.ask("1/0\n\n")
    assert out.startswith(b"a NeoConsoleEvalCommand(1/0) failed with ZeroDivide\n")
    out = session.ask("Object fooBar\n\n")
    assert b" failed with " in out


def test_eval_output_truncated_at_16384(session):
    out = session.ask("(2 raisedTo: 60000)\n\n")
    assert out.endswith(b" ... (truncated) ...\n")
    assert len(out) == 16384 + len(b" ... (truncated) ...\n")


def test_multi_line_result_is_one_line_each(session):
    assert session.ask("'a', (String with: Character cr), 'b'\n\n") != b""
    assert session.ask("get process.list\n").count(b"\n") >= 3


def test_get_lists_names_and_patterns(session):
    out = session.ask("get\n").decode()
    lines = out.splitlines()
    assert lines[0] == "known metrics:"
    names = [l.split(" - ")[0].strip() for l in lines[1:]]
    assert names == sorted(names)
    for name in ["system.status", "memory.total", "memory.free", "memory.gc", "process.count", "process.list",
                 "system.date", "system.time", "system.timestamp", "system.uptime", "system.uptimeseconds",
                 "system.version", "system.mcversions"]:
        assert f"  {name} - " in out
    assert session.ask("get system.version\n") == f"{VERSION}\n".encode()
    out = session.ask("get memory\n").decode()
    assert out.splitlines()[0] == "matching metrics:"
    assert all(l.startswith("  memory.") for l in out.splitlines()[1:])
    assert int(session.ask("get memory.total\n")) > 1_000_000
    assert re.fullmatch(rb"\d+ \w+ \d{4}\n", session.ask("get system.date\n"))
    assert re.fullmatch(rb"\d{1,2}:\d\d:\d\d [ap]m\n", session.ask("get system.time\n"))
    assert int(session.ask("get system.uptimeseconds\n")) >= 0
    assert b"BaselineOfNeoConsole" in session.ask("get system.mcversions\n")


def test_describe_and_equals(session):
    session.ask("3/4\n\n")
    out = session.ask("describe\n")
    assert out.startswith(b"self: (3/4)\nclass: Fraction\n")
    assert session.ask("=\n") == out


def test_history_commands(session):
    session.ask("history clear\n")
    session.ask("1 + 1\n\n")
    session.ask("2 + 2\n\n")
    assert session.ask("history\n") == b"1: 1 + 1\n2: 2 + 2\n"
    assert session.ask("!\n") == b"1: 1 + 1\n2: 2 + 2\n"
    assert session.ask("history 1\n") == b"2\n"
    assert session.ask("!!\n") == b"2\n"
    for i in range(12):
        session.ask(f"{i} + 0\n\n")
    assert len(session.ask("history\n").splitlines()) == 10
    assert len(session.ask("history all\n").splitlines()) > 10


def test_help_and_question_mark(session):
    out = session.ask("help\n").decode()
    assert out.startswith("help <command>\nknown commands are:\n")
    assert "  eval DEFAULT\n" in out
    for cmd in ["add", "describe", "get", "halt", "help", "history", "quit", "save", "show"]:
        assert f"  {cmd}\n" in out
    assert session.ask("?\n").decode() == out
    assert session.ask("help get\n").startswith(b"NeoConsoleGetCommand\n  ")
    assert session.ask("help nope\n") == b"unknown command <nope>\n"


def test_show_and_add(session):
    assert session.ask("add Object\nanswer\n  ^ 42\n\n") == b"#answer\n"
    assert session.ask("show Object>>#answer\n").startswith(b"answer")
    assert b"subclass: #ZnServer" in session.ask("show ZnServer\n")


def test_save_and_prefix_dispatch(vm, session, runtime):
    import os
    image = os.path.join(runtime, "Pharo.image")
    before = os.stat(image).st_mtime_ns
    assert session.ask("save\n") == b"Image saved.\n"
    # A line that merely begins with save runs save (plain prefix match, neoconsole.md).
    assert session.ask("saveX := 1\n") == b"Image saved.\n"
    assert os.stat(image).st_mtime_ns >= before


def test_quit_empty_line_and_ctrl_d_close(vm):
    for text in ["quit\n", "\n", "\x04\n"]:
        s = Session(vm.telnet)
        s.greeting()
        s.send(text)
        assert s.read_to_close() == b"Bye!\n"
        s.close()


def test_end_of_input_closes(vm):
    s = Session(vm.telnet)
    s.greeting()
    s.sock.shutdown(socket.SHUT_WR)
    assert s.read_to_close() == b"Bye!\n"


def test_idle_session_is_closed(runtime, tmp_path):
    # 60 s by default; PHARO_SIM_REPL_IDLE_SECONDS shortens it for tests
    v = Vm(runtime, str(tmp_path), env={"PHARO_SIM_REPL_IDLE_SECONDS": "0.3"}).wait_healthy()
    try:
        s = Session(v.telnet)
        s.greeting()
        s.send("1 + 1\n")  # an unfinished multi-line input ends at the idle limit too
        assert s.read_to_close(timeout=5) == b"2\npharo> Bye!\n"
        s = Session(v.telnet)
        s.greeting()
        assert s.read_to_close(timeout=5) == b"Bye!\n"
    finally:
        v.stop()


def test_halt_quits_the_image(vm, session):
    session.send("halt\n")
    wait_until(lambda: vm.proc.poll() is not None, timeout=5, what="VM exit after halt")
    assert vm.proc.returncode == 0


def test_concurrent_sessions(vm):
    results = {}

    def work(i):
        s = Session(vm.telnet)
        s.greeting()
        out = []
        for j in range(20):
            out.append(s.ask(f"{i} * 1000 + {j}\n\n"))
        s.send("quit\n")
        s.read_to_close()
        results[i] = out

    sessions = [Session(vm.telnet) for _ in range(3)]
    for s in sessions:
        s.greeting()  # three idle sessions open while the workers run
    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert sorted(results) == list(range(6))
    for i, out in results.items():
        assert out == [f"{i * 1000 + j}\n".encode() for j in range(20)]
    for s in sessions:
        assert s.ask("1 + 1\n\n") == b"2\n"
        s.close()


def test_metrics_http(vm):
    status, headers, body = http(vm.metrics, "/metrics")
    assert status == 200
    assert headers["content-type"] == "text/plain;charset=utf-8"
    lines = body.decode().split("\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    assert lines == sorted(lines)
    assert "/metrics/system.status - Simple system status" in lines
    status, headers, body = http(vm.metrics, "/metrics/system.status")
    assert status == 200 and STATUS.fullmatch(body)
    assert int(headers["content-length"]) == len(body)
    status, _, body = http(vm.metrics, "/metrics/process.list")
    assert body.endswith(b"\n") and b"\r" not in body
    # only the last segment names the metric
    assert http(vm.metrics, "/metrics/x/system.version")[2] == f"{VERSION}\n".encode()


def test_metrics_404s(vm):
    for path in ["/metrics/nope", "/other", "/"]:
        status, headers, body = http(vm.metrics, path)
        assert status == 404
        assert body == f"Not Found {path}\r\n".encode()
    status, _, body = http(vm.metrics, "/metrics/system.status", method="POST")
    assert status == 404 and body == b"Not Found /metrics/system.status\r\n"


def test_metrics_head_has_no_body(vm):
    with socket.create_connection(("127.0.0.1", vm.metrics), timeout=5) as s:
        s.sendall(b"HEAD /metrics/system.version HTTP/1.1\r\nHost: x\r\n\r\nGET /metrics/system.version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = read_to_close(s)
    first, _, rest = data.partition(b"\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 200 OK")
    length = int(re.search(rb"Content-Length: (\d+)", first).group(1))
    assert length == len(VERSION) + 1
    assert rest.startswith(b"HTTP/1.1 200 OK")  # the HEAD answer carried no body
    assert rest.endswith(f"{VERSION}\n".encode())


def test_servers_bind_loopback_only(vm):
    # NeoConsole binds loopback by its own code; the ZnServer because the script says
    # `bindingAddress: NetNameResolver loopBackAddress` (without it Zinc binds every interface:
    # test_runtime_integrity.py).
    import subprocess
    out = subprocess.run(["ss", "-Hltnp"], capture_output=True, text=True).stdout
    mine = [l for l in out.splitlines() if f"pid={vm.proc.pid}," in l]
    assert len(mine) == 3, out
    assert all("127.0.0.1:" in l.split()[3] for l in mine)
