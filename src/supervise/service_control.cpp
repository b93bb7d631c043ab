#include "supervise/service_control.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <deque>
#include <optional>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "process/file_lock.hpp"
#include "process/proc_info.hpp"
#include "process/launcher.hpp"
#include "process/terminate.hpp"
#include "util/unique_fd.hpp"
#include "process/vm_identity.hpp"
#include "service/service_config.hpp"
#include "util/clean_text.hpp"
#include "supervise/config_digest.hpp"
#include "supervise/supervise_entry.hpp"
#include "util/failure.hpp"

namespace pharoctl {

namespace {

using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How often the CLI looks again while it waits on the supervisor (the supervisor itself never
// polls; it sleeps in poll(2) until its next deadline).
constexpr milliseconds kLookAgain{20};
// How often `start` looks for the new supervisor's control socket (it exists within ~2 ms).
constexpr milliseconds kSocketAppears{1};

bool port_free(int port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return true;
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return ::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
}

std::filesystem::path newest_log(const ServicePaths& p, const std::string& stem) {
  std::filesystem::path best;
  std::filesystem::file_time_type best_time{};
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(p.logs(), ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec)) {
    std::string n = it->path().filename().string();
    if (n.size() == stem.size() + 15 && n.rfind(stem + "-", 0) == 0 && n.ends_with(".log")) {
      auto t = it->last_write_time(ec);
      if (best.empty() || t > best_time) {
        best = it->path();
        best_time = t;
      }
    }
  }
  return best;
}

std::filesystem::path supervisor_out(const ServicePaths& p) { return p.logs() / "supervisor.out"; }

// supervisor.out is appended to, so that a supervisor's last words survive the next start;
// past 1 MiB it moves to supervisor.out.1 (replacing the older one). Returns where this start's
// lines begin. Not for everyone's eyes: 0640.
constexpr std::uint64_t kSupervisorOutMax = 1 << 20;

std::uint64_t keep_supervisor_out_bounded(const std::filesystem::path& out) {
  std::error_code ec;
  std::uint64_t size = std::filesystem::file_size(out, ec);
  if (ec) return 0;
  if (size > kSupervisorOutMax) {
    std::filesystem::rename(out, out.string() + ".1", ec);
    if (!ec) return 0;
  }
  ::chmod(out.c_str(), 0640);
  return size;
}

// The last `lines` lines of `file` after byte `from`.
std::string tail_lines_from(const std::filesystem::path& file, std::uint64_t from, int lines) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  in.seekg(static_cast<std::streamoff>(from));
  std::deque<std::string> last;
  for (std::string l; std::getline(in, l);) {
    last.push_back(l);
    if (static_cast<int>(last.size()) > lines) last.pop_front();
  }
  std::string out;
  for (const auto& l : last) out += clean_line(l) + "\n";
  return out;
}

}  // namespace

std::string tail_lines(const std::filesystem::path& file, int lines) { return tail_lines_from(file, 0, lines); }

std::string instance_log_tail(const ServicePaths& paths, int instance, int count, int lines) {
  return tail_lines(newest_log(paths, paths.instance_stem(instance, count)), lines);
}

bool supervisor_running(const ServicePaths& paths) { return FileLock::is_held(paths.supervisor_lock()); }

