#include "cli/remote_command.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "process/launcher.hpp"
#include "process/ssh_command.hpp"
#include "util/failure.hpp"
#include "util/shell_quote.hpp"

namespace pharoctl::cli {

namespace {

bool is_ssh_option(const std::string& word) { return word == "--ssh" || word.rfind("--ssh=", 0) == 0; }

// A SIGTERM or SIGHUP for us while ssh runs is passed on to it, so that stopping the local
// command (a service manager, a closed terminal) ends the remote one too instead of leaving ssh
// behind. Only the signal number crosses the handler.
volatile sig_atomic_t g_forward_signal = 0;
extern "C" void note_signal(int sig) { g_forward_signal = sig; }

}  // namespace

std::vector<std::string> remote_arguments(const CLI::App& root, const CLI::App& command, int argc, char** argv) {
  const bool command_has_own_ssh = command.get_option_no_throw("--ssh") != nullptr;
  std::vector<std::string> out;
  bool seen_command = false;
  bool positional_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (positional_only) {
      out.push_back(a);
      continue;
    }
    if (a == "--") {
      positional_only = true;
      out.push_back(a);
      continue;
    }
    bool global_here = !seen_command || !command_has_own_ssh;
    if (global_here && is_ssh_option(a)) {
      if (a == "--ssh") ++i;  // and its value
      continue;
    }
    if (!seen_command && !a.empty() && a[0] != '-') {
      seen_command = a == command.get_name();
    } else if (!seen_command && a.find('=') == std::string::npos) {
      // A global option's value is no command name: `--home status status`.
      const CLI::Option* o = root.get_option_no_throw(a);
      if (o != nullptr && o->get_items_expected_max() > 0 && i + 1 < argc) {
        out.push_back(a);
        a = argv[++i];
      }
    }
    out.push_back(a);
  }
  return out;
}

std::string remote_command_line(const std::string& remote_pharoctl, const std::vector<std::string>& args) {
  std::vector<std::string> words = {remote_pharoctl};
  words.insert(words.end(), args.begin(), args.end());
  return shell_command_line(words);
}

int run_remote_command(const std::string& target, const std::vector<std::string>& args) {
  const std::string ssh_command = ssh_command_from_environment();
  std::string remote_pharoctl = "pharoctl";
  if (const char* r = std::getenv("PHAROCTL_REMOTE_PHAROCTL"); r && *r) remote_pharoctl = r;
  const bool terminal = ::isatty(STDIN_FILENO) == 1 && ::isatty(STDOUT_FILENO) == 1;
  LaunchSpec spec;
  spec.argv = ssh_argv(ssh_command, {terminal ? "-t" : "-T", "--", target, remote_command_line(remote_pharoctl, args)});
  spec.group = ProcessGroup::Ours;  // the terminal's Ctrl-C and Ctrl-\ reach ssh directly
  spec.in = Stdio::inherit();

  // While ssh runs, Ctrl-C and Ctrl-\ are for it (and through it the remote command): ssh
  // itself is in our process group and gets them from the terminal.
  struct sigaction ignore {}, forward {}, old_int {}, old_quit {}, old_term {}, old_hup {};
  ignore.sa_handler = SIG_IGN;
  forward.sa_handler = note_signal;  // no SA_RESTART: waitpid returns EINTR
  ::sigaction(SIGINT, &ignore, &old_int);
  ::sigaction(SIGQUIT, &ignore, &old_quit);
  ::sigaction(SIGTERM, &forward, &old_term);
  ::sigaction(SIGHUP, &forward, &old_hup);
  // The child starts with these at their defaults (the launcher resets them).
  std::string failed;
  ExitStatus status;
  try {
    pid_t pid = launch(spec).pid;
    status = wait_exit(pid, [pid] {
      // pid is our own child, not yet reaped: it cannot be another process.
      if (int sig = g_forward_signal; sig != 0) {
        g_forward_signal = 0;
        ::kill(pid, sig);
      }
    });
  } catch (const Failure& f) {
    failed = f.what();
  }
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGQUIT, &old_quit, nullptr);
  ::sigaction(SIGTERM, &old_term, nullptr);
  ::sigaction(SIGHUP, &old_hup, nullptr);
  if (!failed.empty()) throw operation_failed(fmt::format("cannot start ssh: {}", failed));
  if (status.signal != 0 || status.lost) return status.shell_code();
  int code = status.code;
  if (code == 255) {
    // pharoctl never exits 255; ssh does when it could not connect, log in or run the command.
    throw operation_failed(fmt::format("ssh to {} failed (ssh said why above; $PHAROCTL_SSH sets its options)", target));
  }
  if (code == 127) {
    throw operation_failed(fmt::format("{} has no `{}` on its PATH (set PHAROCTL_REMOTE_PHAROCTL to its path)", target,
                                       remote_pharoctl));
  }
  return code;
}

}  // namespace pharoctl::cli
