#include "process/ssh_command.hpp"

#include <cstdlib>

namespace pharoctl {

std::string ssh_command_from_environment() {
  const char* c = std::getenv("PHAROCTL_SSH");
  return c && *c ? c : "ssh";
}

std::vector<std::string> ssh_argv(const std::string& ssh_command, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/bin/sh", "-c", "exec " + ssh_command + " \"$@\"", "pharoctl-ssh"};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace pharoctl
