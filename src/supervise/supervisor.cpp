#include "supervise/supervisor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "process/file_lock.hpp"
#include "process/proc_info.hpp"
#include "process/launcher.hpp"
#include "process/terminate.hpp"
#include "process/vm_identity.hpp"
#include "render/run_script.hpp"
#include "runtime/runtime.hpp"
#include "service/release_store.hpp"
#include "service/service_config.hpp"
#include "supervise/config_digest.hpp"
#include "supervise/event_log.hpp"
#include "supervise/health_probe.hpp"
#include "supervise/log_sink.hpp"
#include "supervise/restart_tracker.hpp"
#include "supervise/service_status.hpp"
#include "runtime/vm_command.hpp"
#include "runtime/vm_last_words.hpp"
#include "supervise/watchdog_schedule.hpp"
#include "util/failure.hpp"

namespace pharoctl {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

// What happens once the current VM of an instance has ended.
enum class After { Policy, StartNow, Stay };

// A starting VM is probed at once, then after 2 ms, 4, 8, ... and every 50 ms from then on until
// healthy: a refused probe costs microseconds and leaves nothing behind (probe_socket.hpp), and
// `start` returns the moment the VM answers.
constexpr Millis kFirstProbeGap{2};
constexpr Millis kMaxStartProbeGap{50};

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
  VmLastWords words;  // its last meaningful lines, for the reason shown when it ends
};

// A pid record that could not be written yet (full or read-only disk): retried on a timer.
struct PendingPid {
  VmIdentity identity;
  SteadyTime retry_at{};
  std::string error;
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
  std::optional<PendingPid> pending_pid;  // a pid record the disk refused, retried
  SteadyTime next_probe{};
  Millis probe_gap{kFirstProbeGap};
  int health_failures = 0;
  SteadyTime grace_deadline{};
  std::optional<SteadyTime> restart_at;
  bool spawned_once = false;
  int restarts = 0;
  std::optional<ExitInfo> last_exit;
  std::optional<HealthResult> last_health;
  std::string reason;
  std::string last_words;  // what the last VM that ended said last
  After after = After::Policy;
  // Part of a restart/reload request: waiting for the replacement to be healthy.
  bool in_rollout = false;
  bool rollout_spawned = false;
  SteadyTime rollout_began{};
};

struct Client {
  UniqueFd fd;
  std::string in;
  bool closed = false;
};

// A deploy's health gate, owned by the supervisor so that it ends the same way whether or not
// the CLI that asked for it is still there: on the new release, healthy, or switched back.
struct DeployPlan {
  std::string release;
  std::optional<std::string> previous;
  bool switching_back = false;
  nlohmann::json gate_results = nlohmann::json::array();  // of the forward pass, once it failed
  std::string gate_error;
  int gate_failed_instance = -1;
};

struct Rollout {
  int client = -1;
  std::optional<DeployPlan> deploy;
  std::string cmd;
  bool sequential = true;
  std::vector<int> queue;
  size_t next = 0;
  std::set<int> pending;
  nlohmann::json results = nlohmann::json::array();
  bool failed = false;
  std::string error;
  int failed_instance = -1;
};

// Retry pacing (docs/supervisor.md): after a failed probe of a VM that was healthy the next
// comes this long after, not a whole interval; and a probe still unanswered this long after it
// started brings the next one forward without waiting for its timeout (up to `retries` in
// flight). A hung VM is so replaced within interval + (retries - 1) x gap + timeout of hanging:
// 17 s with the defaults 10 s / 5 s / 3, where it was 45.
Millis retry_gap(const HealthConfig& h) { return std::min(h.interval, Millis(1000)); }

std::string seconds_text(double s) { return fmt::format("{:.2f}s", s); }

class Supervisor {
 public:
  explicit Supervisor(const SupervisorEnv& env)
      : env_(env), paths_(env.home.service(env.name)), clock_(env.clock), events_(env.clock, STDERR_FILENO) {}

  int run();

 private:
  // set-up and tear-down
  void open_control_socket();
  void setup_signals();
  void handle_leftover_pid_file(Instance& inst);
  void finish();

  // VMs
  void spawn(Instance& inst);
  void stop_vm(Instance& inst, After after);
  void on_child_exit(pid_t pid, int wait_status);
  void after_end(Instance& inst, const std::string& what, bool clean, bool forced, bool ended = false);
  void drain(Instance& inst, bool eof);
  void read_output(Instance& inst, int fd, LineSplitter& lines, const char* stream);

  // health
  void on_health(Instance& inst, const HealthResult& r);
  void start_probe(Instance& inst);
  void advance_probe(Instance& inst, HealthProbe* probe, bool deadline_passed);
  bool may_overlap(const Instance& inst) const {
    return (inst.state == "running" || inst.state == "unhealthy") &&
           inst.probes.size() < static_cast<size_t>(config_.health.retries);
  }

  // timers
  void on_timers();
  std::optional<SteadyTime> next_deadline() const;

  // control
  void accept_clients();
  void read_client(int id);
  void handle_request(int id, const std::string& line);
  void reply(int id, const nlohmann::json& j);
  void begin_rollout(int id, const std::string& cmd, int instance, bool sequential,
                     std::optional<DeployPlan> deploy = std::nullopt);
  void begin_replacement(Instance& inst);
  void advance_rollout();
  void rollout_ok(Instance& inst);
  void rollout_failed(Instance& inst, const std::string& why);
  void finish_rollout();
  void begin_shutdown(const std::string& why);
  void reload_config();
  std::string apply_config(const std::string& why);
  void on_sighup();
  void begin_deploy(int id, const nlohmann::json& req);
  bool deploy_switch_back(Rollout& r);
  std::string switch_current(const std::optional<std::string>& release);
  void configure_sink(Instance& inst);

