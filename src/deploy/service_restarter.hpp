#pragma once
// The one step of a deploy that touches running VMs: a rolling, health-gated restart of every
// instance onto whatever `current` points at now. Behind an interface so that the deploy logic
// (switch, restart, switch back on failure) is unit-tested with a fake, and the real one talks to
// the service's supervisor.
#include <string>
#include <vector>

namespace pharoctl {

struct InstanceRestart {
  int instance = 0;
  bool ok = false;
  std::string detail;  // "healthy in 0.4s", "not healthy within 120s: ..."
};

struct RestartOutcome {
  bool ok = false;
  std::string reason;    // why it failed, one line
  std::string log_tail;  // the failed instance's last log lines, when known
  std::vector<InstanceRestart> instances;
};

class ServiceRestarter {
 public:
  virtual ~ServiceRestarter() = default;
  // Whether the service's supervisor runs (a stopped service is only switched).
  virtual bool running() = 0;
  // Restarts the instances one at a time, each having to pass health within [health].grace
  // before the next goes; stops at the first that does not. Answers when done.
  virtual RestartOutcome rolling_restart() = 0;
};

}  // namespace pharoctl
