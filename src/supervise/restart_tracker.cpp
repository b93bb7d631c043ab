#include "supervise/restart_tracker.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace pharoctl {

Millis RestartTracker::healthy_stretch() const {
  return std::clamp(config_.backoff_max, Millis(1000), Millis(600'000));
}

Millis RestartTracker::delay_for(int consecutive) const {
  Millis d = config_.backoff_initial;
  for (int i = 0; i < consecutive && d < config_.backoff_max; ++i) d = d == Millis(0) ? d : d * 2;
  return std::min(d, config_.backoff_max);
}

void RestartTracker::forget_old(SteadyTime now) {
  while (!restarts_.empty() && now - restarts_.front() >= config_.window) restarts_.pop_front();
}

int RestartTracker::restarts_in_window(SteadyTime now) const {
  return static_cast<int>(std::count_if(restarts_.begin(), restarts_.end(),
                                        [&](SteadyTime t) { return now - t < config_.window; }));
}

RestartDecision RestartTracker::on_end(SteadyTime now, bool clean, bool forced) {
  RestartDecision d;
  healthy_since_.reset();
  if (!forced) {
    if (config_.policy == RestartPolicy::Never) {
      d.reason = "restart policy is never";
      return d;
    }
    if (config_.policy == RestartPolicy::OnFailure && clean) {
      d.reason = "exited with status 0 and the restart policy is on-failure";
      return d;
    }
  }
  forget_old(now);
  if (static_cast<int>(restarts_.size()) >= config_.max) {
    d.failed = true;
    d.reason = fmt::format("{} restarts within {}: giving up ([restart] max, window)", restarts_.size(),
                           format_duration(config_.window));
    return d;
  }
  d.restart = true;
  d.delay = delay_for(consecutive_);
  ++consecutive_;
  restarts_.push_back(now);
  return d;
}

void RestartTracker::on_healthy(SteadyTime now) {
  if (!healthy_since_) healthy_since_ = now;
  if (consecutive_ > 0 && now - *healthy_since_ >= healthy_stretch()) consecutive_ = 0;
}

void RestartTracker::reset() {
  consecutive_ = 0;
  restarts_.clear();
  healthy_since_.reset();
}

}  // namespace pharoctl
