#pragma once
// One instance of a service and its current VM: the per-instance states (stopped, starting,
// running, unhealthy, stopping, backoff, failed) and the transitions between them. What comes
// in is an event (a VM started, a health result, a VM ended, time passed); what comes out is the
// new state, its reason and a step telling the supervisor what to do (log, spawn, signal). No
// system calls here: the supervisor owns processes, files and sockets, so that every transition
// can be tested with a FakeClock and no VM. Behaviour: docs/supervisor.md.
#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "process/vm_identity.hpp"
#include "runtime/vm_last_words.hpp"
#include "service/service_config.hpp"
#include "supervise/clock.hpp"
#include "supervise/health_probe.hpp"
#include "supervise/log_sink.hpp"
#include "supervise/restart_tracker.hpp"
#include "supervise/service_status.hpp"
#include "util/unique_fd.hpp"

namespace pharoctl {

// What happens once the current VM of an instance has ended.
enum class After { Policy, StartNow, Stay };

// A starting VM is probed at once, then every 250 us while it is younger than 20 ms (so that
// `start` learns of a VM that is quick to listen within about a quarter of a millisecond of it),
// then after an eighth of the time it has been starting (at least 2.5 ms then, at most 25 ms):
// no more than 12 % late later on. A refused probe costs microseconds, is answered within its
// connect (loopback) and leaves nothing behind (probe_socket.hpp).
using Micros = std::chrono::microseconds;
inline constexpr Micros kYoungProbeGap{250};
inline constexpr Millis kYoungVmAge{20};
inline constexpr Millis kMaxStartProbeGap{25};
inline constexpr int kStartProbeDivisor = 8;
Micros start_probe_gap(Micros starting_for, Millis interval);

// Retry pacing (docs/supervisor.md): after a failed probe of a VM that was healthy the next
// comes this long after, not a whole interval; and a probe still unanswered this long after it
// started brings the next one forward without waiting for its timeout (up to `retries` in
// flight). A hung VM is so replaced within interval + (retries - 1) x gap + timeout of hanging:
// 17 s with the defaults 10 s / 5 s / 3, where it was 45.
inline Millis retry_gap(const HealthConfig& h) { return std::min(h.interval, Millis(1000)); }

struct Vm {
  pid_t pid = 0;
  std::uint64_t start_ticks = 0;
  UniqueFd out;
  UniqueFd err;
  LineSplitter out_lines;
  LineSplitter err_lines;
  SteadyTime started{};
  WallTime started_wall{};
  std::string image;
  std::string run_script;
  bool term_sent = false;
  bool killed = false;
  SteadyTime kill_at{};
  bool forced = false;  // replaced because of health: counts as a failure for [restart]
  bool exe_recorded = false;
  bool exe_due = false;  // healthy: its executable to be recorded at the end of the round
  VmLastWords words;  // its last meaningful lines, for the reason shown when it ends
  // The last meaningful line (as logged) of stdout and of stderr: `words` hears them when the VM
  // ends, not at each of a flood's lines.
  std::string last_out;
  std::string last_err;
};

// A pid record that could not be written yet (full or read-only disk): retried on a timer.
struct PendingPid {
  VmIdentity identity;
  SteadyTime retry_at{};
  std::string error;
};

// What a health result asks of the supervisor.
enum class HealthStep {
  None,           // nothing to tell (healthy as before, or a VM not probed any more)
  NotYet,         // starting and not answering yet: probed again soon, nothing logged
  BecameHealthy,  // a starting VM answered: log it, record its executable, end its rollout step
  HealthyAgain,   // an unhealthy VM answered again
  Failed,         // a failed probe of a VM that was healthy: log the reason
  Replace,        // and the last one allowed: log, then replace the VM
};

// What a VM's end asks of the supervisor.
enum class EndStep {
  RestartNow,  // the crash path: spawn at once, log after the fork
  Backoff,     // state backoff, spawned at restart_at
  Failed,      // too many restarts: given up
  Stopped,     // the policy says no restart
};
struct EndOutcome {
  EndStep step = EndStep::Stopped;
  RestartDecision decision;
};

struct Instance {
  explicit Instance(const RestartConfig& rc) : tracker(rc) {}
  int index = 0;
  std::string stem;
  std::string state = "stopped";
  std::unique_ptr<Vm> vm;
  RestartTracker tracker;
  std::unique_ptr<LogSink> log;
  std::unique_ptr<PidFile> pid_file;
  // Probes in flight, oldest first: one at a time, except that a probe of a VM that was healthy
  // which is late (no answer within the retry gap) brings the next one forward (retry pacing).
  std::vector<std::unique_ptr<HealthProbe>> probes;
  SteadyTime late_at{};  // when the newest probe in flight counts as late
  UniqueFd spare_probe_socket;  // a starting VM's refused probe socket, for its next probe
  std::optional<PendingPid> pending_pid;  // a pid record the disk refused, retried
  SteadyTime next_probe{};
  SteadyTime started_at{};  // when the current VM was spawned (the start pacing's origin)
  int health_failures = 0;
  SteadyTime grace_deadline{};
  std::optional<SteadyTime> restart_at;
  bool spawned_once = false;
  int restarts = 0;
  std::optional<ExitInfo> last_exit;
  std::optional<HealthResult> last_health;  // of a run of identical refusals while starting: the first
  bool probed_since_start = false;  // last_health is the current VM's
  std::string reason;
  std::string last_words;  // what the last VM that ended said last
  After after = After::Policy;
  // Part of a restart/reload request: waiting for the replacement to be healthy.
  bool in_rollout = false;
  bool rollout_spawned = false;
  SteadyTime rollout_began{};
  // The VM it replaces accepted connections on the instance's HTTP port: the replacement passes
  // the rollout's gate only once it does too, not at its first health answer (a start code that
  // forks its server's start returns before the port listens, and the metrics answer).
  bool app_served = false;
  std::optional<SteadyTime> serving_check_at;  // healthy, its HTTP port looked at again then

