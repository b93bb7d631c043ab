// pharoctl enable|disable NAME [--systemd|--initd] [--monit] [--dry-run]
#include <unistd.h>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "render/systemd.hpp"
#include "ops/system_install.hpp"
#include "util/failure.hpp"
#include "util/shell_quote.hpp"

namespace pharoctl::cli {
namespace {

struct EnableFlags {
  std::string name;
  bool systemd = false, initd = false, monit = false, dry_run = false;
};

int carry_out(const std::vector<PlanStep>& plan, const EnableFlags& f, const Globals& g, const char* verb) {
  if (plan.empty()) {
    if (!g.quiet) fmt::print("nothing to {} for {}\n", verb, f.name);
    return kExitOk;
  }
  if (f.dry_run) {
    fmt::print("{}", describe_plan(plan));
    return kExitOk;
  }
  if (::geteuid() != 0) {
    std::vector<std::string> argv = {"sudo", "pharoctl", "--home", g.resolve_home().root().string(), verb, f.name};
    if (f.systemd) argv.push_back("--systemd");
    if (f.initd) argv.push_back("--initd");
    if (f.monit) argv.push_back("--monit");
    throw operation_failed(fmt::format("{} writes below /etc and needs root; run: {} (add --dry-run to see what it does)",
                                       verb, shell_command_line(argv)));
  }
  execute_plan(plan);
  return kExitOk;
}

void add_flags(CLI::App& cmd, EnableFlags& f) {
  cmd.add_option("NAME", f.name, "The service")->required();
  auto* sd = cmd.add_flag("--systemd", f.systemd, "The systemd unit (default where systemd runs)");
  cmd.add_flag("--initd", f.initd, "The LSB init script (default without systemd)")->excludes(sd);
  cmd.add_flag("--monit", f.monit, "The monit check");
  cmd.add_flag("--dry-run", f.dry_run, "Print each file and command instead");
}

}  // namespace

Runner define_enable(CLI::App& cmd, const Globals& g) {
  auto f = std::make_shared<EnableFlags>();
  add_flags(cmd, *f);
  // After the command table's examples, not instead of them.
  cmd.footer(cmd.get_footer() + (cmd.get_footer().empty() ? "" : "\n\n") +
      "Ports inside the kernel's ephemeral range (net.ipv4.ip_local_port_range, e.g. NeoConsole's 42001-42002)\n"
      "can be taken as the source port of any outgoing connection, and the VM then cannot bind them. Reserve\n"
      "them before enabling: a line `net.ipv4.ip_local_reserved_ports = 42001-42002` in /etc/sysctl.d/, then\n"
      "`sysctl --system`. `pharoctl doctor NAME` names such ports and the value to reserve.");
  return [f, &g] {
    Home home = g.resolve_home();
    ServiceTarget t = parse_service_target(f->name);
    if (t.instance >= 0) throw usage_error(fmt::format("enable: give the service name without @ ({})", t.name));
    InstallChoice choice{f->systemd, f->initd, f->monit};
    if (!choice.systemd && !choice.initd) (system_has_systemd() ? choice.systemd : choice.initd) = true;
    if (choice.systemd && !g.quiet)
      if (std::string note = systemd_home_note(std::filesystem::absolute(home.root()).lexically_normal()); !note.empty())
        fmt::print(stderr, "pharoctl: {}\n", note);
    return carry_out(plan_enable(home, t.name, choice), *f, g, "enable");
  };
}

Runner define_disable(CLI::App& cmd, const Globals& g) {
  auto f = std::make_shared<EnableFlags>();
  add_flags(cmd, *f);
  return [f, &g] {
    ServiceTarget t = parse_service_target(f->name);
    return carry_out(plan_disable(t.name, {f->systemd, f->initd, f->monit}), *f, g, "disable");
  };
}

}  // namespace pharoctl::cli
