#pragma once
// The ports a service.toml declares (its instances and base ports), remembered in the
// service's run/ports keyed by the SHA-256 of the file's text. `start` checks a service's
// ports against every other service of the home: with the record, it reads and hashes each
// other service.toml instead of parsing it, and parses only those that changed since.
#include <optional>
#include <string>
#include <string_view>

#include "service/home.hpp"
#include "service/service_config.hpp"

namespace pharoctl {

// A ServiceConfig with the name, instance count and base ports of the service's service.toml
// filled in (the rest default), or nullopt when the file does not load (doctor reports that).
// From the record when it was made from the file's present text; it writes nothing.
std::optional<ServiceConfig> declared_ports(const ServicePaths& service);

// Writes or renews the record in the service's run/ (made if missing, as start makes it; best
// effort: a home it cannot write to just goes without). Read-only commands never write it: only `start` and
// its kin do, once their checks have passed.
void remember_declared_ports(const ServicePaths& service);

// The record's text for `config`'s ports, keyed by `digest`; and the reverse, nullopt when the
// text is not a record of this version for `digest` and `name`.
std::string ports_record(const ServiceConfig& config, std::string_view digest);
std::optional<ServiceConfig> parse_ports_record(std::string_view text, std::string_view digest, const std::string& name);

}  // namespace pharoctl
