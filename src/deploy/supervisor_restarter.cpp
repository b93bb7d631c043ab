#include "deploy/supervisor_restarter.hpp"

#include <fmt/format.h>

#include "supervise/control_client.hpp"
#include "supervise/service_control.hpp"
#include "util/failure.hpp"

namespace pharoctl {

bool SupervisorRestarter::running() { return supervisor_running(paths_); }

RestartOutcome SupervisorRestarter::rolling_restart() {
  // Each instance may take its stop timeout to go and its grace to become healthy; the
  // supervisor answers as soon as one fails, so this bound is only reached by a stuck one.
  auto per_instance = config_.stop_timeout + config_.health.grace + std::chrono::seconds(10);
  auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(per_instance * config_.instances);
  RestartOutcome out;
  ControlReply reply;
  try {
    reply = ControlClient(paths_).reload(timeout);
  } catch (const Failure& f) {
    out.ok = false;
    out.reason = fmt::format("the rolling restart could not be done: {}", f.what());
    return out;
  }
  out.ok = reply.ok;
  for (const InstanceResult& r : reply.results) {
    std::string detail = r.ok ? fmt::format("healthy in {:.1f}s (pid {})", r.seconds, r.pid)
                              : fmt::format("failed after {:.1f}s: {}", r.seconds, r.detail);
    out.instances.push_back({r.instance, r.ok, detail});
  }
  if (!reply.ok) {
    out.reason = reply.error.empty() ? std::string("an instance did not become healthy") : reply.error;
    if (reply.failed_instance >= 0) {
      if (out.reason.find("instance") == std::string::npos) {
        out.reason = fmt::format("instance {}: {}", reply.failed_instance, out.reason);
      }
      out.log_tail = instance_log_tail(paths_, reply.failed_instance, config_.instances, 20);
    }
  }
  return out;
}


}  // namespace pharoctl
