#include "runtime/vm_environment.hpp"

#include <unistd.h>

#include <algorithm>
#include <map>

#include "util/user_home.hpp"

extern char** environ;

namespace pharoctl {

namespace {

std::string name_of(const std::string& entry) { return entry.substr(0, entry.find('=')); }

bool passed_through(const std::string& name) {
  return name == "LANG" || name == "LANGUAGE" || name == "TZ" || name.rfind("LC_", 0) == 0;
}

std::string vm_home(const std::vector<std::string>& from) {
  if (auto home = user_home(::geteuid()); home && !home->empty()) return *home;
  for (const std::string& e : from) {
    if (name_of(e) == "HOME") return e.substr(5);
  }
  return "/";
}

}  // namespace

std::vector<std::string> vm_environment(const ServiceConfig& config, const std::vector<std::string>& pharoctl_vars,
                                        const std::vector<std::string>& from) {
  // Name -> value, keeping the order in which names first appear.
  std::vector<std::string> order;
  std::map<std::string, std::string> values;
  auto set = [&](const std::string& name, const std::string& value) {
    if (values.emplace(name, value).second) order.push_back(name);
    else values[name] = value;
  };
  set("PATH", kServicePath);
  set("HOME", vm_home(from));
  for (const std::string& e : from) {
    std::string name = name_of(e);
    if (passed_through(name) && e.size() > name.size()) set(name, e.substr(name.size() + 1));
  }
  for (const auto& [name, value] : config.env) set(name, value);
  for (const std::string& e : pharoctl_vars) {
    std::string name = name_of(e);
    set(name, e.size() > name.size() ? e.substr(name.size() + 1) : "");
  }
  std::vector<std::string> env;
  env.reserve(order.size());
  for (const std::string& name : order) env.push_back(name + "=" + values[name]);
  return env;
}

std::vector<std::string> current_environment() {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  return env;
}

}  // namespace pharoctl
