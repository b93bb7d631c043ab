#include "supervise/instance.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace pharoctl {

Micros start_probe_gap(Micros starting_for, Millis interval) {
  Micros gap = starting_for < kYoungVmAge ? kYoungProbeGap : std::min<Micros>(starting_for / kStartProbeDivisor, kMaxStartProbeGap);
  return std::min<Micros>(gap, interval);
}

void Instance::spawning() {
  restart_at.reset();
  if (in_rollout) rollout_spawned = true;
  if (spawned_once) ++restarts;
  spawned_once = true;
}

void Instance::vm_started(std::unique_ptr<Vm> started, SteadyTime now, const HealthConfig& h) {
  vm = std::move(started);
  state = "starting";
  reason.clear();
  health_failures = 0;
  started_at = now;
  next_probe = now;  // probed at once
  probed_since_start = false;
  grace_deadline = now + h.grace;
}

void Instance::stopping(After then) {
  after = then;
  restart_at.reset();
  if (!vm) return;
  probes.clear();
  spare_probe_socket.reset();
  serving_check_at.reset();
  state = "stopping";
}

HealthStep Instance::on_health(const HealthResult& r, SteadyTime now, const HealthConfig& h) {
  if (!vm || vm->term_sent) return HealthStep::None;
  // A young VM is probed every 250 us: of a run of identical refusals while it starts, the
  // first is kept (its time, its latency), so that status and run/status do not change, and
  // the record is not rewritten, at every probe.
  bool same_as_before = state == "starting" && !r.ok && probed_since_start && last_health && !last_health->ok &&
                        last_health->detail == r.detail;
  if (!same_as_before) last_health = r;
  probed_since_start = true;
  if (r.ok) {
    health_failures = 0;
    tracker.on_healthy(now);
    HealthStep step = HealthStep::None;
    if (state == "starting") step = HealthStep::BecameHealthy;
    if (state == "unhealthy") step = HealthStep::HealthyAgain;
    if (step != HealthStep::None) {
      state = "running";
      reason.clear();
    }
    next_probe = now + h.interval;
    return step;
  }
  if (state == "starting") {
    next_probe = now + start_probe_gap(std::chrono::duration_cast<Micros>(now - started_at), h.interval);
    reason = "not healthy yet: " + r.detail;
    return HealthStep::NotYet;
  }
  tracker.on_unhealthy();
  ++health_failures;
  reason = fmt::format("health failed {} of {}: {}", health_failures, h.retries, r.detail);
  if (state == "running") state = "unhealthy";
  if (health_failures >= h.retries) {
    vm->forced = true;
    return HealthStep::Replace;
  }
  next_probe = now + retry_gap(h);
  return HealthStep::Failed;
}

void Instance::vm_ended(const ExitInfo& e) {
  vm.reset();
  probes.clear();
  spare_probe_socket.reset();
  serving_check_at.reset();
  last_exit = e;
}

EndOutcome Instance::on_end(SteadyTime now, const std::string& what, bool clean, bool forced, bool ended,
                            bool shutting_down) {
  EndOutcome out;
  out.decision = tracker.on_end(now, clean, forced);
  const RestartDecision& d = out.decision;
  if (ended && d.restart && d.delay <= Millis(0) && !shutting_down) {
    out.step = EndStep::RestartNow;
  } else if (d.restart) {
    out.step = EndStep::Backoff;
    state = "backoff";
    restart_at = now + d.delay;
    reason = fmt::format("{}; restart {} in {}", what, tracker.consecutive_failures(), format_duration(d.delay));
  } else if (d.failed) {
    out.step = EndStep::Failed;
    state = "failed";
    reason = fmt::format("{}; last: {}", d.reason, what);
  } else {
    out.step = EndStep::Stopped;
    state = "stopped";
    reason = fmt::format("{}; not restarted: {}", what, d.reason);
  }
  return out;
}

bool Instance::probe_due(SteadyTime now, int retries) const {
  if (!vm || vm->term_sent) return false;
  return probes.empty() ? now >= next_probe : may_overlap(retries) && now >= late_at;
}

std::optional<SteadyTime> Instance::next_deadline(const HealthConfig& h) const {
  std::optional<SteadyTime> best;
  auto consider = [&](SteadyTime t) {
    if (!best || t < *best) best = t;
  };
  if (pending_pid) consider(pending_pid->retry_at);
  if (restart_at) consider(*restart_at);
  if (!vm) return best;
  if (vm->term_sent) {
    if (!vm->killed) consider(vm->kill_at);
    return best;
  }
  for (const auto& probe : probes) consider(probe->deadline());
  if (probes.empty())
    consider(next_probe);
  else if (may_overlap(h.retries))
    consider(late_at);
  if (state == "starting" && h.grace > Millis(0)) consider(grace_deadline);
  return best;
}

}  // namespace pharoctl
