#include "service/ephemeral_ports.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace pharoctl {

namespace {

std::string read_all(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::optional<PortRange> parse_port_range(const std::string& text) {
  std::istringstream in(text);
  PortRange r;
  if (!(in >> r.low >> r.high) || r.low < 1 || r.high > 65535 || r.low > r.high) return std::nullopt;
  return r;
}

std::optional<PortRange> ephemeral_port_range(const std::filesystem::path& file) {
  return parse_port_range(read_all(file));
}

std::set<int> parse_port_list(const std::string& text) {
  std::set<int> out;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    int low = 0, high = 0;
    char dash = 0;
    std::istringstream one(item);
    if (!(one >> low)) continue;
    high = (one >> dash >> high && dash == '-') ? high : low;
    for (int p = std::max(low, 1); p <= std::min(high, 65535); ++p) out.insert(p);
  }
  return out;
}

std::set<int> reserved_ports(const std::filesystem::path& file) { return parse_port_list(read_all(file)); }

std::vector<int> exposed_to_ephemeral(const std::vector<int>& ports, const PortRange& range,
                                      const std::set<int>& reserved) {
  std::vector<int> out;
  for (int p : ports)
    if (range.contains(p) && !reserved.count(p)) out.push_back(p);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string port_list_text(const std::vector<int>& ports) {
  std::vector<int> sorted = ports;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::string out;
  for (size_t i = 0; i < sorted.size();) {
    size_t j = i;
    while (j + 1 < sorted.size() && sorted[j + 1] == sorted[j] + 1) ++j;
    if (!out.empty()) out += ",";
    out += j == i ? fmt::format("{}", sorted[i]) : fmt::format("{}-{}", sorted[i], sorted[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace pharoctl