  // writes that may fail (a full or read-only disk must not end the supervisor)
  void record_pid(Instance& inst, const VmIdentity& id);
  void retry_pending_pids();
  void remove_pid(Instance& inst);
  void report_trouble(const std::string& text);
  void answer_start_waiters();

  // reporting
  ServiceStatus status() const;
  void update_notify();
  // An instance's event: into its daily log and, with its priority, onto stderr (the journal).
  void sup(Instance& inst, const std::string& text, Priority priority = Priority::Info) {
    inst.log->write("sup", text);
    events_.write(priority, inst.stem, text);
  }
  // A service-wide event: into every instance's log and once onto stderr.
  void broadcast(const std::string& text, Priority priority = Priority::Notice);
  // A line the VM printed: into the log, and remembered as its possible last words.
  void vm_line(Instance& inst, const char* stream, std::string_view l) {
    inst.log->write(stream, l);
    if (inst.vm) inst.vm->words.feed(stream, l);
  }
  void beat_watchdog(SteadyTime now);

  bool all_vms_gone() const {
    return std::all_of(instances_.begin(), instances_.end(), [](const Instance& i) { return !i.vm; });
  }

  const SupervisorEnv& env_;
  ServicePaths paths_;
  const Clock& clock_;
  ServiceConfig config_;
  Runtime runtime_;
  std::optional<FileLock> lock_;
  std::vector<Instance> instances_;
  UniqueFd signal_fd_;
  UniqueFd listen_fd_;
  std::map<int, Client> clients_;
  int next_client_ = 1;
  std::optional<Rollout> rollout_;
  std::vector<int> stop_clients_;
  std::map<int, std::vector<int>> instance_stop_waiters_;  // instance -> clients waiting for its stop
  std::vector<int> start_waiters_;  // clients of "wait": answered once ready, or at the first trouble
  bool shutting_down_ = false;
  bool ready_ = false;
  std::string last_status_text_;
  EventLog events_;
  std::optional<WatchdogSchedule> watchdog_;
  WallTime started_wall_{};
  std::string config_digest_;  // of the service.toml applied last
};

void Supervisor::report_trouble(const std::string& text) {
  // stderr: the journal under systemd, logs/supervisor.out otherwise (which may be on the very
  // disk that is full: then the journal, or nothing, is all there is).
  events_.write(Priority::Warning, env_.name, text);
}

void Supervisor::configure_sink(Instance& inst) {
  inst.log->set_keep_days(config_.keep_days);
  inst.log->set_max_size(config_.log_max_size);
  inst.log->set_trouble([this](const std::string& text) { report_trouble(text); });
}

void Supervisor::record_pid(Instance& inst, const VmIdentity& id) {
  try {
    inst.pid_file->write(id);
    if (inst.pending_pid) {
      std::string was = inst.pending_pid->error;
      inst.pending_pid.reset();
      report_trouble(fmt::format("wrote {} at last (before: {})", inst.pid_file->path().string(), was));
    }
  } catch (const std::exception& e) {
    bool first = !inst.pending_pid || inst.pending_pid->error != e.what();
    inst.pending_pid = PendingPid{id, clock_.steady() + milliseconds(1000), e.what()};
    if (first) report_trouble(fmt::format("{}; the VM stays supervised, the pid file is written once it can be", e.what()));
  }
}

void Supervisor::retry_pending_pids() {
  SteadyTime now = clock_.steady();
  for (auto& inst : instances_) {
    if (!inst.pending_pid || now < inst.pending_pid->retry_at) continue;
    if (!inst.vm || inst.vm->pid != inst.pending_pid->identity.pid) {
      inst.pending_pid.reset();
      continue;
    }
    record_pid(inst, inst.pending_pid->identity);
  }
}

void Supervisor::remove_pid(Instance& inst) {
  inst.pending_pid.reset();
  inst.pid_file->remove();
}

void Supervisor::broadcast(const std::string& text, Priority priority) {
  for (auto& inst : instances_) inst.log->write("sup", text);
  events_.write(priority, env_.name, text);
}

void Supervisor::setup_signals() {
  sigset_t set;
  ::sigemptyset(&set);
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) ::sigaddset(&set, s);
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  signal_fd_.reset(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!signal_fd_.valid()) throw operation_failed(fmt::format("signalfd: {}", std::strerror(errno)));
}

void Supervisor::open_control_socket() {
  std::string path = paths_.control_socket().string();
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path)
    throw usage_error(fmt::format("{}: path too long for a Unix socket ({} bytes, at most {}); use a shorter home",
                                  path, path.size(), sizeof addr.sun_path - 1));
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  ::unlink(path.c_str());  // we hold the supervisor lock: any socket file here is a leftover
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  mode_t old = ::umask(0177);  // 0600 from birth: no window in which others may connect
  int rc = ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  int err = errno;
  ::umask(old);
  if (rc != 0) throw operation_failed(fmt::format("{}: bind: {}", path, std::strerror(err)));
  ::chmod(path.c_str(), 0600);
  if (::listen(fd.get(), 64) != 0) throw operation_failed(fmt::format("{}: listen: {}", path, std::strerror(errno)));
  listen_fd_ = std::move(fd);
}

