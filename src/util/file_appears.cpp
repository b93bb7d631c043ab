#include "util/file_appears.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace pharoctl {

using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

FileAppears::FileAppears(const std::filesystem::path& dir, std::string name) : name_(std::move(name)) {
  fd_.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (fd_.valid() && ::inotify_add_watch(fd_.get(), dir.c_str(), IN_CREATE | IN_MOVED_TO) < 0) fd_.reset();
}

namespace {

// True when the queued events name `name`; the queue is emptied.
bool drain_names(int fd, const std::string& name) {
  alignas(inotify_event) char buf[4096];
  bool seen = false;
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return seen;
    for (char* p = buf; p < buf + n;) {
      auto* e = reinterpret_cast<inotify_event*>(p);
      if (e->len > 0 && name == e->name) seen = true;
      p += sizeof(inotify_event) + e->len;
    }
  }
}

}  // namespace

FileAppears::Woke FileAppears::wait(milliseconds timeout, int other_fd) {
  auto deadline = Steady::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Steady::now());
    if (left.count() < 0) return Woke::Timeout;
    if (!fd_.valid()) left = std::min(left, milliseconds(1));
    pollfd fds[2] = {{fd_.get(), POLLIN, 0}, {other_fd, POLLIN, 0}};
    int rc = ::poll(fds, 2, static_cast<int>(left.count()) + 1);  // +1: never a busy wait below 1 ms
    if (rc < 0 && errno == EINTR) continue;
    if (other_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) return Woke::Other;
    if (!fd_.valid()) return Woke::Appeared;
    if ((fds[0].revents & POLLIN) && drain_names(fd_.get(), name_)) return Woke::Appeared;
    if (rc == 0 && Steady::now() >= deadline) return Woke::Timeout;
  }
}

}  // namespace pharoctl
