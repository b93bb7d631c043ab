#pragma once
// `start` of one service: its supervisor launched with one end of a socket pair (its starter
// channel, SupervisorEnv::starter_fd) and held before its first VM. While it starts (exec, lock,
// service.toml, runtime), `start` checks the service; then "wait" on the channel lets it go
// ahead, and the answer to that wait comes back on the same channel the moment every instance
// is healthy, one is in trouble, or the supervisor exits (EOF). Nothing is polled, no control
// socket looked for. Concurrent starts are serialised on run/start.lock: exactly one launches.
//
//   HeldStart held = HeldStart::launch(home, "shop", exe, patience);
//   ... checks; a Failure here calls the start off (the destructor: EOF, its exit awaited) ...
//   StartOutcome o = held.go(cfg);
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "process/file_lock.hpp"
#include "service/home.hpp"
#include "service/service_config.hpp"
#include "supervise/service_control.hpp"
#include "util/unique_fd.hpp"

namespace pharoctl {

class HeldStart {
 public:
  enum class State {
    Held,            // a supervisor launched, waiting for go()
    AlreadyRunning,  // a supervisor runs: go() says so
    LockBusy,        // another start held run/start.lock past the patience given: go() throws
    GoneAhead,       // go() was called
  };

  // Takes run/start.lock (waiting at most `lock_patience`) and, unless a supervisor runs,
  // launches `pharoctl-supervise` (or `pharoctl supervise`) beside `pharoctl_exe`, detached: a
  // new session, stdio into logs/supervisor.out. Throws LaunchError when it cannot be started.
  static HeldStart launch(const Home& home, const std::string& name, const std::string& pharoctl_exe,
                          std::chrono::milliseconds lock_patience);

  // True when every file a start creates is there already (a service started before): a
  // supervisor held and then called off leaves the service's files as they were.
  static bool leaves_no_trace(const ServicePaths& paths);

  HeldStart(HeldStart&& o) noexcept
      : name_(std::move(o.name_)),
        paths_(std::move(o.paths_)),
        state_(std::exchange(o.state_, State::GoneAhead)),
        start_lock_(std::move(o.start_lock_)),
        pid_(std::exchange(o.pid_, 0)),
        channel_(std::move(o.channel_)),
        out_from_(o.out_from_) {}
  HeldStart& operator=(HeldStart&&) = delete;
  // Held and never gone ahead: the channel closed (the supervisor exits, having started and
  // written nothing) and its exit awaited, so that the next command finds no supervisor.
  ~HeldStart();

  State state() const { return state_; }
  // The go-ahead, then the wait: READY (every instance healthy), the first trouble of an
  // instance, the supervisor's exit, or [health].grace + 10 s. `config`: the service's, as the
  // checks loaded it.
  StartOutcome go(const ServiceConfig& config);

 private:
  HeldStart(std::string name, ServicePaths paths) : name_(std::move(name)), paths_(std::move(paths)) {}
  void call_off();

  std::string name_;
  ServicePaths paths_;
  State state_ = State::LockBusy;
  std::optional<FileLock> start_lock_;
  pid_t pid_ = 0;
  UniqueFd channel_;
  std::uint64_t out_from_ = 0;  // where this start's lines in supervisor.out begin
};

// HeldStart::launch, then go(): what `start` does for each service but the first of a single
// `start NAME`, whose checks run while its supervisor starts (cli/lifecycle.cpp).
StartOutcome start_service(const Home& home, const ServiceConfig& config, const std::string& pharoctl_exe);

}  // namespace pharoctl
