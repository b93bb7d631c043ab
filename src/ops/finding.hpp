#pragma once
// One finding of doctor or of the checks before start/restart/deploy/run: what was found, and
// what to do about it.
#include <string>

namespace pharoctl {

struct Finding {
  enum class Level { Ok, Warn, Error } level;
  std::string service;  // "" for the environment
  std::string check;    // runtime, ports, files, pids, config, home, app, release
  std::string message;  // what was found, and what to do about it
};

const char* to_string(Finding::Level level);

}  // namespace pharoctl
