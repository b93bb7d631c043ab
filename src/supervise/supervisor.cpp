// The supervisor's set-up, its loop and its end; the pid records it keeps. What it does with
// VMs is in supervisor_vms.cpp, what it answers in supervisor_requests.cpp.
#include "supervise/supervisor.hpp"

#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "process/resident_stack.hpp"
#include "process/resident_text.hpp"
#include "process/terminate.hpp"
#include "render/run_script.hpp"
#include "supervise/supervisor_internal.hpp"
#include "util/failure.hpp"
#include "util/read_line.hpp"
#include "util/sha256.hpp"

namespace pharoctl {

using std::chrono::milliseconds;

Supervisor::Supervisor(const SupervisorEnv& env)
    : env_(env), paths_(env.home.service(env.name)), clock_(env.clock), events_(env.clock, STDERR_FILENO) {}

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

bool Supervisor::all_vms_gone() const {
  return std::all_of(instances_.begin(), instances_.end(), [](const Instance& i) { return !i.vm; });
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

// Everything the first spawn needs, and nothing more: the lock (one supervisor per service, and
// a refused start writes nothing), the configuration and runtime, the umask the VMs inherit, the
// signals (SIGCHLD blocked before there is a child), the instances. Then the starter's go-ahead
// and prepare_spawns. The control socket and the first log lines come after the fork
// (set_up_after_spawning), while the VM starts.
void Supervisor::set_up() {
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
  // What the VMs create (the image's transcript logs/server-*.log) is not for every user.
  ::umask(::umask(0) | 027);
  // One read of service.toml for the config and its digest (they cannot disagree).
  std::string config_text;
  config_ = load_service_config(paths_.service_toml(), &config_text);
  config_digest_ = sha256_hex(config_text);
  runtime_ = load_runtime(env_.home, config_.runtime);
  signals_.emplace();
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
  // A path no socket can have is a refusal (exit 2), found before any VM runs.
  ControlServer::check_path(paths_.control_socket());
}

// What only a go-ahead may do, so that a start called off has written nothing: this pid in the
// lock file, the old record removed, the run scripts written, a VM that outlived its supervisor
// ended.
void Supervisor::prepare_spawns() {
  lock_->record_pid(::getpid());
  // A record left by a supervisor that died goes before others can see this one hold the lock:
  // a reader trusts a record only while the process that wrote it holds the (POSIX) lock (so a
  // pid reused by this supervisor cannot make the old record look like its own).
  status_record_.remove();
  lock_->hold_posix_lock();
  write_run_scripts(config_, paths_);
  for (auto& inst : instances_) handle_leftover_pid_file(inst);
}

// The starter's first line, "wait", is the go-ahead: it has checked the service (ports against
// the other services, the runtime) while this process started, read its configuration and took
// its lock. EOF (the checks failed, or the start died) or no line within a minute calls the
// start off before anything is written or signalled.
bool Supervisor::starter_goes_ahead(int fd) {
  LineRead r = read_line(fd, std::chrono::steady_clock::now() + std::chrono::seconds(60), 256);
  if (r.timed_out)
    report_trouble("the start that launched this supervisor did not go ahead within 60 s; nothing was started");
  if (!r.line) return false;
  auto request = nlohmann::json::parse(*r.line, nullptr, false);
  return request.is_object() && request.value("cmd", "") == "wait";
}

// The control socket: `stop` retries until it is there (`start` has the starter channel).
// Should it fail, the VMs just started end with the supervisor, before it says why.
void Supervisor::set_up_after_spawning() {
  try {
    control_.listen(paths_.control_socket());
  } catch (const std::exception& e) {
    abandon_vms(fmt::format("the supervisor could not start: {}", e.what()));
    throw;
  }
}

int Supervisor::run() {
  UniqueFd starter(env_.starter_fd);
  if (starter.valid()) ::fcntl(starter.get(), F_SETFD, FD_CLOEXEC);  // never a VM's
  try {
    set_up();
  } catch (const std::exception&) {
    // Said (into supervisor.out) only to a start that goes ahead: one whose checks failed, as
    // they will for most of what fails here, reports it itself and wants nothing written.
    if (starter.valid() && !starter_goes_ahead(starter.get())) return kExitOk;
    throw;
  }
  if (starter.valid() && !starter_goes_ahead(starter.get())) return kExitOk;
  prepare_spawns();
  std::vector<Launched> launched;
  launched.reserve(instances_.size());
  for (auto& inst : instances_) launched.push_back(launch_vm(inst));
  set_up_after_spawning();
  if (starter.valid()) start_waiters_.push_back(control_.adopt(std::move(starter)));
  broadcast(fmt::format("supervisor started (pid {}), {} instance{}", ::getpid(), config_.instances,
                        config_.instances == 1 ? "" : "s"), Priority::Info);
  for (size_t i = 0; i < instances_.size(); ++i) announce(instances_[i], launched[i]);
  watchdog_.emplace(env_.notifier.watchdog_interval(), clock_.steady());
  update_notify();
  write_status_record();
  // What parsing service.toml, runtime.toml and the run scripts left free goes back to the
  // system: a supervisor lives for months at its steady-state size.
  ::malloc_trim(0);
  for (;;) {
    if (shutting_down_ && all_vms_gone()) break;
    watch_everything();
    std::optional<SteadyTime> deadline = next_deadline();
    loop_.wait(deadline, clock_);
    if (deadline && clock_.steady() >= *deadline) record_due_ = true;  // timers act this round
    control_.drop_closed();  // clients that went away during handling
    on_timers();
    update_notify();
    if (watchdog_ && watchdog_->due(clock_.steady())) env_.notifier.send("WATCHDOG=1");
    if (!start_waiters_.empty()) answer_start_waiters();
    if (record_due_) write_status_record();
    send_replies();
    record_executables();
    // Every instance healthy (again), the starters answered: the code of set-up, of starting and
    // of replacing a VM, the heap pages they left free and the stack below this loop leave the
    // resident set; the loop faults back in what it runs (docs/supervisor.md, "Where its memory
    // goes").
    if (std::exchange(release_text_, false)) {
      ::malloc_trim(0);
      release_resident_text();
      release_unused_stack(512);  // its own frame is 88 bytes: a page less kept in 2 of 5
    }
  }
  finish();
  return kExitOk;
}

// This round's descriptors: signals, the control socket and its clients, each VM's output and
// its probes in flight.
void Supervisor::watch_everything() {
  // Everything but VM output may change what status shows: those rounds rewrite run/status.
  loop_.watch(signals_->fd(), POLLIN, [this](short) {
    record_due_ = true;
    on_signals();
  });
  if (control_.listen_fd() >= 0) loop_.watch(control_.listen_fd(), POLLIN, [this](short) { control_.accept_clients(); });
  control_.for_each_client([this](int id, int fd) {
    loop_.watch(fd, POLLIN, [this, id](short) {
      record_due_ = true;
      control_.read(id, [this, id](const std::string& line) {
        dispatch_request(id, line, env_.name, config_.instances, *this);
      });
    });
  });
  for (auto& inst : instances_) {
    if (inst.vm && inst.vm->out.valid()) {
      loop_.watch(inst.vm->out.get(), POLLIN, [this, &inst](short) {
        if (inst.vm) read_output(inst, inst.vm->out.get(), inst.vm->out_lines, "out");
      });
    }
    if (inst.vm && inst.vm->err.valid()) {
      loop_.watch(inst.vm->err.get(), POLLIN, [this, &inst](short) {
        if (inst.vm) read_output(inst, inst.vm->err.get(), inst.vm->err_lines, "err");
      });
    }
    for (const auto& probe : inst.probes) {
      loop_.watch(probe->fd(), probe->poll_events(), [this, &inst, raw = probe.get()](short) {
        record_due_ = true;
        advance_probe(inst, raw, false);
      });
    }
  }
}

void Supervisor::on_signals() {
  while (auto signo = signals_->next()) {
    if (*signo == SIGCHLD) {
      int st = 0;
      pid_t pid;
      while ((pid = ::waitpid(-1, &st, WNOHANG)) > 0) on_child_exit(pid, st);
    } else if (*signo == SIGHUP) {
      on_sighup();
    } else {
      begin_shutdown(signal_name(*signo));
    }
  }
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

void Supervisor::finish() {
  for (auto& inst : instances_) {
    remove_pid(inst);
    inst.state = "stopped";
  }
  status_record_.remove();  // from here on, status asks (and finds no one)
  record_due_ = false;
  broadcast("supervisor stopped: every VM is gone");
  for (int id : stop_clients_) reply(id, {{"ok", true}, {"results", nlohmann::json::array()}});
  send_replies();
  control_.close();
  // The lock goes when the process exits.
}

int run_supervisor(const SupervisorEnv& env) {
  Supervisor s(env);
  return s.run();
}

}  // namespace pharoctl
