#pragma once
// `pharoctl doctor`: checks the environment and each service, one finding per line with what to
// do. Nothing is changed unless `fix` is set, and then only generated files (run scripts) are
// rewritten; a pid file is never a reason to signal anything.
#include <string>
#include <vector>

#include "service/home.hpp"

namespace pharoctl {

struct Finding {
  enum class Level { Ok, Warn, Error } level;
  std::string service;  // "" for the environment
  std::string check;    // runtime, ports, files, pids, config, home
  std::string message;  // what was found, and what to do about it
};

const char* to_string(Finding::Level level);

std::vector<Finding> run_doctor(const Home& home, const std::vector<std::string>& services, bool fix);

}  // namespace pharoctl