ServiceStatus collect_status(const Home& home, const std::string& name) {
  ServicePaths p = home.service(name);
  ServiceStatus s;
  s.name = name;
  // A running supervisor answers for its service, whatever service.toml says now (it may have
  // been edited, even broken, since the supervisor read it).
  if (supervisor_running(p)) {
    try {
      ServiceStatus live = ControlClient(p).status(milliseconds(3000));
      std::string on_disk = service_config_digest(p.service_toml());
      live.config_differs = !live.config_digest.empty() && on_disk != live.config_digest;
      if (live.config_differs && live.reason.empty())
        live.reason = fmt::format("service.toml differs from the configuration running; `pharoctl restart {}` applies it", name);
      return live;
    } catch (const Failure& f) {
      if (supervisor_running(p)) {
        s.state = "unresponsive";
        s.supervisor_pid = recorded_lock_pid(p.supervisor_lock());
        s.reason = f.what();
      }
      // else: it stopped between the two looks; report it as stopped below.
    }
  }
  ServiceConfig cfg;
  try {
    cfg = load_service_config(p.service_toml());
  } catch (const Failure& f) {
    if (s.state != "unresponsive") s.state = "invalid";
    s.reason = f.what();
    return s;
  }
  if (s.state != "unresponsive") s.state = "stopped";
  for (int i = 0; i < cfg.instances; ++i) {
    InstanceStatus inst;
    inst.index = i;
    inst.state = "stopped";
    inst.http_port = cfg.http_port(i);
    inst.telnet_port = cfg.telnet_port(i);
    inst.metrics_port = cfg.metrics_port(i);
    PidFileState pf = PidFile(p.pid_file(i, cfg.instances)).inspect();
    if (pf.exists && pf.verdict.proven) {
      inst.state = "orphaned";  // a VM of this service without its supervisor
      inst.pid = pf.pid;
      inst.reason = "running without a supervisor; `pharoctl stop` ends it";
    } else if (pf.exists) {
      inst.stale_pid_file = fmt::format("{}: {}", p.pid_file(i, cfg.instances).string(), pf.verdict.reason);
    }
    s.instances.push_back(inst);
  }
  return s;
}

