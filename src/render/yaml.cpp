#include "render/yaml.hpp"

#include <regex>

namespace pharoctl {
namespace {

using Json = nlohmann::ordered_json;

bool plain_safe(const std::string& s) {
  if (s.empty()) return false;
  // Letters, digits and a few punctuation marks that mean nothing at the start or inside.
  static const std::regex kPlain(R"([A-Za-z_/.][A-Za-z0-9_./:=+@-]*)");
  static const std::regex kSpecial(
      R"((y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)|[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|\.(inf|Inf|INF|nan|NaN|NAN))");
  if (!std::regex_match(s, kPlain) || std::regex_match(s, kSpecial)) return false;
  return s.find(": ") == std::string::npos && s.back() != ':';
}

std::string scalar(const Json& v) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    return plain_safe(s) ? s : v.dump();  // JSON's double-quoted string is valid YAML
  }
  return v.dump();
}

bool is_empty_collection(const Json& v) { return (v.is_object() || v.is_array()) && v.empty(); }

void emit(const Json& v, int indent, std::string& out);

void emit_object(const Json& v, int indent, std::string& out) {
  std::string pad(static_cast<size_t>(indent), ' ');
  for (auto it = v.begin(); it != v.end(); ++it) {
    out += pad + scalar(Json(it.key())) + ":";
    const Json& child = it.value();
    if (is_empty_collection(child) || !(child.is_object() || child.is_array())) {
      out += " " + (is_empty_collection(child) ? child.dump() : scalar(child)) + "\n";
    } else if (child.is_object()) {
      out += "\n";
      emit_object(child, indent + 2, out);
    } else {
      out += "\n";
      emit(child, indent, out);  // a list under a key sits at the key's indent
    }
  }
}

void emit(const Json& v, int indent, std::string& out) {
  std::string pad(static_cast<size_t>(indent), ' ');
  if (v.is_object()) {
    emit_object(v, indent, out);
    return;
  }
  for (const Json& item : v) {
    if (is_empty_collection(item) || !(item.is_object() || item.is_array())) {
      out += pad + "- " + (is_empty_collection(item) ? item.dump() : scalar(item)) + "\n";
    } else {
      // "- " then the first line of the item at indent + 2.
      std::string inner;
      emit(item, indent + 2, inner);
      out += pad + "- " + inner.substr(static_cast<size_t>(indent) + 2);
    }
  }
}

}  // namespace

std::string to_yaml(const nlohmann::ordered_json& value) {
  if (!value.is_object() && !value.is_array()) return scalar(value) + "\n";
  std::string out;
  emit(value, 0, out);
  return out;
}

}  // namespace pharoctl
