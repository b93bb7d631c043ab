#pragma once
// pidfd_open(2) through syscall(2) (glibc 2.36 has no wrapper in every build): a descriptor for
// one process that stays with it even if its pid is recycled, and becomes readable when it ends.
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

namespace pharoctl {

inline int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

}  // namespace pharoctl
