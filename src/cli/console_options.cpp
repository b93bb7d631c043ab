#include "cli/console_options.hpp"


#include <fmt/format.h>

#include "neoconsole/console_target.hpp"
#include "process/ssh_command.hpp"
#include "service/service_config.hpp"
#include "util/failure.hpp"

namespace pharoctl::cli {

void add_console_options(CLI::App& cmd, ConsoleOptions& o) {
  cmd.add_option("--ssh", o.ssh, "Reach the service on USER@HOST through ssh (stdio forwarding to its loopback port)")
      ->type_name("USER@HOST");
  cmd.add_option("--port", o.port, "The telnet port (default: from service.toml, or from the remote status with --ssh)")
      ->type_name("PORT")
      ->check(CLI::Range(1, 65535));
  cmd.add_option("--remote-pharoctl", o.remote_pharoctl, "pharoctl on the remote machine (with --ssh)")->type_name("PATH");
  cmd.add_option("--remote-home", o.remote_home, "The pharoctl home on the remote machine (with --ssh)")->type_name("DIR");
  cmd.add_option("--connect-timeout", o.connect_timeout, "How long to wait for the connection and greeting (e.g. 5s)")
      ->type_name("DURATION");
}

std::chrono::milliseconds parse_timeout_option(const std::string& flag, const std::string& text) {
  // A day is far beyond any answer worth waiting for, and keeps deadlines from overflowing.
  return parse_duration_option(flag, text, Millis(1), Millis(24 * 3'600'000));
}

ConsoleEndpoint resolve_console(const Globals& globals, const ConsoleOptions& o) {
  ConsoleEndpoint ep;
  ep.connect_timeout = parse_timeout_option("--connect-timeout", o.connect_timeout);
  if (!o.ssh.empty()) {
    ServiceTarget st = parse_service_target(o.target);
    neoconsole::RemoteOptions remote;
    remote.ssh_command = ssh_command_from_environment();
    remote.target = o.ssh;
    remote.remote_pharoctl = o.remote_pharoctl;
    remote.remote_home = o.remote_home;
    int port = o.port > 0 ? o.port : neoconsole::remote_telnet_port(remote, st.name, st.instance);
    std::string who = st.instance < 0 ? st.name : fmt::format("{}@{}", st.name, st.instance);
    ep.display = who;
    ep.history_key = fmt::format("{}@{}", st.name, o.ssh);
    ep.dialer = neoconsole::ssh_dialer(remote.ssh_command, o.ssh, port);
    return ep;
  }
  if (o.port > 0) {
    // An explicit port needs no service.toml: useful against an image started by hand.
    ServiceTarget st = parse_service_target(o.target);
    ep.display = o.target;
    ep.history_key = st.name;
    ep.dialer = neoconsole::loopback_dialer(o.port);
    return ep;
  }
  neoconsole::ConsoleTarget t = neoconsole::resolve_one_instance(globals.resolve_home(), o.target);
  ep.display = t.display;
  ep.history_key = t.name;
  ep.dialer = neoconsole::loopback_dialer(t.telnet_port());
  return ep;
}

}  // namespace pharoctl::cli
