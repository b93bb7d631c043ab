#pragma once
// `status` without waking a supervisor: the service's run/status record (status_record.hpp),
// taken only when proven current, else nullopt (and the caller asks the control socket):
//   - the supervisor that wrote it still runs: the kernel names the holder of its POSIX lock on
//     run/supervisor.lock (F_GETLK: a query that takes nothing, so a starting supervisor can
//     never fail on it), and that is the pid the record names;
//   - it has not outlived the moment by which a working supervisor would have rewritten it (a
//     stopped or hung supervisor is asked, and found unresponsive);
//   - every VM it names is alive: not a zombie waiting to be reaped, not gone (then the
//     supervisor is about to rewrite the record). While the supervisor lives its VMs' pids
//     cannot be reused before it reaps them, and the round that reaps one rewrites the record.
// The VM's uptime and memory are read here, at the moment of asking, as the supervisor would.
#include <optional>

#include "service/home.hpp"
#include "supervise/service_status.hpp"

namespace pharoctl {

std::optional<ServiceStatus> recorded_status(const ServicePaths& paths);

}  // namespace pharoctl
