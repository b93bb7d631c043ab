#pragma once
// What the generated system files (systemd unit, init.d script, monit check) need beyond
// service.toml: where pharoctl and the home are, and who the service runs as. Every path here
// is checked, since it lands in four languages (unit file, sh, monit, Smalltalk).
#include <filesystem>
#include <string>

#include "service/home.hpp"
#include "service/service_config.hpp"

namespace pharoctl {

struct InstallContext {
  std::filesystem::path pharoctl;  // absolute path of the pharoctl binary the files call
  std::filesystem::path home;      // the pharoctl home (absolute)
  bool default_home = false;       // home is ~USER/pharo: no --home needed in the files
  std::string user;                // the account the service runs as
  bool systemd_unit = false;       // the systemd unit is (or is being) installed: monit uses systemctl

  // Name shared by the unit, the init script and the monit check: pharo-<service>.
  static std::string system_name(const std::string& service) { return "pharo-" + service; }
};

// [user] of service.toml, else the owner of the service directory (so that `sudo pharoctl
// enable` does not make a root service of a user's one), else the user running pharoctl.
std::string resolve_service_user(const ServiceConfig& config, const ServicePaths& paths);

// Resolves everything; throws Failure(kExitUsage) when a path cannot be written safely.
InstallContext make_install_context(const Home& home, const ServiceConfig& config, bool systemd_unit);

// "" when the path can go into every generated language (quoted), else what is wrong.
std::string check_generated_path(const std::string& path);

}  // namespace pharoctl
