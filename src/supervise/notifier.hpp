#pragma once
// The systemd notify protocol (sd_notify(3)) behind an interface: READY=1, STATUS=, WATCHDOG=1.
// Without NOTIFY_SOCKET every call is a no-op.
#include <chrono>
#include <optional>
#include <string>

namespace pharoctl {

class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual void send(const std::string& assignments) = 0;
  // Half of WATCHDOG_USEC when systemd asks for a watchdog, else nullopt.
  virtual std::optional<std::chrono::milliseconds> watchdog_interval() const = 0;
};

class SystemdNotifier final : public Notifier {
 public:
  SystemdNotifier();
  void send(const std::string& assignments) override;
  std::optional<std::chrono::milliseconds> watchdog_interval() const override { return watchdog_; }

 private:
  std::string socket_;  // $NOTIFY_SOCKET at start-up
  std::optional<std::chrono::milliseconds> watchdog_;
};

}  // namespace pharoctl
