#include "runtime/base_image_copy.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include <fmt/format.h>

#include "util/copy_file.hpp"
#include "util/failure.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

fs::path base_copy_dir(const ServicePaths& paths, const std::string& runtime) {
  return paths.dir() / "base" / runtime;
}

namespace {

// A copy the service owns: writable by it whatever modes the runtime's read-only file had.
void copy_writable(const fs::path& from, const fs::path& to) {
  copy_file_reporting(from, to);  // a full disk says ENOSPC, not "Input/output error"
  fs::permissions(to, fs::perms(0644));
}

}  // namespace

void stage_base_image(const Runtime& rt, const std::string& image, const fs::path& dir, SourcesBy sources) {
  std::error_code ec;
  copy_writable(rt.image_path(), dir / (image + ".image"));
  fs::path changes = rt.dir / (rt.changes.empty() ? fs::path(rt.image).replace_extension(".changes").string() : rt.changes);
  if (fs::is_regular_file(changes, ec)) copy_writable(changes, dir / (image + ".changes"));
  if (rt.sources.empty() || !fs::is_regular_file(rt.dir / rt.sources, ec)) return;
  fs::path to = dir / fs::path(rt.sources).filename();
  if (sources == SourcesBy::link) fs::create_symlink(fs::absolute(rt.dir / rt.sources), to);
  else copy_file_reporting(rt.dir / rt.sources, to);
}

fs::path ensure_base_copy(const ServicePaths& paths, const Runtime& rt, const std::string& image) {
  fs::path dir = base_copy_dir(paths, rt.name);
  fs::path target = dir / (image + ".image");
  std::error_code ec;
  if (fs::is_regular_file(target, ec)) return fs::absolute(target);
  fs::path scratch = dir.parent_path() / fmt::format(".tmp-{}-{}-{:08x}", rt.name, ::getpid(), std::random_device{}());
  try {
    fs::create_directories(scratch);
    stage_base_image(rt, image, scratch, SourcesBy::link);
    if (::rename(scratch.c_str(), dir.c_str()) != 0) {
      int err = errno;
      fs::remove_all(scratch, ec);
      // Another process (an instance started by `run` meanwhile) made it first: use that one.
      if ((err == EEXIST || err == ENOTEMPTY) && fs::is_regular_file(target, ec)) return fs::absolute(target);
      throw operation_failed(fmt::format("cannot make {}: {}", dir.string(), std::strerror(err)));
    }
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(scratch, ec);
    throw operation_failed(fmt::format("cannot copy the base image of runtime {} into {}: {}", rt.name, dir.string(),
                                       e.code().message()));
  }
  return fs::absolute(target);
}

}  // namespace pharoctl
