#include "service/home.hpp"

#include <dirent.h>
#include <fcntl.h>

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "util/failure.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

std::string ServicePaths::instance_stem(int instance, int count) const {
  return count <= 1 ? name_ : fmt::format("{}.{}", name_, instance);
}

fs::path ServicePaths::run_script(int instance, int count) const {
  return run() / fmt::format("run-{}.st", instance_stem(instance, count));
}

fs::path ServicePaths::pid_file(int instance, int count) const {
  return run() / fmt::format("{}.pid", instance_stem(instance, count));
}

fs::path ServicePaths::log_file(int instance, int count, const std::string& date) const {
  return logs() / fmt::format("{}-{}.log", instance_stem(instance, count), date);
}

std::string ServicePaths::server_log_pattern(int instance, int count) const {
  return count <= 1 ? std::string("logs/server-{1}.log") : fmt::format("logs/server.{}-{{1}}.log", instance);
}

namespace {

// The home named by `source` (--home or PHARO_HOME) must be a directory, or creatable: its
// nearest existing ancestor a directory. Nothing is created here.
fs::path checked_home(const std::string& source, const std::string& dir) {
  if (dir.empty()) throw usage_error(fmt::format("{}: empty (give a directory, as in {} /srv/pharo)", source, source));
  if (dir.size() > 1024 || dir.find('\n') != std::string::npos) {
    throw usage_error(fmt::format("{}: not a usable directory name (give a path of at most 1024 characters on one line)", source));
  }
  fs::path p = fs::absolute(dir).lexically_normal();
  std::error_code ec;
  fs::file_status st = fs::status(p, ec);
  if (fs::exists(st)) {
    if (!fs::is_directory(st)) {
      throw usage_error(fmt::format("{} {}: not a directory (give a directory, or a path where one can be created)", source, dir));
    }
    return p;
  }
  for (fs::path up = p.parent_path(); !up.empty(); up = up.parent_path()) {
    fs::file_status ust = fs::status(up, ec);
    if (!fs::exists(ust)) {
      if (up == up.root_path()) break;
      continue;
    }
    if (!fs::is_directory(ust)) {
      throw usage_error(fmt::format("{} {}: cannot be created, {} is not a directory (give a directory)", source, dir,
                                    up.string()));
    }
    break;
  }
  return p;
}

}  // namespace

Home Home::resolve(const std::optional<std::string>& flag) {
  if (flag) return Home(checked_home("--home", *flag));
  if (const char* env = std::getenv("PHARO_HOME"); env && *env) return Home(checked_home("PHARO_HOME", env));
  const char* home = std::getenv("HOME");
  if (!home || !*home) throw usage_error("cannot tell the pharoctl home: set PHARO_HOME, HOME or pass --home DIR");
  return Home(fs::path(home) / "pharo");
}

std::vector<Home::ServiceFile> Home::service_files() const {
  std::vector<ServiceFile> out;
  DIR* dir = ::opendir(root_.c_str());
  if (dir == nullptr) return out;
  while (const dirent* d = ::readdir(dir)) {
    // A directory, or a symlink to one (fstatat below follows it; "name/service.toml" resolves
    // only through a directory).
    if (d->d_type != DT_DIR && d->d_type != DT_LNK && d->d_type != DT_UNKNOWN) continue;
    std::string name = d->d_name;
    if (name == "runtimes" || !check_service_name(name).empty()) continue;
    struct stat st{};
    if (::fstatat(::dirfd(dir), (name + "/service.toml").c_str(), &st, 0) != 0) continue;
    out.push_back({std::move(name), st});
  }
  ::closedir(dir);
  std::sort(out.begin(), out.end(), [](const ServiceFile& a, const ServiceFile& b) { return a.name < b.name; });
  return out;
}

std::vector<std::string> Home::service_names() const {
  std::vector<std::string> names;
  for (ServiceFile& f : service_files()) names.push_back(std::move(f.name));
  return names;
}

std::string check_service_name(const std::string& name) {
  if (name.empty()) return "is empty";
  if (name.size() > 63) return fmt::format("is {} characters long, at most 63 are allowed", name.size());
  if (!(name[0] >= 'a' && name[0] <= 'z')) return "must start with a lowercase letter a-z";
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return "may contain only lowercase letters, digits and '-' ([a-z][a-z0-9-]{0,62})";
  }
  if (name == "runtimes") return "is reserved (the runtimes directory)";
  // Its daily files logs/server-YYYY-MM-DD.log would be the image's own transcript files.
  if (name == "server") return "is reserved (its logs would collide with the image's logs/server-*.log; choose another name)";
  return "";
}

ServiceTarget parse_service_target(const std::string& text) {
  ServiceTarget t;
  auto at = text.find('@');
  t.name = text.substr(0, at);
  if (std::string why = check_service_name(t.name); !why.empty()) {
    throw usage_error(fmt::format("service name '{}' {}", t.name, why));
  }
  if (at != std::string::npos) {
    std::string num = text.substr(at + 1);
    bool digits = !num.empty() && num.size() < 6 &&
                  std::all_of(num.begin(), num.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) throw usage_error(fmt::format("'{}': the instance after '@' must be a number, as in {}@0", text, t.name));
    t.instance = std::stoi(num);
  }
  return t;
}

}  // namespace pharoctl
