#pragma once
// Which console a command talks to: NAME[@I] resolved to the instance's ports from service.toml,
// or, with --ssh, the port learnt from `pharoctl --json status NAME` on the other machine.
#include <string>
#include <vector>

#include "service/home.hpp"
#include "service/service_config.hpp"

namespace pharoctl::neoconsole {

struct ConsoleTarget {
  std::string display;  // "shop" for a one-instance service, else "shop@1"
  std::string name;
  int instance = 0;
  int count = 1;
  ServiceConfig config;
  int telnet_port() const { return config.telnet_port(instance); }
  int metrics_port() const { return config.metrics_port(instance); }
};

// One instance: NAME is enough when the service has one, else NAME@I is required (exit 2).
ConsoleTarget resolve_one_instance(const Home& home, const std::string& target);
// Every instance NAME means (all of them), or the one NAME@I names.
std::vector<ConsoleTarget> resolve_instances(const Home& home, const std::string& target);

// The telnet port of instance `instance` (-1: the only one) of `name` in the output of
// `pharoctl --json status NAME` (services[].instances[].telnet_port). Throws Failure with what
// was missing.
int telnet_port_from_status(const std::string& json_text, const std::string& name, int instance);

struct RemoteOptions {
  std::string ssh_command = "ssh";   // $PHAROCTL_SSH, like GIT_SSH_COMMAND
  std::string target;                // USER@HOST
  std::string remote_pharoctl = "pharoctl";
  std::string remote_home;           // "" : the remote default
};
// Asks the other machine's pharoctl for the port, over ssh.
int remote_telnet_port(const RemoteOptions& remote, const std::string& name, int instance);

}  // namespace pharoctl::neoconsole
