// What the supervisor answers on its control socket and does for it: status, the start wait,
// stops, rollouts (restart, reload) and deploys with their health gate, SIGHUP's reload; and
// what it tells systemd. The protocol: docs/control-protocol.md.
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "process/proc_info.hpp"
#include "render/run_script.hpp"
#include "service/release_store.hpp"
#include "supervise/probe_socket.hpp"
#include "supervise/supervisor_internal.hpp"
#include "util/sha256.hpp"

namespace pharoctl {

// Answers leave at the end of the round, after the status record: a client that acted on one
// (start, stop, restart) and runs `status` next finds at least the state it was told about.
void Supervisor::reply(int client, const nlohmann::json& answer) { replies_.emplace_back(client, answer); }

void Supervisor::send_replies() {
  if (replies_.empty()) return;
  if (record_due_) write_status_record();
  for (const auto& [client, answer] : replies_) control_.reply(client, answer, clock_);
  replies_.clear();
}

void Supervisor::on_status(int client) { reply(client, {{"ok", true}, {"status", to_json(status())}}); }

void Supervisor::on_wait(int client) {
  start_waiters_.push_back(client);
  answer_start_waiters();
}

void Supervisor::on_stop(int client, int instance) {
  if (instance < 0) {
    stop_clients_.push_back(client);
    begin_shutdown("a stop request");
    return;
  }
  Instance& inst = instances_[static_cast<size_t>(instance)];
  if (inst.vm) {
    instance_stop_waiters_[instance].push_back(client);
    stop_vm(inst, After::Stay);
  } else {
    inst.restart_at.reset();
    inst.state = "stopped";
    inst.reason = "stopped on request";
    reply(client, {{"ok", true}, {"results", nlohmann::json::array()}});
  }
}

void Supervisor::on_rollout(int client, const std::string& cmd, int instance) {
  if (rollout_ || shutting_down_) {
    begin_rollout(client, cmd, instance, cmd == "reload");  // answers why not
    return;
  }
  // A restart applies service.toml as it is now; a broken file is refused, nothing changes.
  if (std::string why = apply_config(cmd); !why.empty()) {
    reply(client, {{"ok", false}, {"error", why}, {"config", true}});
    return;
  }
  begin_rollout(client, cmd, instance, cmd == "reload");
}

// `start` waits here instead of polling status: the answer (a status) comes the moment every
// instance is healthy, or one is in trouble (backoff, failed, stopped, restarted), or the
// supervisor stops.
void Supervisor::answer_start_waiters() {
  bool trouble = std::any_of(instances_.begin(), instances_.end(), [](const Instance& i) {
    return start_trouble(i.state, i.restarts, i.last_exit, i.last_words);
  });
  if (!ready_ && !trouble && !shutting_down_) return;
  nlohmann::json j = {{"ok", true}, {"status", to_json(status())}};
  std::vector<int> waiting = std::move(start_waiters_);
  start_waiters_.clear();
  for (int id : waiting) reply(id, j);
  // A starter that asks after every instance became healthy (50 starts at once on a loaded
  // machine) is answered after the release, by code of its own: release again at the round's end.
  if (ready_ && !trouble) release_text_ = true;
}

void Supervisor::begin_rollout(int client, const std::string& cmd, int instance, bool sequential,
                               std::optional<DeployPlan> deploy) {
  if (shutting_down_) {
    reply(client, {{"ok", false}, {"error", "the supervisor is stopping"}});
    return;
  }
  if (rollout_) {
    reply(client, {{"ok", false}, {"busy", true}, {"error", fmt::format("a {} is already in progress", rollout_->cmd)}});
    return;
  }
  rollout_ = Rollout::of(client, cmd, instance, config_.instances, sequential, std::move(deploy));
  broadcast(fmt::format("{} of {} requested", cmd,
                        instance < 0 ? std::string("every instance") : fmt::format("instance {}", instance)));
  if (sequential) {
    advance_rollout();
    return;
  }
  for (int i : rollout_->take_all()) {
    if (!rollout_) break;
    begin_replacement(instances_[static_cast<size_t>(i)]);
  }
}

void Supervisor::begin_replacement(Instance& inst) {
  inst.tracker.reset();  // an operator's restart: past failures are forgiven
  inst.in_rollout = true;
  inst.rollout_spawned = false;
  inst.rollout_began = clock_.steady();
  inst.app_served = inst.vm && accepts_connections(config_.http_port(inst.index));
  inst.serving_check_at.reset();
  inst.restart_at.reset();
  if (inst.vm) {
    stop_vm(inst, After::StartNow);
  } else {
    spawn(inst);
  }
}

// How often a replacement that answers health is looked at again until its app accepts
// connections: a server started from a forked process listens within milliseconds of its start.
constexpr std::chrono::milliseconds kServingLookAgain{1};

// The replacement answered health. Where its predecessor served HTTP, the next instance is
// stopped only once this one does too: else a rolling restart behind nginx has, for as long as
// the new VM's start code takes, no instance that serves (tests/integration/test_rollout_serving.py).
void Supervisor::rollout_ok(Instance& inst) {
  if (!inst.rollout_spawned || !inst.in_rollout) return;
  if (!inst.app_served) {
    inst.serving_check_at.reset();
    rollout_ended(inst, true, "healthy");
    return;
  }
  look_for_serving(inst, clock_.steady());
}

void Supervisor::look_for_serving(Instance& inst, SteadyTime now) {
  inst.serving_check_at.reset();
  if (!inst.in_rollout || !inst.vm || inst.vm->term_sent) return;
  int port = config_.http_port(inst.index);
  if (accepts_connections(port)) {
    rollout_ended(inst, true, "healthy");
    return;
  }
  Millis grace = config_.health.wait_bound();
  if (now >= inst.vm->started + grace) {
    std::string why = fmt::format("healthy, but nothing accepts connections on its HTTP port {} within {} "
                                  "(the VM it replaced did)", port, format_duration(grace));
    sup(inst, fmt::format("pid {} {}", inst.vm->pid, why), Priority::Err);
    inst.reason = why;
    rollout_failed(inst, why);
    return;
  }
  inst.serving_check_at = now + kServingLookAgain;
}

void Supervisor::advance_rollout() {
  while (rollout_ && rollout_->pending.empty()) {
    std::optional<int> i = rollout_->take_next();
    if (!i) {
      finish_rollout();
      return;
    }
    begin_replacement(instances_[static_cast<size_t>(*i)]);
  }
}

void Supervisor::rollout_ended(Instance& inst, bool ok, const std::string& detail) {
  if (!inst.in_rollout || !rollout_) return;
  inst.in_rollout = false;
  ReplacementResult r{inst.index, ok, inst.vm ? inst.vm->pid : 0,
                      std::chrono::duration<double>(clock_.steady() - inst.rollout_began).count(),
                      inst.vm ? inst.vm->image : "", detail};
  if (rollout_->record(r))
    finish_rollout();
  else if (ok && rollout_->sequential)
    advance_rollout();
}

void Supervisor::finish_rollout() {
  if (!rollout_) return;
  Rollout r = std::move(*rollout_);
  rollout_.reset();
  for (auto& inst : instances_) inst.in_rollout = false;
  if (r.deploy && r.failed && !r.deploy->switching_back) {
    if (!shutting_down_ && deploy_switch_back(r)) return;
    // Stopping mid-gate: the unverified release must not be what the next start runs.
    if (shutting_down_ && switch_current(r.deploy->previous).empty()) r.become_switch_back();
  }
  broadcast(r.failed ? fmt::format("{} failed: {}", r.cmd, r.error) : fmt::format("{} finished", r.cmd),
            r.failed ? Priority::Err : Priority::Notice);
  reply(r.client, r.answer());
}

// Points `current` at releases/<release>, or removes it for none. "" when done, else why not.
std::string Supervisor::switch_current(const std::optional<std::string>& release) {
  try {
    ReleaseStore store(paths_);
    if (release)
      store.switch_to(*release);
    else
      store.clear_current();
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

void Supervisor::on_deploy(int client, const nlohmann::json& req) {
  if (shutting_down_ || rollout_) {
    begin_rollout(client, "deploy", -1, true);  // answers why not (busy: the CLI waits and asks again)
    return;
  }
  auto text = [&](const char* key) -> std::optional<std::string> {
    auto it = req.find(key);
    if (it == req.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  std::optional<std::string> release = text("release");
  std::optional<std::string> previous = text("previous");
  ReleaseStore store(paths_);
  if (!release || !store.exists(*release) || (previous && !store.exists(*previous))) {
    reply(client, {{"ok", false},
                   {"error", fmt::format("deploy: release {} (previous {}) is not a complete release of {}",
                                         release.value_or("(none given)"), previous.value_or("none"), env_.name)}});
    return;
  }
  if (std::string why = apply_config("deploy"); !why.empty()) {
    reply(client, {{"ok", false}, {"error", why}, {"config", true}});
    return;
  }
  if (std::string why = switch_current(release); !why.empty()) {
    reply(client, {{"ok", false}, {"error", fmt::format("deploy: {}", why)}});
    return;
  }
  broadcast(fmt::format("deploy: current -> releases/{}; each instance must pass health before the next", *release));
  DeployPlan plan;
  plan.release = *release;
  plan.previous = previous;
  begin_rollout(client, "deploy", -1, true, plan);
}

// The gate failed: `current` back to the previous release (none: removed) and every instance
// restarted onto it, one at a time. False when even the switch could not be made.
bool Supervisor::deploy_switch_back(Rollout& r) {
  const DeployPlan& plan = *r.deploy;
  if (std::string why = switch_current(plan.previous); !why.empty()) {
    r.error += "; switching back failed: " + why;
    broadcast(fmt::format("deploy of {} failed: {}", plan.release, r.error));
    return false;
  }
  broadcast(fmt::format("deploy of {} failed the health gate ({}): current -> {} again, restarting onto it",
                        plan.release, r.error,
                        plan.previous ? "releases/" + *plan.previous : std::string("none (the base image)")));
  rollout_ = r.switch_back(config_.instances);
  advance_rollout();
  return true;
}

// Re-reads service.toml and makes it the configuration of every VM started from now on.
// Returns "" when applied, else why not (the previous configuration stays, untouched).
std::string Supervisor::apply_config(const std::string& why) {
  try {
    std::string text;
    ServiceConfig next = load_service_config(paths_.service_toml(), &text);
    std::string digest = sha256_hex(text);
    if (next.instances != config_.instances) {
      return fmt::format("{}: [instances] count changed from {} to {}: a whole restart of the supervisor applies it "
                         "(`pharoctl restart {}`, or stop and start)",
                         paths_.service_toml().string(), config_.instances, next.instances, env_.name);
    }
    Runtime rt = load_runtime(env_.home, next.runtime);
    write_run_scripts(next, paths_);  // writes only what changed: a full disk is no obstacle otherwise
    bool changed = digest != config_digest_;
    config_ = next;
    runtime_ = rt;
    config_digest_ = digest;
    for (auto& inst : instances_) {
      inst.tracker.set_config(config_.restart);
      configure_sink(inst);
    }
    if (changed) broadcast(fmt::format("{}: service.toml re-read and applied", why));
    return "";
  } catch (const std::exception& e) {
    broadcast(fmt::format("{}: keeping the running configuration: {}", why, e.what()), Priority::Err);
    return e.what();
  }
}

// SIGHUP (systemd's ExecReload, logrotate's postrotate): reopen every log file, re-read
// service.toml, and when it changed, apply it with a rolling restart as `pharoctl reload` does.
void Supervisor::on_sighup() {
  // systemctl reload (ExecReload=kill -HUP) shows "reloading" until READY=1 comes back.
  if (ready_) env_.notifier.send("RELOADING=1");
  struct ReadyAgain {
    Supervisor& s;
    ~ReadyAgain() {
      if (s.ready_) s.env_.notifier.send("READY=1");
    }
  } ready_again{*this};
  for (auto& inst : instances_) inst.log->reopen();
  broadcast("SIGHUP: log files reopened");
  std::string before = config_digest_;
  apply_config("SIGHUP");
  if (config_digest_ != before && !rollout_ && !shutting_down_) {
    begin_rollout(-1, "reload", -1, true);
  } else if (config_digest_ != before) {
    broadcast("SIGHUP: the new configuration applies at each VM's next start (a rollout is in progress)");
  }
}

ServiceStatus Supervisor::status(bool live) const {
  ServiceStatus s;
  s.name = env_.name;
  s.supervisor_pid = ::getpid();
  s.ready = ready_;
  s.started_at = format_utc_timestamp(started_wall_);
  s.config_digest = config_digest_;
  if (rollout_) s.rollout = rollout_->describe();
  SteadyTime now = clock_.steady();
  int running = 0, failed = 0, starting = 0;
  for (const auto& inst : instances_) {
    InstanceStatus i;
    i.index = inst.index;
    i.state = inst.state;
    i.restarts = inst.restarts;
    i.last_exit = inst.last_exit;
    i.reason = inst.reason;
    i.last_words = inst.last_words;
    i.http_port = config_.http_port(inst.index);
    i.telnet_port = config_.telnet_port(inst.index);
    i.metrics_port = config_.metrics_port(inst.index);
    if (inst.vm) {
      i.pid = inst.vm->pid;
      i.started_at = format_utc_timestamp(inst.vm->started_wall);
      if (live) {
        i.uptime_s = std::chrono::duration<double>(now - inst.vm->started).count();
        i.rss_bytes = resident_bytes(inst.vm->pid);
      }
      i.image = inst.vm->image;
    }
    if (inst.last_health) {
      i.health = HealthReport{inst.last_health->ok, inst.last_health->latency_ms, inst.last_health->detail,
                              format_utc_timestamp(inst.last_health->at)};
    }
    running += inst.state == "running";
    failed += inst.state == "failed";
    starting += inst.state == "starting";
    s.instances.push_back(i);
  }
  int count = static_cast<int>(instances_.size());
  if (shutting_down_)
    s.state = "stopping";
  else if (running == count)
    s.state = "running";
  else if (failed == count)
    s.state = "failed";
  else if (!ready_ && starting + running == count)
    s.state = "starting";
  else
    s.state = "degraded";
  return s;
}

void Supervisor::write_status_record() {
  record_due_ = false;
  StatusRecord r;
  r.status = status(false);
  r.status.applied_app_files = app_files(config_);
  r.vms.reserve(instances_.size());
  for (const auto& inst : instances_) {
    RecordedVm v;
    if (inst.vm) {
      v.start_ticks = inst.vm->start_ticks;
      v.started_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(inst.vm->started.time_since_epoch()).count();
    }
    r.vms.push_back(v);
  }
  r.recheck_by_ns = recheck_by_ns();
  // On failure no record stays: status asks the control socket. Told once, as for a pid file.
  if (!status_record_.update(r)) {
    if (!std::exchange(record_failing_, true))
      report_trouble(fmt::format("cannot write {}: {}; `status` asks the supervisor until it can be written",
                                 status_record_.path().string(), std::strerror(status_record_.error())));
  } else if (std::exchange(record_failing_, false)) {
    report_trouble(fmt::format("{} takes writes again", status_record_.path().string()));
  }
}

// When this supervisor, working, will have rewritten its record at the latest: the earliest
// probe answer (or timeout), end of a backoff or of a stop's timeout, with slack for a loaded
// machine.
// A reader that finds the record unchanged past it asks the control socket (and so finds a
// supervisor that hangs or is stopped "unresponsive").
std::int64_t Supervisor::recheck_by_ns() const {
  std::optional<SteadyTime> best;
  auto consider = [&](SteadyTime t) {
    if (!best || t < *best) best = t;
  };
  for (const auto& inst : instances_) {
    if (inst.restart_at) consider(*inst.restart_at);
    if (!inst.vm || inst.vm->killed) continue;
    // next_probe moves only with a probe's answer (which rewrites the record anyway), so the
    // text does not change when a probe merely starts; one in flight ends by next_probe + timeout.
    if (inst.vm->term_sent)
      consider(inst.vm->kill_at);
    else if (inst.state == "running" || inst.state == "unhealthy")
      consider(inst.next_probe + config_.health.timeout);
    else if (inst.state == "starting")  // rounded up to the second: a young VM's probes (every
      // 250 us, their refusals kept as the first of the run) leave the record as it is
      consider(SteadyTime(std::chrono::ceil<std::chrono::seconds>((inst.next_probe + config_.health.timeout).time_since_epoch())));
  }
  if (!best) return 0;
  return std::chrono::duration_cast<std::chrono::nanoseconds>((*best + std::chrono::seconds(2)).time_since_epoch()).count();
}

void Supervisor::update_notify() {
  if (shutting_down_) return;
  int running = 0;
  std::string trouble;
  for (const auto& inst : instances_) {
    if (inst.state == "running") {
      ++running;
    } else if (trouble.empty()) {
      trouble = fmt::format("; {} {}{}", inst.stem, inst.state, inst.reason.empty() ? "" : ": " + inst.reason);
    }
  }
  int count = static_cast<int>(instances_.size());
  std::string text = fmt::format("{}/{} instance{} healthy{}", running, count, count == 1 ? "" : "s", trouble);
  std::string msg;
  if (!ready_ && running == count) {
    ready_ = true;
    msg = "READY=1\n";
    broadcast("ready: every instance is healthy");
  }
  if (text != last_status_text_ || !msg.empty()) {
    release_text_ = release_text_ || running == count;
    last_status_text_ = text;
    env_.notifier.send(msg + "STATUS=" + text);
  }
}

}  // namespace pharoctl
