#pragma once
// The client side of the supervisor's control socket run/control.sock (one JSON object per
// line each way; docs/control-protocol.md). What `status`, `stop`, `restart`, `reload` and the
// deploy engine use to talk to a running supervisor:
//
//   ControlClient client(home.service("shop"));
//   ControlReply r = client.reload(std::chrono::minutes(10));   // rolling, health-gated
//   if (!r.ok) ... r.error, r.failed_instance, r.results
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "service/home.hpp"
#include "supervise/service_status.hpp"
#include "util/failure.hpp"

namespace pharoctl {

struct InstanceResult {
  int instance = 0;
  bool ok = false;
  pid_t pid = 0;          // the new VM
  double seconds = 0;     // from the replacement's start to healthy (or to the failure)
  std::string detail;     // "healthy", or what failed
  std::string image;      // the image the new VM runs
};

struct ControlReply {
  bool ok = false;
  std::string error;         // when !ok
  int failed_instance = -1;  // the instance that failed a reload/restart, -1 when none
  bool config_error = false; // refused: service.toml is invalid now (nothing was changed)
  std::vector<InstanceResult> results;
};

class ControlClient {
 public:
  explicit ControlClient(ServicePaths paths) : paths_(std::move(paths)) {}

  // Throws Failure(kExitNotRunning) when no supervisor listens, Failure(kExitFailed) on a
  // timeout or a broken answer.
  ServiceStatus status(std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  // Orderly stop of every VM; answers once they are gone (the supervisor exits right after).
  ControlReply stop(std::chrono::milliseconds timeout) const;
  // Replaces the VMs of `instance` (-1: all at once); answers when each is healthy or failed.
  ControlReply restart(int instance, std::chrono::milliseconds timeout) const;
  // Rolling restart: one instance at a time, the next once that one is healthy within
  // [health].grace; each new VM runs what `current` resolves to when it starts. Answers when
  // the rollout is finished, or at the first instance that fails (stopping the rollout there).
  ControlReply reload(std::chrono::milliseconds timeout, int instance = -1) const;

  nlohmann::json request(const nlohmann::json& request, std::chrono::milliseconds timeout) const;

 private:
  ServicePaths paths_;
};

ControlReply control_reply_from_json(const nlohmann::json& j);

// One supervisor's answer to a request sent to several at once: the answer, or the Failure that
// ControlClient::request would have thrown for it.
struct ControlAnswer {
  std::optional<nlohmann::json> answer;
  std::optional<Failure> failure;
};

// The same request to each service's supervisor at once: a non-blocking connect and send to
// every control socket, then one poll loop for all the answers under one deadline, so that
// asking 50 supervisors costs about what asking the slowest one does. In the order given.
std::vector<ControlAnswer> request_all(const std::vector<ServicePaths>& services, const nlohmann::json& request,
                                       std::chrono::milliseconds timeout);

// request_all of "status": the status, or the Failure ControlClient::status would have thrown.
struct StatusAnswer {
  std::optional<ServiceStatus> status;
  std::optional<Failure> failure;
};
std::vector<StatusAnswer> status_all(const std::vector<ServicePaths>& services, std::chrono::milliseconds timeout);

}  // namespace pharoctl
