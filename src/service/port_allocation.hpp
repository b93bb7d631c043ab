#pragma once
// Ports for a new service: the defaults 8080 / 42001 / 42002 shifted to the first set that
// clashes with no other service in the home (every instance counted) and with nothing that is
// listening now. Ports given explicitly are kept, and refused when they clash.
#include <map>
#include <optional>
#include <set>
#include <string>

#include "service/home.hpp"

namespace pharoctl {

// TCP ports in LISTEN state on any address (IPv4 and IPv6), from /proc/net/tcp{,6}.
std::set<int> listening_tcp_ports();
// Parses the text of one /proc/net/tcp or tcp6 table into `out`.
void parse_proc_net_tcp(const std::string& text, std::set<int>& out);

// Port -> who uses it ("service 'shop' app.http_port of instance 1"), for every service in the
// home except `exclude`. Services whose service.toml does not load are left out.
std::map<int, std::string> ports_of_services(const Home& home, const std::string& exclude);

struct PortRequest {
  std::optional<int> http, telnet, metrics;  // given explicitly
  int instances = 1;
};

struct PortSet {
  int http = 8080;
  int telnet = 42001;
  int metrics = 42002;
};

// Throws Failure(kExitUsage) naming the field when an explicit port clashes or no free set
// exists below 65536.
PortSet allocate_ports(const PortRequest& request, const std::map<int, std::string>& taken,
                       const std::set<int>& listening);

}  // namespace pharoctl
