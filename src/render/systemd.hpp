#pragma once
// The systemd unit pharo-<service>.service: Type=notify running `pharoctl supervise NAME`, with
// restart limits, timeouts derived from service.toml and the sandboxing a Pharo VM tolerates.
#include <string>

#include "render/install_context.hpp"
#include "service/service_config.hpp"

namespace pharoctl {

std::string render_systemd_unit(const ServiceConfig& config, const InstallContext& ctx);

// One word of an Exec*= line: double-quoted, with \ " escaped and % $ doubled (specifiers and
// variable expansion would otherwise rewrite it).
std::string systemd_exec_word(const std::string& word);
// A value taken literally up to the line end (WorkingDirectory=): % doubled.
std::string systemd_literal(const std::string& value);

// How long the supervisor may legitimately go without a watchdog ping: an unhealthy instance
// is noticed (retries x (interval + timeout), docs/supervisor.md), stopped (stop timeout), restarted after the
// longest backoff and given its grace; plus one interval of margin.
Millis systemd_watchdog(const ServiceConfig& config);

}  // namespace pharoctl
