#include "supervise/notifier.hpp"

#include <systemd/sd-daemon.h>

namespace pharoctl {

SystemdNotifier::SystemdNotifier() {
  uint64_t usec = 0;
  // unset_environment = 0 here; the VM's environment drops WATCHDOG_* explicitly.
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    watchdog_ = std::chrono::milliseconds(std::max<uint64_t>(usec / 2000, 1));
  }
}

void SystemdNotifier::send(const std::string& assignments) { sd_notify(0, assignments.c_str()); }

}  // namespace pharoctl
