#include "supervise/rollout.hpp"

#include <fmt/format.h>

namespace pharoctl {

Rollout Rollout::of(int client, std::string cmd, int instance, int count, bool sequential,
                    std::optional<DeployPlan> deploy) {
  Rollout r;
  r.client = client;
  r.cmd = std::move(cmd);
  r.sequential = sequential;
  r.deploy = std::move(deploy);
  for (int i = 0; i < count; ++i)
    if (instance < 0 || instance == i) r.queue.push_back(i);
  return r;
}

std::optional<int> Rollout::take_next() {
  if (!pending.empty() || next >= queue.size()) return std::nullopt;
  int i = queue[next++];
  pending.insert(i);
  return i;
}

std::vector<int> Rollout::take_all() {
  std::vector<int> all(queue.begin() + static_cast<std::ptrdiff_t>(next), queue.end());
  next = queue.size();
  pending.insert(all.begin(), all.end());
  return all;
}

bool Rollout::record(const ReplacementResult& r) {
  results.push_back({{"instance", r.instance},
                     {"ok", r.ok},
                     {"pid", r.pid},
                     {"seconds", r.seconds},
                     {"image", r.image},
                     {"detail", r.detail}});
  if (!r.ok && !failed) {
    failed = true;
    failed_instance = r.instance;
    error = fmt::format("instance {}: {}", r.instance, r.detail);
  }
  pending.erase(r.instance);
  if (!r.ok) return sequential || pending.empty();
  return !sequential && pending.empty();
}

void Rollout::become_switch_back() {
  deploy->switching_back = true;
  deploy->gate_results = results;
  deploy->gate_error = error;
  deploy->gate_failed_instance = failed_instance;
}

Rollout Rollout::switch_back(int count) const {
  Rollout forward = *this;
  forward.become_switch_back();
  return of(client, "deploy", -1, count, true, forward.deploy);
}

nlohmann::json Rollout::answer() const {
  nlohmann::json j = {{"ok", !failed}, {"results", results}};
  if (failed) {
    j["error"] = error;
    j["instance"] = failed_instance;
  }
  if (!deploy) return j;
  std::optional<std::string> now_on = deploy->switching_back ? deploy->previous : std::optional(deploy->release);
  nlohmann::json current = now_on ? nlohmann::json(*now_on) : nlohmann::json();
  if (!deploy->switching_back) {
    j["current"] = current;
    return j;
  }
  // The answer is about the deploy: its gate failed; `back` tells how the way back went.
  return {{"ok", false},
          {"error", deploy->gate_error},
          {"instance", deploy->gate_failed_instance},
          {"results", deploy->gate_results},
          {"current", current},
          {"switched_back", true},
          {"back", {{"ok", !failed}, {"error", failed ? error : ""}, {"results", results}}}};
}

std::string Rollout::describe() const {
  if (!deploy) return cmd;
  return cmd + (deploy->switching_back ? fmt::format(" of {}: switching back to {}", deploy->release,
                                                     deploy->previous.value_or("the base image"))
                                       : fmt::format(" of {}: health gate", deploy->release));
}

}  // namespace pharoctl
