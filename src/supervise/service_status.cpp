#include "supervise/service_status.hpp"

#include <csignal>
#include <cstring>

#include <fmt/format.h>

namespace pharoctl {

std::string signal_name(int signo) {
  const char* abbrev = ::sigabbrev_np(signo);
  return abbrev ? std::string("SIG") + abbrev : fmt::format("signal {}", signo);
}

bool start_trouble(const std::string& state, int restarts, const std::optional<ExitInfo>& last_exit,
                   const std::string& last_words) {
  bool trouble = state == "backoff" || state == "failed" || state == "stopped" || restarts > 0;
  bool silent_clean_exit = last_exit && !last_exit->signaled && last_exit->code == 0 && last_words.empty();
  if (trouble && silent_clean_exit && restarts <= 1 && state != "failed" && state != "stopped") return false;
  return trouble;
}

std::string ExitInfo::describe() const {
  return signaled ? fmt::format("killed by {}", signal_name(code)) : fmt::format("exit status {}", code);
}

int status_exit_code(const ServiceStatus& s) {
  if (s.state == "invalid") return kStatusInvalid;
  if (s.state == "unresponsive") return kStatusUnknown;
  if (s.state == "stopped" || s.state == "stopping" || s.instances.empty()) return kStatusStopped;
  int code = kStatusHealthy;
  for (const auto& i : s.instances) {
    int c = kStatusHealthy;
    if (i.state == "failed" || i.state == "backoff")
      c = kStatusFailed;
    else if (i.state == "stopped" || i.state == "orphaned")
      c = kStatusStopped;
    else if (i.state != "running")
      c = kStatusUnhealthy;  // starting, unhealthy, stopping
    code = worst_status_exit_code(code, c);
  }
  if (code == kStatusHealthy && s.state != "running") code = kStatusUnhealthy;
  return code;
}

int worst_status_exit_code(int a, int b) {
  auto rank = [](int c) {
    switch (c) {
      case kStatusInvalid: return 5;
      case kStatusUnknown: return 4;
      case kStatusFailed: return 3;
      case kStatusUnhealthy: return 2;
      case kStatusStopped: return 1;
      default: return 0;
    }
  };
  return rank(a) >= rank(b) ? a : b;
}

nlohmann::json to_json(const ExitInfo& e) {
  nlohmann::json j;
  if (e.signaled) {
    j["signal"] = signal_name(e.code);
    j["signo"] = e.code;
  } else {
    j["status"] = e.code;
  }
  j["text"] = e.describe();
  return j;
}

nlohmann::json to_json(const InstanceStatus& s) {
  nlohmann::json j = {{"index", s.index},
                      {"state", s.state},
                      {"pid", s.pid > 0 ? nlohmann::json(s.pid) : nlohmann::json(nullptr)},
                      {"started_at", s.started_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.started_at)},
                      {"uptime_s", s.uptime_s},
                      {"restarts", s.restarts},
                      {"last_exit", s.last_exit ? to_json(*s.last_exit) : nlohmann::json(nullptr)},
                      {"health", nullptr},
                      {"rss_bytes", s.rss_bytes ? nlohmann::json(*s.rss_bytes) : nlohmann::json(nullptr)},
                      {"http_port", s.http_port},
                      {"telnet_port", s.telnet_port},
                      {"metrics_port", s.metrics_port},
                      {"image", s.image.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.image)},
                      {"reason", s.reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.reason)},
                      {"last_words", s.last_words.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.last_words)}};
  if (s.health) {
    j["health"] = {{"ok", s.health->ok}, {"latency_ms", s.health->latency_ms}, {"detail", s.health->detail},
                   {"at", s.health->at}};
  }
  if (!s.stale_pid_file.empty()) j["stale_pid_file"] = s.stale_pid_file;
  return j;
}

nlohmann::json to_json(const ServiceStatus& s) {
  nlohmann::json inst = nlohmann::json::array();
  for (const auto& i : s.instances) inst.push_back(to_json(i));
  return {{"name", s.name},
          {"state", s.state},
          {"supervisor_pid", s.supervisor_pid > 0 ? nlohmann::json(s.supervisor_pid) : nlohmann::json(nullptr)},
          {"ready", s.ready},
          {"started_at", s.started_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.started_at)},
          {"reason", s.reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.reason)},
          {"config_digest", s.config_digest.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.config_digest)},
          {"config_differs", s.config_differs},
          {"rollout", s.rollout.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.rollout)},
          {"instances", inst}};
}

namespace {

template <typename T>
T get_or(const nlohmann::json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->get<T>();
}

}  // namespace

ServiceStatus service_status_from_json(const nlohmann::json& j) {
  ServiceStatus s;
  s.name = get_or<std::string>(j, "name", "");
  s.state = get_or<std::string>(j, "state", "stopped");
  s.supervisor_pid = get_or<pid_t>(j, "supervisor_pid", 0);
  s.ready = get_or<bool>(j, "ready", false);
  s.started_at = get_or<std::string>(j, "started_at", "");
  s.reason = get_or<std::string>(j, "reason", "");
  s.config_digest = get_or<std::string>(j, "config_digest", "");
  s.config_differs = get_or<bool>(j, "config_differs", false);
  s.rollout = get_or<std::string>(j, "rollout", "");
  if (auto it = j.find("instances"); it != j.end() && it->is_array()) {
    for (const auto& ij : *it) {
      InstanceStatus i;
      i.index = get_or<int>(ij, "index", 0);
      i.state = get_or<std::string>(ij, "state", "stopped");
      i.pid = get_or<pid_t>(ij, "pid", 0);
      i.started_at = get_or<std::string>(ij, "started_at", "");
      i.uptime_s = get_or<double>(ij, "uptime_s", 0);
      i.restarts = get_or<int>(ij, "restarts", 0);
      if (auto e = ij.find("last_exit"); e != ij.end() && e->is_object()) {
        ExitInfo x;
        x.signaled = e->contains("signo");
        x.code = x.signaled ? get_or<int>(*e, "signo", 0) : get_or<int>(*e, "status", 0);
        i.last_exit = x;
      }
      if (auto h = ij.find("health"); h != ij.end() && h->is_object()) {
        HealthReport r;
        r.ok = get_or<bool>(*h, "ok", false);
        r.latency_ms = get_or<double>(*h, "latency_ms", 0);
        r.detail = get_or<std::string>(*h, "detail", "");
        r.at = get_or<std::string>(*h, "at", "");
        i.health = r;
      }
      if (auto r = ij.find("rss_bytes"); r != ij.end() && r->is_number()) i.rss_bytes = r->get<std::uint64_t>();
      i.http_port = get_or<int>(ij, "http_port", 0);
      i.telnet_port = get_or<int>(ij, "telnet_port", 0);
      i.metrics_port = get_or<int>(ij, "metrics_port", 0);
      i.image = get_or<std::string>(ij, "image", "");
      i.reason = get_or<std::string>(ij, "reason", "");
      i.last_words = get_or<std::string>(ij, "last_words", "");
      i.stale_pid_file = get_or<std::string>(ij, "stale_pid_file", "");
      s.instances.push_back(i);
    }
  }
  return s;
}

}  // namespace pharoctl
