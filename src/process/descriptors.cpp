#include "process/descriptors.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace pharoctl {

namespace {

// close_range(2) (Linux 5.9, CLOSE_RANGE_CLOEXEC 5.11) through syscall(2): the same call on
// every libc; on an older kernel, one call per possible descriptor.
bool close_range_from(int first, unsigned flags) {
  return ::syscall(SYS_close_range, static_cast<unsigned>(first), ~0U, flags) == 0;
}

int descriptor_limit() {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0 || r.rlim_cur == RLIM_INFINITY || r.rlim_cur > 65536) return 65536;
  return static_cast<int>(r.rlim_cur);
}

}  // namespace

void close_descriptors_from_3() {
  if (close_range_from(3, 0)) return;
  for (int fd = 3, n = descriptor_limit(); fd < n; ++fd) ::close(fd);
}

void close_descriptors_from_except(int first, int keep) {
  if (keep < first) keep = first - 1;  // nothing to keep: close all from `first`
  if (keep > first && ::syscall(SYS_close_range, static_cast<unsigned>(first), static_cast<unsigned>(keep - 1), 0U) != 0) {
    for (int fd = first; fd < keep; ++fd) ::close(fd);
  }
  if (close_range_from(keep + 1, 0)) return;
  for (int fd = keep + 1, n = descriptor_limit(); fd < n; ++fd) ::close(fd);
}

void close_descriptors_from_3_on_exec() { mark_close_on_exec_from(3); }

void mark_close_on_exec_from(int first) {
  if (close_range_from(first, CLOSE_RANGE_CLOEXEC)) return;
  for (int fd = first, n = descriptor_limit(); fd < n; ++fd) {
    int flags = ::fcntl(fd, F_GETFD);
    if (flags >= 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
}

}  // namespace pharoctl
