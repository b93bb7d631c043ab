#pragma once
// The monit check /etc/monit/conf.d/pharo-<service>: per instance, a process check on the VM's
// pid file, start/stop through systemctl when the unit is installed (else pharoctl), a restart
// of just that instance through pharoctl, the HTTP health check and a restart cap with an alert.
#include <string>

#include "render/install_context.hpp"
#include "service/service_config.hpp"

namespace pharoctl {

std::string render_monit_check(const ServiceConfig& config, const InstallContext& ctx);

// A monit program string: each word single-quoted when it needs it (monit splits on blanks).
std::string monit_program(const std::vector<std::string>& argv);
// [health].expect as a monit content regex: regex metacharacters match themselves loosely (.).
std::string monit_content(const std::string& expect);

}  // namespace pharoctl
