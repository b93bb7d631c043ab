#include "runtime/installer.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <random>
#include <regex>

#include <fmt/format.h>

#include "process/find_program.hpp"
#include "runtime/image_header.hpp"
#include "runtime/image_version.hpp"
#include "runtime/install_source.hpp"
#include "runtime/runtime_layout.hpp"
#include "runtime/vm_probe.hpp"
#include "runtime/zip_unpack.hpp"
#include "service/home.hpp"
#include "service/value_rules.hpp"
#include "util/atomic_file.hpp"
#include "util/copy_file.hpp"
#include "util/directory_guard.hpp"
#include "util/failure.hpp"
#include "process/run_command.hpp"
#include "util/sha256.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

namespace {

constexpr const char* kScratchPrefix = ".partial-";

std::string utc_now_iso() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Scratch directories of installs whose process is gone (killed half way) are removed by the
// next install: nothing else ever reads them.
void remove_stale_scratch(const Home& home) {
  std::error_code ec;
  static const std::regex scratch_name(R"(^\.partial-(\d+)-[0-9a-f]+$)");
  for (const fs::directory_entry& e : fs::directory_iterator(home.runtimes(), ec)) {
    std::string name = e.path().filename().string();
    std::smatch m;
    if (!std::regex_match(name, m, scratch_name)) continue;
    pid_t pid = static_cast<pid_t>(std::stol(m[1].str()));
    if (::kill(pid, 0) == 0 || errno == EPERM) continue;  // its owner may still be at work
    fs::remove_all(e.path(), ec);
  }
}

// A directory under runtimes/ that becomes the runtime by one rename, or disappears.
class Scratch {
 public:
  explicit Scratch(const Home& home) : dir_(make(home)) { fs::permissions(dir(), fs::perms(0755)); }

  const fs::path& dir() const { return dir_.path(); }
  // rename(2) into place; false when `target` exists already (another install won the race).
  bool commit(const fs::path& target) {
    if (::rename(dir().c_str(), target.c_str()) != 0) {
      if (errno == EEXIST || errno == ENOTEMPTY) return false;
      throw operation_failed(fmt::format("cannot move {} to {}: {}", dir().string(), target.string(), std::strerror(errno)));
    }
    dir_.release();
    return true;
  }

 private:
  static fs::path make(const Home& home) {
    fs::create_directories(home.runtimes());
    remove_stale_scratch(home);
    std::random_device rd;
    fs::path dir = home.runtimes() / fmt::format("{}{}-{:08x}", kScratchPrefix, ::getpid(), rd());
    fs::create_directory(dir);
    return dir;
  }

  DirectoryGuard dir_;
};

std::vector<RuntimeFile> record_files(const fs::path& root) {
  std::vector<RuntimeFile> out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    const fs::path& p = it->path();
    RuntimeFile f;
    f.path = p.lexically_relative(root).string();
    if (f.path == "runtime.toml") continue;
    if (it->is_symlink()) {
      f.link = fs::read_symlink(p).string();
    } else if (it->is_regular_file()) {
      f.size = static_cast<uint64_t>(it->file_size());
      f.sha256 = sha256_file(p);
      f.executable = ::access(p.c_str(), X_OK) == 0;
    } else {
      continue;
    }
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), [](const RuntimeFile& a, const RuntimeFile& b) { return a.path < b.path; });
  return out;
}

// Services, builds and deploys only ever copy a runtime's files: without write permission a VM
// started on them by mistake (or by hand) cannot save into the shared image or its .changes.
void make_read_only(const fs::path& dir, const std::vector<RuntimeFile>& files) {
  for (const RuntimeFile& f : files) {
    if (!f.link.empty()) continue;
    fs::permissions(dir / f.path, f.executable ? fs::perms(0555) : fs::perms(0444));
  }
  fs::permissions(dir / "runtime.toml", fs::perms(0444));
}

std::optional<InstallResult> already_installed(const Home& home, const std::string& name) {
  fs::path target = home.runtime_dir(name);
  std::error_code ec;
  if (!fs::exists(target, ec)) return std::nullopt;
  if (!fs::exists(target / "runtime.toml", ec)) {
    throw operation_failed(fmt::format("{} exists but holds no runtime.toml: not a runtime pharoctl installed "
                                       "(move it away, or install under another --name)",
                                       target.string()));
  }
  InstallResult r;
  r.already_installed = true;
  r.runtime = load_runtime(home, name);
  return r;
}

std::string name_for(const InstallOptions& options, const std::string& version) {
  std::string name = !options.name.empty() ? options.name : "pharo-" + version;
  if (std::string why = check_runtime_name(name); !why.empty()) throw usage_error("--name: " + why);
  return name;
}

