#pragma once
// The environment a service's VM gets: defined, never inherited wholesale, so that a service
// behaves the same under `pharoctl start`, systemd, `run` and a deploy's health gate, and so that
// nothing of the operator's shell (GITHUB_TOKEN, AWS_*, SSH_AUTH_SOCK, ...) reaches the image.
//
//   PATH    systemd's default for services, unless [env] sets it
//   HOME    the home directory of the user the VM runs as (from the user database)
//   LANG, LANGUAGE, LC_*, TZ   passed through from the supervisor's environment when set (the host's
//           locale and zone, which systemd hands its services too)
//   [env]   the table of service.toml, in file order
//   PHAROCTL_*  set by pharoctl last (service, instance, ports, app directory); [env] cannot set them
#include <string>
#include <vector>

#include "service/service_config.hpp"

namespace pharoctl {

inline constexpr const char* kServicePath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// `from` is the supervisor's environment ("NAME=value" entries); `pharoctl_vars` the PHAROCTL_*
// entries of this instance. The result holds each name once.
std::vector<std::string> vm_environment(const ServiceConfig& config, const std::vector<std::string>& pharoctl_vars,
                                        const std::vector<std::string>& from);

// This process's environment, as "NAME=value" entries.
std::vector<std::string> current_environment();

}  // namespace pharoctl
