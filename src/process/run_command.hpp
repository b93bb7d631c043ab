#pragma once
// Running a program to completion through the launcher (a VM asked for its version, a VM
// building an image, git, ssh): stdin from /dev/null, stdout (and stderr, unless kept apart) into
// pipes handed over line by line, a deadline after which the child's whole process group is
// killed, and the tail of the output kept for error reports. Not for long-running servers: the
// supervisor owns those.
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "process/launcher.hpp"

namespace pharoctl {

struct RunRequest {
  std::vector<std::string> argv;  // argv[0] is the program (a path, or a name looked up in PATH)
  std::filesystem::path cwd;      // empty: the current directory
  Environment env;                // ours, with the changes made here
  std::chrono::milliseconds timeout{0};  // 0: no deadline
  size_t keep_tail = 64 * 1024;          // bytes kept in RunResult::output (and ::errors)
  bool merge_stderr = true;              // false: stderr is kept apart, in RunResult::errors
  // Called for each complete line of output (stdout only when stderr is kept apart; without the
  // newline), and every ~200 ms while the child runs (with nullptr) so that a caller can redraw
  // a progress line.
  std::function<void(const std::string* line)> on_output;
};

struct RunResult {
  int exit_code = -1;  // the exit status, or -1 when killed by a signal
  int signal = 0;      // the signal that ended it, 0 if none
  bool timed_out = false;
  std::string output;  // the last keep_tail bytes of stdout (and stderr when merged)
  std::string errors;  // the last keep_tail bytes of stderr when kept apart
  std::chrono::milliseconds elapsed{0};

  bool ok() const { return exit_code == 0 && !timed_out; }
  // "exit status 1", "killed by signal 9", "timed out after 30s"
  std::string describe() const;
};

// Throws Failure(kExitFailed) when the program cannot be started at all (not found, not
// executable), naming it.
RunResult run_command(const RunRequest& request);

// The last `lines` lines of `text`.
std::string last_lines(const std::string& text, size_t lines);

}  // namespace pharoctl
