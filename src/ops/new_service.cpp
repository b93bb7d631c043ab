#include "ops/new_service.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

#include "render/app_st.hpp"
#include "render/run_script.hpp"
#include "render/service_toml.hpp"
#include "service/value_rules.hpp"
#include "util/atomic_file.hpp"
#include "util/directory_guard.hpp"
#include "util/failure.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

std::string check_new_service_name(const Home& home, const std::string& name) {
  if (std::string why = check_service_name(name); !why.empty()) {
    return fmt::format("\"{}\" {}", printable(name), why);
  }
  std::error_code ec;
  fs::path dir = home.root() / name;
  if (fs::exists(dir, ec) || fs::is_symlink(dir, ec)) {
    return fmt::format("\"{}\" already exists in {} (choose another name, or edit {})", name, home.root().string(),
                       (dir / "service.toml").string());
  }
  return "";
}

std::vector<std::string> installed_runtimes(const Home& home) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(home.runtimes(), ec)) {
    if (fs::exists(entry.path() / "runtime.toml", ec)) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string default_runtime(const Home& home) {
  std::vector<std::string> names = installed_runtimes(home);
  if (names.size() == 1) return names[0];
  if (std::find(names.begin(), names.end(), "pharo-130") != names.end()) return "pharo-130";
  if (!names.empty()) return names[0];
  return "pharo-130";
}

std::string parse_groups(const std::string& text, std::vector<std::string>& out) {
  std::vector<std::string> groups;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string g = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    // Spaces around the commas are separators, not part of a name.
    g.erase(0, g.find_first_not_of(' '));
    if (auto last = g.find_last_not_of(' '); last != std::string::npos) g.erase(last + 1);
    if (std::string why = check_group(g); !why.empty()) return why;
    groups.push_back(g);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  out = std::move(groups);
  return "";
}

std::string parse_int_in(const std::string& text, int lo, int hi, int& out) {
  bool digits = !text.empty() && text.size() <= 9 &&
                std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) return fmt::format("\"{}\" is not a whole number (expected {} to {})", printable(text), lo, hi);
  int v = std::stoi(text);
  if (v < lo || v > hi) return fmt::format("{} is out of range (expected {} to {})", v, lo, hi);
  out = v;
  return "";
}

namespace {


}  // namespace

NewServiceResult create_service(const Home& home, const ServiceConfig& config) {
  if (std::string why = check_new_service_name(home, config.name); !why.empty()) {
    throw usage_error("name: " + why);
  }
  std::string toml = render_service_toml(config);
  // The rendered file must read back as the config it came from: one validator for both.
  ServiceConfig reread = parse_service_config(toml, (home.root() / config.name / "service.toml").string());

  fs::create_directories(home.root());
  // A half-built service directory goes unless it was renamed into place.
  DirectoryGuard tmp(make_unique_directory(home.root(), fmt::format(".{}.new-", config.name)));
  fs::permissions(tmp.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  ServicePaths staged(tmp.path(), config.name);
  write_file_atomic(staged.service_toml(), toml, 0644);
  fs::create_directories((staged.dir() / reread.app.start).parent_path());
  write_file_atomic(staged.dir() / reread.app.start, render_default_app_st(reread), 0644);
  fs::create_directories(staged.logs());
  write_run_scripts(reread, staged);

  fs::path dir = home.root() / config.name;
  if (::rename(tmp.path().c_str(), dir.c_str()) != 0) {
    if (errno == EEXIST || errno == ENOTEMPTY) {
      throw usage_error(fmt::format("name: \"{}\" already exists in {} (choose another name)", config.name, home.root().string()));
    }
    throw operation_failed(fmt::format("cannot move the new service into {}: {}", dir.string(), std::strerror(errno)));
  }
  tmp.release();
  ServicePaths paths = home.service(config.name);
  NewServiceResult result;
  result.dir = dir;
  result.written = {paths.service_toml(), dir / reread.app.start};
  for (int i = 0; i < reread.instances; ++i) result.written.push_back(paths.run_script(i, reread.instances));
  return result;
}

}  // namespace pharoctl
