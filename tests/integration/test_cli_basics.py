from harness import pharoctl


def test_version_and_help(home):
    out = pharoctl(home, "--version", check=0).stdout
    assert out.startswith("pharoctl ")
    assert "install" in pharoctl(home, "--help", check=0).stdout


def test_unknown_command_is_usage_error(home):
    proc = pharoctl(home, "frobnicate")
    assert proc.returncode == 2


def test_no_command_is_usage_error(home):
    assert pharoctl(home).returncode == 2
