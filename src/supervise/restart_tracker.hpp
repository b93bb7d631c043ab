#pragma once
// [restart] for one instance: whether and when a VM that ended is started again. Exponential
// backoff from backoff_initial to backoff_max, reset once a VM has stayed healthy for a stretch
// (backoff_max, clamped to 1 s .. 10 min); more than `max` restarts within `window` and the
// instance is `failed` instead of looping.
#include <deque>
#include <optional>
#include <string>

#include "service/service_config.hpp"
#include "supervise/clock.hpp"

namespace pharoctl {

struct RestartDecision {
  bool restart = false;
  Millis delay{0};
  bool failed = false;   // gave up: too many restarts within the window
  std::string reason;    // when not restarting: why
};

class RestartTracker {
 public:
  explicit RestartTracker(RestartConfig config) : config_(config) {}
  void set_config(RestartConfig config) { config_ = config; }

  // A VM ended. `clean` = exit status 0; `forced` = the supervisor replaced it (health), which
  // counts as a failure whatever the policy.
  RestartDecision on_end(SteadyTime now, bool clean, bool forced);
  // The VM answered health; called on every healthy probe.
  void on_healthy(SteadyTime now);
  void on_unhealthy() { healthy_since_.reset(); }
  // An operator's restart: forget past failures.
  void reset();

  int consecutive_failures() const { return consecutive_; }
  int restarts_in_window(SteadyTime now) const;
  Millis healthy_stretch() const;
  Millis delay_for(int consecutive) const;

 private:
  void forget_old(SteadyTime now);

  RestartConfig config_;
  int consecutive_ = 0;
  std::deque<SteadyTime> restarts_;
  std::optional<SteadyTime> healthy_since_;
};

}  // namespace pharoctl
