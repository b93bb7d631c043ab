#pragma once
// YAML text of a JSON value, for the Kubernetes manifests: block style, two-space indent, keys
// in the order given, strings quoted whenever a plain scalar could be read back as something
// else (a number, a boolean, null, or YAML syntax).
#include <string>

#include <nlohmann/json.hpp>

namespace pharoctl {

std::string to_yaml(const nlohmann::ordered_json& value);

}  // namespace pharoctl
