#pragma once
// The supervisor's one wait: ppoll(2) over the descriptors watched this round, woken no later
// than the next deadline (a probe, a backoff, a stop timeout, the watchdog). Each round the
// owner watches afresh what it needs (descriptors come and go with VMs, clients and probes),
// then waits once; the handlers of the ready descriptors run in the order they were watched.
// Signals arrive as readable data on a SignalChannel, so they are just one more descriptor.
#include <functional>
#include <optional>
#include <vector>

#include <poll.h>
#include <time.h>

#include "supervise/clock.hpp"
#include "util/unique_fd.hpp"

namespace pharoctl {

class PollLoop {
 public:
  using Handler = std::function<void(short revents)>;

  void watch(int fd, short events, Handler on_ready);
  // Waits until a watched descriptor is ready or `deadline` (none: forever) passes, runs the
  // handlers of the ready ones and forgets every watch. Throws Failure when poll(2) fails
  // other than by a signal.
  void wait(std::optional<SteadyTime> deadline, const Clock& clock);
  std::size_t watched() const { return fds_.size(); }

 private:
  std::vector<pollfd> fds_;
  std::vector<Handler> handlers_;
};

// ppoll(2)'s timeout for `deadline` seen at `now`: none (wait forever) without a deadline, zero
// when it passed, else the time left to the nanosecond, at most 1 h. Not poll(2)'s milliseconds:
// a young VM is probed every 250 us (instance.hpp), and a 1 ms step rounded up slept 1-2 ms.
std::optional<timespec> poll_timeout(std::optional<SteadyTime> deadline, SteadyTime now);

// The signals a supervisor handles (SIGCHLD, SIGTERM, SIGINT, SIGHUP), blocked and read from a
// signalfd; SIGPIPE ignored (a client that went away must not end the supervisor).
class SignalChannel {
 public:
  SignalChannel();  // throws Failure when no signalfd can be had
  int fd() const { return fd_.get(); }
  // The next pending signal's number, or nullopt when none is pending.
  std::optional<int> next();

 private:
  UniqueFd fd_;
};

}  // namespace pharoctl
