// start, stop, restart, reload, run, supervise, pid: parse, call src/supervise/, print.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "process/descriptors.hpp"
#include "process/self_exe.hpp"
#include "supervise/supervise_entry.hpp"
#include "process/launcher.hpp"
#include "render/run_script.hpp"
#include "runtime/runtime.hpp"
#include "ops/preflight.hpp"
#include "service/port_index.hpp"
#include "service/service_config.hpp"
#include "supervise/clock.hpp"
#include "supervise/control_client.hpp"
#include "supervise/notifier.hpp"
#include "supervise/service_control.hpp"
#include "supervise/service_start.hpp"
#include "supervise/supervisor.hpp"
#include "runtime/vm_command.hpp"
#include "util/failure.hpp"

namespace pharoctl::cli {

namespace {

struct Targets {
  std::vector<std::string> items;
  bool all = false;
};

void add_targets(CLI::App& cmd, Targets& t, bool allow_all) {
  cmd.add_option("target", t.items, "NAME or NAME@I (instance I, 0-based)");
  if (allow_all) cmd.add_flag("--all", t.all, "Every service of the home");
}

std::vector<ServiceTarget> resolve_targets(const Globals& g, const Targets& t, bool allow_instance) {
  std::vector<ServiceTarget> out;
  if (t.all) {
    if (!t.items.empty()) throw usage_error("give service names or --all, not both");
    for (const auto& n : g.resolve_home().service_names()) out.push_back({n, -1});
    return out;
  }
  if (t.items.empty()) throw usage_error("which service? give NAME (or NAME@I), or --all");
  for (const auto& item : t.items) {
    ServiceTarget st = parse_service_target(item);
    if (std::string why = check_service_name(st.name); !why.empty())
      throw usage_error(fmt::format("{}: {}", item, why));
    if (st.instance >= 0 && !allow_instance)
      throw usage_error(fmt::format("{}: this command applies to a whole service (give {} without @I)", item, st.name));
    out.push_back(st);
  }
  return out;
}

ServiceConfig load_config(const Home& home, const std::string& name) { return load_named_service(home, name); }

void check_instance(const ServiceConfig& cfg, const ServiceTarget& t) {
  if (t.instance >= cfg.instances)
    throw usage_error(fmt::format("{}@{}: {} has {} instance{} (0..{})", t.name, t.instance, t.name, cfg.instances,
                                  cfg.instances == 1 ? "" : "s", cfg.instances - 1));
}

// NAME[@I] resolved: the target, the home and the service's config, the instance checked.
struct Addressed {
  ServiceTarget target;
  Home home;
  ServiceConfig config;
};

Addressed address(const Globals& g, const std::string& text) {
  ServiceTarget t = parse_service_target(text);
  Home home = g.resolve_home();
  ServiceConfig cfg = load_config(home, t.name);
  check_instance(cfg, t);
  return {t, home, cfg};
}

// systemctl ACTION UNIT; its exit code, its output passed through.
int systemctl(const std::string& action, const std::string& name) {
  LaunchSpec spec;
  spec.argv = {"/bin/systemctl", action, systemd_unit_name(name)};
  spec.out = Stdio::from_fd(STDERR_FILENO);
  spec.err = Stdio::inherit();
  spec.group = ProcessGroup::Ours;
  ExitStatus st = wait_exit(launch(spec).pid);
  return st.signal == 0 && !st.lost ? st.code : kExitFailed;
}

Millis rollout_timeout(const ServiceConfig& cfg) {
  return (cfg.health.grace + cfg.stop_timeout + Millis(10'000)) * cfg.instances + Millis(30'000);
}

void print_results(const Globals& g, const std::string& name, const ControlReply& r) {
  for (const auto& x : r.results) {
    if (g.quiet && x.ok) continue;
    fmt::print("{}@{}: {} (pid {}, {:.2f}s)\n", name, x.instance, x.ok ? "healthy" : x.detail, x.pid, x.seconds);
  }
}

// `cfg`: the service's config, loaded (and preflighted) by the caller.
// `held`: a supervisor start_one launched before the checks (its go-ahead given here).
int do_start(const Globals& g, const ServiceTarget& t, const ServiceConfig& cfg, HeldStart* held = nullptr) {
  Home home = g.resolve_home();
  check_instance(cfg, t);
  ServicePaths p = home.service(t.name);
  if (t.instance >= 0 && supervisor_running(p)) {
    ServiceStatus s = ControlClient(p).status();
    const InstanceStatus& i = s.instances.at(static_cast<size_t>(t.instance));
    if (i.state != "stopped" && i.state != "failed") {
      if (!g.quiet) fmt::print("{}@{} is already running ({})\n", t.name, t.instance, i.state);
      return kExitOk;
    }
    ControlReply r = ControlClient(p).restart(t.instance, rollout_timeout(cfg));
    print_results(g, t.name, r);
    if (!r.ok) throw operation_failed(fmt::format("{}: {}", t.name, r.error));
    return kExitOk;
  }
  if (systemd_manages(t.name)) return systemctl("start", t.name) == 0 ? kExitOk : kExitFailed;
  StartOutcome o = held ? held->go(cfg) : start_service(home, cfg, self_exe());
  if (o.kind == StartOutcome::Failed) {
    std::string msg = o.message;
    if (!o.log_tail.empty()) msg += "\n--- log tail ---\n" + o.log_tail;
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    throw operation_failed(msg);
  }
  if (!g.quiet) fmt::print("{}\n", o.message);
  return kExitOk;
}

int do_stop(const Globals& g, const ServiceTarget& t) {
  Home home = g.resolve_home();
  ServicePaths p = home.service(t.name);
  if (t.instance >= 0) {
    ServiceConfig cfg = load_config(home, t.name);
    check_instance(cfg, t);
    if (!supervisor_running(p)) {
      if (!g.quiet) fmt::print("{} is not running\n", t.name);
      return kExitOk;
    }
    nlohmann::json r = ControlClient(p).request({{"cmd", "stop"}, {"instance", t.instance}},
                                                cfg.stop_timeout + Millis(30'000));
    if (!r.value("ok", false)) throw operation_failed(fmt::format("{}: {}", t.name, r.value("error", "stop failed")));
    if (!g.quiet) fmt::print("{}@{} stopped (the supervisor keeps it stopped until `pharoctl start {}@{}`)\n", t.name,
                             t.instance, t.name, t.instance);
    return kExitOk;
  }
  if (systemd_manages(t.name)) return systemctl("stop", t.name) == 0 ? kExitOk : kExitFailed;
  StopOutcome o = stop_service(home, t.name);
  for (const auto& n : o.notes) fmt::print(stderr, "pharoctl: {}\n", n);
  if (!g.quiet) fmt::print("{}\n", o.message);
  return kExitOk;
}

int do_restart(const Globals& g, const ServiceTarget& t, bool rolling) {
  Home home = g.resolve_home();
  ServiceConfig cfg = load_config(home, t.name);
  check_instance(cfg, t);
  ServicePaths p = home.service(t.name);
  if (!supervisor_running(p)) {
    if (rolling) throw Failure(kExitNotRunning, fmt::format("{} is not running (`pharoctl start {}`)", t.name, t.name));
    return do_start(g, {t.name, -1}, cfg);
  }
  if (!rolling && t.instance < 0 && systemd_manages(t.name))
    return systemctl("restart", t.name) == 0 ? kExitOk : kExitFailed;
  ControlClient client(p);
  // A changed instance count needs a new supervisor: a whole restart stops and starts it.
  if (!rolling && t.instance < 0) {
    ServiceStatus live = client.status();
    if (static_cast<int>(live.instances.size()) != cfg.instances) {
      if (!g.quiet)
        fmt::print("{}: [instances] count {} -> {}: stopping and starting the supervisor\n", t.name,
                   live.instances.size(), cfg.instances);
      StopOutcome so = stop_service(home, t.name);
      for (const auto& n : so.notes) fmt::print(stderr, "pharoctl: {}\n", n);
      return do_start(g, {t.name, -1}, cfg);
    }
  }
  ControlReply r = rolling ? client.reload(rollout_timeout(cfg), t.instance) : client.restart(t.instance, rollout_timeout(cfg));
  print_results(g, t.name, r);
  if (!r.ok && r.config_error) throw usage_error(r.error);
  if (!r.ok) throw operation_failed(fmt::format("{}: {}", t.name, r.error));
  if (!g.quiet) fmt::print("{} {}\n", t.name, rolling ? "reloaded" : "restarted");
  return kExitOk;
}

// Every target loaded and checked (preflight.hpp) before the first is touched: `start a b nosuch`
// starts nothing.
// Returns the configs, in the order of `list`.
std::vector<ServiceConfig> preflight_targets(const Globals& g, const std::vector<ServiceTarget>& list) {
  std::vector<std::string> names;
  for (const auto& t : list) names.push_back(t.name);
  Home home = g.resolve_home();
  PortIndex ports;
  std::vector<ServiceConfig> configs = preflight_services(home, names, PreflightFor::Run, &ports);
  for (size_t i = 0; i < list.size(); ++i) check_instance(configs[i], list[i]);
  // Every check passed, about to act: what each service declares is remembered for the next
  // start's port checks (input refused before this point writes nothing).
  ports.save(home);
  return configs;
}

template <typename F>
Runner each_target(const Globals& g, Targets& targets, bool allow_instance, bool preflight, F f) {
  return [&g, &targets, allow_instance, preflight, f]() {
    int rc = kExitOk;
    auto list = resolve_targets(g, targets, allow_instance);
    if (preflight) preflight_targets(g, list);
    if (list.size() == 1) return f(list.front());
    for (const auto& t : list) {
      try {
        rc = std::max(rc, f(t));
      } catch (const Failure& e) {
        fmt::print(stderr, "pharoctl: {}\n", e.what());
        rc = std::max(rc, e.exit_code());
      }
    }
    return rc;
  };
}

// Several targets at once, at most kParallelStarts in flight: each start mostly waits for its
// VMs to become healthy, so 50 services start in about the time of one. Each is reported on
// its own line as it finishes; the exit code is the worst of them. `f` gets each target with
// its config as preflight loaded it.
constexpr size_t kParallelStarts = 16;

template <typename F>
int each_target_in_parallel(const Globals& g, const std::vector<ServiceTarget>& list, F f) {
  std::vector<ServiceConfig> configs = preflight_targets(g, list);
  if (list.size() == 1) return f(list.front(), configs.front());
  std::mutex lock;
  size_t next = 0;
  int rc = kExitOk;
  auto worker = [&] {
    for (;;) {
      size_t mine;
      {
        std::lock_guard<std::mutex> l(lock);
        if (next >= list.size()) return;
        mine = next++;
      }
      int r;
      try {
        r = f(list[mine], configs[mine]);
      } catch (const Failure& e) {
        fmt::print(stderr, "pharoctl: {}\n", e.what());
        r = e.exit_code();
      } catch (const std::exception& e) {
        fmt::print(stderr, "pharoctl: {}: {}\n", list[mine].name, e.what());
        r = kExitFailed;
      }
      std::lock_guard<std::mutex> l(lock);
      rc = std::max(rc, r);
    }
  };
  std::vector<std::thread> workers;
  for (size_t i = 0; i < std::min(kParallelStarts, list.size()); ++i) workers.emplace_back(worker);
  for (auto& w : workers) w.join();
  return rc;
}

// `start NAME`: its supervisor is launched first and held before its VMs (HeldStart), so that
// its own start-up (exec, lock, service.toml, runtime) runs beside the checks below instead of
// after them. A check that fails calls it off: nothing started, nothing written. Where it cannot
// be held so (never started: its lock files and supervisor.out would be new; systemd runs it;
// another start is under way; it runs already), the start goes as for several names.
int start_one(const Globals& g, const ServiceTarget& t) {
  std::optional<HeldStart> held;
  Home home = g.resolve_home();
  if (HeldStart::leaves_no_trace(home.service(t.name)) && !systemd_manages(t.name)) {
    try {
      held.emplace(HeldStart::launch(home, t.name, self_exe(), std::chrono::milliseconds(0)));
      if (held->state() != HeldStart::State::Held) held.reset();
    } catch (const Failure&) {
      held.reset();  // the start below meets it again, after the checks that come first
    }
  }
  std::vector<ServiceConfig> configs = preflight_targets(g, {t});
  return do_start(g, t, configs.front(), held ? &*held : nullptr);
}

}  // namespace

Runner define_start(CLI::App& cmd, const Globals& g) {
  auto t = std::make_shared<Targets>();
  add_targets(cmd, *t, true);
  return [&g, t]() {
    auto list = resolve_targets(g, *t, true);
    if (list.size() == 1 && list.front().instance < 0) return start_one(g, list.front());
    return each_target_in_parallel(g, list, [&g](const ServiceTarget& x, const ServiceConfig& cfg) {
      return do_start(g, x, cfg);
    });
  };
}

Runner define_stop(CLI::App& cmd, const Globals& g) {
  auto t = std::make_shared<Targets>();
  add_targets(cmd, *t, true);
  return [&g, t]() { return each_target(g, *t, true, false, [&g](const ServiceTarget& x) { return do_stop(g, x); })(); };
}

Runner define_restart(CLI::App& cmd, const Globals& g) {
  auto t = std::make_shared<Targets>();
  add_targets(cmd, *t, true);
  return [&g, t]() {
    return each_target(g, *t, true, true, [&g](const ServiceTarget& x) { return do_restart(g, x, false); })();
  };
}

Runner define_reload(CLI::App& cmd, const Globals& g) {
  auto t = std::make_shared<Targets>();
  add_targets(cmd, *t, false);
  return [&g, t]() {
    return each_target(g, *t, false, true, [&g](const ServiceTarget& x) { return do_restart(g, x, true); })();
  };
}

Runner define_run(CLI::App& cmd, const Globals& g) {
  auto target = std::make_shared<std::string>();
  cmd.add_option("target", *target, "NAME or NAME@I")->required();
  return [&g, target]() -> int {
    auto [t, home, cfg] = address(g, *target);
    preflight_services(home, {t.name}, PreflightFor::Run);
    ServicePaths p = home.service(t.name);
    if (supervisor_running(p))
      throw operation_failed(fmt::format("{} runs under its supervisor; `pharoctl stop {}` first (its ports are taken)",
                                         t.name, t.name));
    Runtime rt = load_runtime(home, cfg.runtime);
    write_run_scripts(cfg, p);
    VmCommand c = vm_command(cfg, p, rt, std::max(t.instance, 0));
    if (!g.quiet) fmt::print(stderr, "pharoctl: exec {} (in {})\n", fmt::join(c.argv, " "), c.cwd.string());
    std::vector<std::string> env = c.env;
    std::vector<char*> argv, envp;
    for (auto& a : c.argv) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    if (::chdir(c.cwd.c_str()) != 0)
      throw operation_failed(fmt::format("{}: {}", c.cwd.string(), std::strerror(errno)));
    std::fflush(stdout);
    close_descriptors_from_3_on_exec();
    ::execve(argv[0], argv.data(), envp.data());
    throw operation_failed(fmt::format("cannot execute {}: {}", c.argv[0], std::strerror(errno)));
  };
}

Runner define_supervise(CLI::App& cmd, const Globals& g) {
  auto name = std::make_shared<std::string>();
  auto starter = std::make_shared<int>(-1);
  cmd.add_option("name", *name, "The service")->required();
  // What `start` passes (SupervisorEnv::starter_fd); not for hands.
  cmd.add_option("--starter-fd", *starter, "")->group("");
  return [&g, name, starter]() -> int {
    Home home = g.resolve_home();
    // Exec the slim supervisor when it is installed beside this binary: same pid, far less
    // mapped memory for a process that lives as long as the service.
    if (std::filesystem::path slim = slim_supervisor_beside(self_exe()); !slim.empty()) {
      std::vector<std::string> args = {slim.string(), "--home", home.root().string(), "supervise", *name};
      if (*starter >= 0) args.insert(args.end(), {"--starter-fd", std::to_string(*starter)});
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      std::fflush(stdout);
      ::execv(argv[0], argv.data());
      // Not executable after all: supervise in this process.
    }
    return supervise_service(home, *name, *starter);
  };
}

Runner define_pid(CLI::App& cmd, const Globals& g) {
  auto target = std::make_shared<std::string>();
  cmd.add_option("target", *target, "NAME or NAME@I")->required();
  return [&g, target]() -> int {
    auto [t, home, cfg] = address(g, *target);
    ServiceStatus s = collect_status(home, t.name);
    int printed = 0;
    for (const auto& i : s.instances) {
      if (t.instance >= 0 && i.index != t.instance) continue;
      if (i.pid <= 0) continue;
      fmt::print("{}\n", i.pid);
      ++printed;
    }
    if (printed == 0)
      throw Failure(kExitNotRunning, fmt::format("{} is not running", *target));
    return kExitOk;
  };
}

}  // namespace pharoctl::cli
