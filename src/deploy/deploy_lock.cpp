#include "deploy/deploy_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/failure.hpp"

namespace pharoctl {

DeployLock::DeployLock(const std::filesystem::path& file, const std::function<void()>& waiting) {
  std::filesystem::create_directories(file.parent_path());
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw operation_failed(fmt::format("cannot open {}: {}", file.string(), std::strerror(errno)));
  if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
  if (errno == EWOULDBLOCK && waiting) waiting();
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    ::close(fd_);
    throw operation_failed(fmt::format("cannot lock {}: {}", file.string(), std::strerror(err)));
  }
}

DeployLock::~DeployLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace pharoctl
