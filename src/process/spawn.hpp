#pragma once
// Starting child processes: the VMs the supervisor owns, and the detached supervisor that
// `start` launches. fork + exec with everything prepared before the fork; an exec failure is
// reported back to the parent (through a close-on-exec pipe) instead of looking like an exit.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "util/unique_fd.hpp"

namespace pharoctl {

struct SpawnSpec {
  std::vector<std::string> argv;  // argv[0] is the program path
  std::vector<std::string> env;   // the complete environment, "NAME=value"
  std::filesystem::path cwd;
  bool capture_output = true;     // stdout and stderr into two pipes the parent reads
  std::filesystem::path output_file;  // else: both appended to this file ("" = /dev/null)
  bool new_session = false;       // setsid(): detached from the caller's terminal and group
  bool new_process_group = true;  // terminal signals reach the parent only
  int parent_death_signal = 0;    // e.g. SIGTERM: the child goes when its parent dies
};

struct SpawnedChild {
  pid_t pid = 0;
  std::uint64_t start_ticks = 0;
  UniqueFd out;  // non-blocking read ends when capture_output
  UniqueFd err;
};

// Throws Failure(kExitFailed) when fork or exec fails (with the reason).
SpawnedChild spawn_child(const SpawnSpec& spec);

// The current environment minus the names listed, plus `extra` ("NAME=value", overriding).
std::vector<std::string> environment_with(const std::vector<std::string>& extra,
                                          const std::vector<std::string>& drop);

}  // namespace pharoctl