void Supervisor::handle_leftover_pid_file(Instance& inst) {
  PidFileState s = inst.pid_file->inspect();
  if (!s.exists) return;
  if (s.verdict.proven) {
    // A VM of this service outlived its supervisor (proven by /proc): end it before its ports
    // are needed again.
    sup(inst, fmt::format("a VM of this instance outlived its supervisor (pid {}); stopping it", s.pid),
        Priority::Warning);
    TerminateResult t = terminate_proven(*s.identity, config_.stop_timeout);
    sup(inst, t.signalled ? fmt::format("pid {} stopped{}", s.pid, t.killed ? " (SIGKILL)" : "")
                          : fmt::format("pid {} left alone: {}", s.pid, t.reason));
  } else {
    sup(inst, fmt::format("stale pid file {} ({}); replaced, nothing signalled", inst.pid_file->path().string(),
                          s.verdict.reason), Priority::Notice);
  }
  inst.pid_file->remove();
}

int Supervisor::run() {
  std::error_code ec;
  std::filesystem::create_directories(paths_.run(), ec);
  std::filesystem::create_directories(paths_.logs(), ec);
  if (!std::filesystem::exists(paths_.service_toml()))
    throw usage_error(fmt::format("{}: no such service ({} missing)", env_.name, paths_.service_toml().string()));
  lock_ = FileLock::try_acquire(paths_.supervisor_lock(), milliseconds(2000));
  if (!lock_) {
    throw operation_failed(fmt::format("{} is already supervised (pid {} holds {})", env_.name,
                                       recorded_lock_pid(paths_.supervisor_lock()),
                                       paths_.supervisor_lock().string()));
  }
  lock_->record_pid(::getpid());
  // What the VMs create (the image's transcript logs/server-*.log) is not for every user.
  ::umask(::umask(0) | 027);
  config_digest_ = service_config_digest(paths_.service_toml());
  config_ = load_service_config(paths_.service_toml());
  runtime_ = load_runtime(env_.home, config_.runtime);
  write_run_scripts(config_, paths_);
  setup_signals();
  started_wall_ = clock_.wall();

  instances_.reserve(static_cast<size_t>(config_.instances));
  for (int i = 0; i < config_.instances; ++i) {
    Instance inst(config_.restart);
    inst.index = i;
    inst.stem = paths_.instance_stem(i, config_.instances);
    std::string server = std::filesystem::path(paths_.server_log_pattern(i, config_.instances)).filename().string();
    LogSeries server_series{server.substr(0, server.find("{1}")), server.substr(server.find("{1}") + 3)};
    inst.log = std::make_unique<LogSink>(clock_, paths_.logs(), inst.stem, std::vector<LogSeries>{server_series},
                                         config_.keep_days);
    inst.pid_file = std::make_unique<PidFile>(paths_.pid_file(i, config_.instances));
    configure_sink(inst);
    instances_.push_back(std::move(inst));
  }
  for (auto& inst : instances_) handle_leftover_pid_file(inst);
  open_control_socket();
  broadcast(fmt::format("supervisor started (pid {}), {} instance{}", ::getpid(), config_.instances,
                        config_.instances == 1 ? "" : "s"), Priority::Info);
  for (auto& inst : instances_) spawn(inst);
  watchdog_.emplace(env_.notifier.watchdog_interval(), clock_.steady());
  update_notify();

  std::vector<pollfd> fds;
  std::vector<std::function<void(short)>> handlers;
  for (;;) {
    if (shutting_down_ && all_vms_gone()) break;
    fds.clear();
    handlers.clear();
    fds.push_back({signal_fd_.get(), POLLIN, 0});
    handlers.push_back([this](short) {
      signalfd_siginfo si;
      while (::read(signal_fd_.get(), &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
        if (si.ssi_signo == SIGCHLD) {
          int st = 0;
          pid_t pid;
          while ((pid = ::waitpid(-1, &st, WNOHANG)) > 0) on_child_exit(pid, st);
        } else if (si.ssi_signo == SIGHUP) {
          on_sighup();
        } else {
          begin_shutdown(signal_name(static_cast<int>(si.ssi_signo)));
        }
      }
    });
    if (listen_fd_.valid()) {
      fds.push_back({listen_fd_.get(), POLLIN, 0});
      handlers.push_back([this](short) { accept_clients(); });
    }
    for (auto& [id, c] : clients_) {
      fds.push_back({c.fd.get(), POLLIN, 0});
      handlers.push_back([this, cid = id](short) { read_client(cid); });
    }
    for (auto& inst : instances_) {
      if (inst.vm && inst.vm->out.valid()) {
        fds.push_back({inst.vm->out.get(), POLLIN, 0});
        handlers.push_back([this, &inst](short) {
          if (inst.vm) read_output(inst, inst.vm->out.get(), inst.vm->out_lines, "out");
        });
      }
      if (inst.vm && inst.vm->err.valid()) {
        fds.push_back({inst.vm->err.get(), POLLIN, 0});
        handlers.push_back([this, &inst](short) {
          if (inst.vm) read_output(inst, inst.vm->err.get(), inst.vm->err_lines, "err");
        });
      }
      for (const auto& probe : inst.probes) {
        fds.push_back({probe->fd(), probe->poll_events(), 0});
        handlers.push_back([this, &inst, raw = probe.get()](short) { advance_probe(inst, raw, false); });
      }
    }
    int timeout = -1;
    if (auto d = next_deadline()) {
      auto left = std::chrono::duration<double, std::milli>(*d - clock_.steady()).count();
      timeout = left <= 0 ? 0 : static_cast<int>(std::min(std::ceil(left), 3'600'000.0));
    }
    int n = ::poll(fds.data(), fds.size(), timeout);
    if (n < 0 && errno != EINTR) throw operation_failed(fmt::format("poll: {}", std::strerror(errno)));
    if (n > 0) {
      for (size_t i = 0; i < fds.size(); ++i)
        if (fds[i].revents != 0) handlers[i](fds[i].revents);
    }
    // Clients that went away during handling.
    for (auto it = clients_.begin(); it != clients_.end();) it = it->second.closed ? clients_.erase(it) : std::next(it);
    on_timers();
    update_notify();
    beat_watchdog(clock_.steady());
    if (!start_waiters_.empty()) answer_start_waiters();
  }
  finish();
  return kExitOk;
}

void Supervisor::finish() {
  for (auto& inst : instances_) {
    remove_pid(inst);
    inst.state = "stopped";
  }
  broadcast("supervisor stopped: every VM is gone");
  for (int id : stop_clients_) reply(id, {{"ok", true}, {"results", nlohmann::json::array()}});
  ::unlink(paths_.control_socket().c_str());
  listen_fd_.reset();
  // The lock goes when the process exits.
}

void Supervisor::spawn(Instance& inst) {
  SteadyTime now = clock_.steady();
  inst.restart_at.reset();
  if (inst.in_rollout) inst.rollout_spawned = true;
  VmCommand cmd = vm_command(config_, paths_, runtime_, inst.index);
  LaunchSpec spec;
  spec.argv = cmd.argv;
  spec.env = Environment::exactly(cmd.env);
  spec.cwd = cmd.cwd;
  spec.out = Stdio::pipe();
  spec.err = Stdio::pipe();
  spec.group = ProcessGroup::New;
  spec.parent_death_signal = SIGTERM;  // a supervisor killed with -9 takes its VMs along
  if (inst.spawned_once) ++inst.restarts;
  inst.spawned_once = true;
  Child child;
  try {
    child = launch(spec);
  } catch (const Failure& f) {
    sup(inst, f.what(), Priority::Err);
    inst.last_exit.reset();
    after_end(inst, f.what(), false, false);
    return;
  }
  auto vm = std::make_unique<Vm>();
  vm->pid = child.pid;
  vm->start_ticks = child.start_ticks;
  vm->out = std::move(child.out);
  vm->err = std::move(child.err);
  vm->started = now;
  vm->started_wall = clock_.wall();
  vm->image = cmd.image;
  vm->run_script = cmd.run_script;
  vm->words = VmLastWords({cmd.cwd / "PharoDebug.log", std::filesystem::path(cmd.image).parent_path() / "PharoDebug.log"});
  inst.vm = std::move(vm);
  record_pid(inst, {child.pid, child.start_ticks, cmd.image, cmd.run_script, ""});
  inst.state = "starting";
  inst.reason.clear();
  inst.health_failures = 0;
  inst.probe_gap = Millis(0);
  inst.next_probe = now;
  inst.grace_deadline = now + config_.health.grace;
  std::string line;
  for (const auto& a : cmd.argv) line += (line.empty() ? "" : " ") + a;
  sup(inst, fmt::format("started pid {}: {}", child.pid, line));
}

void Supervisor::stop_vm(Instance& inst, After after) {
  inst.after = after;
  inst.restart_at.reset();
  if (!inst.vm) return;
  inst.probes.clear();
  inst.state = "stopping";
  if (inst.vm->term_sent) return;
  // Our own unreaped child: its pid cannot have been reused, so signalling it is safe.
  ::kill(inst.vm->pid, SIGTERM);
  inst.vm->term_sent = true;
  inst.vm->kill_at = clock_.steady() + config_.stop_timeout;
  sup(inst, fmt::format("stopping pid {} (SIGTERM; SIGKILL after {})", inst.vm->pid,
                        format_duration(config_.stop_timeout)));
}

void Supervisor::read_output(Instance& inst, int fd, LineSplitter& lines, const char* stream) {
  char buf[65536];
  size_t total = 0;
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
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

void Supervisor::drain(Instance& inst, bool) {
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
  drain(inst, true);
  ExitInfo e;
  e.signaled = WIFSIGNALED(wait_status);
  e.code = e.signaled ? WTERMSIG(wait_status) : WEXITSTATUS(wait_status);
  double lived = std::chrono::duration<double>(clock_.steady() - inst.vm->started).count();
  bool forced = inst.vm->forced;
  inst.last_words = inst.vm->words.summary();
  std::string what = describe_vm_end(e.describe(), inst.last_words);
  // Asked to end (stop, restart, health): as expected. Otherwise a crash, or a VM that quit.
  Priority priority = inst.vm->term_sent ? Priority::Info
                      : (e.signaled || e.code != 0) ? Priority::Err
                                                    : Priority::Warning;
  sup(inst, fmt::format("pid {} ended after {}: {}", pid, seconds_text(lived), what), priority);
  inst.vm.reset();
  inst.probes.clear();
  inst.last_exit = e;
  if (shutting_down_) {
    remove_pid(inst);
    inst.state = "stopped";
    return;
  }
  After after = inst.after;
  inst.after = After::Policy;
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
  RestartDecision d = inst.tracker.on_end(clock_.steady(), clean, forced);
  if (ended && d.restart && d.delay <= Millis(0) && !shutting_down_) {
    // The crash path: straight to the new VM, whose pid record replaces the old one; the log
    // lines come after the fork.
    spawn(inst);
    sup(inst, fmt::format("restarted at once ({} restart{} within {})", inst.tracker.restarts_in_window(clock_.steady()),
                          inst.tracker.restarts_in_window(clock_.steady()) == 1 ? "" : "s",
                          format_duration(config_.restart.window)), Priority::Notice);
    return;
  }
  remove_pid(inst);
  if (d.restart) {
    inst.state = "backoff";
    inst.restart_at = clock_.steady() + d.delay;
    inst.reason = fmt::format("{}; restart {} in {}", what, inst.tracker.consecutive_failures(),
                              format_duration(d.delay));
    sup(inst, fmt::format("restarting in {} ({} restart{} within {})", format_duration(d.delay),
                          inst.tracker.restarts_in_window(clock_.steady()),
                          inst.tracker.restarts_in_window(clock_.steady()) == 1 ? "" : "s",
                          format_duration(config_.restart.window)), Priority::Notice);
  } else if (d.failed) {
    inst.state = "failed";
    inst.reason = fmt::format("{}; last: {}", d.reason, what);
    sup(inst, "failed: " + inst.reason, Priority::Crit);
  } else {
    inst.state = "stopped";
    inst.reason = fmt::format("{}; not restarted: {}", what, d.reason);
    sup(inst, "not restarted: " + d.reason, Priority::Warning);
  }
}

void Supervisor::on_health(Instance& inst, const HealthResult& r) {
  if (!inst.vm || inst.vm->term_sent) return;
  SteadyTime now = clock_.steady();
  inst.last_health = r;
  if (r.ok) {
    inst.health_failures = 0;
    inst.tracker.on_healthy(now);
    if (inst.state == "starting") {
      inst.state = "running";
      inst.reason.clear();
      sup(inst, fmt::format("pid {} healthy after {}", inst.vm->pid,
                            seconds_text(std::chrono::duration<double>(now - inst.vm->started).count())));
      if (!inst.vm->exe_recorded) {
        // The VM has certainly exec'd by now: record its executable for later identity checks.
        inst.vm->exe_recorded = true;
        std::string exe = read_proc_exe(inst.vm->pid);
        record_pid(inst, {inst.vm->pid, inst.vm->start_ticks, inst.vm->image, inst.vm->run_script, exe});
      }
      rollout_ok(inst);
    } else if (inst.state == "unhealthy") {
      inst.state = "running";
      inst.reason.clear();
      sup(inst, fmt::format("pid {} healthy again", inst.vm->pid), Priority::Notice);
    }
    inst.next_probe = now + config_.health.interval;
    return;
  }
  if (inst.state == "starting") {
    inst.probe_gap = std::min({std::max(inst.probe_gap * 2, kFirstProbeGap), config_.health.interval, kMaxStartProbeGap});
    inst.next_probe = now + inst.probe_gap;
    inst.reason = "not healthy yet: " + r.detail;
    return;
  }
  inst.tracker.on_unhealthy();
  ++inst.health_failures;
  inst.reason = fmt::format("health failed {} of {}: {}", inst.health_failures, config_.health.retries, r.detail);
  if (inst.state == "running") inst.state = "unhealthy";
  sup(inst, fmt::format("pid {} {}", inst.vm->pid, inst.reason), Priority::Warning);
  if (inst.health_failures >= config_.health.retries) {
    sup(inst, fmt::format("replacing pid {}: {} consecutive failed health checks", inst.vm->pid, inst.health_failures),
        Priority::Err);
    inst.vm->forced = true;
    stop_vm(inst, After::Policy);
    return;
  }
  inst.next_probe = now + retry_gap(config_.health);
}

void Supervisor::start_probe(Instance& inst) {
  auto probe = std::make_unique<HealthProbe>();
  probe->start(config_.health_url(inst.index), config_.health.expect, clock_, config_.health.timeout);
  inst.late_at = clock_.steady() + retry_gap(config_.health);
  if (!probe->active()) {
    on_health(inst, probe->result());  // answered at once (refused, not a URL)
    return;
  }
  inst.probes.push_back(std::move(probe));
}

// `probe` may have been cancelled meanwhile (the VM ended, was replaced): only one still in
// flight is touched.
void Supervisor::advance_probe(Instance& inst, HealthProbe* probe, bool deadline_passed) {
  auto it = std::find_if(inst.probes.begin(), inst.probes.end(), [&](const auto& p) { return p.get() == probe; });
  if (it == inst.probes.end()) return;
  if (deadline_passed && clock_.steady() < probe->deadline()) return;
  if (!probe->advance(clock_)) return;
  HealthResult r = probe->result();
  inst.probes.erase(it);
  on_health(inst, r);
}

std::optional<SteadyTime> Supervisor::next_deadline() const {
  std::optional<SteadyTime> best;
  auto consider = [&](SteadyTime t) {
    if (!best || t < *best) best = t;
  };
  for (const auto& inst : instances_) {
    if (inst.pending_pid) consider(inst.pending_pid->retry_at);
    if (inst.restart_at) consider(*inst.restart_at);
    if (!inst.vm) continue;
    if (inst.vm->term_sent) {
      if (!inst.vm->killed) consider(inst.vm->kill_at);
      continue;
    }
    for (const auto& probe : inst.probes) consider(probe->deadline());
    if (inst.probes.empty())
      consider(inst.next_probe);
    else if (may_overlap(inst))
      consider(inst.late_at);
    if (inst.state == "starting" && config_.health.grace > Millis(0)) consider(inst.grace_deadline);
  }
  if (watchdog_ && watchdog_->next()) consider(*watchdog_->next());
  return best;
}

void Supervisor::on_timers() {
  SteadyTime now = clock_.steady();
  retry_pending_pids();
  for (auto& inst : instances_) {
    if (inst.restart_at && now >= *inst.restart_at && !shutting_down_) {
      inst.restart_at.reset();
      spawn(inst);
      continue;
    }
    if (!inst.vm) continue;
    if (inst.vm->term_sent) {
      if (!inst.vm->killed && now >= inst.vm->kill_at) {
        sup(inst, fmt::format("pid {} still there {} after SIGTERM: SIGKILL", inst.vm->pid,
                              format_duration(config_.stop_timeout)), Priority::Warning);
        ::kill(inst.vm->pid, SIGKILL);
        inst.vm->killed = true;
      }
      continue;
    }
    std::vector<HealthProbe*> in_flight;
    for (const auto& probe : inst.probes) in_flight.push_back(probe.get());
    for (HealthProbe* probe : in_flight)
      if (now >= probe->deadline()) advance_probe(inst, probe, true);
    if (inst.vm && !inst.vm->term_sent &&
        (inst.probes.empty() ? now >= inst.next_probe : may_overlap(inst) && now >= inst.late_at))
      start_probe(inst);
    if (inst.vm && !inst.vm->term_sent && inst.state == "starting" && config_.health.grace > Millis(0) &&
        now >= inst.grace_deadline) {
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
}

void Supervisor::beat_watchdog(SteadyTime now) {
  if (watchdog_ && watchdog_->due(now)) env_.notifier.send("WATCHDOG=1");
}

void Supervisor::accept_clients() {
  for (;;) {
    int fd = ::accept4(listen_fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    Client c;
    c.fd.reset(fd);
    clients_.emplace(next_client_++, std::move(c));
  }
}

void Supervisor::read_client(int id) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(it->second.fd.get(), buf, sizeof buf, 0);
    if (n > 0) {
      it->second.in.append(buf, static_cast<size_t>(n));
      if (it->second.in.size() > 65536) {
        it->second.closed = true;
        return;
      }
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    it->second.closed = true;  // EOF: pending answers to it are dropped
    break;
  }
  for (;;) {
    auto c = clients_.find(id);
    if (c == clients_.end() || c->second.closed) return;
    size_t nl = c->second.in.find('\n');
    if (nl == std::string::npos) return;
    std::string line = c->second.in.substr(0, nl);
    c->second.in.erase(0, nl + 1);
    handle_request(id, line);
  }
}

void Supervisor::reply(int id, const nlohmann::json& j) {
  auto it = clients_.find(id);
  if (it == clients_.end() || it->second.closed) return;
  std::string line = j.dump() + "\n";
  size_t sent = 0;
  auto give_up = clock_.steady() + milliseconds(2000);
  while (sent < line.size()) {
    ssize_t n = ::send(it->second.fd.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && clock_.steady() < give_up) {
      pollfd p{it->second.fd.get(), POLLOUT, 0};
      ::poll(&p, 1, 100);
      continue;
    }
    it->second.closed = true;
    return;
  }
}

void Supervisor::handle_request(int id, const std::string& line) {
  nlohmann::json req;
  try {
    req = nlohmann::json::parse(line);
  } catch (const std::exception& e) {
    reply(id, {{"ok", false}, {"error", fmt::format("not a JSON object: {}", e.what())}});
    return;
  }
  std::string cmd = req.is_object() && req.contains("cmd") && req["cmd"].is_string() ? req["cmd"].get<std::string>() : "";
  int instance = -1;
  if (req.is_object() && req.contains("instance") && !req["instance"].is_null()) {
    if (!req["instance"].is_number_integer() || req["instance"].get<int>() < 0 ||
        req["instance"].get<int>() >= config_.instances) {
      reply(id, {{"ok", false},
                 {"error", fmt::format("instance: {} is not an instance of {} (0..{})", req["instance"].dump(),
                                       env_.name, config_.instances - 1)}});
      return;
    }
    instance = req["instance"].get<int>();
  }
  if (cmd == "status") {
    reply(id, {{"ok", true}, {"status", to_json(status())}});
  } else if (cmd == "stop" && instance >= 0) {
    Instance& inst = instances_[static_cast<size_t>(instance)];
    if (inst.vm) {
      instance_stop_waiters_[instance].push_back(id);
      stop_vm(inst, After::Stay);
    } else {
      inst.restart_at.reset();
      inst.state = "stopped";
      inst.reason = "stopped on request";
      reply(id, {{"ok", true}, {"results", nlohmann::json::array()}});
    }
  } else if (cmd == "stop") {
    stop_clients_.push_back(id);
    begin_shutdown("a stop request");
  } else if (cmd == "wait") {
    start_waiters_.push_back(id);
    answer_start_waiters();
  } else if (cmd == "restart" || cmd == "reload") {
    if (rollout_ || shutting_down_) {
      begin_rollout(id, cmd, instance, cmd == "reload");  // answers why not
      return;
    }
    // A restart applies service.toml as it is now; a broken file is refused, nothing changes.
    if (std::string why = apply_config(cmd); !why.empty()) {
      reply(id, {{"ok", false}, {"error", why}, {"config", true}});
      return;
    }
    begin_rollout(id, cmd, instance, cmd == "reload");
  } else if (cmd == "deploy") {
    begin_deploy(id, req);
  } else {
    reply(id, {{"ok", false},
               {"error", fmt::format("unknown cmd \"{}\" (one of: status, wait, stop, restart, reload, deploy)", cmd)}});
  }
}

void Supervisor::begin_rollout(int id, const std::string& cmd, int instance, bool sequential,
                               std::optional<DeployPlan> deploy) {
  if (shutting_down_) {
    reply(id, {{"ok", false}, {"error", "the supervisor is stopping"}});
    return;
  }
  if (rollout_) {
    reply(id, {{"ok", false}, {"busy", true}, {"error", fmt::format("a {} is already in progress", rollout_->cmd)}});
    return;
  }
  Rollout r;
  r.client = id;
  r.cmd = cmd;
  r.sequential = sequential;
  r.deploy = std::move(deploy);
  for (int i = 0; i < config_.instances; ++i)
    if (instance < 0 || instance == i) r.queue.push_back(i);
  rollout_ = std::move(r);
  broadcast(fmt::format("{} of {} requested", cmd,
                        instance < 0 ? std::string("every instance") : fmt::format("instance {}", instance)));
  if (sequential) {
    advance_rollout();
  } else {
    for (int i : rollout_->queue) rollout_->pending.insert(i);
    for (int i : std::vector<int>(rollout_->queue)) {
      if (!rollout_) break;
      begin_replacement(instances_[static_cast<size_t>(i)]);
    }
  }
}

void Supervisor::begin_replacement(Instance& inst) {
  inst.tracker.reset();  // an operator's restart: past failures are forgiven
  inst.in_rollout = true;
  inst.rollout_spawned = false;
  inst.rollout_began = clock_.steady();
  inst.restart_at.reset();
  if (inst.vm) {
    stop_vm(inst, After::StartNow);
  } else {
    spawn(inst);
  }
}

void Supervisor::advance_rollout() {
  while (rollout_ && rollout_->pending.empty()) {
    if (rollout_->next >= rollout_->queue.size()) {
      finish_rollout();
      return;
    }
    int i = rollout_->queue[rollout_->next++];
    rollout_->pending.insert(i);
    begin_replacement(instances_[static_cast<size_t>(i)]);
  }
}

void Supervisor::rollout_ok(Instance& inst) {
  if (!inst.in_rollout || !inst.rollout_spawned || !rollout_) return;
  inst.in_rollout = false;
  double secs = std::chrono::duration<double>(clock_.steady() - inst.rollout_began).count();
  rollout_->results.push_back({{"instance", inst.index},
                               {"ok", true},
                               {"pid", inst.vm ? inst.vm->pid : 0},
                               {"seconds", secs},
                               {"image", inst.vm ? inst.vm->image : ""},
                               {"detail", "healthy"}});
  rollout_->pending.erase(inst.index);
  if (rollout_->sequential)
    advance_rollout();
  else if (rollout_->pending.empty())
    finish_rollout();
}

void Supervisor::rollout_failed(Instance& inst, const std::string& why) {
  if (!inst.in_rollout || !rollout_) return;
  inst.in_rollout = false;
  double secs = std::chrono::duration<double>(clock_.steady() - inst.rollout_began).count();
  rollout_->results.push_back({{"instance", inst.index},
                               {"ok", false},
                               {"pid", inst.vm ? inst.vm->pid : 0},
                               {"seconds", secs},
                               {"image", inst.vm ? inst.vm->image : ""},
                               {"detail", why}});
  if (!rollout_->failed) {
    rollout_->failed = true;
    rollout_->failed_instance = inst.index;
    rollout_->error = fmt::format("instance {}: {}", inst.index, why);
  }
  rollout_->pending.erase(inst.index);
  if (rollout_->sequential || rollout_->pending.empty()) finish_rollout();
}

void Supervisor::finish_rollout() {
  if (!rollout_) return;
  Rollout r = std::move(*rollout_);
  rollout_.reset();
  for (auto& inst : instances_) inst.in_rollout = false;
  if (r.deploy && r.failed && !r.deploy->switching_back) {
    if (!shutting_down_ && deploy_switch_back(r)) return;
    // Stopping mid-gate: the unverified release must not be what the next start runs.
    if (shutting_down_ && switch_current(r.deploy->previous).empty()) {
      r.deploy->switching_back = true;
      r.deploy->gate_results = r.results;
      r.deploy->gate_error = r.error;
      r.deploy->gate_failed_instance = r.failed_instance;
    }
  }
  nlohmann::json j = {{"ok", !r.failed}, {"results", r.results}};
  if (r.failed) {
    j["error"] = r.error;
    j["instance"] = r.failed_instance;
  }
  if (r.deploy) {
    std::optional<std::string> now_on = r.deploy->switching_back ? r.deploy->previous : std::optional(r.deploy->release);
    j["current"] = now_on ? nlohmann::json(*now_on) : nlohmann::json();
    if (r.deploy->switching_back) {
      // The answer is about the deploy: its gate failed; `back` tells how the way back went.
      j = {{"ok", false},
           {"error", r.deploy->gate_error},
           {"instance", r.deploy->gate_failed_instance},
           {"results", r.deploy->gate_results},
           {"current", j["current"]},
           {"switched_back", true},
           {"back", {{"ok", !r.failed}, {"error", r.failed ? r.error : ""}, {"results", r.results}}}};
    }
  }
  broadcast(r.failed ? fmt::format("{} failed: {}", r.cmd, r.error) : fmt::format("{} finished", r.cmd),
            r.failed ? Priority::Err : Priority::Notice);
  reply(r.client, j);
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

void Supervisor::begin_deploy(int id, const nlohmann::json& req) {
  if (shutting_down_ || rollout_) {
    begin_rollout(id, "deploy", -1, true);  // answers why not (busy: the CLI waits and asks again)
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
    reply(id, {{"ok", false},
               {"error", fmt::format("deploy: release {} (previous {}) is not a complete release of {}",
                                     release.value_or("(none given)"), previous.value_or("none"), env_.name)}});
    return;
  }
  if (std::string why = apply_config("deploy"); !why.empty()) {
    reply(id, {{"ok", false}, {"error", why}, {"config", true}});
    return;
  }
  if (std::string why = switch_current(release); !why.empty()) {
    reply(id, {{"ok", false}, {"error", fmt::format("deploy: {}", why)}});
    return;
  }
  broadcast(fmt::format("deploy: current -> releases/{}; each instance must pass health before the next", *release));
  DeployPlan plan;
  plan.release = *release;
  plan.previous = previous;
  begin_rollout(id, "deploy", -1, true, plan);
}

// The gate failed: `current` back to the previous release (none: removed) and every instance
// restarted onto it, one at a time. False when even the switch could not be made.
bool Supervisor::deploy_switch_back(Rollout& r) {
  DeployPlan plan = *r.deploy;
  plan.switching_back = true;
  plan.gate_results = r.results;
  plan.gate_error = r.error;
  plan.gate_failed_instance = r.failed_instance;
  if (std::string why = switch_current(plan.previous); !why.empty()) {
    r.error += "; switching back failed: " + why;
    broadcast(fmt::format("deploy of {} failed: {}", plan.release, r.error));
    return false;
  }
  broadcast(fmt::format("deploy of {} failed the health gate ({}): current -> {} again, restarting onto it",
                        plan.release, r.error,
                        plan.previous ? "releases/" + *plan.previous : std::string("none (the base image)")));
  Rollout back;
  back.client = r.client;
  back.cmd = "deploy";
  back.sequential = true;
  back.deploy = plan;
  for (int i = 0; i < config_.instances; ++i) back.queue.push_back(i);
  rollout_ = std::move(back);
  advance_rollout();
  return true;
}

void Supervisor::begin_shutdown(const std::string& why) {
  if (!shutting_down_) {
    shutting_down_ = true;
    broadcast(fmt::format("stopping every VM ({})", why));
    env_.notifier.send("STOPPING=1\nSTATUS=stopping");
    if (rollout_) {
      rollout_->failed = true;
      rollout_->error = "the supervisor is stopping";
      finish_rollout();
    }
  }
  for (auto& inst : instances_) {
    inst.restart_at.reset();
    if (inst.vm)
      stop_vm(inst, After::Stay);
    else
      inst.state = "stopped";
  }
}

// Re-reads service.toml and makes it the configuration of every VM started from now on.
// Returns "" when applied, else why not (the previous configuration stays, untouched).
std::string Supervisor::apply_config(const std::string& why) {
  try {
    std::string digest = service_config_digest(paths_.service_toml());
    ServiceConfig next = load_service_config(paths_.service_toml());
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

void Supervisor::reload_config() { apply_config("SIGHUP"); }

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
  reload_config();
  if (config_digest_ != before && !rollout_ && !shutting_down_) {
    begin_rollout(-1, "reload", -1, true);
  } else if (config_digest_ != before) {
    broadcast("SIGHUP: the new configuration applies at each VM's next start (a rollout is in progress)");
  }
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
}

ServiceStatus Supervisor::status() const {
  ServiceStatus s;
  s.name = env_.name;
  s.supervisor_pid = ::getpid();
  s.ready = ready_;
  s.started_at = format_utc_timestamp(started_wall_);
  s.config_digest = config_digest_;
  if (rollout_) {
    s.rollout = rollout_->cmd;
    if (rollout_->deploy)
      s.rollout += rollout_->deploy->switching_back
                       ? fmt::format(" of {}: switching back to {}", rollout_->deploy->release,
                                     rollout_->deploy->previous.value_or("the base image"))
                       : fmt::format(" of {}: health gate", rollout_->deploy->release);
  }
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
      i.uptime_s = std::chrono::duration<double>(now - inst.vm->started).count();
      i.rss_bytes = resident_bytes(inst.vm->pid);
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
    last_status_text_ = text;
    env_.notifier.send(msg + "STATUS=" + text);
  }
}

}  // namespace

int run_supervisor(const SupervisorEnv& env) {
  Supervisor s(env);
  return s.run();
}

}  // namespace pharoctl
