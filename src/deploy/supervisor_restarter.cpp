#include "deploy/supervisor_restarter.hpp"

#include <thread>

#include <fmt/format.h>

#include "supervise/control_client.hpp"
#include "supervise/service_control.hpp"
#include "util/failure.hpp"

namespace pharoctl {

bool SupervisorRestarter::running() { return supervisor_running(paths_); }

namespace {

RestartOutcome outcome_of(const ControlReply& reply, const ServicePaths& paths, int instances) {
  RestartOutcome out;
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
      out.log_tail = instance_log_tail(paths, reply.failed_instance, instances, 20);
    }
  }
  return out;
}

}  // namespace

std::chrono::milliseconds SupervisorRestarter::rollout_timeout() const {
  // Each instance may take its stop timeout to go and its grace to become healthy; the
  // supervisor answers as soon as one fails, so this bound is only reached by a stuck one.
  auto per_instance = config_.stop_timeout + config_.health.grace + std::chrono::seconds(10);
  return std::chrono::duration_cast<std::chrono::milliseconds>(per_instance * config_.instances);
}

RestartOutcome SupervisorRestarter::rolling_restart() {
  ControlReply reply;
  try {
    reply = ControlClient(paths_).reload(rollout_timeout());
  } catch (const Failure& f) {
    RestartOutcome out;
    out.reason = fmt::format("the rolling restart could not be done: {}", f.what());
    return out;
  }
  return outcome_of(reply, paths_, config_.instances);
}

void SupervisorRestarter::wait_idle(const std::function<void(const std::string&)>& waiting) {
  // A deploy in progress may need its gate and then the way back: twice the rollout's bound.
  auto patience = 2 * rollout_timeout() + std::chrono::seconds(10);
  auto deadline = std::chrono::steady_clock::now() + patience;
  bool told = false;
  for (;;) {
    ServiceStatus s;
    try {
      s = ControlClient(paths_).status(std::chrono::milliseconds(3000));
    } catch (const Failure&) {
      if (!supervisor_running(paths_)) return;  // stopped meanwhile: nothing to wait for
      throw;
    }
    if (s.rollout.empty()) return;
    if (!told && waiting) waiting(fmt::format("waiting for the {} in progress to end", s.rollout));
    told = true;
    if (std::chrono::steady_clock::now() > deadline) {
      throw operation_failed(fmt::format("{}: the {} in progress has not ended within {}; try again later",
                                         paths_.name(), s.rollout,
                                         format_duration(std::chrono::duration_cast<Millis>(patience))));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

GateOutcome SupervisorRestarter::gated_switch(const std::string& release, const std::optional<std::string>& previous) {
  nlohmann::json req = {{"cmd", "deploy"}, {"release", release},
                        {"previous", previous ? nlohmann::json(*previous) : nlohmann::json()}};
  GateOutcome out;
  nlohmann::json j;
  for (;;) {
    try {
      j = ControlClient(paths_).request(req, 2 * rollout_timeout() + std::chrono::seconds(10));
    } catch (const Failure& f) {
      out.gate.reason = fmt::format("the deploy could not be handed to the supervisor: {}", f.what());
      return out;
    }
    // Another rollout began between waiting and asking: wait for that one too.
    if (!j.value("ok", false) && j.value("busy", false)) {
      wait_idle(nullptr);
      continue;
    }
    break;
  }
  out.gate = outcome_of(control_reply_from_json(j), paths_, config_.instances);
  out.switched_back = j.value("switched_back", false);
  if (out.switched_back && j.contains("back") && j["back"].is_object()) {
    out.back = outcome_of(control_reply_from_json(j["back"]), paths_, config_.instances);
  }
  return out;
}


}  // namespace pharoctl