std::vector<ServiceStatus> collect_statuses(const Home& home, const std::vector<std::string>& names) {
  std::vector<ServiceStatus> out(names.size());
  if (names.size() <= 1) {
    for (size_t i = 0; i < names.size(); ++i) out[i] = collect_status(home, names[i]);
    return out;
  }
  std::atomic<size_t> next{0};
  std::vector<std::exception_ptr> errors(names.size());
  auto worker = [&] {
    for (size_t i; (i = next++) < names.size();) {
      try {
        out[i] = collect_status(home, names[i]);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> workers;
  for (size_t i = 0; i < std::min<size_t>(16, names.size()); ++i) workers.emplace_back(worker);
  for (auto& w : workers) w.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);  // the first in the given order, as one after the other would
  return out;
}

StartOutcome start_service(const Home& home, const std::string& name, const std::string& pharoctl_exe) {
  ServicePaths p = home.service(name);
  if (!std::filesystem::exists(p.service_toml()))
    throw usage_error(fmt::format("{}: no such service ({} missing; `pharoctl new {}` creates it)", name,
                                  p.service_toml().string(), name));
  ServiceConfig cfg = load_service_config(p.service_toml());
  std::filesystem::create_directories(p.run());
  std::filesystem::create_directories(p.logs());
  Millis grace = cfg.health.grace > Millis(0) ? cfg.health.grace : Millis(600'000);
  auto patience = grace + cfg.stop_timeout + milliseconds(30'000);

  StartOutcome out;
  // One start at a time per service: the others wait here, then find the supervisor running.
  auto start_lock = FileLock::acquire(p.run() / "start.lock", duration_cast<milliseconds>(patience));
  if (!start_lock) throw operation_failed(fmt::format("{}: another start holds {} for too long", name,
                                                      (p.run() / "start.lock").string()));
  if (supervisor_running(p)) {
    out.kind = StartOutcome::AlreadyRunning;
    out.message = fmt::format("{} is already running (supervisor pid {})", name, recorded_lock_pid(p.supervisor_lock()));
    try {
      out.status = ControlClient(p).status(milliseconds(3000));
    } catch (const Failure&) {
    }
    return out;
  }

  std::uint64_t out_from = keep_supervisor_out_bounded(supervisor_out(p));
  LaunchSpec spec;
  // The slim supervisor directly when it is installed beside pharoctl: no exec chain.
  std::filesystem::path slim = slim_supervisor_beside(pharoctl_exe);
  spec.argv = {slim.empty() ? pharoctl_exe : slim.string(), "--home", home.root().string(), "supervise", name};
  spec.env.unset("NOTIFY_SOCKET").unset("WATCHDOG_USEC").unset("WATCHDOG_PID");
  spec.cwd = p.dir();
  spec.out = Stdio::append_to(supervisor_out(p));
  spec.err = Stdio::append_to(supervisor_out(p));
  spec.group = ProcessGroup::NewSession;
  Child child = launch(spec);

  auto deadline = Steady::now() + grace + milliseconds(10'000);
  ControlClient client(p);
  auto exited = [&](milliseconds wait_at_most) -> std::optional<int> {
    auto until = Steady::now() + wait_at_most;
    for (;;) {
      int st = 0;
      if (::waitpid(child.pid, &st, WNOHANG) == child.pid) return st;
      if (Steady::now() >= until) return std::nullopt;
      std::this_thread::sleep_for(kSocketAppears);
    }
  };
  auto supervisor_exited = [&](int st) {
    out.kind = StartOutcome::Failed;
    std::string tail = tail_lines_from(supervisor_out(p), out_from, 20);
    std::string last = tail;
    while (!last.empty() && last.back() == '\n') last.pop_back();
    last = last.substr(last.rfind('\n') == std::string::npos ? 0 : last.rfind('\n') + 1);
    out.message = fmt::format("{}: the supervisor exited ({}){}", name,
                              WIFEXITED(st) ? fmt::format("status {}", WEXITSTATUS(st)) : "killed",
                              last.empty() ? "" : ": " + last);
    out.log_tail = tail;
    return out;
  };
  auto not_ready = [&] {
    out.kind = StartOutcome::Failed;
    out.message = fmt::format("{}: not ready within {} ([health].grace); the supervisor keeps trying", name,
                              format_duration(grace));
    out.log_tail = instance_log_tail(p, 0, cfg.instances, 20);
    return out;
  };
  for (;;) {
    // One "wait" request, answered by the supervisor the moment it is ready or in trouble; the
    // only looking again is for the few milliseconds before its control socket exists.
    nlohmann::json answer;
    try {
      auto left = std::chrono::duration_cast<milliseconds>(deadline - Steady::now());
      answer = client.request({{"cmd", "wait"}}, std::max(left, milliseconds(1)));
    } catch (const Failure& f) {
      if (auto st = exited(f.exit_code() == kExitNotRunning ? milliseconds(0) : milliseconds(2000)))
        return supervisor_exited(*st);
      if (Steady::now() > deadline) return not_ready();
      if (f.exit_code() != kExitNotRunning) throw;
      std::this_thread::sleep_for(kSocketAppears);
      continue;
    }
    if (!answer.value("ok", false) || !answer.contains("status"))
      throw operation_failed(fmt::format("{}: the supervisor answered the start wait with {}", name, answer.dump()));
    ServiceStatus s = service_status_from_json(answer["status"]);
    out.status = s;
    if (s.ready) {
      out.kind = StartOutcome::Started;
      out.message = fmt::format("{} started: {} instance{} healthy (supervisor pid {})", name, s.instances.size(),
                                s.instances.size() == 1 ? "" : "s", s.supervisor_pid);
      return out;
    }
    for (const auto& i : s.instances) {
      if (!start_trouble(i.state, i.restarts, i.last_exit, i.last_words)) continue;
      out.kind = StartOutcome::Failed;
      std::string stem = p.instance_stem(i.index, cfg.instances);
      out.message = fmt::format("{} did not start: {}; the supervisor (pid {}) keeps trying per [restart] until "
                                "`pharoctl stop {}`",
                                stem, i.reason.empty() ? i.state : i.reason, s.supervisor_pid, name);
      out.log_tail = instance_log_tail(p, i.index, cfg.instances, 20);
      return out;
    }
    if (auto st = exited(milliseconds(2000))) return supervisor_exited(*st);  // it was stopping
    return not_ready();
  }
}

StopOutcome stop_service(const Home& home, const std::string& name) {
  ServicePaths p = home.service(name);
  if (!std::filesystem::exists(p.service_toml()))
    throw usage_error(fmt::format("{}: no such service ({} missing)", name, p.service_toml().string()));
  // A broken service.toml must not keep a running service from being stopped.
  std::optional<ServiceConfig> loaded;
  try {
    loaded = load_service_config(p.service_toml());
  } catch (const Failure&) {
    if (!supervisor_running(p)) throw;
  }
  StopOutcome out;
  auto patience = (loaded ? loaded->stop_timeout : Millis(30'000)) + milliseconds(30'000);
  if (supervisor_running(p)) {
    out.was_running = true;
    pid_t supervisor = recorded_lock_pid(p.supervisor_lock());
    ControlClient client(p);
    auto connect_deadline = Steady::now() + milliseconds(5000);
    for (;;) {
      try {
        ControlReply r = client.stop(duration_cast<milliseconds>(patience));
        if (!r.ok) throw operation_failed(fmt::format("{}: stop refused: {}", name, r.error));
        break;
      } catch (const Failure& f) {
        if (!supervisor_running(p)) break;  // gone meanwhile
        // A supervisor that has the lock but no socket yet is starting: ask again shortly.
        if (f.exit_code() != kExitNotRunning || Steady::now() > connect_deadline) throw;
        std::this_thread::sleep_for(kLookAgain);
      }
    }
    auto deadline = Steady::now() + milliseconds(10'000);
    while (supervisor_running(p)) {
      if (Steady::now() > deadline)
        throw operation_failed(fmt::format("{}: the supervisor answered the stop but still holds {}", name,
                                           p.supervisor_lock().string()));
      std::this_thread::sleep_for(kLookAgain);
    }
    // The lock goes when the supervisor closes its files on exit, a moment before the exit
    // completes: wait for that too (only waiting, never signalling, so no proof is needed).
    if (supervisor > 0) wait_until_gone(supervisor, milliseconds(5000));
  }
  if (!loaded) {
    out.message = fmt::format("{} stopped", name);
    return out;
  }
  const ServiceConfig& cfg = *loaded;
  // Without a supervisor: only VMs that /proc proves are this service's.
  for (int i = 0; i < cfg.instances; ++i) {
    PidFile pf(p.pid_file(i, cfg.instances));
    PidFileState s = pf.inspect();
    if (!s.exists) continue;
    if (s.verdict.proven) {
      TerminateResult t = terminate_proven(*s.identity, cfg.stop_timeout);
      if (t.signalled) {
        out.was_running = true;
        out.notes.push_back(fmt::format("ended pid {}, a VM of {} left without its supervisor{}", s.pid, name,
                                        t.killed ? " (SIGKILL)" : ""));
        pf.remove();
      }
    } else {
      out.notes.push_back(fmt::format("stale pid file {} left alone: {}", pf.path().string(), s.verdict.reason));
    }
  }
  auto ports_deadline = Steady::now() + milliseconds(5000);
  for (int port : cfg.all_ports()) {
    while (!port_free(port)) {
      if (Steady::now() > ports_deadline) {
        out.notes.push_back(fmt::format("port {} is still in use by another process", port));
        break;
      }
      std::this_thread::sleep_for(kLookAgain);
    }
  }
  out.message = out.was_running ? fmt::format("{} stopped", name) : fmt::format("{} is not running", name);
  return out;
}

std::string systemd_unit_name(const std::string& service) { return "pharo-" + service + ".service"; }

bool systemd_manages(const std::string& service) {
  std::error_code ec;
  if (!std::filesystem::is_directory("/run/systemd/system", ec)) return false;
  std::string unit = systemd_unit_name(service);
  for (const char* dir : {"/etc/systemd/system", "/run/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"})
    if (std::filesystem::exists(std::filesystem::path(dir) / unit, ec)) return true;
  return false;
}

}  // namespace pharoctl
