#include "neoconsole/interrupt_pipe.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/failure.hpp"

namespace pharoctl::neoconsole {

namespace {

// A signal handler can reach nothing but static storage: this one descriptor is the only state
// it needs, set while an InterruptPipe exists (one per process: the REPL).
volatile sig_atomic_t g_write_fd = -1;
struct sigaction g_previous;

void on_sigint(int) {
  int saved = errno;
  if (g_write_fd >= 0) {
    char b = 1;
    [[maybe_unused]] ssize_t n = ::write(g_write_fd, &b, 1);
  }
  errno = saved;
}

}  // namespace

InterruptPipe::InterruptPipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) throw operation_failed(fmt::format("pipe: {}", std::strerror(errno)));
  read_fd_ = fds[0];
  write_fd_ = fds[1];
  g_write_fd = write_fd_;
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking read returns EINTR and its loop looks at the pipe
  ::sigaction(SIGINT, &sa, &g_previous);
}

InterruptPipe::~InterruptPipe() {
  ::sigaction(SIGINT, &g_previous, nullptr);
  g_write_fd = -1;
  ::close(read_fd_);
  ::close(write_fd_);
}

bool InterruptPipe::take() {
  bool any = false;
  char buf[64];
  while (::read(read_fd_, buf, sizeof buf) > 0) any = true;
  return any;
}

}  // namespace pharoctl::neoconsole
