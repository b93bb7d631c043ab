#include "ops/container_context.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "service/release_store.hpp"
#include "render/container_spec.hpp"
#include "render/containerfile.hpp"
#include "render/run_script.hpp"
#include "util/atomic_file.hpp"
#include "util/copy_file.hpp"
#include "util/failure.hpp"
#include "process/run_command.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

namespace {

bool is_elf(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
}

// glibc's own libraries: every glibc base has them, in the version its loader wants.
bool part_of_libc(const std::string& soname) {
  static const std::set<std::string> kLibc = {"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2",
                                              "librt.so.1", "libresolv.so.2", "libutil.so.1", "libmvec.so.1"};
  return kLibc.count(soname) > 0 || soname.rfind("ld-linux", 0) == 0 || soname.rfind("linux-vdso", 0) == 0;
}

// A file, a symlink (as a link) or a tree, replacing a file of the same name; the files go
// through copy_file_reporting, so that a full disk says ENOSPC like every other copy.
void copy_entry(const fs::path& from, const fs::path& to) {
  fs::file_status st = fs::symlink_status(from);
  if (fs::is_symlink(st)) {
    fs::remove(to);
    fs::create_symlink(fs::read_symlink(from), to);
  } else if (fs::is_directory(st)) {
    fs::create_directories(to);
    for (const fs::directory_entry& e : fs::directory_iterator(from)) copy_entry(e.path(), to / e.path().filename());
  } else {
    fs::remove(to);
    copy_file_reporting(from, to);
  }
}

void copy_into(const fs::path& from, const fs::path& to) {
  try {
    fs::create_directories(to.parent_path());
    copy_entry(from, to);
  } catch (const fs::filesystem_error& e) {
    throw operation_failed(fmt::format("cannot copy {} into the image's build context: {}", from.string(), e.code().message()));
  }
}

void write_text(const fs::path& file, const std::string& text, fs::perms mode = fs::perms(0644)) {
  fs::create_directories(file.parent_path());
  write_file_atomic(file, text, static_cast<mode_t>(mode));
}

// Everything in the image is root's and readable by all: 0755 for directories and programs,
// 0644 for the rest, whatever the modes on this machine (a 0600 release file would otherwise be
// unreadable to the non-root user).
void normalise_modes(const fs::path& root) {
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    const fs::path& p = it->path();
    if (it->is_symlink()) continue;
    if (it->is_directory()) {
      fs::permissions(p, fs::perms(0755));
    } else {
      bool exec = (fs::status(p).permissions() & fs::perms::owner_exec) != fs::perms::none;
      fs::permissions(p, fs::perms(exec ? 0755 : 0644));
    }
  }
}

fs::path in_context(const fs::path& rootfs, const fs::path& image_path) { return rootfs / image_path.relative_path(); }

}  // namespace

std::vector<fs::path> needed_libraries(const fs::path& dir) {
  std::set<fs::path> libs;
  std::vector<fs::path> files;
  if (fs::is_directory(dir)) {
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.is_regular_file() && !e.is_symlink()) files.push_back(e.path());
  } else {
    files.push_back(dir);
  }
  const fs::path inside = fs::weakly_canonical(dir);
  for (const fs::path& f : files) {
    if (!is_elf(f)) continue;
    RunRequest req;
    req.argv = {"ldd", f.string()};
    req.timeout = std::chrono::seconds(30);
    RunResult r = run_command(req);
    if (!r.ok()) continue;  // static, or not a program of this machine
    std::istringstream lines(r.output);
    std::string line;
    while (std::getline(lines, line)) {
      // "\tlibfmt.so.9 => /lib/x86_64-linux-gnu/libfmt.so.9 (0x00007f...)"
      auto arrow = line.find(" => ");
      if (arrow == std::string::npos) continue;
      std::string soname = line.substr(0, arrow);
      soname.erase(0, soname.find_first_not_of(" \t"));
      std::string rest = line.substr(arrow + 4);
      std::string path = rest.substr(0, rest.find(" ("));
      if (part_of_libc(soname) || path.empty() || path[0] != '/') continue;
      fs::path real = fs::weakly_canonical(path);
      auto rel = real.lexically_relative(inside);
      if (!rel.empty() && *rel.begin() != "..") continue;  // the VM's own, shipped beside it
      libs.insert(fs::path(path));
    }
  }
  return {libs.begin(), libs.end()};
}