// The VM runs an image without its .changes or .sources; what is lost is said at install.
void warn_missing_companions(const InstallOptions& options, const RuntimeLayout& layout, const std::string& version,
                             const std::string& sources) {
  if (layout.changes.empty()) {
    options.note(fmt::format("warning: no {} beside {}: the VM runs the image, but the source of methods changed "
                             "since the image was made is not kept (the debugger shows decompiled code for them)",
                             fs::path(layout.image).replace_extension(".changes").string(), layout.image));
  }
  if (!sources.empty()) return;
  std::string wanted = version.size() >= 2
                           ? fmt::format("Pharo{}.{}-32bit-<hash>.sources or Pharo{}.{}-64bit-<hash>.sources",
                                         version.substr(0, version.size() - 1), version.back(),
                                         version.substr(0, version.size() - 1), version.back())
                           : "its .sources file";
  options.note(fmt::format(
      "warning: no sources file for Pharo {} beside {} (the image looks for {}{}): the VM runs it, but the "
      "debugger and code browsers show decompiled code instead of method source",
      version, layout.image, wanted,
      layout.sources_candidates.empty() ? "" : fmt::format("; present but not this version's: {}", fmt::join(layout.sources_candidates, ", "))));
}

// The VM's --version answer, asked once and only when something needs it: an image whose header
// names its version needs none to find the runtime already installed. The VM runs in `dir`
// (made then), which the caller removes.
class VmProbeOnce {
 public:
  VmProbeOnce(fs::path vm, fs::path dir, const InstallOptions& options)
      : vm_(std::move(vm)), dir_(std::move(dir)), options_(options) {}
  const VmProbe& get() {
    if (!probe_) {
      options_.note("asking the VM its version");
      fs::create_directories(dir_);
      probe_ = probe_vm(vm_, dir_);
    }
    return *probe_;
  }

 private:
  fs::path vm_;
  fs::path dir_;
  const InstallOptions& options_;
  std::optional<VmProbe> probe_;
};

// The Pharo version the runtime's files say, and where from: the image's header (Pharo 11+),
// else its printVersion handler (asked on a copy), else the name of its one sources file.
struct FoundVersion {
  std::string version;  // "" when nothing told
  std::string from;
  ImageVersion said;  // printVersion's answer, when asked
};

FoundVersion find_pharo_version(const fs::path& dir, const RuntimeLayout& layout, const ImageHeader& header,
                                VmProbeOnce& vm, const fs::path& probe_dir, const InstallOptions& options) {
  FoundVersion f;
  if (header.pharo_version) {
    f.version = std::to_string(header.pharo_version);
    f.from = "header";
    return f;
  }
  // The VM's generation decides the headless option the image is asked with.
  const VmProbe& probe = vm.get();
  std::optional<VmGeneration> guess = probe.generation ? probe.generation : generation_for_version(options.version);
  options.note("asking the image its version (printVersion, on a copy)");
  if (auto v = ask_image_version(dir / layout.vm, headless_option(guess.value_or(VmGeneration::Old)), dir / layout.image,
                                 probe_dir / "version")) {
    f.said = *v;
    f.version = v->version;
    f.from = "printVersion";
  } else if (layout.sources_candidates.size() == 1) {
    f.version = version_from_sources_name(fs::path(layout.sources_candidates.front()).filename().string());
    if (!f.version.empty()) f.from = "sources file name";
  }
  return f;
}

// The VM's generation (which decides its headless option): as the VM answers --version, else
// the one the Pharo version ships with.
void choose_generation(Runtime& r, const VmProbe& probe, const std::string& version, const RuntimeLayout& layout,
                       const InstallOptions& options) {
  std::optional<VmGeneration> by_version = generation_for_version(version);
  if (probe.generation) {
    r.generation = *probe.generation;
    r.vm_generation_from = probe.how;
    if (by_version && *by_version != r.generation) {
      options.note(fmt::format("warning: the VM answers as {} generation ({}) but Pharo {} ships with the {} one",
                               to_string(r.generation), probe.version_line, version, to_string(*by_version)));
    }
  } else if (by_version) {
    r.generation = *by_version;
    r.vm_generation_from = "version";
    options.note(fmt::format("warning: the VM's --version answer was not recognised ({}); using the {} generation "
                             "that Pharo {} ships with",
                             probe.version_line.empty() ? "no output" : probe.version_line, to_string(r.generation),
                             version));
  } else {
    throw operation_failed(fmt::format("cannot tell which VM generation {} is: --version and -version said: {}",
                                       layout.vm, last_lines(probe.output, 3)));
  }
}

