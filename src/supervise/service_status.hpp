#pragma once
// The status of a service and its instances as the supervisor reports it over the control
// socket and `status --json` prints it (schema: docs/control-protocol.md).
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pharoctl {

struct ExitInfo {
  bool signaled = false;
  int code = 0;  // exit status, or the signal number when signaled
  std::string describe() const;  // "status 1", "signal SIGKILL"
};

struct HealthReport {
  bool ok = false;
  double latency_ms = 0;
  std::string detail;
  std::string at;  // UTC ISO-8601
};

// Instance states: starting (VM up, within grace, not yet healthy), running (healthy),
// unhealthy (failing probes, below [health].retries), backoff (waiting to restart),
// stopping, stopped, failed (gave up; see reason).
struct InstanceStatus {
  int index = 0;
  std::string state = "stopped";
  pid_t pid = 0;
  std::string started_at;  // UTC ISO-8601, "" when not running
  double uptime_s = 0;
  int restarts = 0;
  std::optional<ExitInfo> last_exit;
  std::optional<HealthReport> health;
  std::optional<std::uint64_t> rss_bytes;
  int http_port = 0;
  int telnet_port = 0;
  int metrics_port = 0;
  std::string image;
  std::string reason;          // why failed / unhealthy / in backoff
  std::string last_words;      // the last VM that ended: its last meaningful output (cleaned)
  std::string stale_pid_file;  // a pid file that names no VM of this service (never acted on)
};

// Service states: running (every instance healthy), starting, degraded (some instance not
// healthy), failed (every instance failed), stopping, stopped.
struct ServiceStatus {
  std::string name;
  std::string state = "stopped";
  pid_t supervisor_pid = 0;
  bool ready = false;  // READY=1 was sent: every instance has been healthy once
  std::string reason;  // why "invalid" or "unresponsive"
  std::string started_at;
  std::string config_digest;   // SHA-256 of the service.toml the supervisor applied last
  bool config_differs = false;  // service.toml on disk is not what runs (set by collect_status)
  std::string rollout;          // the restart/reload/deploy in progress ("" for none)
  std::vector<InstanceStatus> instances;
  // app_files() of the configuration running, when its status record says (not in the JSON):
  // while service.toml is that configuration (config_digest), status needs not parse it again.
  std::optional<std::vector<std::string>> applied_app_files;
};

nlohmann::json to_json(const ExitInfo& e);
nlohmann::json to_json(const InstanceStatus& s);
nlohmann::json to_json(const ServiceStatus& s);
ServiceStatus service_status_from_json(const nlohmann::json& j);

std::string signal_name(int signo);

// What `start` reports as a failure to start: an instance in backoff, failed or stopped, or one
// that was restarted. Except a first run that ended with status 0 without a word: a fresh
// image's first start may only save itself and quit (a real Pharo 8 image does), so the next run
// says what is wrong, if anything is.
bool start_trouble(const std::string& state, int restarts, const std::optional<ExitInfo>& last_exit,
                   const std::string& last_words);
// `pharoctl status` exit codes (docs/operator-guide.md), for scripts as `systemctl is-active`:
inline constexpr int kStatusHealthy = 0;     // running, every instance healthy
inline constexpr int kStatusUnknown = 1;     // the supervisor does not answer
inline constexpr int kStatusInvalid = 2;     // service.toml is broken
inline constexpr int kStatusStopped = 3;     // not running (or an instance stopped), LSB's code
inline constexpr int kStatusFailed = 4;      // an instance failed or waits in backoff to restart
inline constexpr int kStatusUnhealthy = 5;   // running, but an instance is unhealthy or not yet healthy
// The code of one service.
int status_exit_code(const ServiceStatus& s);
// The most serious of several: invalid, unknown, failed, unhealthy, stopped, healthy.
int worst_status_exit_code(int a, int b);

}  // namespace pharoctl
