#include "ops/doctor.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <regex>
#include <set>

#include <fmt/format.h>

#include "process/proc_info.hpp"
#include "process/file_lock.hpp"
#include "process/vm_identity.hpp"
#include "render/run_script.hpp"
#include "render/smalltalk.hpp"
#include "render/system_files.hpp"
#include "runtime/runtime.hpp"
#include "runtime/runtime_verify.hpp"
#include "supervise/config_digest.hpp"
#include "supervise/control_client.hpp"
#include "ops/new_service.hpp"
#include "service/ephemeral_ports.hpp"
#include "service/instance_ports.hpp"
#include "service/port_allocation.hpp"
#include "ops/preflight.hpp"
#include "util/atomic_file.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

const char* to_string(Finding::Level level) {
  switch (level) {
    case Finding::Level::Ok: return "ok";
    case Finding::Level::Warn: return "warn";
    case Finding::Level::Error: return "error";
  }
  return "ok";
}

namespace {

using Level = Finding::Level;

std::string read_or_empty(const fs::path& p) {
  try {
    return read_file(p);
  } catch (const std::exception&) {
    return "";
  }
}

// One service's checks: what they read, where their findings go.
struct ServiceCheck {
  const Home& home;
  const std::string& name;
  const ServicePaths& paths;
  const ServiceConfig& c;
  std::vector<Finding>& out;
  void add(Level l, const char* check, std::string m) const { out.push_back({l, name, check, std::move(m)}); }
};

// The supervisor runs the service.toml it applied last; an edit since waits for a restart.
void check_applied_config(const ServiceCheck& s, bool supervised) {
  const ServicePaths& paths = s.paths;
  const std::string& name = s.name;
  if (!supervised) return;
  try {
    ServiceStatus live = ControlClient(paths).status(std::chrono::milliseconds(3000));
    if (!live.config_digest.empty() && live.config_digest != service_config_digest(paths.service_toml())) {
      s.add(Level::Warn, "config",
          fmt::format("{} differs from the configuration the running supervisor applied; `pharoctl restart {}` "
                      "applies it",
                      paths.service_toml().string(), name));
    }
  } catch (const std::exception&) {
    // An unresponsive supervisor is reported by status; nothing to compare here.
  }
}

// With load-on-start, each VM loads the baseline before its metrics (the health check) start,
// so the load must fit in the grace: the default 2 minutes is short for a load that can take
// many (docs/supervisor.md, "Health means the start code has run").
void check_start_load(const ServiceCheck& s) {
  const ServiceConfig& c = s.c;
  // What the run script loads (nothing without both repository and baseline).
  if (c.source.strategy != Strategy::LoadOnStart || render_source_load(c.source).empty() ||
      c.health.grace == Millis(0))
    return;
  s.add(Level::Warn, "config",
        fmt::format("[source] strategy = \"load-on-start\": every start loads the baseline before the VM is healthy, "
                    "within [health].grace = \"{}\", and a start whose load takes longer fails; set the grace to what "
                    "the load takes (\"0s\": no limit), or build the image once (strategy = \"image\", pharoctl build {})",
                    format_duration(c.health.grace), s.name));
}

// Pid files: which instances are proven to run (returned), and which files are stale.
std::set<int> check_pid_files(const ServiceCheck& s, bool supervised) {
  const ServicePaths& paths = s.paths;
  const ServiceConfig& c = s.c;
  const std::string& name = s.name;
  std::set<int> running;
  std::set<std::string> expected;
  for (int i = 0; i < c.instances; ++i) {
    fs::path pid = paths.pid_file(i, c.instances);
    expected.insert(pid.filename().string());
    PidFileState st = PidFile(pid).inspect();
    if (!st.exists) continue;
    if (st.verdict.proven) {
      running.insert(i);
      s.add(Level::Ok, "pids", fmt::format("{}: pid {} is this service's VM", pid.filename().string(), st.pid));
    } else if (st.pid > 0 && process_alive(st.pid)) {
      // The pid was recycled: a live process that is not this service's VM. Say so plainly.
      std::vector<std::string> args = read_proc_cmdline(st.pid);
      std::string cmd = args.empty() ? std::string("?") : args.front();
      for (size_t a = 1; a < args.size() && cmd.size() < 80; ++a) cmd += " " + args[a];
      s.add(Level::Warn, "pids",
          fmt::format("{} is stale ({}): pid {} is a live stranger ({}), not a VM of {}; {}, and never kill that pid",
                      pid.string(), st.verdict.reason.empty() ? "unreadable" : st.verdict.reason, st.pid,
                      cmd.substr(0, 100), name,
                      supervised ? "the supervisor will rewrite the file" : "remove the file or start the service"));
    } else {
      s.add(Level::Warn, "pids",
          fmt::format("{} is stale ({}): nothing runs under it; harmless, {} (never kill that pid)", pid.string(),
                      st.verdict.reason.empty() ? "unreadable" : st.verdict.reason,
                      supervised ? "the supervisor will rewrite it" : "remove it or start the service"));
    }
  }
  std::error_code ec;
  const std::regex pid_name(name + R"((\.[0-9]+)?\.pid)");
  for (const auto& entry : fs::directory_iterator(paths.run(), ec)) {
    std::string n = entry.path().filename().string();
    if (std::regex_match(n, pid_name) && !expected.count(n)) {
      s.add(Level::Warn, "pids", fmt::format("{} belongs to no instance of the current [instances].count = {} (remove it once "
                                           "nothing runs under it)", entry.path().string(), c.instances));
    }
  }
  return running;
}

void check_ports(const ServiceCheck& s, const std::set<int>& listening, const std::set<int>& running) {
  const ServiceConfig& c = s.c;
  const std::string& name = s.name;
  // Ports held by another program while this service is not running here (clashes with other
  // services are among the preflight findings above).
  for (const InstancePort& p : instance_ports(c)) {
    if (listening.count(p.port) && !running.count(p.instance)) {
      s.add(Level::Error, "ports", fmt::format("port {} ({}) is taken by another program while {} is not running here: "
                                             "stop that program or choose another port in service.toml (ss -ltnp sport = :{})",
                                             p.port, port_field_text(p, c.instances), name, p.port));
    }
  }
  if (auto range = ephemeral_port_range()) {
    std::vector<int> exposed = exposed_to_ephemeral(c.all_ports(), *range, reserved_ports());
    if (!exposed.empty()) {
      std::string list = port_list_text(exposed);
      s.add(Level::Warn, "ports",
          fmt::format("port{} {} lie{} in the kernel's ephemeral range {}-{} (net.ipv4.ip_local_port_range): any "
                      "outgoing connection may take one and keep the VM from binding it; reserve them with "
                      "`sysctl -w net.ipv4.ip_local_reserved_ports={}` and the same line in /etc/sysctl.d/ "
                      "(see `pharoctl enable --help`), or move them below {}",
                      exposed.size() == 1 ? "" : "s", list, exposed.size() == 1 ? "s" : "", range->low, range->high,
                      list, range->low));
    }
  }
}

void check_generated_files(const ServiceCheck& s, bool fix) {
  const ServicePaths& paths = s.paths;
  const ServiceConfig& c = s.c;
  const std::string& name = s.name;
  const Home& home = s.home;
  std::error_code ec;
  // Generated files in step with service.toml.
  bool stale_scripts = false;
  for (int i = 0; i < c.instances; ++i) {
    if (read_or_empty(paths.run_script(i, c.instances)) != render_run_script(c, paths, i)) stale_scripts = true;
  }
  if (stale_scripts && fix) {
    write_run_scripts(c, paths);
    s.add(Level::Ok, "files", "run scripts rewritten from service.toml");
  } else if (stale_scripts) {
    s.add(Level::Warn, "files", fmt::format("run scripts under {} differ from service.toml (pharoctl doctor {} --fix, or they "
                                          "are rewritten at the next start)", paths.run().string(), name));
  } else {
    s.add(Level::Ok, "files", "run scripts match service.toml");
  }
  bool unit = fs::exists(system_file_path(SystemKind::Systemd, name), ec);
  for (SystemKind kind : {SystemKind::Systemd, SystemKind::Initd, SystemKind::Monit}) {
    fs::path installed = system_file_path(kind, name);
    if (!fs::exists(installed, ec)) continue;
    try {
      SystemFile f = render_system_file(kind, c, make_install_context(home, c, unit));
      if (read_or_empty(installed) == f.content) {
        s.add(Level::Ok, "files", fmt::format("{} matches service.toml", installed.string()));
      } else {
        s.add(Level::Warn, "files", fmt::format("{} differs from service.toml (sudo pharoctl --home {} enable {} --{})",
                                              installed.string(), home.root().string(), name, to_string(kind)));
      }
    } catch (const std::exception& e) {
      s.add(Level::Error, "files", fmt::format("{}: cannot render: {}", installed.string(), e.what()));
    }
  }
}

void check_service(const Home& home, const std::string& name, bool fix, const std::set<int>& listening,
                   const PortOwners& owners, std::vector<Finding>& out) {
  auto add = [&](Level l, const char* check, std::string m) { out.push_back({l, name, check, std::move(m)}); };
  ServicePaths paths = home.service(name);
  ServiceConfig c;
  try {
    c = load_service_config(paths.service_toml());
  } catch (const std::exception& e) {
    add(Level::Error, "config", fmt::format("{} (fix service.toml, then run doctor again)", e.what()));
    return;
  }
  add(Level::Ok, "config", fmt::format("{} loads", paths.service_toml().string()));

  // Runtime, ports shared with other services, app files, `current`: the checks start, restart,
  // deploy and run refuse on, in their words.
  for (Finding& f : preflight_findings(home, c, PreflightFor::Run, owners)) out.push_back(std::move(f));

  const ServiceCheck s{home, name, paths, c, out};
  const bool supervised = FileLock::is_held(paths.supervisor_lock());
  check_applied_config(s, supervised);
  check_start_load(s);
  std::set<int> running = check_pid_files(s, supervised);
  check_ports(s, listening, running);
  check_generated_files(s, fix);
}

// The runtime against runtime.toml: a changed file means something wrote a runtime that every
// service and the build cache share (a VM run on it in place, a hand edit).
void check_runtime_files(const Home& home, const RuntimeEntry& e, std::vector<Finding>& out) {
  if (!e.error.empty()) {
    out.push_back({Level::Error, "", "runtime", fmt::format("runtime {}: {}", e.name, e.error)});
    return;
  }
  std::vector<RuntimeDrift> drift = verify_runtime(e.runtime);
  std::vector<std::string> changed, writable;
  for (const RuntimeDrift& d : drift) (d.content ? changed : writable).push_back(d.path + ": " + d.problem);
  fs::path toml = e.runtime.dir / "runtime.toml";
  if (!changed.empty()) {
    out.push_back({Level::Error, "", "runtime",
                   fmt::format("runtime {} differs from {}: {}. Something wrote the shared runtime; install it again "
                               "(move {} away, then pharoctl --home {} install {} --from the original files); builds "
                               "made from it are rebuilt because their key hashes the image's content",
                               e.name, toml.string(), fmt::join(changed, "; "), e.runtime.dir.string(),
                               home.root().string(), e.runtime.version)});
  } else {
    out.push_back({Level::Ok, "", "runtime",
                   fmt::format("runtime {} matches {} (size and SHA-256 of {} files)", e.name, toml.string(),
                               e.runtime.files.empty() ? size_t{1} : e.runtime.files.size())});
  }
  if (!writable.empty()) {
    out.push_back({Level::Warn, "", "runtime",
                   fmt::format("runtime {}: writable files ({}): a VM run on them in place could change them "
                               "(chmod a-w them; install makes them read-only)",
                               e.name, fmt::join(writable, ", "))});
  }
}

}  // namespace

std::vector<Finding> run_doctor(const Home& home, const std::vector<std::string>& services, bool fix) {
  std::vector<Finding> out;
  std::error_code ec;
  if (!fs::is_directory(home.root(), ec)) {
    out.push_back({Level::Error, "", "home", fmt::format("{} does not exist (create a service: pharoctl new NAME)", home.root().string())});
    return out;
  }
  std::vector<std::string> runtimes = installed_runtimes(home);
  if (runtimes.empty()) {
    out.push_back({Level::Warn, "", "runtime", "no runtime installed (pharoctl install 130, or pharoctl install sim to try without Pharo)"});
  } else {
    std::string list;
    for (const auto& r : runtimes) list += (list.empty() ? "" : ", ") + r;
    out.push_back({Level::Ok, "", "runtime", "installed runtimes: " + list});
  }
  for (const RuntimeEntry& e : list_runtimes(home)) check_runtime_files(home, e, out);
  std::vector<std::string> names = services.empty() ? home.service_names() : services;
  std::set<int> listening = listening_tcp_ports();
  PortOwners owners = port_owners(home);  // every service.toml parsed once, not once per service
  for (const auto& n : names) check_service(home, n, fix, listening, owners, out);
  return out;
}

}  // namespace pharoctl
