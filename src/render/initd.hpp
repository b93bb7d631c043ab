#pragma once
// The LSB init script /etc/init.d/pharo-<service> for systems without systemd: start, stop,
// restart, force-reload, reload and status (LSB exit codes) through pharoctl, as the service's
// user. POSIX sh: passes `shellcheck -s sh` and `checkbashisms`.
#include <string>

#include "render/install_context.hpp"
#include "service/service_config.hpp"

namespace pharoctl {

std::string render_initd_script(const ServiceConfig& config, const InstallContext& ctx);

}  // namespace pharoctl
