#include "deploy/release_app.hpp"

#include <fmt/format.h>

#include "util/atomic_file.hpp"
#include "util/failure.hpp"
#include "util/sha256.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

namespace {

std::string read_or_none(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return std::string("\0missing", 8);
  try {
    return read_file(p);
  } catch (const std::exception&) {
    return std::string("\0unreadable", 11);
  }
}

}  // namespace

std::string app_files_hash(const ServiceConfig& config, const fs::path& dir) {
  Sha256 h;
  h.update("pharoctl app files v1\n");
  for (const std::string& f : app_files(config)) {
    std::string bytes = read_or_none(dir / f);
    h.update(fmt::format("{}\n{}\n", f, bytes.size()));
    h.update(bytes);
  }
  return h.hex_digest();
}

void add_app_files(ReleaseContent& content, const ServiceConfig& config, const ServicePaths& paths) {
  std::vector<std::string> files = app_files(config);
  for (size_t i = 0; i < files.size(); ++i) {
    fs::path from = paths.dir() / files[i];
    std::error_code ec;
    if (!fs::is_regular_file(from, ec)) {
      throw usage_error(fmt::format("{}: {}: {} is not a file (create it, or fix [app].{} in service.toml)",
                                    paths.service_toml().string(), i == 0 ? "app.start" : "app.files", from.string(),
                                    i == 0 ? "start" : "files"));
    }
    content.files.push_back({from, "app/" + files[i], false});
    content.app_files.push_back(files[i]);
  }
  content.app_hash = app_files_hash(config, paths.dir());
}

std::vector<std::string> app_files_differing(const ServiceConfig& config, const ServicePaths& paths, const std::string& id) {
  return app_files_differing(app_files(config), paths, id);
}

std::vector<std::string> app_files_differing(const std::vector<std::string>& files, const ServicePaths& paths,
                                             const std::string& id) {
  std::vector<std::string> out;
  fs::path app = paths.releases() / id / "app";
  std::error_code ec;
  if (!fs::is_directory(app, ec)) return out;
  for (const std::string& f : files) {
    if (read_or_none(paths.dir() / f) != read_or_none(app / f)) out.push_back(f);
  }
  return out;
}

}  // namespace pharoctl
