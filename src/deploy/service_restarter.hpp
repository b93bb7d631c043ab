#pragma once
// The one step of a deploy that touches running VMs: a rolling, health-gated restart of every
// instance onto whatever `current` points at now. Behind an interface so that the deploy logic
// (switch, restart, switch back on failure) is unit-tested with a fake, and the real one talks to
// the service's supervisor.
#include <functional>
#include <optional>
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

// A deploy's switch and health gate, done by the supervisor as one step: `current` to the new
// release, every instance restarted onto it; on failure `current` back and every instance
// restarted onto the previous release. `gate` is the forward pass, `back` the way back.
struct GateOutcome {
  RestartOutcome gate;
  bool switched_back = false;
  RestartOutcome back;
};

class ServiceRestarter {
 public:
  virtual ~ServiceRestarter() = default;
  // Whether the service's supervisor runs (a stopped service is only switched).
  virtual bool running() = 0;
  // Restarts the instances one at a time, each having to pass health within [health].grace
  // before the next goes; stops at the first that does not. Answers when done.
  virtual RestartOutcome rolling_restart() = 0;
  // Switches `current` to `release` and rolls every instance onto it behind the health gate,
  // switching back to `previous` (none: `current` removed) when it fails. The supervisor does
  // it, so it ends the same way if this process dies meanwhile.
  virtual GateOutcome gated_switch(const std::string& release, const std::optional<std::string>& previous) = 0;
  // Waits until no restart, reload or deploy is in progress in the supervisor (one whose CLI
  // died goes on there), calling `waiting` once if it has to wait. Throws Failure on timeout.
  virtual void wait_idle(const std::function<void(const std::string&)>& waiting) = 0;
};

}  // namespace pharoctl
