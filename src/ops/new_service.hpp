#pragma once
// Creating a service directory for `pharoctl new`: the answers (from flags or prompts) are
// checked one by one with the reason for a refusal, then service.toml, app.st and the run
// scripts are written into a temporary directory that is renamed into place, so that a failed
// `new` leaves the home as it was.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "service/home.hpp"
#include "service/service_config.hpp"

namespace pharoctl {

// "" when NAME can be a new service in this home, else why not.
std::string check_new_service_name(const Home& home, const std::string& name);

// The runtime a new service gets by default: the only installed one, else pharo-130 when
// installed, else the first installed, else "pharo-130".
std::string default_runtime(const Home& home);
std::vector<std::string> installed_runtimes(const Home& home);

// Parses "A,B" into group names; "" when fine, else why not.
std::string parse_groups(const std::string& text, std::vector<std::string>& out);
// Parses a port or instance count; "" when fine, else why not.
std::string parse_int_in(const std::string& text, int lo, int hi, int& out);

struct NewServiceResult {
  std::filesystem::path dir;
  std::vector<std::filesystem::path> written;
};

// Writes the service (config already validated; it is validated once more by parsing the
// rendered service.toml). Throws Failure(kExitUsage) if the service exists.
NewServiceResult create_service(const Home& home, const ServiceConfig& config);

}  // namespace pharoctl
