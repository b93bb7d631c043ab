"""pharoctl new, non-interactive: the files it writes, port allocation, refusals."""
import os
import socket
import tomllib

from harness import pharoctl, snapshot_tree


def load(home, name):
    with open(os.path.join(home, name, "service.toml"), "rb") as f:
        return tomllib.load(f)


def test_new_yes_writes_config_app_and_run_script(home):
    out = pharoctl(home, "new", "shop", "--yes", check=0).stdout
    assert "created service shop" in out
    cfg = load(home, "shop")
    assert cfg["name"] == "shop"
    assert cfg["image"] == "shop"
    assert (cfg["app"]["http_port"], cfg["console"]["telnet_port"], cfg["console"]["metrics_port"]) == (8080, 42001, 42002)
    app = (home / "shop" / "app.st").read_text()
    assert "OSEnvironment current at: 'PHAROCTL_HTTP_PORT' ifAbsent: [ '8080' ]" in app
    assert "ZnServer" in app and "Hello from shop" in app
    run = (home / "shop" / "run" / "run-shop.st").read_text()
    # Order matters: NeoConsole guard, transcript, REPL, app.st, then the metrics (health).
    keys = ["hasClassNamed: #NeoConsoleTelnetServer", "(NeoConsoleTranscript onFileNamed: 'logs/server-{1}.log') install.",
            "NeoConsoleTelnetServer startOn: 42001.",
            "(OSEnvironment current at: 'PHAROCTL_APP_START' ifAbsent: [ 'app.st' ]) asFileReference fileIn.",
            "NeoConsoleMetricDelegate startOn: 42002."]
    positions = [run.index(k) for k in keys]
    assert positions == sorted(positions)
    assert (home / "shop" / "logs").is_dir()
    # No stray temporary directories left in the home.
    assert sorted(os.listdir(home)) == ["shop"]


def test_no_terminal_means_no_prompt(home):
    # stdin is /dev/null (not a terminal) and --yes is absent: defaults, no question asked.
    proc = pharoctl(home, "new", "quiet", check=0)
    assert "[" not in proc.stdout.splitlines()[0]
    assert load(home, "quiet")["app"]["http_port"] == 8080


def test_flags_are_kept(home):
    pharoctl(home, "new", "shop", "--description", "Shop's front end", "--image", "Shop-Img",
             "--repository", "github://acme/shop:main/src", "--baseline", "Shop", "--groups", "default, Tests",
             "--http-port", "9000", "--telnet-port", "43001", "--metrics-port", "43002", "--instances", "2",
             "--runtime", "pharo-120", "--user", "root", "--yes", check=0)
    cfg = load(home, "shop")
    assert cfg["description"] == "Shop's front end"
    assert cfg["image"] == "Shop-Img"
    assert cfg["user"] == "root"
    assert cfg["runtime"] == "pharo-120"
    assert cfg["source"] == {"repository": "github://acme/shop:main/src", "baseline": "Shop",
                             "groups": ["default", "Tests"], "strategy": "image"}
    assert cfg["instances"]["count"] == 2
    assert (home / "shop" / "run" / "run-shop.0.st").exists()
    run1 = (home / "shop" / "run" / "run-shop.1.st").read_text()
    assert "NeoConsoleTelnetServer startOn: 43011." in run1
    assert "logs/server.1-{1}.log" in run1


def test_next_free_ports_count_every_instance(home):
    pharoctl(home, "new", "a", "--instances", "3", "--yes", check=0)
    pharoctl(home, "new", "b", "--yes", check=0)
    cfg = load(home, "b")
    assert (cfg["app"]["http_port"], cfg["console"]["telnet_port"], cfg["console"]["metrics_port"]) == (8110, 42031, 42032)


def test_ports_listening_now_are_skipped(home):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", 8080))
        except OSError:
            pass  # something else holds 8080 already: it must be skipped all the same
        s.listen()
        pharoctl(home, "new", "shop", "--yes", check=0)
    assert load(home, "shop")["app"]["http_port"] != 8080


def test_explicit_clashing_port_refused_and_nothing_written(home):
    pharoctl(home, "new", "a", "--yes", check=0)
    before = snapshot_tree(home)
    proc = pharoctl(home, "new", "b", "--telnet-port", "42001", "--yes")
    assert proc.returncode == 2
    assert "console.telnet_port" in proc.stderr and "service 'a'" in proc.stderr
    assert snapshot_tree(home) == before


def test_existing_service_refused(home):
    pharoctl(home, "new", "shop", "--yes", check=0)
    before = snapshot_tree(home)
    proc = pharoctl(home, "new", "shop", "--yes")
    assert proc.returncode == 2 and "already exists" in proc.stderr
    assert snapshot_tree(home) == before


def test_home_is_created(tmp_path):
    home = tmp_path / "fresh" / "home"
    pharoctl(home, "new", "shop", "--yes", check=0)
    assert (home / "shop" / "service.toml").exists()


def test_written_config_loads_back_identically(home):
    """What new writes is what the loader accepts: a second new sees the first one's ports."""
    pharoctl(home, "new", "one", "--yes", check=0)
    pharoctl(home, "new", "two", "--yes", check=0)
    assert load(home, "two")["app"]["http_port"] == 8090
