#include "supervise/sd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "util/unique_fd.hpp"

namespace pharoctl {

bool send_notify_datagram(const std::string& socket_name, std::string_view message) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_name.size() < 2 || socket_name.size() >= sizeof addr.sun_path) return false;
  if (socket_name[0] != '/' && socket_name[0] != '@') return false;
  std::memcpy(addr.sun_path, socket_name.data(), socket_name.size());
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_name.size());
  if (socket_name[0] == '@') {
    addr.sun_path[0] = '\0';  // abstract namespace: the name is exactly these bytes, no terminator
  } else {
    len += 1;  // a path: include its terminating NUL
  }
  UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return false;
  ssize_t n;
  do {
    n = ::sendto(fd.get(), message.data(), message.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr), len);
  } while (n < 0 && errno == EINTR);
  return n == static_cast<ssize_t>(message.size());
}

std::optional<std::chrono::microseconds> watchdog_period(const char* watchdog_usec, const char* watchdog_pid,
                                                         pid_t self) {
  if (!watchdog_usec || !*watchdog_usec) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  unsigned long long usec = std::strtoull(watchdog_usec, &end, 10);
  if (errno != 0 || *end != '\0' || usec == 0) return std::nullopt;
  if (watchdog_pid && *watchdog_pid) {
    long long pid = std::strtoll(watchdog_pid, &end, 10);
    if (*end != '\0' || pid != self) return std::nullopt;  // meant for another process
  }
  return std::chrono::microseconds(static_cast<long long>(usec));
}

}  // namespace pharoctl
