#include "service/value_rules.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "service/credentials.hpp"

namespace pharoctl {

namespace {

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

bool has_control(const std::string& v) {
  return std::any_of(v.begin(), v.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

bool only(const std::string& v, const char* extra) {
  return std::all_of(v.begin(), v.end(), [extra](char c) { return is_alnum(c) || std::string_view(extra).find(c) != std::string_view::npos; });
}

bool starts_with(const std::string& v, const char* p) { return v.rfind(p, 0) == 0; }

// Four numbers of one to three digits, each at most 255, between three dots.
bool is_dotted_quad(const std::string& v) {
  size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0 && (pos >= v.size() || v[pos++] != '.')) return false;
    int value = 0, digits = 0;
    for (; pos < v.size() && v[pos] >= '0' && v[pos] <= '9' && digits < 4; ++pos, ++digits) value = value * 10 + (v[pos] - '0');
    if (digits == 0 || digits > 3 || value > 255) return false;
  }
  return pos == v.size();
}

}  // namespace

std::string printable(const std::string& v) {
  std::string out;
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) out += fmt::format("\\x{:02x}", u);
    else out += c;
  }
  return out;
}

std::string check_description(const std::string& v) {
  if (v.size() > 200) return fmt::format("is {} characters long (at most 200)", v.size());
  if (has_control(v)) return fmt::format("\"{}\" contains a control character or newline (use one line of plain text)", printable(v));
  // Backslashes, quotes, $ and backticks would each need a different escape in each generated
  // language; a description needs none of them.
  for (char c : std::string("\\\"`$")) {
    if (v.find(c) != std::string::npos) {
      return fmt::format("\"{}\" contains '{}' (use plain text without \\ \" ` $)", printable(v), c);
    }
  }
  return "";
}

std::string check_user_name(const std::string& v) {
  if (v.empty()) return "";
  bool ok = v.size() <= 32 && (v[0] == '_' || (v[0] >= 'a' && v[0] <= 'z')) && only(v, "_-") &&
            std::none_of(v.begin(), v.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!ok) return fmt::format("\"{}\" is not a valid user name (expected [a-z_][a-z0-9_-]*, at most 32, or \"\" for the current user)", printable(v));
  return "";
}

std::string check_runtime_name(const std::string& v) {
  if (v.empty() || v.size() > 64 || !is_alnum(v[0]) || !only(v, "._-")) {
    return fmt::format("\"{}\" is not a valid runtime name (expected letters, digits, '.', '_', '-', as in \"pharo-130\")", printable(v));
  }
  return "";
}

std::string check_image_name(const std::string& v) {
  if (v.empty() || v.size() > 64 || !is_alnum(v[0]) || !only(v, "._-")) {
    return fmt::format("\"{}\" is not a valid image name (expected letters, digits, '.', '_', '-', as in \"shop\")", printable(v));
  }
  if (v.size() > 6 && v.substr(v.size() - 6) == ".image") {
    return fmt::format("\"{}\" ends in .image (give the name without it: \"{}\")", v, v.substr(0, v.size() - 6));
  }
  return "";
}

std::string check_baseline(const std::string& v) {
  if (v.empty()) return "";
  if (starts_with(v, "BaselineOf") && v.size() > 10) {
    return fmt::format("\"{}\" includes the BaselineOf prefix (write \"{}\")", v, v.substr(10));
  }
  if (!(v[0] >= 'A' && v[0] <= 'Z') || !only(v, "_") || v.size() > 100) {
    return fmt::format("\"{}\" is not a Smalltalk class name (expected a capital letter then letters or digits, as in \"Shop\")", printable(v));
  }
  return "";
}

std::string check_group(const std::string& v) {
  if (v.empty() || v.size() > 100 || !only(v, " ._-")) {
    return fmt::format("\"{}\" is not a Metacello group name (letters, digits, space, '.', '_', '-', as in \"default\")", printable(v));
  }
  return "";
}

std::string check_relative_file(const std::string& v) {
  if (v.empty() || v[0] == '/' || !only(v, "._-/") || v.find("..") != std::string::npos || v.back() == '/') {
    return fmt::format("\"{}\" is not a file inside the service directory (expected a relative path such as \"app.st\")", printable(v));
  }
  return "";
}

std::string check_health_url(const std::string& v) {
  std::string rest;
  for (const char* prefix : {"http://127.0.0.1:", "http://localhost:", "http://[::1]:"}) {
    if (starts_with(v, prefix)) rest = v.substr(std::string_view(prefix).size());
  }
  const char* right = "(expected http://127.0.0.1:{metrics_port}/PATH or another loopback http URL with a port)";
  if (rest.empty()) return fmt::format("\"{}\" is not a loopback http URL {}", printable(v), right);
  auto slash = rest.find('/');
  std::string port = rest.substr(0, slash);
  bool placeholder = port == "{http_port}" || port == "{metrics_port}" || port == "{telnet_port}";
  bool number = !port.empty() && port.size() <= 5 && std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
                std::stoi(port) >= 1 && std::stoi(port) <= 65535;
  if (!placeholder && !number) return fmt::format("\"{}\" has no valid port {}", printable(v), right);
  std::string path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (has_control(path) || !only(path, "/._-~%=?&")) {
    return fmt::format("\"{}\" has characters that do not belong in a URL path {}", printable(v), right);
  }
  return "";
}

std::string check_expect(const std::string& v) {
  if (v.size() > 200) return "is longer than 200 characters";
  if (has_control(v) || v.find_first_of("\"\\`$'") != std::string::npos) {
    return fmt::format("\"{}\" contains a quote, backslash, $, ` or control character (use plain text, as in \"Status OK\")", printable(v));
  }
  return "";
}

std::string check_ipv4_address(const std::string& v) {
  if (is_dotted_quad(v)) return "";
  return fmt::format("\"{}\" is not an IPv4 address (give 127.0.0.1 for loopback only, 0.0.0.0 for every interface, "
                     "or one address of this host)", v);
}

std::string check_env_name(const std::string& v) {
  bool ok = !v.empty() && v.size() <= 100 && !(v[0] >= '0' && v[0] <= '9') && only(v, "_");
  if (!ok) return fmt::format("\"{}\" is not an environment variable name (expected letters, digits and '_', as in APP_MODE)", printable(v));
  if (starts_with(v, "PHAROCTL_")) return fmt::format("\"{}\": PHAROCTL_* variables are set by pharoctl (choose another name)", v);
  for (const std::string& key : credential_keys()) {
    if (v == key) {
      return fmt::format("\"{}\" is a build credential: the service's VM never sees it (put it in $PHARO_HOME/credentials, "
                         "mode 0600, for builds)", v);
    }
  }
  for (const char* reserved : {"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"}) {
    if (v == reserved) return fmt::format("\"{}\" belongs to systemd's protocol with the supervisor (choose another name)", v);
  }
  return "";
}

std::string check_env_value(const std::string& v) {
  if (v.size() > 4096) return fmt::format("is {} bytes long (at most 4096)", v.size());
  if (has_control(v)) return fmt::format("\"{}\" contains a control character or newline (use one line)", printable(v));
  return "";
}

}  // namespace pharoctl
