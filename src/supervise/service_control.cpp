#include "supervise/service_control.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "net/loopback_address.hpp"
#include "process/file_lock.hpp"
#include "process/proc_info.hpp"
#include "process/launcher.hpp"
#include "process/pidfd.hpp"
#include "process/terminate.hpp"
#include "util/unique_fd.hpp"
#include "process/vm_identity.hpp"
#include "service/service_config.hpp"
#include "util/clean_text.hpp"
#include "supervise/config_digest.hpp"
#include "supervise/recorded_status.hpp"
#include "supervise/supervise_entry.hpp"
#include "util/failure.hpp"

namespace pharoctl {

namespace {

using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How often the CLI looks again while it waits on the supervisor (the supervisor itself never
// polls; it sleeps in poll(2) until its next deadline).
constexpr milliseconds kLookAgain{20};
// How often `stop` looks for a new supervisor's control socket (it exists within a few ms).
constexpr milliseconds kSocketAppears{1};

bool port_free(int port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return true;
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a = loopback_address(port);
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

}  // namespace

std::string tail_lines_after(const std::filesystem::path& file, std::uint64_t from, int lines) {
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

std::string tail_lines(const std::filesystem::path& file, int lines) { return tail_lines_after(file, 0, lines); }

std::string instance_log_tail(const ServicePaths& paths, int instance, int count, int lines) {
  return tail_lines(newest_log(paths, paths.instance_stem(instance, count)), lines);
}

bool supervisor_running(const ServicePaths& paths) { return FileLock::is_held(paths.supervisor_lock()); }

namespace {

// What a running supervisor answered (or the failure to get an answer) made into the status
// shown: "unresponsive" when it did not answer; nullopt when it stopped meanwhile.
// A running supervisor's status (answered or recorded), checked against service.toml on disk.
ServiceStatus against_disk(const ServicePaths& p, const std::string& name, ServiceStatus live) {
  std::string on_disk = service_config_digest(p.service_toml());
  live.config_differs = !live.config_digest.empty() && on_disk != live.config_digest;
  if (live.config_differs && live.reason.empty())
    live.reason = fmt::format("service.toml differs from the configuration running; `pharoctl restart {}` applies it", name);
  return live;
}

std::optional<ServiceStatus> status_of_running(const ServicePaths& p, const std::string& name, StatusAnswer answer) {
  if (answer.status) return against_disk(p, name, std::move(*answer.status));
  if (!supervisor_running(p)) return std::nullopt;  // it stopped between the two looks
  ServiceStatus s;
  s.name = name;
  s.state = "unresponsive";
  s.supervisor_pid = recorded_lock_pid(p.supervisor_lock());
  s.reason = answer.failure->what();
  return s;
}

// The status of a service whose supervisor does not answer (or none runs): from service.toml
// and the pid files. `s` is "unresponsive" already or fresh.
ServiceStatus status_without_supervisor(const ServicePaths& p, ServiceStatus s) {
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

ServiceStatus status_from(const ServicePaths& p, const std::string& name, std::optional<StatusAnswer> answer) {
  ServiceStatus s;
  s.name = name;
  if (answer) {
    std::optional<ServiceStatus> running = status_of_running(p, name, std::move(*answer));
    if (running && running->state != "unresponsive") return *running;
    if (running) s = std::move(*running);
  }
  return status_without_supervisor(p, std::move(s));
}

constexpr milliseconds kStatusTimeout{3000};

}  // namespace

ServiceStatus collect_status(const Home& home, const std::string& name) {
  return std::move(collect_statuses(home, {name}).front());
}

std::vector<ServiceStatus> collect_statuses(const Home& home, const std::vector<std::string>& names) {
  // A running supervisor answers for its service, whatever service.toml says now (it may have
  // been edited, even broken, since the supervisor read it): from its record when that is
  // proven current (no supervisor woken), else over its control socket.
  std::vector<ServicePaths> paths;
  std::vector<std::optional<ServiceStatus>> recorded;
  std::vector<ServicePaths> asked;
  for (const std::string& n : names) {
    paths.push_back(home.service(n));
    recorded.push_back(recorded_status(paths.back()));
    if (!recorded.back() && supervisor_running(paths.back())) asked.push_back(paths.back());
  }
  // Every supervisor without a record is asked at once: one deadline for all of them.
  std::vector<StatusAnswer> answers = status_all(asked, kStatusTimeout);
  std::vector<ServiceStatus> out;
  out.reserve(names.size());
  for (size_t i = 0, r = 0; i < names.size(); ++i) {
    if (recorded[i]) {
      out.push_back(against_disk(paths[i], names[i], std::move(*recorded[i])));
      continue;
    }
    std::optional<StatusAnswer> answer;
    if (r < asked.size() && asked[r].name() == names[i]) answer = std::move(answers[r++]);
    out.push_back(status_from(paths[i], names[i], std::move(answer)));
  }
  return out;
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
        std::this_thread::sleep_for(kSocketAppears);
      }
    }
    auto deadline = Steady::now() + milliseconds(10'000);
    // The lock goes with the supervisor's exit: waited for on its pidfd, then looked at again.
    if (supervisor > 0) wait_until_gone(supervisor, milliseconds(10'000));
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
