#pragma once
// service.toml as `new` writes it: every key present with its value and a comment saying what it
// does, so that the file documents itself. Parsing the result gives back the same config.
#include <string>

#include "service/service_config.hpp"

namespace pharoctl {

std::string render_service_toml(const ServiceConfig& config);

// A TOML basic string: "text" with quotes, backslashes and control characters escaped.
std::string toml_string(const std::string& text);

}  // namespace pharoctl
