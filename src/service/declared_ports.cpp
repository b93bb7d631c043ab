#include "service/declared_ports.hpp"

#include <charconv>
#include <system_error>

#include <fmt/format.h>

#include "util/atomic_file.hpp"
#include "util/lines.hpp"
#include "util/sha256.hpp"

namespace pharoctl {

namespace {

constexpr std::string_view kHeader = "pharoctl-ports 1";

bool parse_int(std::string_view text, int& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string ports_record(const ServiceConfig& c, std::string_view digest) {
  return fmt::format("{}\n{}\n{}\n{} {} {} {}\n", kHeader, digest, c.name, c.instances, c.app.http_port,
                     c.console.telnet_port, c.console.metrics_port);
}

std::optional<ServiceConfig> parse_ports_record(std::string_view text, std::string_view digest, const std::string& name) {
  if (text.empty() || text.back() != '\n') return std::nullopt;  // cut short: a number may be too
  std::vector<std::string_view> lines = split_lines(text);
  if (lines.size() != 4 || lines[0] != kHeader || lines[1] != digest || lines[2] != name) return std::nullopt;
  std::string_view numbers = lines[3];
  int values[4] = {};
  for (int& v : values) {
    size_t space = numbers.find(' ');
    if (!parse_int(numbers.substr(0, space), v)) return std::nullopt;
    numbers = space == std::string_view::npos ? std::string_view() : numbers.substr(space + 1);
  }
  if (!numbers.empty() || values[0] < 1) return std::nullopt;
  ServiceConfig c;
  c.name = name;
  c.instances = values[0];
  c.app.http_port = values[1];
  c.console.telnet_port = values[2];
  c.console.metrics_port = values[3];
  return c;
}

namespace {

struct Declared {
  std::string digest;
  std::optional<ServiceConfig> recorded;  // the record's ports when it is the file's
};

// nullopt when there is no service.toml to read.
std::optional<Declared> look_up(const ServicePaths& service, std::string& text) {
  try {
    text = read_file(service.service_toml());
  } catch (const std::exception&) {
    return std::nullopt;
  }
  Declared d{sha256_hex(text), std::nullopt};
  try {
    d.recorded = parse_ports_record(read_file(service.run() / "ports"), d.digest, service.name());
  } catch (const std::exception&) {
    // no record yet, or an unreadable one
  }
  return d;
}

std::optional<ServiceConfig> parse_declared(const ServicePaths& service, const std::string& text) {
  try {
    return parse_service_file(text, service.service_toml());
  } catch (const std::exception&) {
    return std::nullopt;  // doctor reports it
  }
}

}  // namespace

std::optional<ServiceConfig> declared_ports(const ServicePaths& service) {
  std::string text;
  std::optional<Declared> d = look_up(service, text);
  if (!d) return std::nullopt;
  if (d->recorded) return d->recorded;
  return parse_declared(service, text);
}

void remember_declared_ports(const ServicePaths& service) {
  std::string text;
  std::optional<Declared> d = look_up(service, text);
  if (!d || d->recorded) return;
  std::optional<ServiceConfig> c = parse_declared(service, text);
  if (!c) return;
  std::error_code ec;
  std::filesystem::create_directories(service.run(), ec);  // as start makes it, umask'd
  try {
    write_file_atomic(service.run() / "ports", ports_record(*c, d->digest), runtime_state);
  } catch (const std::exception&) {
    // a read-only home: the other services' starts parse this one's file again
  }
}

}  // namespace pharoctl
