#pragma once
// When the supervisor sends WATCHDOG=1 (how it is sent is the Notifier's business): once per
// interval, for as long as the supervisor's loop turns, whatever the instances' health. An
// unhealthy or crashing instance is the supervisor's own to replace; going silent for it would
// make systemd kill the healthy instances along with it. A loop that is stuck (blocked in a
// call, spinning in one handler, stopped) never asks, so the beats stop and systemd steps in.
#include <chrono>
#include <optional>

#include "supervise/clock.hpp"

namespace pharoctl {

class WatchdogSchedule {
 public:
  // interval: half of WATCHDOG_USEC, or nullopt when systemd wants no watchdog. The first beat
  // is due at once: systemd's timer runs from the exec, not from READY=1.
  WatchdogSchedule(std::optional<std::chrono::milliseconds> interval, SteadyTime now)
      : interval_(interval), next_(now) {}

  // The loop's next deadline for a beat (nullopt: no watchdog).
  std::optional<SteadyTime> next() const {
    if (!interval_) return std::nullopt;
    return next_;
  }

  // Asked on each turn of the loop: true when a beat is due now (and schedules the next one a
  // whole interval from now, so that a late turn does not cause a burst).
  bool due(SteadyTime now) {
    if (!interval_ || now < next_) return false;
    next_ = now + *interval_;
    return true;
  }

 private:
  std::optional<std::chrono::milliseconds> interval_;
  SteadyTime next_;
};

}  // namespace pharoctl
