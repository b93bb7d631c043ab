#include "process/descriptors.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace pharoctl {

namespace {

int descriptor_limit() {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0 || r.rlim_cur == RLIM_INFINITY || r.rlim_cur > 65536) return 65536;
  return static_cast<int>(r.rlim_cur);
}

// Closes (or, with CLOSE_RANGE_CLOEXEC, marks close-on-exec) the descriptors first..last
// (async-signal-safe). close_range(2) (Linux 5.9, CLOSE_RANGE_CLOEXEC 5.11) through syscall(2):
// the same call on every libc; on an older kernel, one call per possible descriptor.
void close_range_or_each(int first, unsigned last, unsigned flags) {
  if (first < 0 || static_cast<unsigned>(first) > last) return;
  if (::syscall(SYS_close_range, static_cast<unsigned>(first), last, flags) == 0) return;
  int end = last == ~0U ? descriptor_limit() : static_cast<int>(last) + 1;
  for (int fd = first; fd < end; ++fd) {
    if (flags & CLOSE_RANGE_CLOEXEC) {
      int fdflags = ::fcntl(fd, F_GETFD);
      if (fdflags >= 0) ::fcntl(fd, F_SETFD, fdflags | FD_CLOEXEC);
    } else {
      ::close(fd);
    }
  }
}

constexpr unsigned all_above = ~0U;

}  // namespace

void close_descriptors_from_3() { close_range_or_each(3, all_above, 0); }

void close_descriptors_from_except(int first, int keep) {
  if (keep < first) {  // nothing to keep: close all from `first`
    close_range_or_each(first, all_above, 0);
    return;
  }
  if (keep > first) close_range_or_each(first, static_cast<unsigned>(keep - 1), 0);
  close_range_or_each(keep + 1, all_above, 0);
}

void close_descriptors_from_3_on_exec() { close_range_or_each(3, all_above, CLOSE_RANGE_CLOEXEC); }

}  // namespace pharoctl
