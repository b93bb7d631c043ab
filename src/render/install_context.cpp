#include "render/install_context.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

#include "service/value_rules.hpp"
#include "util/failure.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

std::string check_generated_path(const std::string& path) {
  if (path.empty() || path[0] != '/') return "is not an absolute path";
  bool bad = std::any_of(path.begin(), path.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f || c == '"' || c == '\'' || c == '\\' || c == '`';
  });
  if (bad) {
    return fmt::format("\"{}\" contains a quote, backslash, backtick or control character, which cannot be written "
                       "safely into unit files, shell scripts and monit checks (use a path without them)",
                       printable(path));
  }
  return "";
}

std::string resolve_service_user(const ServiceConfig& config, const ServicePaths& paths) {
  if (!config.user.empty()) return config.user;
  struct stat st {};
  if (::stat(paths.dir().c_str(), &st) == 0) {
    if (const passwd* pw = ::getpwuid(st.st_uid)) return pw->pw_name;
  }
  if (const passwd* pw = ::getpwuid(::geteuid())) return pw->pw_name;
  throw usage_error("user: cannot tell which user the service runs as (set user = \"NAME\" in service.toml)");
}

InstallContext make_install_context(const Home& home, const ServiceConfig& config, bool systemd_unit) {
  InstallContext ctx;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  ctx.pharoctl = ec ? fs::path("/usr/local/bin/pharoctl") : self;
  ctx.home = fs::absolute(home.root()).lexically_normal();
  ctx.user = resolve_service_user(config, home.service(config.name));
  if (const passwd* pw = ::getpwnam(ctx.user.c_str())) {
    ctx.default_home = fs::path(pw->pw_dir) / "pharo" == ctx.home;
  }
  ctx.systemd_unit = systemd_unit;
  if (std::string why = check_generated_path(ctx.pharoctl.string()); !why.empty()) {
    throw usage_error("pharoctl executable: " + why);
  }
  if (std::string why = check_generated_path(ctx.home.string()); !why.empty()) throw usage_error("home: " + why);
  if (std::string why = check_user_name(ctx.user); !why.empty()) throw usage_error("user: " + why);
  return ctx;
}

}  // namespace pharoctl
