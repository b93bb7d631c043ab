#include "process/terminate.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "process/pidfd.hpp"
#include "util/unique_fd.hpp"

namespace pharoctl {

namespace {

int pidfd_send_signal(int fd, int sig) { return static_cast<int>(::syscall(SYS_pidfd_send_signal, fd, sig, nullptr, 0)); }

// A pidfd becomes readable when the process exits.
bool wait_exit(int pidfd, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // Rounded up: a wait of `timeout` never ends before it.
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{pidfd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(std::max<long long>(0, left.count())));
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return false;
  }
}

}  // namespace

TerminateResult terminate_proven(const VmIdentity& id, std::chrono::milliseconds timeout) {
  TerminateResult r;
  int fd = pidfd_open(id.pid);
  if (fd < 0) {
    r.reason = fmt::format("pid {}: {}", id.pid, std::strerror(errno));
    return r;
  }
  UniqueFd pidfd(fd);
  // Verified after the pidfd is open: the pidfd pins the process that was checked.
  IdentityVerdict v = verify_identity(id);
  if (!v.proven) {
    r.reason = v.reason;
    return r;
  }
  if (pidfd_send_signal(pidfd.get(), SIGTERM) != 0) {
    r.reason = fmt::format("pid {}: SIGTERM: {}", id.pid, std::strerror(errno));
    return r;
  }
  r.signalled = true;
  if (wait_exit(pidfd.get(), timeout)) return r;
  pidfd_send_signal(pidfd.get(), SIGKILL);
  r.killed = true;
  wait_exit(pidfd.get(), std::chrono::seconds(5));
  return r;
}

bool wait_until_gone(pid_t pid, std::chrono::milliseconds timeout) {
  if (pid <= 0) return true;
  int fd = pidfd_open(pid);
  if (fd < 0) return errno == ESRCH;
  UniqueFd pidfd(fd);
  return wait_exit(pidfd.get(), timeout);
}

}  // namespace pharoctl
