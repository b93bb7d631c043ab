#pragma once
// How pharoctl runs ssh, for every use of it (--ssh COMMAND, repl/eval --ssh, the remote status
// query): $PHAROCTL_SSH, the ssh program and its options, run by /bin/sh as git runs
// GIT_SSH_COMMAND, so "ssh -p 2222 -i key" works as written.
#include <string>
#include <vector>

namespace pharoctl {

// $PHAROCTL_SSH, or "ssh" when it is unset or empty.
std::string ssh_command_from_environment();

// /bin/sh -c 'exec <ssh_command> "$@"' pharoctl-ssh ARGS...: the shell splits the command's
// options and then becomes ssh (one process: a signal for the child reaches ssh itself).
std::vector<std::string> ssh_argv(const std::string& ssh_command, const std::vector<std::string>& args);

}  // namespace pharoctl
