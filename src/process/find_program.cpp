#include "process/find_program.hpp"

#include <unistd.h>

#include <cstdlib>

#include "process/self_exe.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

fs::path find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string p = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::string dir = p.substr(start, end - start);
    if (!dir.empty()) {
      fs::path candidate = fs::path(dir) / name;
      std::error_code ec;
      if (::access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate, ec)) return candidate;
    }
    start = end + 1;
  }
  return {};
}

fs::path find_beside_self_or_on_path(const std::string& name) {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    // Beside pharoctl in a build tree, or in libexec/pharoctl/ where packages install helpers.
    if (fs::path helper = helper_program(self, name.c_str()); !helper.empty()) return helper;
  }
  return find_on_path(name);
}

}  // namespace pharoctl
