#pragma once
// The ports of a service, instance by instance: the one list that the loader's own check,
// preflight, doctor and port allocation all walk, so that they count and name ports alike.
#include <string>
#include <vector>

#include "service/service_config.hpp"

namespace pharoctl {

struct InstancePort {
  int instance = 0;
  const char* field = "";  // the base port's key in service.toml: "app.http_port", ...
  int port = 0;
};

// Every port of every instance, in instance order (http, telnet, metrics per instance).
std::vector<InstancePort> instance_ports(const ServiceConfig& config);

// How messages name the port: "app.http_port", or "app.http_port of instance 1" when the
// service has several instances.
std::string port_field_text(const InstancePort& p, int instances);

}  // namespace pharoctl
