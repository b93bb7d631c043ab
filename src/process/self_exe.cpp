#include "process/self_exe.hpp"

#include <unistd.h>

#include "util/failure.hpp"

#ifndef PHAROCTL_LIBEXEC_RELATIVE
#define PHAROCTL_LIBEXEC_RELATIVE "../libexec/pharoctl"
#endif

namespace pharoctl {

std::filesystem::path self_exe() {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw operation_failed("cannot tell where this pharoctl binary is (/proc/self/exe): " + ec.message());
  return p;
}

std::filesystem::path helper_program(const std::filesystem::path& pharoctl, const char* name) {
  for (const std::filesystem::path& dir : {pharoctl.parent_path(), pharoctl.parent_path() / PHAROCTL_LIBEXEC_RELATIVE}) {
    std::filesystem::path p = (dir / name).lexically_normal();
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  return {};
}

}  // namespace pharoctl
