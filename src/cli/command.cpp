#include "cli/command.hpp"

#include <unistd.h>

#include <cstdlib>

#include "util/failure.hpp"

namespace pharoctl {

bool Globals::color(int fd) const {
  if (no_color) return false;
  if (const char* nc = std::getenv("NO_COLOR"); nc && *nc) return false;
  if (const char* term = std::getenv("TERM"); term && std::string(term) == "dumb") return false;
  return ::isatty(fd) == 1;
}

Runner not_implemented(const std::string& command) {
  return [command]() -> int {
    throw operation_failed("`pharoctl " + command + "` is not implemented yet in this version");
  };
}

}  // namespace pharoctl