// The steps every install shares, once the runtime's files are in the scratch directory.
InstallResult finish_install(const Home& home, Scratch& scratch, const InstallOptions& options,
                             const std::string& source) {
  const fs::path& dir = scratch.dir();
  RuntimeLayout layout = find_runtime_layout(dir);
  options.note("checking the image header");
  ImageHeader header = check_image_file(dir / layout.image);

  fs::path probe_dir = dir / ".probe";
  VmProbeOnce vm(dir / layout.vm, probe_dir, options);

  // The Pharo version: as asked, else what the image says (find_pharo_version).
  FoundVersion found_version = find_pharo_version(dir, layout, header, vm, probe_dir, options);
  const ImageVersion& said = found_version.said;
  const std::string& found = found_version.version;
  const std::string& found_from = found_version.from;
  fs::remove_all(probe_dir);
  std::string version = options.version.empty() ? found : options.version;
  if (version.empty()) {
    throw usage_error(
        "cannot tell the Pharo version of this runtime (its image neither records it nor answers printVersion): "
        "give it, e.g. pharoctl install 80 --from ...");
  }
  if (!options.version.empty() && !found.empty() && found != options.version) {
    throw operation_failed(fmt::format("asked for Pharo {} but the runtime is Pharo {} (from the image's {})",
                                       options.version, found, found_from));
  }
  std::string name = name_for(options, version);
  if (auto existing = already_installed(home, name)) return *existing;

  Runtime r;
  r.name = name;
  r.version = version;
  r.dir = home.runtime_dir(name);
  r.image_version = said.text;
  r.image_version_from = found_from;
  const VmProbe& probe = vm.get();
  fs::remove_all(probe_dir);
  choose_generation(r, probe, version, layout, options);
  if (header.multiple_bytecode_sets() && r.generation == VmGeneration::Old) {
    options.note(fmt::format("warning: {} uses multiple bytecode sets (format {}); an old Cog VM may not run it",
                             layout.image, header.format));
  }
  std::string sources = choose_sources(layout.sources_candidates, version, said.commit);
  warn_missing_companions(options, layout, version, sources);
  r.headless = headless_option(r.generation);
  r.vm = layout.vm;
  r.vm_version = probe.version_line;
  r.image = layout.image;
  r.changes = layout.changes;
  r.sources = sources;
  r.image_format = header.format;
  r.image_pharo_version = header.pharo_version;
  r.image_size = header.file_size;
  r.image_data_size = header.data_size;
  r.source = source;
  r.installed_at = utc_now_iso();
  options.note("recording checksums");
  r.files = record_files(dir);
  for (const RuntimeFile& f : r.files) {
    if (f.path == r.image) r.image_sha256 = f.sha256;
  }
  check_pinned_image(r, options);
  write_file_atomic(dir / "runtime.toml", render_runtime_toml(r));
  make_read_only(dir, r.files);
  if (!scratch.commit(home.runtime_dir(name))) {
    if (auto existing = already_installed(home, name)) return *existing;
  }
  InstallResult result;
  result.runtime = r;
  return result;
}

// Copies a tree keeping modes and relative symlinks; refuses links that point outside it and
// anything that is not a file, directory or link.
void copy_tree(const fs::path& from, const fs::path& to, const fs::path& label) {
  fs::create_directories(to);
  for (auto it = fs::recursive_directory_iterator(from); it != fs::recursive_directory_iterator(); ++it) {
    fs::path rel = it->path().lexically_relative(from);
    fs::path dest = to / rel;
    if (it->is_symlink()) {
      fs::path target = fs::read_symlink(it->path());
      if (!link_stays_inside(rel, target)) {
        throw operation_failed(fmt::format("{}: symlink {} -> {} points outside the runtime", label.string(),
                                           rel.string(), target.string()));
      }
      fs::create_symlink(target, dest);
    } else if (it->is_directory()) {
      fs::create_directory(dest);
      fs::permissions(dest, it->status().permissions());
    } else if (it->is_regular_file()) {
      copy_file_reporting(it->path(), dest);
    } else {
      throw operation_failed(fmt::format("{}: {} is not a regular file, directory or symlink", label.string(), rel.string()));
    }
  }
}

}  // namespace

