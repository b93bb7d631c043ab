#include "supervise/notifier.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "supervise/sd_notify.hpp"

namespace pharoctl {

SystemdNotifier::SystemdNotifier() {
  if (const char* s = std::getenv("NOTIFY_SOCKET")) socket_ = s;
  // The variables stay in our environment; the VM's environment drops WATCHDOG_* explicitly.
  if (auto period = watchdog_period(std::getenv("WATCHDOG_USEC"), std::getenv("WATCHDOG_PID"), ::getpid())) {
    watchdog_ = std::chrono::milliseconds(std::max<long long>(period->count() / 2000, 1));
  }
}

void SystemdNotifier::send(const std::string& assignments) {
  if (!socket_.empty()) send_notify_datagram(socket_, assignments);
}

}  // namespace pharoctl
