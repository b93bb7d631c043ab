"""Several names and --all start in parallel, each reported on its own line; the exit code is
the worst of them."""
from harness import pharoctl
from supervise_harness import make_service, status, stop_quietly

NEVER_HEALTHY = {"expect": "never answered", "grace": "2s"}


def test_start_all_in_parallel_each_reported_worst_exit_code(home):
    names = ["a1", "a2", "a3", "a4"]
    for n in names:
        make_service(home, n)
    make_service(home, "bad", health=NEVER_HEALTHY)
    try:
        proc = pharoctl(home, "start", "--all")
        assert proc.returncode == 1, proc.stderr
        for n in names:
            assert proc.stdout.count(f"{n} started: 1 instance healthy") == 1, proc.stdout
            assert status(home, n)["state"] == "running"
        assert "bad did not start" in proc.stderr or "bad:" in proc.stderr, proc.stderr
        again = pharoctl(home, "start", *names)
        assert again.returncode == 0, again.stderr
        assert all(f"{n} is already running" in again.stdout for n in names), again.stdout
    finally:
        pharoctl(home, "stop", "--all", timeout=120)
        for n in names + ["bad"]:
            stop_quietly(home, n)