  // A spawn is about to happen: counts the restart, ends any backoff.
  void spawning();
  // `vm` was just spawned at `now`: starting, probed at once, graced until now + grace.
  void vm_started(std::unique_ptr<Vm> started, SteadyTime now, const HealthConfig& h);
  // The supervisor asked the VM to end: no more probes, what comes after it.
  void stopping(After then);
  HealthStep on_health(const HealthResult& r, SteadyTime now, const HealthConfig& h);
  // The VM ended (it is gone from here on; `after` is left for the caller to consume).
  void vm_ended(const ExitInfo& e);
  // The VM ended, or could not be started (`ended` false): whether and when it comes back.
  EndOutcome on_end(SteadyTime now, const std::string& what, bool clean, bool forced, bool ended, bool shutting_down);

  bool may_overlap(int retries) const {
    return (state == "running" || state == "unhealthy") && probes.size() < static_cast<size_t>(retries);
  }
  // The earliest moment this instance needs attention, if any.
  std::optional<SteadyTime> next_deadline(const HealthConfig& h) const;
  // What time passing asks for, at `now` (probes in flight past their deadline are the caller's):
  bool backoff_over(SteadyTime now, bool shutting_down) const {  // spawn again
    return restart_at && now >= *restart_at && !shutting_down;
  }
  bool kill_due(SteadyTime now) const {  // SIGTERM was not enough within stop_timeout
    return vm && vm->term_sent && !vm->killed && now >= vm->kill_at;
  }
  bool probe_due(SteadyTime now, int retries) const;
  bool grace_over(SteadyTime now, const HealthConfig& h) const {  // not healthy within [health].grace
    return vm && !vm->term_sent && state == "starting" && h.grace > Millis(0) && now >= grace_deadline;
  }
};

}  // namespace pharoctl
