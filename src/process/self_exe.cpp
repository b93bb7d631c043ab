#include "process/self_exe.hpp"

#include "util/failure.hpp"

namespace pharoctl {

std::filesystem::path self_exe() {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw operation_failed("cannot tell where this pharoctl binary is (/proc/self/exe): " + ec.message());
  return p;
}

}  // namespace pharoctl
