#pragma once
// NeoConsole's HTTP metrics (specs/neoconsole.md section 2) and the health check built on them.
#include <chrono>
#include <string>
#include <vector>

namespace pharoctl::neoconsole {

struct MetricInfo {
  std::string name;
  std::string description;
};

// Parses the body of GET /metrics: lines "/metrics/NAME - DESCRIPTION".
std::vector<MetricInfo> parse_metric_list(const std::string& body);
// Parses the console's `get` answer: "known metrics:" then lines "  NAME - DESCRIPTION".
std::vector<MetricInfo> parse_known_metrics(const std::string& answer);

// GET http://127.0.0.1:PORT/metrics. Throws Failure (kExitNotRunning when refused).
std::vector<MetricInfo> fetch_metric_list(int port, std::chrono::milliseconds timeout);
// GET /metrics/NAME: the value without its final line end. Throws Failure; kExitFailed with
// "unknown metric" on a 404.
std::string fetch_metric(int port, const std::string& name, std::chrono::milliseconds timeout);

struct HealthResult {
  bool healthy = false;
  std::string why;  // one line
};
// GET `url`, healthy when it answers 200 with `expect` in the body, within `timeout`.
HealthResult check_health(const std::string& url, const std::string& expect, std::chrono::milliseconds timeout);

}  // namespace pharoctl::neoconsole
