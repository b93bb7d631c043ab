#include "supervise/recorded_status.hpp"

#include <chrono>

#include "process/file_lock.hpp"
#include "process/proc_info.hpp"
#include "supervise/status_record.hpp"

namespace pharoctl {

std::optional<ServiceStatus> recorded_status(const ServicePaths& paths) {
  std::optional<StatusRecord> r = read_status_record(paths.status_record());
  if (!r || r->status.name != paths.name() || r->status.supervisor_pid <= 0) return std::nullopt;
  // After reading: the writer held the lock then, so the record was its latest at that moment.
  std::optional<pid_t> holder = posix_lock_holder(paths.supervisor_lock());
  if (!holder || *holder != r->status.supervisor_pid) return std::nullopt;
  std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::steady_clock::now().time_since_epoch()).count();
  if (r->recheck_by_ns != 0 && now > r->recheck_by_ns) return std::nullopt;
  for (size_t k = 0; k < r->status.instances.size(); ++k) {
    InstanceStatus& i = r->status.instances[k];
    if (i.pid <= 0) continue;
    // While its supervisor lives, a VM's pid names that VM or, once it ended, its zombie until
    // the supervisor reaps it, and the round that reaps it rewrites the record: a pid with no
    // memory (a zombie) or none at all means the record is about to change; ask instead.
    std::optional<ProcStatm> m = read_proc_statm(i.pid);
    if (!m || m->size_pages == 0) return std::nullopt;
    i.rss_bytes = m->resident_pages * m->page_bytes;
    i.uptime_s = static_cast<double>(now - r->vms[k].started_ns) / 1e9;
  }
  return std::move(r->status);
}

}  // namespace pharoctl
