#pragma once
// The kernel's ephemeral port range (net.ipv4.ip_local_port_range) and the ports reserved from
// it (net.ipv4.ip_local_reserved_ports). A service port inside the range and not reserved can be
// taken at any moment as the source port of some outgoing connection (the supervisor's own
// probes included), and then the VM cannot bind it: doctor warns about such ports.
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pharoctl {

struct PortRange {
  int low = 0;
  int high = 0;
  bool contains(int port) const { return port >= low && port <= high; }
};

// "32768\t60999\n" -> {32768, 60999}; nullopt when unreadable or malformed.
std::optional<PortRange> parse_port_range(const std::string& text);
std::optional<PortRange> ephemeral_port_range(
    const std::filesystem::path& file = "/proc/sys/net/ipv4/ip_local_port_range");

// "8080,42001-42002\n" -> {8080, 42001, 42002}; "" -> {}.
std::set<int> parse_port_list(const std::string& text);
std::set<int> reserved_ports(const std::filesystem::path& file = "/proc/sys/net/ipv4/ip_local_reserved_ports");

// The ports of `ports` inside `range` and not in `reserved`, in order.
std::vector<int> exposed_to_ephemeral(const std::vector<int>& ports, const PortRange& range,
                                      const std::set<int>& reserved);

// The compact value for net.ipv4.ip_local_reserved_ports: "8080,42001-42002".
std::string port_list_text(const std::vector<int>& ports);

}  // namespace pharoctl
