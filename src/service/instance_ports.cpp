#include "service/instance_ports.hpp"

#include <map>

#include <fmt/format.h>

namespace pharoctl {

std::vector<InstancePort> instance_ports(const ServiceConfig& c) {
  std::vector<InstancePort> out;
  out.reserve(static_cast<size_t>(c.instances) * 3);
  for (int i = 0; i < c.instances; ++i) {
    out.push_back({i, "app.http_port", c.http_port(i)});
    out.push_back({i, "console.telnet_port", c.telnet_port(i)});
    out.push_back({i, "console.metrics_port", c.metrics_port(i)});
  }
  return out;
}

std::string port_field_text(const InstancePort& p, int instances) {
  return instances > 1 ? fmt::format("{} of instance {}", p.field, p.instance) : std::string(p.field);
}

std::vector<int> ServiceConfig::all_ports() const {
  std::vector<int> ports;
  for (const InstancePort& p : instance_ports(*this)) ports.push_back(p.port);
  return ports;
}

std::string check_service_ports(const ServiceConfig& c) {
  std::map<int, std::string> used;
  for (const InstancePort& p : instance_ports(c)) {
    std::string who = port_field_text(p, c.instances);
    if (p.port > 65535) return fmt::format("{} would be {}, past 65535 (lower the port or [instances].count)", who, p.port);
    auto [it, inserted] = used.emplace(p.port, who);
    if (!inserted) {
      return fmt::format("{} is {}, which {} already uses (each port + {} x instance must be distinct)", who, p.port,
                         it->second, kInstancePortStride);
    }
  }
  return "";
}

}  // namespace pharoctl
