"""status exit codes a script can rely on, as `systemctl is-active`: 0 only when every named (or
every) service runs and is healthy; 3 stopped, 4 failed or in backoff, 5 unhealthy or not yet
healthy, 2 a broken service.toml; the same with --json."""
import json

from harness import pharoctl, wait_until
from supervise_harness import make_service, stop_quietly


def codes(home, *names):
    plain = pharoctl(home, "status", *names).returncode
    js = pharoctl(home, "--json", "status", *names)
    json.loads(js.stdout)  # a document whatever the state
    assert js.returncode == plain, (plain, js.returncode)
    return plain


def state_of(home, name):
    svc = json.loads(pharoctl(home, "--json", "status", name).stdout)["services"][0]
    assert svc["instances"], svc
    return svc["instances"][0]["state"]


def last_exit_status(home, name):
    svc = json.loads(pharoctl(home, "--json", "status", name).stdout)["services"][0]
    return (svc["instances"][0]["last_exit"] or {}).get("status")


def test_exit_code_for_each_state(home):
    make_service(home, "ok")
    # The faults reach the VM through [env]: its environment is defined, not inherited.
    make_service(home, "crashy", restart={"backoff_initial": "30s", "backoff_max": "30s"},
                 extra='\n[env]\nPHARO_SIM_FAULT = "exit:1"\n')
    make_service(home, "doomed", restart={"max": 1, "backoff_initial": "50ms"},
                 extra='\n[env]\nPHARO_SIM_FAULT = "exit:1"\n')
    make_service(home, "sick", health={"retries": 100, "grace": "20s"},
                 extra='\n[env]\nPHARO_SIM_FAULT = "unhealthy"\nPHARO_SIM_FAULT_AFTER = "1.5"\n')
    make_service(home, "broken")
    (home / "broken" / "service.toml").write_text('name = "broken"\nruntime = 7\n')
    try:
        assert codes(home, "ok") == 3  # stopped
        assert codes(home) == 2         # every service: the broken one is the worst
        pharoctl(home, "start", "ok", check=0, timeout=60)
        assert codes(home, "ok") == 0

        # backoff: the VM exits at once, the next try is 30s away.
        pharoctl(home, "start", "crashy", timeout=60)
        wait_until(lambda: state_of(home, "crashy") == "backoff", timeout=20, what="crashy in backoff")
        assert last_exit_status(home, "crashy") == 1  # the fault's exit, not some other trouble
        assert codes(home, "crashy") == 4

        # failed: gave up after [restart] max.
        pharoctl(home, "start", "doomed", timeout=60)
        wait_until(lambda: state_of(home, "doomed") == "failed", timeout=20, what="doomed failed")
        assert last_exit_status(home, "doomed") == 1
        assert codes(home, "doomed") == 4

        # unhealthy: runs, answers 500 to its health check after having been healthy.
        pharoctl(home, "start", "sick", timeout=60)
        wait_until(lambda: state_of(home, "sick") == "unhealthy", timeout=20, what="sick unhealthy")
        assert codes(home, "sick") == 5

        assert codes(home, "ok", "sick") == 5
        assert codes(home, "ok", "crashy", "sick") == 4
        assert codes(home, "broken") == 2
        assert codes(home, "ok") == 0
    finally:
        for n in ("ok", "crashy", "doomed", "sick"):
            stop_quietly(home, n)
