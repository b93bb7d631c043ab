#pragma once
// NeoConsole's metrics (neoconsole.md section 3) with live values: memory from the process's
// real size, uptime from the VM's start, clock texts as Pharo prints them; plus the
// application's own (NeoConsoleMetric addNamed:description:reader:).
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sim {

class Faults;

struct MetricSource {
  std::string version_string;
  std::chrono::steady_clock::time_point started;
  std::function<std::vector<std::string>()> mc_versions;
  std::function<std::vector<std::string>()> processes;
};

class Metrics {
 public:
  Metrics(MetricSource source, Faults& faults) : source_(std::move(source)), faults_(faults) {}

  // name -> description, sorted by name
  std::vector<std::pair<std::string, std::string>> known() const;
  std::optional<std::string> value(const std::string& name) const;
  void add(const std::string& name, const std::string& description, std::function<std::string()> reader);

  static long long process_bytes();  // the process's resident size

 private:
  std::string builtin(const std::string& name) const;
  MetricSource source_;
  Faults& faults_;
  mutable std::mutex mu_;
  std::map<std::string, std::pair<std::string, std::function<std::string()>>> custom_;
};

std::string with_commas(long long n);

}  // namespace sim
