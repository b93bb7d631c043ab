#pragma once
// The real ServiceRestarter: asks the service's supervisor (control socket run/control.sock) for
// a reload, which restarts the instances one at a time behind the health gate and answers when
// done. "Running" is the supervisor's lock being held (architecture.md: supervisor liveness).
#include <chrono>

#include "deploy/service_restarter.hpp"
#include "service/home.hpp"
#include "service/service_config.hpp"

namespace pharoctl {

class SupervisorRestarter : public ServiceRestarter {
 public:
  SupervisorRestarter(ServicePaths paths, ServiceConfig config) : paths_(std::move(paths)), config_(std::move(config)) {}
  bool running() override;
  RestartOutcome rolling_restart() override;
  GateOutcome gated_switch(const std::string& release, const std::optional<std::string>& previous) override;
  void wait_idle(const std::function<void(const std::string&)>& waiting) override;

 private:
  std::chrono::milliseconds rollout_timeout() const;

  ServicePaths paths_;
  ServiceConfig config_;
};

}  // namespace pharoctl
