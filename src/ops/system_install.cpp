#include "ops/system_install.hpp"

#include <cerrno>

#include <fmt/format.h>

#include "process/launcher.hpp"
#include "render/initd.hpp"
#include "util/atomic_file.hpp"
#include "util/failure.hpp"
#include "util/shell_quote.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

bool system_has_systemd() {
  std::error_code ec;
  return fs::is_directory("/run/systemd/system", ec);
}

std::vector<PlanStep> plan_enable(const Home& home, const std::string& service, InstallChoice choice) {
  ServiceConfig config = load_service_config(home.service(service).service_toml());
  InstallContext ctx = make_install_context(home, config, choice.systemd);
  const std::string name = InstallContext::system_name(service);
  std::vector<PlanStep> plan;
  auto write = [&](SystemKind kind) {
    SystemFile f = render_system_file(kind, config, ctx);
    plan.push_back({PlanStep::Kind::Write, f.install_path, f.content, f.mode, {}, false});
  };
  auto run = [&](std::vector<std::string> argv) { plan.push_back({PlanStep::Kind::Run, {}, "", 0, std::move(argv), false}); };
  if (choice.systemd) {
    write(SystemKind::Systemd);
    run({"systemctl", "daemon-reload"});
    run({"systemctl", "enable", name + ".service"});
  }
  if (choice.initd) {
    write(SystemKind::Initd);
    run({"update-rc.d", name, "defaults"});
  }
  if (choice.monit) {
    write(SystemKind::Monit);
    run({"monit", "-t"});
    run({"monit", "reload"});
  }
  return plan;
}

std::vector<PlanStep> plan_disable(const std::string& service, InstallChoice choice) {
  if (!choice.systemd && !choice.initd && !choice.monit) choice = {true, true, true};
  const std::string name = InstallContext::system_name(service);
  std::vector<PlanStep> plan;
  std::error_code ec;
  auto run = [&](std::vector<std::string> argv, bool may_fail) {
    plan.push_back({PlanStep::Kind::Run, {}, "", 0, std::move(argv), may_fail});
  };
  auto remove = [&](const fs::path& p) { plan.push_back({PlanStep::Kind::Remove, p, "", 0, {}, false}); };
  // monit first, so that it does not restart what the others stop.
  if (fs::path p = system_file_path(SystemKind::Monit, service); choice.monit && fs::exists(p, ec)) {
    remove(p);
    run({"monit", "reload"}, true);
  }
  if (fs::path p = system_file_path(SystemKind::Systemd, service); choice.systemd && fs::exists(p, ec)) {
    run({"systemctl", "disable", "--now", name + ".service"}, true);
    remove(p);
    run({"systemctl", "daemon-reload"}, false);
  }
  if (fs::path p = system_file_path(SystemKind::Initd, service); choice.initd && fs::exists(p, ec)) {
    run({p.string(), "stop"}, true);
    remove(p);
    run({"update-rc.d", name, "remove"}, false);
  }
  return plan;
}

std::string describe_plan(const std::vector<PlanStep>& plan) {
  std::string out;
  for (const PlanStep& s : plan) {
    switch (s.kind) {
      case PlanStep::Kind::Write:
        out += fmt::format("# write {} (mode {:04o})\n{}", s.path.string(), s.mode, s.content);
        if (!s.content.empty() && s.content.back() != '\n') out += "\n";
        out += fmt::format("# end of {}\n", s.path.string());
        break;
      case PlanStep::Kind::Remove: out += fmt::format("# remove {}\nrm -f {}\n", s.path.string(), shell_command_line({s.path.string()})); break;
      case PlanStep::Kind::Run: out += fmt::format("# run\n{}\n", shell_command_line(s.argv)); break;
    }
  }
  return out;
}

namespace {

// Its exit code as sh gives it: 127 when the program is not there (a step that may fail, such
// as update-rc.d on a systemd-only host, is then skipped).
int run_step(const std::vector<std::string>& argv) {
  LaunchSpec spec;
  spec.argv = argv;
  spec.group = ProcessGroup::Ours;
  spec.in = Stdio::inherit();
  try {
    return wait_exit(launch(spec).pid).shell_code();
  } catch (const LaunchError& e) {
    return e.error() == ENOENT ? 127 : 126;
  }
}

}  // namespace

void execute_plan(const std::vector<PlanStep>& plan) {
  for (const PlanStep& s : plan) {
    switch (s.kind) {
      case PlanStep::Kind::Write:
        fs::create_directories(s.path.parent_path());
        write_file_atomic(s.path, s.content, s.mode);
        fmt::print("wrote {}\n", s.path.string());
        break;
      case PlanStep::Kind::Remove: {
        std::error_code ec;
        fs::remove(s.path, ec);
        if (ec) throw operation_failed(fmt::format("cannot remove {}: {}", s.path.string(), ec.message()));
        fmt::print("removed {}\n", s.path.string());
        break;
      }
      case PlanStep::Kind::Run: {
        int rc = run_step(s.argv);
        if (rc != 0 && !s.may_fail) {
          throw operation_failed(fmt::format("`{}` failed with exit status {}{}", shell_command_line(s.argv), rc,
                                             rc == 127 ? " (command not found)" : ""));
        }
        fmt::print("ran {}{}\n", shell_command_line(s.argv), rc ? fmt::format(" (exit {}, ignored)", rc) : "");
        break;
      }
    }
  }
}

}  // namespace pharoctl