std::string resolve_release(const ServicePaths& paths, const std::string& wanted) {
  ReleaseStore store(paths);
  if (!wanted.empty()) {
    if (store.exists(wanted)) return wanted;
    auto all = store.list();
    throw usage_error(fmt::format("{}: no release \"{}\" (releases: {})", paths.name(), wanted,
                                  all.empty() ? std::string("none") : fmt::format("{}", fmt::join(all, ", "))));
  }
  auto current = store.current();
  if (!current || !store.exists(*current))
    throw usage_error(fmt::format("{} has no current release to put in an image: `pharoctl deploy {}` first, or give --release ID",
                                  paths.name(), paths.name()));
  return *current;
}

ContainerContext write_container_context(const ContainerContextRequest& q, const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec))
    throw usage_error(fmt::format("{}: not empty; give an empty or new directory for the build context", dir.string()));
  ContainerSpec spec = make_container_spec(q.config, q.runtime, q.release,
                                           fs::is_regular_file(q.paths.releases() / q.release / "app" / q.config.app.start, ec));
  const fs::path rootfs = dir / "rootfs";
  fs::create_directories(rootfs);
  fs::create_directories(dir / "writable");

  // The runtime's VM directory (the launcher with its libraries and plugins); its base image is
  // not needed, the release brings the image.
  fs::path vm_rel = fs::path(q.runtime.vm);
  fs::path vm_top = *vm_rel.begin();
  copy_into(q.runtime.dir / vm_top, in_context(rootfs, spec.runtime_dir / vm_top));

  // The service: service.toml, app.st, the container's run script, the release.
  const fs::path svc = in_context(rootfs, spec.service_dir);
  copy_into(q.paths.service_toml(), svc / "service.toml");
  fs::path app = q.paths.dir() / q.config.app.start;
  if (!fs::exists(app, ec))
    throw usage_error(fmt::format("{}: missing; the VM files it in at start ([app] start in {})", app.string(),
                                  q.paths.service_toml().string()));
  copy_into(app, svc / q.config.app.start);
  ServiceConfig one = container_config(q.config);
  ServicePaths in_image(spec.service_dir, q.config.name);
  write_text(in_context(rootfs, in_image.run_script(0, 1)), render_run_script(one, in_image, 0, TranscriptTarget::Stdout));

  const fs::path release_from = q.paths.releases() / q.release;
  const fs::path release_to = in_context(rootfs, spec.release_dir);
  fs::create_directories(release_to);
  for (const auto& e : fs::directory_iterator(release_from)) {
    std::string name = e.path().filename().string();
    if (name == spec.changes_name) {
      // The running image appends to its .changes: that file lives on the var volume, seeded
      // from this pristine copy by pharoctl-container at start.
      copy_into(e.path(), release_to / (".pristine-" + name));
      fs::create_symlink(fs::path("../../var") / name, release_to / name);
    } else {
      copy_into(e.path(), release_to / name);
    }
  }
  if (!fs::exists(release_to / (".pristine-" + spec.changes_name), ec))
    throw operation_failed(fmt::format("{}: release {} has no {}", release_from.string(), q.release, spec.changes_name));
  fs::create_symlink(fs::path("releases") / q.release, svc / "current");
  // A VM writes PharoDebug.log into its working directory, which is read-only: onto the volume.
  fs::create_symlink(fs::path("var") / "PharoDebug.log", svc / "PharoDebug.log");

  // pharoctl-container, and the libraries the VM needs beyond libc.
  copy_into(q.helper, in_context(rootfs, ContainerPaths::kHelper));
  write_text(in_context(rootfs, ContainerPaths::kHealthConf), spec.health_conf);
  ContainerContext out;
  out.dir = dir;
  out.libraries = needed_libraries(q.runtime.dir / vm_top);
  for (const fs::path& lib : out.libraries) {
    fs::path to = in_context(rootfs, fs::path(ContainerPaths::kLibDir) / lib.filename());
    fs::create_directories(to.parent_path());
    fs::remove(to);
    copy_file_reporting(fs::canonical(lib), to);
  }
  if (!out.libraries.empty())
    write_text(rootfs / "etc/ld.so.conf.d/pharoctl.conf",
               fmt::format("# Libraries pharoctl copied in for the Pharo VM\n{}\n", ContainerPaths::kLibDir));
  normalise_modes(rootfs);

  out.containerfile = render_containerfile(spec, q.base, !out.libraries.empty());
  write_text(dir / "Containerfile", out.containerfile);
  return out;
}

}  // namespace pharoctl
