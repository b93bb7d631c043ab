#include "util/read_line.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace pharoctl {

LineRead read_line(int fd, std::chrono::steady_clock::time_point deadline, std::size_t max) {
  LineRead out;
  std::string in;
  char buf[8192];
  for (;;) {
    if (auto nl = in.find('\n'); nl != std::string::npos) {
      out.line = in.substr(0, nl);
      return out;
    }
    if (in.size() >= max) return out;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      out.timed_out = true;
      return out;
    }
    pollfd p{fd, POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 60'000)));
    if (n < 0 && errno != EINTR) return out;
    if (n <= 0) continue;  // interrupted, or a minute passed: the deadline is looked at again
    ssize_t got = ::read(fd, buf, std::min(sizeof buf, max - in.size()));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return out;
    in.append(buf, static_cast<std::size_t>(got));
  }
}

}  // namespace pharoctl
