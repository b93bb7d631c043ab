"""Bad input, table-driven: bad names, ports, clashing ports, broken TOML, wrong types, unknown
keys and hostile strings in every field that reaches a generated file. Each must give exit 2, a
message naming the field, and leave the home byte-for-byte unchanged."""
import pytest

from harness import pharoctl, snapshot_tree

HOSTILE = ["a'b", 'a"b', "$(reboot)", "`id`", "a\nb", "a\\b", "a;b"]

# (id, args of `new` after the name, field the message must name)
NEW_CASES = [
    ("name-upper", ["Shop"], "name"),
    ("name-digit-first", ["1shop"], "name"),
    ("name-underscore", ["my_shop"], "name"),
    ("name-too-long", ["a" * 64], "name"),
    ("name-dollar", ["$(id)"], "name"),
    ("name-slash", ["../etc"], "name"),
    ("name-runtimes", ["runtimes"], "name"),
    ("http-port-zero", ["ok", "--http-port", "0"], "app.http_port"),
    ("http-port-big", ["ok", "--http-port", "70000"], "app.http_port"),
    ("http-port-text", ["ok", "--http-port", "80a"], "app.http_port"),
    ("telnet-port-negative", ["ok", "--telnet-port", "-5"], "console.telnet_port"),
    ("metrics-port-empty", ["ok", "--metrics-port", ""], "console.metrics_port"),
    ("ports-same", ["ok", "--http-port", "9000", "--telnet-port", "9000"], "console.telnet_port"),
    ("ports-clash-home", ["ok", "--http-port", "42001"], "app.http_port"),
    ("ports-clash-instances", ["ok", "--instances", "3", "--http-port", "9000", "--metrics-port", "9010"], "console.metrics_port"),
    ("instances-zero", ["ok", "--instances", "0"], "instances.count"),
    ("instances-many", ["ok", "--instances", "65"], "instances.count"),
    ("instances-past-65535", ["ok", "--instances", "3", "--http-port", "65530"], "app.http_port"),
    ("image-dotimage", ["ok", "--image", "shop.image"], "image"),
    ("baseline-prefix", ["ok", "--repository", "github://a/b", "--baseline", "BaselineOfShop"], "source.baseline"),
    ("baseline-no-repo", ["ok", "--baseline", "Shop"], "source.baseline"),
    ("repository-scheme", ["ok", "--repository", "ftp://x/y"], "source.repository"),
    ("group-empty", ["ok", "--groups", "default,,Tests"], "source.groups"),
    ("user-unknown", ["ok", "--user", "no-such-user-here"], "user"),
    ("runtime-slash", ["ok", "--runtime", "../x"], "runtime"),
] + [
    (f"{field}-hostile-{i}", ["ok", flag, prefix + h], field)
    for field, flag, prefix in [("description", "--description", "Shop "), ("image", "--image", "img"),
                                ("user", "--user", "u"), ("source.repository", "--repository", "github://a/b"),
                                ("runtime", "--runtime", "pharo")]
    for i, h in enumerate(HOSTILE)
    if not (field == "description" and h in ("a;b", "a'b"))
] + [
    (f"{field}-hostile-{i}", ["ok", "--repository", "github://a/b", flag, prefix + h], field)
    for field, flag, prefix in [("source.baseline", "--baseline", "Shop"), ("source.groups", "--groups", "g")]
    for i, h in enumerate(HOSTILE)
    if not (field == "source.groups" and h == "a;b")
]


@pytest.mark.parametrize("case", NEW_CASES, ids=[c[0] for c in NEW_CASES])
def test_new_refuses(home, case):
    _, args, field = case
    pharoctl(home, "new", "existing", "--yes", check=0)
    before = snapshot_tree(home)
    proc = pharoctl(home, "new", *args, "--yes")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"{field}:" in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert snapshot_tree(home) == before


