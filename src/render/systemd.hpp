#pragma once
// The systemd unit pharo-<service>.service: Type=notify running `pharoctl supervise NAME`, with
// restart limits, timeouts derived from service.toml and the sandboxing a Pharo VM tolerates.
#include <filesystem>
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

// WatchdogSec=: how long the supervisor's loop may legitimately go without turning (the
// watchdog proves the loop alive, not every instance healthy): stopping leftover VMs one
// after the other at start-up, plus a margin.
Millis systemd_watchdog(const ServiceConfig& config);

// The home is below /tmp or /var/tmp (where PrivateTmp=yes would hide it).
bool home_under_tmp(const std::filesystem::path& home);
// What an operator should hear about the unit of a service in this home ("" when nothing):
// said on stderr by export and enable.
std::string systemd_home_note(const std::filesystem::path& home);

}  // namespace pharoctl
