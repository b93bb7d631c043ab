#include "metrics.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <fstream>

#include "clock_text.hpp"
#include "faults.hpp"

namespace sim {
namespace {
const std::map<std::string, std::string>& builtin_descriptions() {
  static const std::map<std::string, std::string> d = {
      {"memory.free", "Free memory"},
      {"memory.gc", "Garbage collect, return free memory"},
      {"memory.total", "Total allocated memory"},
      {"process.count", "Current process count"},
      {"process.list", "Current list of processes"},
      {"system.date", "Current date"},
      {"system.mcversions", "Monticello packages version info"},
      {"system.status", "Simple system status"},
      {"system.time", "Current time"},
      {"system.timestamp", "Current timestamp"},
      {"system.uptime", "Image uptime human readeable"},
      {"system.uptimeseconds", "Image uptime seconds"},
      {"system.version", "Image version info"},
  };
  return d;
}

std::string join_lines(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "\n" : "") + v[i];
  return out;
}
}  // namespace

std::string with_commas(long long n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

long long Metrics::process_bytes() {
  std::ifstream statm("/proc/self/statm");
  long long size = 0, resident = 0;
  statm >> size >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

std::vector<std::pair<std::string, std::string>> Metrics::known() const {
  std::map<std::string, std::string> all = builtin_descriptions();
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, entry] : custom_) all[name] = entry.first;
  return {all.begin(), all.end()};
}

void Metrics::add(const std::string& name, const std::string& description, std::function<std::string()> reader) {
  std::lock_guard<std::mutex> lock(mu_);
  custom_[name] = {description, std::move(reader)};
}

std::optional<std::string> Metrics::value(const std::string& name) const {
  {
    std::unique_lock<std::mutex> lock(mu_);
    auto it = custom_.find(name);
    if (it != custom_.end()) {
      auto reader = it->second.second;
      lock.unlock();
      return reader();
    }
  }
  if (!builtin_descriptions().count(name)) return std::nullopt;
  return builtin(name);
}

std::string Metrics::builtin(const std::string& name) const {
  long long total = process_bytes();
  long long free_bytes = total / 5;  // the sim has no heap of its own; a steady fifth is "free"
  auto uptime = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - source_.started).count();
  std::time_t now = std::time(nullptr);
  if (name == "system.status") {
    double pct = total ? 100.0 * static_cast<double>(free_bytes) / static_cast<double>(total) : 0.0;
    std::string word = faults_.health() == Health::StatusNotOk ? "Status NOT OK (sim.unhealthy)" : "Status OK";
    return fmt::format("{} - Clock {} - Allocated {} bytes - {:.2f} % free.", word, clock_text::iso_timestamp(), with_commas(total), pct);
  }
  if (name == "memory.total") return std::to_string(total);
  if (name == "memory.free" || name == "memory.gc") return std::to_string(free_bytes);
  if (name == "process.count") return std::to_string(source_.processes().size());
  if (name == "process.list") return join_lines(source_.processes());
  if (name == "system.date") return clock_text::date_text(now);
  if (name == "system.time") return clock_text::time_text(now);
  if (name == "system.timestamp") return clock_text::iso_timestamp();
  if (name == "system.uptime") return clock_text::human_duration(uptime);
  if (name == "system.uptimeseconds") return std::to_string(uptime);
  if (name == "system.version") return source_.version_string;
  if (name == "system.mcversions") return join_lines(source_.mc_versions());
  return "";
}

}  // namespace sim
