#pragma once
// Ports for a new service: the defaults 8080 / 42001 / 42002 shifted to the first set that
// clashes with no other service in the home (every instance counted) and with nothing that is
// listening now. Ports given explicitly are kept, and refused when they clash.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "service/home.hpp"
#include "service/instance_ports.hpp"
#include "service/port_index.hpp"
#include "service/service_config.hpp"

namespace pharoctl {

// TCP ports in LISTEN state on any address (IPv4 and IPv6), from /proc/net/tcp{,6}.
std::set<int> listening_tcp_ports();
// Parses the text of one /proc/net/tcp or tcp6 table into `out`.
void parse_proc_net_tcp(const std::string& text, std::set<int>& out);

// Who uses which port in a home: every instance port of every service added, in the order
// added. Built once from the home (each service.toml parsed once), then asked per service.
class PortOwners {
 public:
  void add(const ServiceConfig& config);
  // Who other than `service` uses `port` ("service 'shop' (app.http_port of instance 1)", the
  // first one added), or "" when nobody else does.
  std::string other_than(const std::string& service, int port) const;
  // Port -> who uses it, for every service but `exclude` (what allocate_ports takes).
  std::map<int, std::string> without(const std::string& exclude) const;

 private:
  struct Owner {
    std::string service;
    InstancePort port;
    int instances;
  };
  static std::string describe(const Owner& o);
  std::multimap<int, Owner> owners_;
};

// Every service of the home whose service.toml loads (the others are doctor's to report) but
// `skip`, taking those in `loaded` as they are; the others' ports from the home's port index
// (service/port_index), which `index` is then left holding for the caller to save.
PortOwners port_owners(const Home& home, const std::vector<ServiceConfig>& loaded, const std::string& skip,
                       PortIndex& index);
PortOwners port_owners(const Home& home, const std::vector<ServiceConfig>& loaded = {}, const std::string& skip = "");

// Port -> who uses it ("service 'shop' (app.http_port of instance 1)"), for every service in
// the home except `exclude`. Services whose service.toml does not load are left out.
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
