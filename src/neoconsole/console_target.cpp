#include "neoconsole/console_target.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "neoconsole/stream.hpp"
#include "util/failure.hpp"
#include "util/shell_quote.hpp"

namespace pharoctl::neoconsole {

namespace {

ServiceConfig load_config(const Home& home, const std::string& name) {
  ServicePaths paths = home.service(name);
  if (!std::filesystem::exists(paths.service_toml())) {
    throw usage_error(fmt::format("no service '{}' in {} ({} does not exist)", name, home.root().string(),
                                  paths.service_toml().string()));
  }
  return load_service_config(paths.service_toml());
}

ConsoleTarget make(const ServiceConfig& config, const std::string& name, int instance) {
  ConsoleTarget t;
  t.name = name;
  t.instance = instance;
  t.count = config.instances;
  t.config = config;
  t.display = config.instances <= 1 ? name : fmt::format("{}@{}", name, instance);
  return t;
}

}  // namespace

ConsoleTarget resolve_one_instance(const Home& home, const std::string& target) {
  ServiceTarget st = parse_service_target(target);
  ServiceConfig config = load_config(home, st.name);
  if (st.instance < 0) {
    if (config.instances > 1) {
      throw usage_error(fmt::format("'{}' has {} instances: name one, as in {}@0", st.name, config.instances, st.name));
    }
    st.instance = 0;
  }
  if (st.instance >= config.instances) {
    throw usage_error(fmt::format("'{}': {} has instances 0 to {}", target, st.name, config.instances - 1));
  }
  return make(config, st.name, st.instance);
}

std::vector<ConsoleTarget> resolve_instances(const Home& home, const std::string& target) {
  ServiceTarget st = parse_service_target(target);
  if (st.instance >= 0) return {resolve_one_instance(home, target)};
  ServiceConfig config = load_config(home, st.name);
  std::vector<ConsoleTarget> out;
  for (int i = 0; i < config.instances; ++i) out.push_back(make(config, st.name, i));
  return out;
}

int telnet_port_from_status(const std::string& json_text, const std::string& name, int instance) {
  auto doc = nlohmann::json::parse(json_text, nullptr, false);
  if (doc.is_discarded()) throw operation_failed("the remote `pharoctl --json status` did not print JSON");
  const nlohmann::json* services = nullptr;
  if (doc.is_object() && doc.contains("services") && doc["services"].is_array()) services = &doc["services"];
  if (doc.is_array()) services = &doc;
  if (!services) throw operation_failed("the remote status JSON has no 'services' list");
  for (const auto& svc : *services) {
    if (!svc.is_object() || svc.value("name", "") != name) continue;
    if (!svc.contains("instances") || !svc["instances"].is_array() || svc["instances"].empty()) {
      throw operation_failed(fmt::format("the remote status of '{}' lists no instances", name));
    }
    const auto& instances = svc["instances"];
    if (instance < 0 && instances.size() > 1) {
      throw usage_error(fmt::format("'{}' has {} instances on the remote machine: name one, as in {}@0", name,
                                    instances.size(), name));
    }
    int want = instance < 0 ? 0 : instance;
    const nlohmann::json* found = nullptr;
    for (const auto& inst : instances) {
      for (const char* key : {"instance", "index"}) {
        if (inst.is_object() && inst.contains(key) && inst[key].is_number_integer() && inst[key].get<int>() == want) found = &inst;
      }
    }
    if (!found && static_cast<size_t>(want) < instances.size()) found = &instances[static_cast<size_t>(want)];
    if (!found) throw usage_error(fmt::format("'{}' has no instance {} on the remote machine", name, want));
    if (!found->is_object() || !found->contains("telnet_port") || !(*found)["telnet_port"].is_number_integer()) {
      throw operation_failed(fmt::format("the remote status of '{}' has no telnet_port: give it with --port", name));
    }
    return (*found)["telnet_port"].get<int>();
  }
  throw operation_failed(fmt::format("the remote pharoctl knows no service '{}'", name));
}

int remote_telnet_port(const RemoteOptions& remote, const std::string& name, int instance) {
  std::string command = shell_quote(remote.remote_pharoctl);
  if (!remote.remote_home.empty()) command += " --home " + shell_quote(remote.remote_home);
  command += " --json status " + shell_quote(name);
  std::string out = ssh_capture(remote.ssh_command, remote.target, command, std::chrono::seconds(30));
  return telnet_port_from_status(out, name, instance);
}

}  // namespace pharoctl::neoconsole
