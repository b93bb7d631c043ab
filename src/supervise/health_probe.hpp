#pragma once
// One [health] probe as a non-blocking HTTP GET the supervisor's poll loop drives, so that a
// hung VM (accepting, never answering) stalls nothing but its own probe. Healthy: status 200
// and a body containing [health].expect, all within [health].timeout.
#include <string>

#include "supervise/probe_socket.hpp"
#include "util/unique_fd.hpp"
#include "supervise/clock.hpp"

namespace pharoctl {

struct HealthResult {
  bool ok = false;
  double latency_ms = 0;
  std::string detail;  // "200 OK" or what went wrong: "connection refused", "timed out after 5s"
  WallTime at{};
};

class HealthProbe {
 public:
  HealthProbe() = default;
  HealthProbe(const HealthProbe&) = delete;
  HealthProbe& operator=(const HealthProbe&) = delete;
  // A probe dropped in flight (its VM stopping or gone) closes with a reset like any other, so
  // that it leaves no TIME_WAIT on the VM's port (probe_socket.hpp).
  ~HealthProbe() { close_abortively(sock_); }

  // `spare`: the socket of an earlier refused probe of the same URL (take_spare), connected
  // again instead of a new one.
  void start(const std::string& url, const std::string& expect, const Clock& clock, std::chrono::milliseconds timeout,
             UniqueFd spare = UniqueFd());
  bool active() const { return active_; }
  int fd() const { return sock_.get(); }
  short poll_events() const;
  SteadyTime deadline() const { return deadline_; }
  // Call when poll reports the fd ready or the deadline passed; returns true once finished.
  bool advance(const Clock& clock);
  const HealthResult& result() const { return result_; }
  void cancel();
  // After a refused connect: the socket, disconnected (AF_UNSPEC) and ready for the next
  // probe's connect. A young VM is probed every 250 us; a new socket and its close each time
  // were about two thirds of a refused probe's cost. Empty otherwise.
  UniqueFd take_spare() { return std::move(spare_); }

 private:
  void finish(const Clock& clock, bool ok, std::string detail);
  void evaluate(const Clock& clock);
  void on_connected(const Clock& clock);
  void refused(const Clock& clock, int err);

  bool active_ = false;
  bool connected_ = false;
  UniqueFd sock_;
  UniqueFd spare_;  // never connected: closing it leaves nothing behind
  std::string request_;
  size_t sent_ = 0;
  std::string response_;
  std::string expect_;
  std::chrono::milliseconds timeout_{0};
  SteadyTime started_{};
  SteadyTime deadline_{};
  HealthResult result_;
};

}  // namespace pharoctl
