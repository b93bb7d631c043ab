#pragma once
// `pharoctl --ssh USER@HOST COMMAND ...`: the same command run by the pharoctl of that host,
// over ssh, its output streamed and its exit code passed on. A terminal on both ends gets a
// remote terminal too (ssh -t), so repl, new's questions and logs -f behave as they do locally.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace pharoctl::cli {

// The arguments of this invocation (without argv[0]) less the global --ssh and its value,
// wherever they stood; a command that has an --ssh of its own (repl, eval) keeps the one after
// its name.
std::vector<std::string> remote_arguments(const CLI::App& root, const CLI::App& command, int argc, char** argv);

// The remote command line: the remote pharoctl ($PHAROCTL_REMOTE_PHAROCTL, default `pharoctl`
// from the remote PATH) and the arguments, each quoted for the remote shell.
std::string remote_command_line(const std::string& remote_pharoctl, const std::vector<std::string>& args);

// Runs it through $PHAROCTL_SSH (default `ssh`, run by /bin/sh as GIT_SSH_COMMAND is) and
// returns the remote exit code; throws Failure when ssh itself fails (exit 255).
int run_remote_command(const std::string& target, const std::vector<std::string>& args);

}  // namespace pharoctl::cli
