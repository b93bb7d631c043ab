// The supervisor's VMs: spawning, their output, their ends, their health and the timers of
// each instance. The transitions themselves are Instance's (instance.hpp); here they meet the
// processes, the pid records and the logs.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include <fmt/format.h>

#include "process/proc_info.hpp"
#include "process/launcher.hpp"
#include "runtime/vm_command.hpp"
#include "supervise/supervisor_internal.hpp"
#include "util/failure.hpp"

namespace pharoctl {

namespace {

std::string seconds_text(double s) { return fmt::format("{:.2f}s", s); }

std::string restarts_text(int n, Millis window) {
  return fmt::format("{} restart{} within {}", n, n == 1 ? "" : "s", format_duration(window));
}

}  // namespace

void Supervisor::spawn(Instance& inst) { announce(inst, launch_vm(inst)); }

// The fork and exec of the instance's VM and its pid record; what is logged of it is
// announce's, so that the first spawns can come before the supervisor's own set-up is done.
Launched Supervisor::launch_vm(Instance& inst) {
  SteadyTime now = clock_.steady();
  inst.spawning();
  VmCommand cmd;
  Child child;
  try {
    // Before the first deploy this makes the service's own copy of the runtime image: a full
    // disk there is a failed start like a failed exec (backoff), not the supervisor's end.
    cmd = vm_command(config_, paths_, runtime_, inst.index);
    LaunchSpec spec;
    spec.argv = cmd.argv;
    spec.env = Environment::exactly(cmd.env);
    spec.cwd = cmd.cwd;
    spec.out = Stdio::pipe();
    spec.err = Stdio::pipe();
    spec.group = ProcessGroup::New;
    spec.parent_death_signal = SIGTERM;  // a supervisor killed with -9 takes its VMs along
    child = launch(spec);
  } catch (const std::exception& e) {
    return {false, e.what()};
  }
  auto vm = std::make_unique<Vm>();
  vm->pid = child.pid;
  if (auto st = read_proc_stat(child.pid)) vm->start_ticks = st->start_ticks;  // with the pid: its identity
  const std::uint64_t start_ticks = vm->start_ticks;
  vm->out = std::move(child.out);
  vm->err = std::move(child.err);
  vm->started = now;
  vm->started_wall = clock_.wall();
  vm->image = cmd.image;
  vm->run_script = cmd.run_script;
  vm->words = VmLastWords({cmd.cwd / "PharoDebug.log", std::filesystem::path(cmd.image).parent_path() / "PharoDebug.log"});
  inst.vm_started(std::move(vm), now, config_.health);
  record_pid(inst, {child.pid, start_ticks, cmd.image, cmd.run_script, ""});
  std::string line;
  for (const auto& a : cmd.argv) line += (line.empty() ? "" : " ") + a;
  return {true, fmt::format("started pid {}: {}", child.pid, line)};
}

void Supervisor::announce(Instance& inst, const Launched& launched) {
  if (launched.ok) {
    sup(inst, launched.text);
    return;
  }
  sup(inst, launched.text, Priority::Err);
  inst.last_exit.reset();
  after_end(inst, launched.text, false, false);
}

// The supervisor cannot go on (its set-up failed after the first spawns): its VMs, just
// started, go with it, their pid records too, before it reports why.
void Supervisor::abandon_vms(const std::string& why) {
  for (auto& inst : instances_) {
    if (!inst.vm) continue;
    pid_t pid = inst.vm->pid;
    ::kill(pid, SIGKILL);  // our own unreaped child: its pid cannot have been reused
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    ExitInfo e;
    e.signaled = WIFSIGNALED(st);
    e.code = e.signaled ? WTERMSIG(st) : WEXITSTATUS(st);
    inst.vm_ended(e);
    remove_pid(inst);
    inst.state = "stopped";
    sup(inst, fmt::format("pid {} ended at once: {}", pid, why), Priority::Err);
  }
}

void Supervisor::stop_vm(Instance& inst, After after) {
  inst.stopping(after);
  if (!inst.vm || inst.vm->term_sent) return;
  // Our own unreaped child: its pid cannot have been reused, so signalling it is safe.
  ::kill(inst.vm->pid, SIGTERM);
  inst.vm->term_sent = true;
  inst.vm->kill_at = clock_.steady() + config_.stop_timeout;
  sup(inst, fmt::format("stopping pid {} (SIGTERM; SIGKILL after {})", inst.vm->pid,
                        format_duration(config_.stop_timeout)));
}

void Supervisor::read_output(Instance& inst, int fd, LineSplitter& lines, const char* stream) {
  // On the heap, allocated once and never cleared: only the pages a read fills become resident
  // (64 KiB on the stack were all touched at every call by the stack-clash probes).
  if (!read_buffer_) read_buffer_.reset(new char[kReadBufferSize]);
  char* buf = read_buffer_.get();
  size_t total = 0;
  for (;;) {
    ssize_t n = ::read(fd, buf, kReadBufferSize);
    if (n > 0) {
      LogSink::Batch batch(*inst.log);  // the whole lines of one read in one write(2)
      lines.feed(std::string_view(buf, static_cast<size_t>(n)), [&](std::string_view l) { vm_line(inst, stream, l); });
      total += static_cast<size_t>(n);
      if (total > (1u << 20)) return;  // a flood must not starve the rest of the loop
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    // EOF or error: the VM closed this stream.
    lines.flush([&](std::string_view l) { vm_line(inst, stream, l); });
    if (inst.vm && fd == inst.vm->out.get()) inst.vm->out.reset();
    if (inst.vm && fd == inst.vm->err.get()) inst.vm->err.reset();
    return;
  }
}

// What an ended VM left in its pipes, down to the last partial line.
void Supervisor::drain(Instance& inst) {
  if (!inst.vm) return;
  if (inst.vm->out.valid()) read_output(inst, inst.vm->out.get(), inst.vm->out_lines, "out");
  if (inst.vm && inst.vm->out.valid()) inst.vm->out_lines.flush([&](std::string_view l) { vm_line(inst, "out", l); });
  if (inst.vm && inst.vm->err.valid()) read_output(inst, inst.vm->err.get(), inst.vm->err_lines, "err");
  if (inst.vm && inst.vm->err.valid()) inst.vm->err_lines.flush([&](std::string_view l) { vm_line(inst, "err", l); });
}

void Supervisor::on_child_exit(pid_t pid, int wait_status) {
  auto it = std::find_if(instances_.begin(), instances_.end(),
                         [&](const Instance& i) { return i.vm && i.vm->pid == pid; });
  if (it == instances_.end()) return;  // not a VM (an exec that failed was reaped at spawn)
  Instance& inst = *it;
  drain(inst);
  ExitInfo e;
  e.signaled = WIFSIGNALED(wait_status);
  e.code = e.signaled ? WTERMSIG(wait_status) : WEXITSTATUS(wait_status);
  double lived = std::chrono::duration<double>(clock_.steady() - inst.vm->started).count();
  bool forced = inst.vm->forced;
  if (!inst.vm->last_out.empty()) inst.vm->words.feed("out", inst.vm->last_out);
  if (!inst.vm->last_err.empty()) inst.vm->words.feed("err", inst.vm->last_err);
  inst.last_words = inst.vm->words.summary();
  std::string what = describe_vm_end(e.describe(), inst.last_words);
  // Asked to end (stop, restart, health): as expected. Otherwise a crash, or a VM that quit.
  Priority priority = inst.vm->term_sent ? Priority::Info
                      : (e.signaled || e.code != 0) ? Priority::Err
                                                    : Priority::Warning;
  sup(inst, fmt::format("pid {} ended after {}: {}", pid, seconds_text(lived), what), priority);
  inst.vm_ended(e);
  if (shutting_down_) {
    remove_pid(inst);
    inst.state = "stopped";
    return;
  }
  After after = std::exchange(inst.after, After::Policy);
  if (after == After::StartNow) {
    spawn(inst);  // its pid record replaces the old one: no file work before the fork
    return;
  }
  if (inst.in_rollout && inst.rollout_spawned) rollout_failed(inst, fmt::format("the new VM {}", what));
  if (after == After::Stay) {
    remove_pid(inst);
    inst.state = "stopped";
    inst.reason = "stopped on request";
    for (int id : instance_stop_waiters_[inst.index]) reply(id, {{"ok", true}, {"results", nlohmann::json::array()}});
    instance_stop_waiters_.erase(inst.index);
    return;
  }
  after_end(inst, what, !e.signaled && e.code == 0, forced, true);
}

void Supervisor::after_end(Instance& inst, const std::string& what, bool clean, bool forced, bool ended) {
  if (inst.in_rollout && inst.rollout_spawned) rollout_failed(inst, what);
  EndOutcome end = inst.on_end(clock_.steady(), what, clean, forced, ended, shutting_down_);
  int in_window = inst.tracker.restarts_in_window(clock_.steady());
  switch (end.step) {
    case EndStep::RestartNow:
      // The crash path: straight to the new VM, whose pid record replaces the old one; the log
      // lines come after the fork.
      spawn(inst);
      sup(inst, fmt::format("restarted at once ({})", restarts_text(inst.tracker.restarts_in_window(clock_.steady()),
                                                                      config_.restart.window)),
          Priority::Notice);
      return;
    case EndStep::Backoff:
      remove_pid(inst);
      sup(inst, fmt::format("restarting in {} ({})", format_duration(end.decision.delay),
                            restarts_text(in_window, config_.restart.window)), Priority::Notice);
      return;
    case EndStep::Failed:
      remove_pid(inst);
      sup(inst, "failed: " + inst.reason, Priority::Crit);
      return;
    case EndStep::Stopped:
      remove_pid(inst);
      sup(inst, "not restarted: " + end.decision.reason, Priority::Warning);
      return;
  }
}

void Supervisor::on_health(Instance& inst, const HealthResult& r) {
  SteadyTime now = clock_.steady();
  switch (inst.on_health(r, now, config_.health)) {
    case HealthStep::None:
    case HealthStep::NotYet:
      return;
    case HealthStep::BecameHealthy:
      sup(inst, fmt::format("pid {} healthy after {}", inst.vm->pid,
                            seconds_text(std::chrono::duration<double>(now - inst.vm->started).count())));
      // The VM has certainly exec'd by now: its executable goes into its record for later
      // identity checks, once this round's answers (`start` waits for this one) are out.
      if (!inst.vm->exe_recorded) inst.vm->exe_due = true;
      rollout_ok(inst);
      return;
    case HealthStep::HealthyAgain:
      sup(inst, fmt::format("pid {} healthy again", inst.vm->pid), Priority::Notice);
      return;
    case HealthStep::Failed:
      sup(inst, fmt::format("pid {} {}", inst.vm->pid, inst.reason), Priority::Warning);
      return;
    case HealthStep::Replace:
      sup(inst, fmt::format("pid {} {}", inst.vm->pid, inst.reason), Priority::Warning);
      sup(inst, fmt::format("replacing pid {}: {} consecutive failed health checks", inst.vm->pid, inst.health_failures),
          Priority::Err);
      stop_vm(inst, After::Policy);
      return;
  }
}

void Supervisor::record_executables() {
  for (auto& inst : instances_) {
    if (!inst.vm || !std::exchange(inst.vm->exe_due, false) || inst.vm->exe_recorded) continue;
    inst.vm->exe_recorded = true;
    std::string exe = read_proc_exe(inst.vm->pid);
    record_pid(inst, {inst.vm->pid, inst.vm->start_ticks, inst.vm->image, inst.vm->run_script, exe});
  }
}

void Supervisor::start_probe(Instance& inst) {
  auto probe = std::make_unique<HealthProbe>();
  probe->start(config_.health_url(inst.index), config_.health.expect, clock_, config_.health.timeout,
               std::move(inst.spare_probe_socket));
  inst.late_at = clock_.steady() + retry_gap(config_.health);
  if (!probe->active()) {
    on_probe_done(inst, *probe);  // answered at once (refused, not a URL)
    return;
  }
  inst.probes.push_back(std::move(probe));
}

void Supervisor::on_probe_done(Instance& inst, HealthProbe& probe) {
  inst.spare_probe_socket = probe.take_spare();
  on_health(inst, probe.result());
  // Kept only for the next probe of a starting VM, which is due within milliseconds.
  if (inst.state != "starting") inst.spare_probe_socket.reset();
}

// `probe` may have been cancelled meanwhile (the VM ended, was replaced): only one still in
// flight is touched.
void Supervisor::advance_probe(Instance& inst, HealthProbe* probe, bool deadline_passed) {
  auto it = std::find_if(inst.probes.begin(), inst.probes.end(), [&](const auto& p) { return p.get() == probe; });
  if (it == inst.probes.end()) return;
  if (deadline_passed && clock_.steady() < probe->deadline()) return;
  if (!probe->advance(clock_)) return;
  std::unique_ptr<HealthProbe> done = std::move(*it);
  inst.probes.erase(it);
  on_probe_done(inst, *done);
}

std::optional<SteadyTime> Supervisor::next_deadline() const {
  std::optional<SteadyTime> best;
  auto consider = [&](std::optional<SteadyTime> t) {
    if (t && (!best || *t < *best)) best = t;
  };
  for (const auto& inst : instances_) {
    consider(inst.next_deadline(config_.health));
    consider(inst.serving_check_at);
  }
  if (watchdog_) consider(watchdog_->next());
  return best;
}

void Supervisor::on_timers() {
  SteadyTime now = clock_.steady();
  retry_pending_pids();
  for (auto& inst : instances_) on_instance_timers(inst, now);
}

void Supervisor::on_instance_timers(Instance& inst, SteadyTime now) {
  if (inst.backoff_over(now, shutting_down_)) {
    inst.restart_at.reset();
    spawn(inst);
    return;
  }
  if (!inst.vm) return;
  if (inst.vm->term_sent) {
    if (inst.kill_due(now)) {
      sup(inst, fmt::format("pid {} still there {} after SIGTERM: SIGKILL", inst.vm->pid,
                            format_duration(config_.stop_timeout)), Priority::Warning);
      ::kill(inst.vm->pid, SIGKILL);
      inst.vm->killed = true;
    }
    return;
  }
  if (inst.serving_check_at && now >= *inst.serving_check_at) look_for_serving(inst, now);
  if (!inst.vm) return;
  std::vector<HealthProbe*> in_flight;
  for (const auto& probe : inst.probes) in_flight.push_back(probe.get());
  for (HealthProbe* probe : in_flight)
    if (now >= probe->deadline()) advance_probe(inst, probe, true);
  if (inst.probe_due(now, config_.health.retries)) start_probe(inst);
  if (inst.grace_over(now, config_.health)) {
    std::string last = inst.last_health ? inst.last_health->detail : "no answer";
    std::string why = fmt::format("not healthy within the grace of {} (last probe: {})",
                                  format_duration(config_.health.grace), last);
    sup(inst, fmt::format("pid {} {}", inst.vm->pid, why), Priority::Err);
    inst.reason = why;
    if (inst.in_rollout) rollout_failed(inst, why);
    inst.vm->forced = true;
    stop_vm(inst, After::Policy);
  }
}

}  // namespace pharoctl
