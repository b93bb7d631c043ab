// pharoctl: builds the command tree from the table below and runs the chosen command.
#include <cstdio>
#include <iterator>
#include <map>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "util/failure.hpp"

namespace {

using namespace pharoctl;

const CommandSpec kCommands[] = {
    {"install", "Install a Pharo runtime (VM + base image)", cli::define_install},
    {"runtimes", "List installed runtimes", cli::define_runtimes},
    {"new", "Scaffold a new service", cli::define_new},
    {"build", "Build the service image (cached by content)", cli::define_build},
    {"builds", "List cached builds of a service", cli::define_builds},
    {"deploy", "Release a build and restart behind the health gate", cli::define_deploy},
    {"releases", "List releases, marking the current one", cli::define_releases},
    {"rollback", "Go back to the previous (or a named) release", cli::define_rollback},
    {"git-init", "Create a git repository to push to deploy", cli::define_git_init},
    {"start", "Start a service under its supervisor", cli::define_start},
    {"stop", "Stop a service and its supervisor", cli::define_stop},
    {"restart", "Restart a service (or one instance)", cli::define_restart},
    {"reload", "Rolling restart, one instance at a time", cli::define_reload},
    {"run", "Run the VM in the foreground, without supervisor", cli::define_run},
    {"supervise", "Run the supervisor in the foreground (systemd's ExecStart)", cli::define_supervise},
    {"status", "Show services: state, pid, uptime, restarts, health, memory", cli::define_status},
    {"pid", "Print the VM's pid", cli::define_pid},
    {"logs", "Show or follow a service's logs", cli::define_logs},
    {"repl", "Interactive REPL into the running image", cli::define_repl},
    {"eval", "Evaluate one expression in the running image", cli::define_eval},
    {"metrics", "Show the image's metrics", cli::define_metrics},
    {"health", "Check health once: exit 0 healthy, 1 not", cli::define_health},
    {"export", "Write systemd, init.d, monit, nginx or k8s files", cli::define_export},
    {"enable", "Install the unit or init script (and monit check)", cli::define_enable},
    {"disable", "Remove what enable installed", cli::define_disable},
    {"doctor", "Check the environment and a service", cli::define_doctor},
    {"quickstart", "A demo HTTP service, end to end", cli::define_quickstart},
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pharoctl: run Pharo Smalltalk servers in production", "pharoctl"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("pharoctl ") + PHAROCTL_VERSION);
  Globals globals;
  app.add_option("--home", globals.home, "The pharoctl home (default $PHARO_HOME, else ~/pharo)");
  app.add_flag("--json", globals.json, "Machine-readable JSON output");
  auto* quiet = app.add_flag("-q,--quiet", globals.quiet, "Only errors");
  app.add_flag("-v,--verbose", globals.verbose, "More detail")->excludes(quiet);
  app.add_flag("--no-color", globals.no_color, "No colours, even on a terminal");

  std::map<const CLI::App*, Runner> runners;
  for (const CommandSpec& spec : kCommands) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.summary);
    runners[sub] = spec.define(*sub, globals);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }
  for (const auto& [sub, runner] : runners) {
    if (sub->parsed()) {
      try {
        return runner();
      } catch (const Failure& f) {
        std::fflush(stdout);
        fmt::print(stderr, "pharoctl: {}\n", f.what());
        return f.exit_code();
      } catch (const std::exception& e) {
        std::fflush(stdout);
        fmt::print(stderr, "pharoctl: {}\n", e.what());
        return kExitFailed;
      }
    }
  }
  return kExitUsage;
}
