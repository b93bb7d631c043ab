"""Retry pacing of health probes: a hung VM is not given a whole interval plus a timeout per
retry; a late probe brings the next one forward (docs/supervisor.md)."""
import datetime
import re

from supervise_harness import make_service, start_hang_and_wait_replaced, stop_quietly


def test_a_late_probe_brings_the_retries_forward(home):
    # interval 2s, timeout 1.5s, 3 retries: retries come 1 s apart, each without waiting for the
    # previous one's timeout. Paced by failures alone they would be >= 2.5 s apart (1 s + 1.5 s).
    cfg = make_service(home, "shop", health={"interval": "2s", "timeout": "1500ms", "retries": 3},
                       stop={"timeout": "1s"})
    try:
        old, log = start_hang_and_wait_replaced(home, cfg, 30)
        stamps = {}
        for line in log.splitlines():
            m = re.search(r"health failed (\d) of 3", line)
            if m and f"pid {old} " in line and m.group(1) not in stamps:
                stamps[m.group(1)] = datetime.datetime.fromisoformat(line.split(" ", 1)[0])
        assert set(stamps) == {"1", "2", "3"}, log
        spread = (stamps["3"] - stamps["1"]).total_seconds()
        assert 1.5 <= spread < 4.0, (spread, log)
    finally:
        stop_quietly(home, "shop")
