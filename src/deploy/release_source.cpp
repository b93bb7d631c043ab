#include "deploy/release_source.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "process/run_command.hpp"
#include "util/atomic_file.hpp"
#include "util/failure.hpp"

#include "runtime/image_header.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

namespace {

// The header check of an uploaded image, as a configuration error naming the upload.
void check_uploaded_image(const fs::path& img, const std::string& what) {
  try {
    check_image_file(img);
  } catch (const Failure& f) {
    throw usage_error(fmt::format("{}: {}", what, f.what()));
  }
}

// The one *.sources file of a directory; fails when there is none or several.
fs::path find_sources(const fs::path& dir, const std::string& what) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".sources" && entry.is_regular_file()) found.push_back(entry.path());
  }
  if (found.empty()) {
    throw usage_error(fmt::format("{}: no .sources file beside the image (copy the Pharo*.sources file of its "
                                  "Pharo version next to it)", what));
  }
  if (found.size() > 1) {
    std::sort(found.begin(), found.end());
    throw usage_error(fmt::format("{}: {} .sources files beside the image ({}, {}...); keep only the one the "
                                  "image was built with", what, found.size(), found[0].filename().string(),
                                  found[1].filename().string()));
  }
  return found[0];
}

void need_file(const fs::path& p, const std::string& what) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) throw usage_error(fmt::format("{}: {} is missing", what, p.string()));
}

// A commit recorded by the build, under whichever of the names the manifest uses.
std::string manifest_commit(const nlohmann::json& m) {
  for (const char* key : {"source_commit", "commit"}) {
    if (m.contains(key) && m[key].is_string()) return m[key].get<std::string>();
  }
  for (const char* outer : {"inputs", "source"}) {
    if (m.contains(outer) && m[outer].is_object()) {
      std::string c = manifest_commit(m[outer]);
      if (!c.empty()) return c;
    }
  }
  return "";
}

std::string manifest_repository(const nlohmann::json& m) {
  for (const char* outer : {"inputs", "source"}) {
    if (m.contains(outer) && m[outer].is_object() && m[outer].contains("repository") &&
        m[outer]["repository"].is_string()) {
      return m[outer]["repository"].get<std::string>();
    }
  }
  return "";
}

}  // namespace

ReleaseContent content_from_build(const ServicePaths& paths, const std::string& image, const std::string& key) {
  bool key_ok = !key.empty() && key.find('/') == std::string::npos && key[0] != '.';
  fs::path dir = paths.builds() / key;
  std::error_code ec;
  if (!key_ok || !fs::is_directory(dir, ec)) {
    throw usage_error(fmt::format("build '{}' of {} does not exist in {} (`pharoctl builds {}` lists them)", key,
                                  paths.name(), paths.builds().string(), paths.name()));
  }
  std::string what = fmt::format("build {}", key);
  fs::path img = dir / (image + ".image");
  fs::path changes = dir / (image + ".changes");
  need_file(img, what);
  need_file(changes, what);
  fs::path sources = find_sources(dir, what);
  ReleaseContent c;
  c.image = image;
  c.build_key = key;
  c.origin = "build";
  c.files = {{img, image + ".image", true}, {changes, image + ".changes", false},
             {sources, sources.filename().string(), true}};
  if (fs::exists(dir / "manifest.json")) {
    try {
      nlohmann::json m = nlohmann::json::parse(read_file(dir / "manifest.json"));
      c.source_commit = manifest_commit(m);
      c.repository = manifest_repository(m);
    } catch (const std::exception&) {
      // A build without a readable manifest still deploys; release.json says commit unknown.
    }
  }
  return c;
}

ReleaseContent content_from_image_file(const fs::path& file, const std::string& image) {
  fs::path img = fs::absolute(file).lexically_normal();
  if (img.extension() != ".image") {
    throw usage_error(fmt::format("--image {}: not an .image file (give the path of NAME.image, with NAME.changes "
                                  "and the .sources file beside it)", file.string()));
  }
  std::string what = fmt::format("--image {}", file.string());
  need_file(img, what);
  check_uploaded_image(img, what);
  fs::path changes = img;
  changes.replace_extension(".changes");
  need_file(changes, what);
  fs::path sources = find_sources(img.parent_path(), what);
  ReleaseContent c;
  c.image = image;
  c.build_key = "img" + file_fingerprint(img);
  c.origin = "image";
  c.origin_path = img.string();
  c.files = {{img, image + ".image", true}, {changes, image + ".changes", false},
             {sources, sources.filename().string(), true}};
  return c;
}

std::string file_fingerprint(const fs::path& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw operation_failed(fmt::format("cannot read {}: {}", file.string(), std::strerror(errno)));
  std::uint64_t h = 14695981039346656037ULL;
  std::array<unsigned char, 1 << 16> buf{};
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      h ^= buf[static_cast<std::size_t>(i)];
      h *= 1099511628211ULL;
    }
  }
  ::close(fd);
  return fmt::format("{:016x}", h);
}

std::string git_head_commit(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir / ".git", ec)) return "";
  RunRequest req;
  req.argv = {"git", "-C", dir.string(), "rev-parse", "HEAD"};
  req.merge_stderr = false;  // git's complaints are not the commit
  req.timeout = std::chrono::seconds(30);
  RunResult r;
  try {
    r = run_command(req);
  } catch (const Failure&) {
    return "";  // no git: the release records no commit
  }
  std::string out = r.ok() ? r.output : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out.size() == 40 ? out : "";
}

}  // namespace pharoctl
