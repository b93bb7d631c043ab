#include "ops/preflight.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "runtime/runtime.hpp"
#include "service/instance_ports.hpp"
#include "service/port_allocation.hpp"
#include "util/failure.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

namespace {

using Level = Finding::Level;

void check_runtime(const Home& home, const ServiceConfig& c, std::vector<Finding>& out) {
  auto add = [&](Level l, std::string m) { out.push_back({l, c.name, "runtime", std::move(m)}); };
  try {
    Runtime rt = load_runtime(home, c.runtime);
    if (::access(rt.vm_path().c_str(), X_OK) != 0) {
      add(Level::Error, fmt::format("runtime {}: the VM {} is missing or not executable (reinstall: pharoctl install {})",
                                    c.runtime, rt.vm_path().string(), rt.version));
    } else if (!fs::exists(rt.image_path())) {
      add(Level::Error, fmt::format("runtime {}: the base image {} is missing (reinstall: pharoctl install {})", c.runtime,
                                    rt.image_path().string(), rt.version));
    } else {
      add(Level::Ok, fmt::format("runtime {} present ({})", c.runtime, rt.vm_path().string()));
    }
  } catch (const std::exception& e) {
    add(Level::Error, fmt::format("runtime: {}", e.what()));
  }
}

void check_ports(const PortOwners& owners, const ServiceConfig& c, std::vector<Finding>& out) {
  bool ok = true;
  for (const InstancePort& p : instance_ports(c)) {
    std::string other = owners.other_than(c.name, p.port);
    if (other.empty()) continue;
    ok = false;
    out.push_back({Level::Error, c.name, "ports",
                   fmt::format("{}: port {} is also used by {} (change one of them in service.toml)",
                               port_field_text(p, c.instances), p.port, other)});
  }
  if (ok) out.push_back({Level::Ok, c.name, "ports", "no port shared with another service"});
}

// "" when `file` is a regular file, else what is wrong with it.
std::string file_problem(const fs::path& file) {
  std::error_code ec;
  fs::file_status st = fs::status(file, ec);
  if (ec || !fs::exists(st)) return "is missing";
  if (fs::is_directory(st)) return "is a directory, not a file";
  if (!fs::is_regular_file(st)) return "is not a regular file";
  if (::access(file.c_str(), R_OK) != 0) return "is not readable";
  return "";
}

// The release `current` names, when it resolves; else an error finding.
std::optional<fs::path> check_current(const ServiceConfig& c, const ServicePaths& paths, std::vector<Finding>& out) {
  std::error_code ec;
  if (!fs::is_symlink(paths.current(), ec)) {
    out.push_back({Level::Ok, c.name, "release", "no release deployed yet (the runtime's base image runs)"});
    return std::nullopt;
  }
  fs::path target = fs::read_symlink(paths.current(), ec);
  std::string image = c.image_name() + ".image";
  fs::path dir = paths.dir() / target;
  if (ec || !fs::is_directory(dir, ec) || !fs::is_regular_file(dir / image, ec)) {
    out.push_back({Level::Error, c.name, "release",
                   fmt::format("current: points at {}, which {} (pharoctl rollback {} RELEASE, or pharoctl deploy {})",
                               target.string(), fs::is_directory(dir, ec) ? "lacks " + image : "does not exist",
                               c.name, c.name)});
    return std::nullopt;
  }
  out.push_back({Level::Ok, c.name, "release", fmt::format("current -> {}", target.string())});
  return dir;
}

void check_app_files(const ServiceConfig& c, const ServicePaths& paths, const std::optional<fs::path>& release,
                     PreflightFor what, std::vector<Finding>& out) {
  // A release that carries its own app files runs those; otherwise the service directory's.
  bool from_release = what == PreflightFor::Run && release && fs::is_regular_file(*release / "app" / c.app.start);
  fs::path base = from_release ? *release / "app" : paths.dir();
  bool ok = true;
  std::vector<std::string> files = app_files(c);
  for (size_t i = 0; i < files.size(); ++i) {
    std::string problem = file_problem(base / files[i]);
    if (problem.empty()) continue;
    ok = false;
    std::string field = i == 0 ? "app.start" : "app.files";
    out.push_back({Level::Error, c.name, "app",
                   fmt::format("{}: {} {} (create it, or name your {} in [app].{} of service.toml)", field,
                               (base / files[i]).string(), problem, i == 0 ? "start file" : "files",
                               i == 0 ? "start" : "files")});
  }
  if (ok) {
    out.push_back({Level::Ok, c.name, "app", fmt::format("{} present{}", c.app.start, from_release ? " in the release" : "")});
  }
}

}  // namespace

std::vector<Finding> preflight_findings(const Home& home, const ServiceConfig& config, PreflightFor what,
                                        const PortOwners& owners) {
  std::vector<Finding> out;
  ServicePaths paths = home.service(config.name);
  check_runtime(home, config, out);
  check_ports(owners, config, out);
  std::optional<fs::path> release = check_current(config, paths, out);
  check_app_files(config, paths, release, what, out);
  return out;
}

std::vector<Finding> preflight_findings(const Home& home, const ServiceConfig& config, PreflightFor what) {
  return preflight_findings(home, config, what, port_owners(home, {config}));
}

std::vector<ServiceConfig> preflight_services(const Home& home, const std::vector<std::string>& names, PreflightFor what,
                                              PortIndex* index) {
  std::vector<ServiceConfig> configs;
  for (const std::string& name : names) configs.push_back(load_named_service(home, name));
  // The other services' ports read once for all of them, not once per name.
  PortIndex local;
  PortIndex& ports = index ? *index : local;
  ports = PortIndex::load(home);
  PortOwners owners = port_owners(home, configs, "", ports);
  for (const ServiceConfig& c : configs) {
    for (const Finding& f : preflight_findings(home, c, what, owners)) {
      if (f.level == Finding::Level::Error) throw usage_error(fmt::format("{}: {}", c.name, f.message));
    }
  }
  return configs;
}

}  // namespace pharoctl
