#pragma once
// The sender side of systemd's notify protocol, in the tree: one datagram of newline-separated
// assignments on the AF_UNIX socket named by $NOTIFY_SOCKET (a path, or "@name" in the
// abstract namespace). The protocol is declared stable (sd_notify(3), "Interface Portability
// and Stability"); linking libsystemd for it mapped 0.95 MB and six shared objects into every
// supervisor.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace pharoctl {

// Sends `message` to the socket `socket_name` ($NOTIFY_SOCKET's value). False when the name is
// empty or not a Unix socket address, or the send failed (systemd treats notify as best effort).
bool send_notify_datagram(const std::string& socket_name, std::string_view message);

// The watchdog period systemd asks for: $WATCHDOG_USEC when set, positive, and $WATCHDOG_PID
// (when set) names `self`; nullopt otherwise.
std::optional<std::chrono::microseconds> watchdog_period(const char* watchdog_usec, const char* watchdog_pid,
                                                         pid_t self);

}  // namespace pharoctl
