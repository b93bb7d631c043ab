#include "service/port_allocation.hpp"

#include <algorithm>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "service/service_config.hpp"
#include "util/atomic_file.hpp"
#include "util/failure.hpp"

namespace pharoctl {

void parse_proc_net_tcp(const std::string& text, std::set<int>& out) {
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    if (!(fields >> slot >> local >> remote >> state)) continue;
    if (state != "0A") continue;  // TCP_LISTEN
    auto colon = local.rfind(':');
    if (colon == std::string::npos) continue;
    try {
      out.insert(std::stoi(local.substr(colon + 1), nullptr, 16));
    } catch (const std::exception&) {
      // A line we do not understand says nothing about ports.
    }
  }
}

std::set<int> listening_tcp_ports() {
  std::set<int> ports;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    try {
      parse_proc_net_tcp(read_file(table), ports);
    } catch (const std::exception&) {
      // No IPv6 (or no /proc): nothing listens there.
    }
  }
  return ports;
}

void PortOwners::add(const ServiceConfig& c) {
  for (const InstancePort& p : instance_ports(c)) owners_.emplace(p.port, Owner{c.name, p, c.instances});
}

std::string PortOwners::describe(const Owner& o) {
  return fmt::format("service '{}' ({})", o.service, port_field_text(o.port, o.instances));
}

std::string PortOwners::other_than(const std::string& service, int port) const {
  auto [from, to] = owners_.equal_range(port);
  for (auto it = from; it != to; ++it) {
    if (it->second.service != service) return describe(it->second);
  }
  return "";
}

std::map<int, std::string> PortOwners::without(const std::string& exclude) const {
  std::map<int, std::string> taken;
  for (const auto& [port, owner] : owners_) {
    if (owner.service != exclude && !taken.count(port)) taken.emplace(port, describe(owner));
  }
  return taken;
}

PortOwners port_owners(const Home& home, const std::vector<ServiceConfig>& loaded, const std::string& skip,
                       PortIndex& index) {
  PortOwners owners;
  // In the home's order, as the first owner of a port is the one named. The index is asked for
  // the loaded ones too: its save() then remembers them for the other services' starts.
  for (const ServiceConfig& c : index.services(home)) {
    if (c.name == skip) continue;
    auto known = std::find_if(loaded.begin(), loaded.end(), [&](const ServiceConfig& l) { return l.name == c.name; });
    owners.add(known != loaded.end() ? *known : c);
  }
  return owners;
}

PortOwners port_owners(const Home& home, const std::vector<ServiceConfig>& loaded, const std::string& skip) {
  PortIndex index = PortIndex::load(home);
  return port_owners(home, loaded, skip, index);
}

std::map<int, std::string> ports_of_services(const Home& home, const std::string& exclude) {
  return port_owners(home, {}, exclude).without(exclude);
}

namespace {

struct Slot {
  const char* field;
  const char* flag;
  std::optional<int> given;
  int base;
};

// "" when every instance port of `port` is free, else why not.
std::string why_taken(int port, int instances, const std::map<int, std::string>& taken, const std::set<int>& listening) {
  for (int i = 0; i < instances; ++i) {
    int p = port + kInstancePortStride * i;
    if (p > 65535) return fmt::format("instance {} would need port {}, past 65535", i, p);
    if (auto it = taken.find(p); it != taken.end()) return fmt::format("port {} is used by {}", p, it->second);
    if (listening.count(p)) return fmt::format("port {} is in use now by a listening program", p);
  }
  return "";
}

}  // namespace

PortSet allocate_ports(const PortRequest& req, const std::map<int, std::string>& taken, const std::set<int>& listening) {
  Slot slots[] = {{"app.http_port", "--http-port", req.http, 8080},
                  {"console.telnet_port", "--telnet-port", req.telnet, 42001},
                  {"console.metrics_port", "--metrics-port", req.metrics, 42002}};
  // Explicit ports: refused when they clash with the home, with what listens now, or each other.
  std::map<int, std::string> chosen;
  for (const Slot& s : slots) {
    if (!s.given) continue;
    if (*s.given < 1 || *s.given > 65535) {
      throw usage_error(fmt::format("{}: {} {} is out of range (expected 1 to 65535)", s.field, s.flag, *s.given));
    }
    if (std::string why = why_taken(*s.given, req.instances, taken, listening); !why.empty()) {
      throw usage_error(fmt::format("{}: {} {} clashes: {} (choose another port, or leave {} out to get a free one)",
                                    s.field, s.flag, *s.given, why, s.flag));
    }
    for (int i = 0; i < req.instances; ++i) {
      auto [it, fresh] = chosen.emplace(*s.given + kInstancePortStride * i, s.field);
      if (!fresh) {
        throw usage_error(fmt::format("{}: {} {} clashes with {} of the same service (each port + {} x instance must be distinct)",
                                      s.field, s.flag, *s.given, it->second, kInstancePortStride));
      }
    }
  }
  // The rest: base + k x stride for the first k where every instance's port is free.
  PortSet out;
  int* targets[] = {&out.http, &out.telnet, &out.metrics};
  for (size_t n = 0; n < 3; ++n) {
    const Slot& s = slots[n];
    if (s.given) {
      *targets[n] = *s.given;
      continue;
    }
    bool found = false;
    for (int port = s.base; port + kInstancePortStride * (req.instances - 1) <= 65535; port += kInstancePortStride) {
      if (!why_taken(port, req.instances, taken, listening).empty()) continue;
      bool own_clash = false;
      for (int i = 0; i < req.instances; ++i) own_clash = own_clash || chosen.count(port + kInstancePortStride * i);
      if (own_clash) continue;
      for (int i = 0; i < req.instances; ++i) chosen.emplace(port + kInstancePortStride * i, s.field);
      *targets[n] = port;
      found = true;
      break;
    }
    if (!found) {
      throw usage_error(fmt::format("{}: no free port from {} up for {} instance(s) (give {} explicitly)", s.field,
                                    s.base, req.instances, s.flag));
    }
  }
  return out;
}

}  // namespace pharoctl