void check_pinned_image(const Runtime& runtime, const InstallOptions& options) {
  if (options.image_sha256.empty()) return;
  std::string want = options.image_sha256;
  std::transform(want.begin(), want.end(), want.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (runtime.image_sha256 != want) {
    throw operation_failed(fmt::format("runtime {}: {} has SHA-256 {}, but --sha256 pins {}{}", runtime.name,
                                       runtime.image, runtime.image_sha256, want,
                                       runtime.dir.empty() || !fs::exists(runtime.dir / "runtime.toml")
                                           ? ": nothing installed"
                                           : " (it was installed before; remove it to install the pinned one)"));
  }
}

InstallResult install_from_directory(const Home& home, const fs::path& dir, const InstallOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw usage_error(fmt::format("--from {}: no such directory", dir.string()));
  if (std::vector<fs::path> zips = find_zips_in(dir); !zips.empty()) return install_from_zips(home, zips, options);
  fs::path source = fs::absolute(dir).lexically_normal();
  RuntimeLayout layout = find_runtime_layout(source);
  // Checked before copying anything: a bad image is refused in milliseconds, not after a copy.
  check_image_file(source / layout.image);
  if (!options.name.empty() || !options.version.empty()) {
    if (auto existing = already_installed(home, name_for(options, options.version))) return *existing;
  }
  Scratch scratch(home);
  options.note(fmt::format("copying {}", source.string()));
  copy_tree(source / "pharo-vm", scratch.dir() / "pharo-vm", source);
  std::vector<std::string> files = layout.sources_candidates;
  files.push_back(layout.image);
  if (!layout.changes.empty()) files.push_back(layout.changes);
  for (const std::string& f : files) {
    if (fs::path(f).parent_path().empty()) copy_file_reporting(source / f, scratch.dir() / f);
  }
  return finish_install(home, scratch, options, options.source.empty() ? source.string() : options.source);
}

InstallResult install_from_zips(const Home& home, const std::vector<fs::path>& zips, const InstallOptions& options) {
  for (const fs::path& z : zips) {
    std::error_code ec;
    if (!fs::is_regular_file(z, ec)) throw usage_error(fmt::format("--from {}: no such file or directory", z.string()));
  }
  if (zips.size() != 2) {
    throw usage_error("--from takes a directory, or the image zip and the VM zip (two files)");
  }
  if (!options.name.empty() || !options.version.empty()) {
    if (auto existing = already_installed(home, name_for(options, options.version))) return *existing;
  }
  Scratch scratch(home);
  std::string source = stage_zips(zips, scratch.dir(), options);
  return finish_install(home, scratch, options, source);
}

InstallResult install_download(const Home& home, const InstallOptions& options) {
  if (auto existing = already_installed(home, name_for(options, options.version))) return *existing;
  fs::create_directories(home.runtimes());
  std::vector<fs::path> zips = download_zips(home, options);
  // Complete downloads are not kept: once installed they are not needed, and when they fail
  // verification the next attempt must fetch them again (only .part files are resumed).
  struct RemoveZips {
    const std::vector<fs::path>& zips;
    ~RemoveZips() {
      for (const fs::path& z : zips) {
        std::error_code ec;
        fs::remove(z, ec);
      }
    }
  } remove_zips{zips};
  InstallOptions download_options = options;
  ZipNames names = zip_names_for(options.version);
  std::string base = download_base_url(options.mirror, options.version);
  download_options.source = base + names.image + " " + base + names.vm;
  Scratch scratch(home);
  std::string source = stage_zips(zips, scratch.dir(), download_options);
  return finish_install(home, scratch, download_options, source);
}

InstallResult install_sim(const Home& home, const fs::path& pharo_sim, const InstallOptions& options) {
  InstallOptions sim_options = options;
  if (sim_options.name.empty()) sim_options.name = "sim";
  sim_options.source = pharo_sim.string() + " --sim-create-runtime";
  if (auto existing = already_installed(home, name_for(sim_options, sim_options.version))) return *existing;
  fs::create_directories(home.runtimes());
  remove_stale_scratch(home);
  Scratch created(home);
  RunRequest req;
  req.argv = {pharo_sim.string(), "--sim-create-runtime", (created.dir() / "runtime").string()};
  if (!options.version.empty()) {
    req.argv.push_back("--pharo-version");
    req.argv.push_back(options.version);
  }
  req.timeout = std::chrono::seconds(60);
  RunResult r = run_command(req);
  if (!r.ok()) {
    throw operation_failed(fmt::format("{} --sim-create-runtime failed ({}): {}", pharo_sim.string(), r.describe(),
                                       last_lines(r.output, 5)));
  }
  InstallResult result = install_from_directory(home, created.dir() / "runtime", sim_options);
  return result;
}

fs::path find_pharo_sim() { return find_beside_self_or_on_path("pharo-sim"); }

}  // namespace pharoctl
