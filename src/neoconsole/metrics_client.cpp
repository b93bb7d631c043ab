#include "neoconsole/metrics_client.hpp"

#include <fmt/format.h>

#include "neoconsole/console_input.hpp"
#include "net/http_client.hpp"
#include "util/failure.hpp"
#include "util/lines.hpp"

namespace pharoctl::neoconsole {

namespace {

MetricInfo split_entry(const std::string& entry) {
  size_t dash = entry.find(" - ");
  if (dash == std::string::npos) return {trim(entry), ""};
  return {trim(entry.substr(0, dash)), trim(entry.substr(dash + 3))};
}

std::string one_line(std::string s) {
  s = trim(s);
  size_t nl = s.find('\n');
  if (nl != std::string::npos) s = s.substr(0, nl) + " ...";
  if (s.size() > 200) s = s.substr(0, 200) + "...";
  return s;
}

}  // namespace

std::vector<MetricInfo> parse_metric_list(const std::string& body) {
  std::vector<MetricInfo> out;
  const std::string prefix = "/metrics/";
  for (std::string_view view : split_lines(body)) {
    std::string line(view);
    if (line.rfind(prefix, 0) != 0) continue;
    out.push_back(split_entry(line.substr(prefix.size())));
  }
  return out;
}

std::vector<MetricInfo> parse_known_metrics(const std::string& answer) {
  std::vector<MetricInfo> out;
  for (std::string_view view : split_lines(answer)) {
    std::string line(view);
    if (line.rfind("  ", 0) != 0) continue;
    MetricInfo m = split_entry(line);
    if (!m.name.empty()) out.push_back(m);
  }
  return out;
}

std::vector<MetricInfo> fetch_metric_list(int port, std::chrono::milliseconds timeout) {
  std::string url = fmt::format("http://127.0.0.1:{}/metrics", port);
  HttpResponse r = http_get(url, timeout);
  if (r.status != 200) throw operation_failed(fmt::format("{} answered HTTP {}", url, r.status));
  return parse_metric_list(r.body);
}

std::string fetch_metric(int port, const std::string& name, std::chrono::milliseconds timeout) {
  std::string url = fmt::format("http://127.0.0.1:{}/metrics/{}", port, name);
  HttpResponse r = http_get(url, timeout);
  if (r.status == 404) {
    throw operation_failed(fmt::format("unknown metric '{}' (`pharoctl metrics NAME` lists them)", name));
  }
  if (r.status != 200) {
    throw operation_failed(fmt::format("{} answered HTTP {}: {}", url, r.status, one_line(r.body)));
  }
  std::string value = r.body;
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  return value;
}

HealthResult check_health(const std::string& url, const std::string& expect, std::chrono::milliseconds timeout) {
  HttpResponse r;
  try {
    r = http_get(url, timeout);
  } catch (const Failure& f) {
    return {false, f.what()};
  }
  if (r.status != 200) return {false, fmt::format("{} answered HTTP {}", url, r.status)};
  if (r.body.find(expect) == std::string::npos) {
    return {false, fmt::format("{} answered '{}', without '{}'", url, one_line(r.body), expect)};
  }
  return {true, one_line(r.body)};
}

}  // namespace pharoctl::neoconsole
