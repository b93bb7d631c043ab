#include "supervise/poll_loop.hpp"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/failure.hpp"

namespace pharoctl {

void PollLoop::watch(int fd, short events, Handler on_ready) {
  fds_.push_back({fd, events, 0});
  handlers_.push_back(std::move(on_ready));
}

std::optional<timespec> poll_timeout(std::optional<SteadyTime> deadline, SteadyTime now) {
  if (!deadline) return std::nullopt;
  auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(*deadline - now);
  left = std::clamp<std::chrono::nanoseconds>(left, std::chrono::nanoseconds(0), std::chrono::hours(1));
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(left.count() / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(left.count() % 1'000'000'000);
  return ts;
}

void PollLoop::wait(std::optional<SteadyTime> deadline, const Clock& clock) {
  std::optional<timespec> timeout = poll_timeout(deadline, clock.steady());
  int n = ::ppoll(fds_.data(), fds_.size(), timeout ? &*timeout : nullptr, nullptr);
  int err = errno;
  // The handlers may watch nothing new this round: take the lists before running them.
  std::vector<pollfd> fds = std::move(fds_);
  std::vector<Handler> handlers = std::move(handlers_);
  fds_.clear();
  handlers_.clear();
  if (n < 0 && err != EINTR) throw operation_failed(fmt::format("poll: {}", std::strerror(err)));
  if (n <= 0) return;
  for (size_t i = 0; i < fds.size(); ++i)
    if (fds[i].revents != 0) handlers[i](fds[i].revents);
}

SignalChannel::SignalChannel() {
  sigset_t set;
  ::sigemptyset(&set);
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) ::sigaddset(&set, s);
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  fd_.reset(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!fd_.valid()) throw operation_failed(fmt::format("signalfd: {}", std::strerror(errno)));
}

std::optional<int> SignalChannel::next() {
  signalfd_siginfo si;
  if (::read(fd_.get(), &si, sizeof si) != static_cast<ssize_t>(sizeof si)) return std::nullopt;
  return static_cast<int>(si.ssi_signo);
}

}  // namespace pharoctl
