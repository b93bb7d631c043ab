#include "util/directory_guard.hpp"

#include <stdlib.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/failure.hpp"

namespace pharoctl {

std::filesystem::path make_unique_directory(const std::filesystem::path& parent, const std::string& prefix) {
  std::string pattern = (parent / (prefix + "XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw operation_failed(fmt::format("cannot create a directory in {}: {}", parent.string(), std::strerror(errno)));
  }
  return pattern;
}

}  // namespace pharoctl
