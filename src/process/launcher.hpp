#pragma once
// The one way pharoctl starts another program: the VMs the supervisor owns, the detached
// supervisor `start` launches, git, ssh, systemctl, a VM asked for its version or building an
// image. A LaunchSpec says everything about the child (argv, environment, directory, process
// group, its descriptors 0-2); launch() starts it, wait_exit() reaps it (run_command.hpp runs one to
// completion with its output captured and a deadline). The child gets descriptors 0-2 and the ones
// passed explicitly, nothing else: whatever we inherited or opened stays with us.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/failure.hpp"
#include "util/unique_fd.hpp"

namespace pharoctl {

// The child's environment: ours (the default) or an exact list, then names set or removed.
class Environment {
 public:
  Environment() = default;
  static Environment exactly(std::vector<std::string> entries);  // "NAME=value" each
  Environment& set(const std::string& name, std::string value);
  Environment& unset(const std::string& name);
  // The resolved list, "NAME=value" each.
  std::vector<std::string> entries() const;
  bool is_exact_list() const { return !inherit_ && changes_.empty(); }
  const std::vector<std::string>& base() const { return base_; }

 private:
  bool inherit_ = true;
  std::vector<std::string> base_;
  std::map<std::string, std::optional<std::string>> changes_;
};

// Where one of the child's descriptors 0, 1 or 2 comes from.
struct Stdio {
  enum class Kind { Inherit, Null, Fd, File, Pipe, SameAsStdout };
  Kind kind = Kind::Inherit;
  int fd = -1;                 // Fd: a descriptor of ours (it stays ours)
  std::filesystem::path file;  // File: appended to, created with mode 0640

  static Stdio inherit() { return {}; }
  static Stdio null() { return {Kind::Null, -1, {}}; }
  static Stdio from_fd(int fd) { return {Kind::Fd, fd, {}}; }
  static Stdio append_to(std::filesystem::path file) { return {Kind::File, -1, std::move(file)}; }
  static Stdio pipe() { return {Kind::Pipe, -1, {}}; }        // the read end comes back in Child
  static Stdio same_as_stdout() { return {Kind::SameAsStdout, -1, {}}; }  // for stderr only
};

enum class ProcessGroup {
  Ours,        // terminal signals reach the child with us (ssh that the user drives)
  New,         // its own group: a timeout or a stop ends it and all it started, nothing else
  NewSession,  // setsid(): detached from our terminal, session and group
};

struct LaunchSpec {
  std::vector<std::string> argv;  // argv[0]: a path, or a bare name looked up in our $PATH
  Environment env;
  std::filesystem::path cwd;  // empty: ours
  ProcessGroup group = ProcessGroup::New;
  Stdio in = Stdio::null();
  Stdio out = Stdio::inherit();
  Stdio err = Stdio::inherit();
  std::vector<int> pass_fds;  // descriptors of ours the child gets as 3, 4, ... in this order
  int parent_death_signal = 0;  // e.g. SIGTERM: the child gets it when we die (even by -9)
};

struct Child {
  pid_t pid = 0;
  UniqueFd out;  // non-blocking read ends, for Stdio::pipe()
  UniqueFd err;
};

// A program that could not be started: Failure(kExitFailed) naming it, with the errno.
class LaunchError : public Failure {
 public:
  LaunchError(int error, const std::string& message) : Failure(kExitFailed, message), error_(error) {}
  int error() const { return error_; }  // ENOENT: no such program (or directory)

 private:
  int error_;
};

// Throws LaunchError when the program cannot be started (not found, not executable, the
// directory missing), Failure for a file or descriptor of the spec; no child is left behind.
Child launch(const LaunchSpec& spec);

struct ExitStatus {
  int code = -1;       // the exit status, or -1 when a signal ended it
  int signal = 0;      // the signal that ended it, 0 if none
  bool lost = false;   // ECHILD: not our child, or reaped by someone else (nothing is known)

  static ExitStatus from_wait_status(int status);
  bool ok() const { return code == 0; }
  int shell_code() const;  // as sh reports it: the code, 128 + signal, 1 when lost
  std::string describe() const;  // "exit status 1", "killed by signal 9 (Killed)"
};

// Waits for our child `pid` to end and reaps it. waitpid is retried on EINTR only (after
// calling on_interrupt, if given, e.g. to pass a signal on); ECHILD ends the wait (lost).
ExitStatus wait_exit(pid_t pid, const std::function<void()>& on_interrupt = {});

// Reaps `pid` if it has ended within `patience` (0: only if it has already ended).
std::optional<ExitStatus> wait_exit_within(pid_t pid, std::chrono::milliseconds patience);

}  // namespace pharoctl
