"""VM output in the daily file; midnight switch with the supervisor's clock at 23:59:59;
files past keep_days deleted."""
import os
import signal

from harness import pharoctl, wait_until
from supervise_harness import instance, make_service, stop_quietly


def test_output_lands_in_the_days_file_with_the_line_format(home):
    cfg = make_service(home, "shop")
    try:
        pharoctl(home, "start", "shop", check=0, env={"TZ": "UTC"})
        logs = list((cfg["dir"] / "logs").glob("shop-*.log"))
        assert len(logs) == 1
        text = logs[0].read_text()
        lines = text.splitlines()
        assert any(" sup started pid " in l for l in lines)
        assert any(" out " in l for l in lines), text  # the VM's own stdout
        for l in lines:
            stamp, stream, _ = l.split(" ", 2)
            assert stream in ("out", "err", "sup")
            assert stamp.endswith("+00:00") and len(stamp) == len("2026-11-23T10:14:07.118+00:00")
    finally:
        stop_quietly(home, "shop")


def test_day_switch_at_midnight_and_keep_days(home):
    cfg = make_service(home, "shop", logs={"keep_days": 2})
    logs = cfg["dir"] / "logs"
    logs.mkdir()
    for name in ["shop-2026-11-20.log", "shop-2026-11-22.log", "server-2026-11-21.log", "server-2026-11-22.log",
                 "unrelated-2026-01-01.log"]:
        (logs / name).write_text("old\n")
    env = {"TZ": "UTC", "PHAROCTL_TEST_WALL_CLOCK": "2026-11-23T23:59:59"}
    try:
        pharoctl(home, "start", "shop", check=0, env=env)
        # At start (2026-11-23, keep today and yesterday): the 20th and 21st are gone.
        assert not (logs / "shop-2026-11-20.log").exists()
        assert not (logs / "server-2026-11-21.log").exists()
        assert (logs / "shop-2026-11-22.log").exists() and (logs / "server-2026-11-22.log").exists()
        assert "sup started pid" in (logs / "shop-2026-11-23.log").read_text()
        # Once the supervisor's clock has passed midnight, new lines go to the 24th.
        wait_until(lambda: (logs / "shop-2026-11-23.log").stat().st_mtime and
                   _after_midnight(home), 5, what="supervisor clock past midnight")
        old = instance(home, "shop")["pid"]
        os.kill(old, signal.SIGKILL)
        wait_until(lambda: (logs / "shop-2026-11-24.log").exists() and
                   f"pid {old} ended" in (logs / "shop-2026-11-24.log").read_text(), 10, what="next day's file")
        assert f"pid {old} ended" not in (logs / "shop-2026-11-23.log").read_text()
        assert (logs / "shop-2026-11-24.log").read_text().startswith("2026-11-24T00:00:")
        # The day switch pruned again: the 22nd is now past keep_days.
        assert not (logs / "shop-2026-11-22.log").exists()
        assert not (logs / "server-2026-11-22.log").exists()
        assert (logs / "unrelated-2026-01-01.log").exists()
    finally:
        stop_quietly(home, "shop")


def _after_midnight(home):
    """The supervisor started at 23:59:59 on its clock; its uptime tells where its clock is."""
    inst = instance(home, "shop")
    return inst["uptime_s"] > 1.2