# (id, replacement text for service.toml, field the message must name). The files are loaded by
# `export systemd`, which must refuse them before writing anything.
TOML_CASES = [
    ("broken-toml", 'name = "shop"\n[app\n', "not valid TOML"),
    ("unknown-key", 'name = "shop"\ncolour = "red"\n', "colour"),
    ("unknown-section-key", 'name = "shop"\n[app]\nport = 1\n', "app.port"),
    ("port-as-string", 'name = "shop"\n[app]\nhttp_port = "8080"\n', "app.http_port"),
    ("port-float", 'name = "shop"\n[console]\ntelnet_port = 42001.5\n', "console.telnet_port"),
    ("port-range", 'name = "shop"\n[console]\nmetrics_port = 99999\n', "console.metrics_port"),
    ("ports-clash", 'name = "shop"\n[console]\ntelnet_port = 8080\n', "ports"),
    ("count-string", 'name = "shop"\n[instances]\ncount = "2"\n', "instances.count"),
    ("groups-not-array", 'name = "shop"\n[source]\ngroups = "default"\n', "source.groups"),
    ("strategy-bad", 'name = "shop"\n[source]\nstrategy = "lazy"\n', "source.strategy"),
    ("duration-bad", 'name = "shop"\n[health]\ninterval = "10"\n', "health.interval"),
    ("timeout-gt-interval", 'name = "shop"\n[health]\ntimeout = "20s"\n', "health.timeout"),
    ("policy-bad", 'name = "shop"\n[restart]\npolicy = "sometimes"\n', "restart.policy"),
    ("health-url-remote", 'name = "shop"\n[health]\nurl = "http://example.com:80/x"\n', "health.url"),
    ("expect-quote", 'name = "shop"\n[health]\nexpect = "OK\\""\n', "health.expect"),
    ("start-abs", 'name = "shop"\n[app]\nstart = "/etc/passwd"\n', "app.start"),
    ("start-dotdot", 'name = "shop"\n[app]\nstart = "../x.st"\n', "app.start"),
    ("name-mismatch", 'name = "other"\n', "name"),
    ("name-missing", 'description = "x"\n', "name"),
    ("description-newline", 'name = "shop"\ndescription = "a\\nExecStartPre=/bin/rm"\n', "description"),
    ("description-backtick", 'name = "shop"\ndescription = "`id`"\n', "description"),
    ("description-dollar", 'name = "shop"\ndescription = "$(id)"\n', "description"),
    ("user-hostile", 'name = "shop"\nuser = "root; rm -rf /"\n', "user"),
    ("image-quote", 'name = "shop"\nimage = "a\'b"\n', "image"),
    ("repository-quote", 'name = "shop"\n[source]\nrepository = "github://a/b\'c"\n', "source.repository"),
    ("baseline-quote", 'name = "shop"\n[source]\nrepository = "github://a/b"\nbaseline = "S\'x"\n', "source.baseline"),
    ("group-quote", 'name = "shop"\n[source]\ngroups = ["a\'b"]\n', "source.groups"),
    ("keep-days-zero", 'name = "shop"\n[logs]\nkeep_days = 0\n', "logs.keep_days"),
]


@pytest.mark.parametrize("case", TOML_CASES, ids=[c[0] for c in TOML_CASES])
def test_bad_service_toml_refused(home, tmp_path, case):
    _, text, field = case
    pharoctl(home, "new", "shop", "--yes", check=0)
    (home / "shop" / "service.toml").write_text(text)
    before = snapshot_tree(home)
    out = tmp_path / "out"
    proc = pharoctl(home, "export", "systemd", "shop", "-o", str(out))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert field in proc.stderr, proc.stderr
    assert "service.toml:" in proc.stderr, proc.stderr
    assert snapshot_tree(home) == before
    assert not out.exists()


def test_there_are_at_least_forty_cases():
    assert len(NEW_CASES) + len(TOML_CASES) >= 40
