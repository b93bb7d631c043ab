#pragma once
// Starting, stopping and inspecting a service from the outside: what the lifecycle and status
// commands (and the deploy engine) call. The supervisor lock says whether a supervisor runs;
// the control socket says what it is doing; pid files are only trusted once /proc proves them.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "service/home.hpp"
#include "service/service_config.hpp"
#include "supervise/control_client.hpp"
#include "supervise/service_status.hpp"

namespace pharoctl {

// True when a supervisor holds run/supervisor.lock for this service.
bool supervisor_running(const ServicePaths& paths);

// The status of one service: from its supervisor when one runs, else "stopped" with the ports
// of service.toml and any stale pid file. A broken service.toml gives state "invalid".
ServiceStatus collect_status(const Home& home, const std::string& name);

// collect_status of each name, in the order given; every running supervisor is asked at once
// (control_client's status_all: one poll loop, one deadline), so that the status of 50
// services costs about that of one.
std::vector<ServiceStatus> collect_statuses(const Home& home, const std::vector<std::string>& names);

struct StartOutcome {
  enum Kind { Started, AlreadyRunning, Failed } kind = Failed;
  std::string message;   // one line
  std::string log_tail;  // on failure: the last lines of the failing instance's log
  ServiceStatus status;
};

// start_service and HeldStart: service_start.hpp.

struct StopOutcome {
  bool was_running = false;
  std::string message;
  std::vector<std::string> notes;  // stale pid files left alone, orphans ended
};

// Asks the supervisor to stop and waits until it and its VMs are gone and the ports are free.
// Without a supervisor: ends VMs that /proc proves are this service's, never anything else.
StopOutcome stop_service(const Home& home, const std::string& name);

// systemd: the unit name for a service and whether start/stop/restart must go through systemctl
// (systemd runs: /run/systemd/system exists, and the unit file is installed).
std::string systemd_unit_name(const std::string& service);
bool systemd_manages(const std::string& service);

// The last `lines` lines of a file ("" when absent), or of what follows its first `from` bytes.
std::string tail_lines(const std::filesystem::path& file, int lines);
std::string tail_lines_after(const std::filesystem::path& file, std::uint64_t from, int lines);

// The last `lines` lines of instance `instance`'s newest daily log ("" when it has none):
// what start and deploy show when an instance fails.
std::string instance_log_tail(const ServicePaths& paths, int instance, int count, int lines);

}  // namespace pharoctl
