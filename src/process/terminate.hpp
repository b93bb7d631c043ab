#pragma once
// Ending a process that is not our child (a VM left behind by a supervisor that was killed):
// only after its identity is proven, through a pidfd so that the process checked is the one
// signalled even if the pid were recycled in between. SIGTERM, wait up to `timeout`, SIGKILL.
#include <chrono>
#include <string>

#include "process/vm_identity.hpp"

namespace pharoctl {

struct TerminateResult {
  bool signalled = false;  // false: not proven (reason says why), nothing was sent
  bool killed = false;     // SIGKILL was needed
  std::string reason;
};

TerminateResult terminate_proven(const VmIdentity& id, std::chrono::milliseconds timeout);

// Waits (without signalling) until the process behind `pid` has exited, or `timeout` passed.
// True when it is gone. Through a pidfd: a recycled pid cannot be mistaken for it.
bool wait_until_gone(pid_t pid, std::chrono::milliseconds timeout);

}  // namespace pharoctl
