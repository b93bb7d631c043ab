#include "runtime/runtime_verify.hpp"

#include <sys/stat.h>

#include <fmt/format.h>

#include "util/sha256.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

namespace {

void check_file(const fs::path& dir, const std::string& rel, uint64_t size, const std::string& sha256,
                std::vector<RuntimeDrift>& out) {
  fs::path p = dir / rel;
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    out.push_back({rel, "missing", true});
    return;
  }
  if (static_cast<uint64_t>(st.st_size) != size) {
    out.push_back({rel, fmt::format("size {} recorded, {} now", size, st.st_size), true});
  } else if (!sha256.empty() && sha256_file(p) != sha256) {
    out.push_back({rel, "same size, content differs (SHA-256)", true});
  }
  if ((st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) != 0) out.push_back({rel, "writable", false});
}

}  // namespace

std::vector<RuntimeDrift> verify_runtime(const Runtime& rt) {
  std::vector<RuntimeDrift> out;
  bool image_listed = false;
  for (const RuntimeFile& f : rt.files) {
    if (!f.link.empty()) {
      std::error_code ec;
      fs::path target = fs::read_symlink(rt.dir / f.path, ec);
      if (ec) out.push_back({f.path, "missing (a symlink)", true});
      else if (target.string() != f.link) out.push_back({f.path, fmt::format("links to {}, not {}", target.string(), f.link), true});
      continue;
    }
    image_listed = image_listed || f.path == rt.image;
    check_file(rt.dir, f.path, f.size, f.sha256, out);
  }
  if (!image_listed && rt.image_size > 0) check_file(rt.dir, rt.image, rt.image_size, rt.image_sha256, out);
  return out;
}

}  // namespace pharoctl
