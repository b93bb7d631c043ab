#pragma once
// An installed Pharo runtime: runtimes/<name>/ with pharo-vm/, the base image and runtime.toml,
// which `install` writes and everything that starts a VM reads.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace pharoctl {

class Home;

enum class VmGeneration { Old, New };  // Old: Cog VM of Pharo <= 8; New: pharo-vm of Pharo 9+

const char* to_string(VmGeneration g);
// The option that makes this generation's VM run headless (pharo-vm.md section 2).
const char* headless_option(VmGeneration g);

// One file of an installed runtime as recorded at install time.
struct RuntimeFile {
  std::string path;      // relative to the runtime directory
  uint64_t size = 0;     // 0 for symlinks
  std::string sha256;    // "" for symlinks
  std::string link;      // symlink target, "" for regular files
  bool executable = false;
};

struct Runtime {
  std::string name;          // directory name under runtimes/
  std::string version;       // "130", "80", ... or "sim"
  VmGeneration generation = VmGeneration::New;
  std::string headless;      // from runtime.toml; defaults to headless_option(generation)
  std::filesystem::path dir;
  std::string vm = "pharo-vm/pharo";  // relative to dir: the launcher that execs the VM
  std::string image = "Pharo.image";  // relative to dir: the base image
  long long image_format = 0;
  // Written by install; absent (empty / 0) in runtime.toml files of older versions.
  std::string vm_generation_from;  // how the generation was found: "vm --version", "vm -version", "version"
  std::string vm_version;          // first line of the VM's --version output
  std::string changes;             // relative to dir
  std::string sources;             // relative to dir
  unsigned image_pharo_version = 0;  // offset 70 of the header; 0 before Pharo 11
  std::string image_version;       // what printVersion answered ("Pharo-8.0.0+build.1080.sha.9f5ce2e... (64 Bit)")
  std::string image_version_from;  // how `version` was found: "header", "printVersion", "sources file name", ""
  uint64_t image_size = 0;
  uint64_t image_data_size = 0;
  std::string image_sha256;        // content address of the base image (build cache keys)
  std::string source;              // where it came from: a directory, zip paths or URLs
  std::string installed_at;        // UTC, ISO 8601
  std::vector<RuntimeFile> files;

  std::filesystem::path vm_path() const { return dir / vm; }
  // The name as shown to people: "sim (pharo-sim)" when the VM says it is pharo-sim, so that no
  // line passes a stand-in off as Pharo.
  std::string display_name() const;
  std::filesystem::path image_path() const { return dir / image; }
};

// Reads runtimes/<name>/runtime.toml. Throws Failure(kExitUsage) naming the runtime and how to
// install it when absent, or file:line:col when malformed.
Runtime load_runtime(const Home& home, const std::string& name);
Runtime parse_runtime_toml(const std::string& text, const std::string& file, const std::filesystem::path& dir);
// The runtime.toml text for `r` (what parse_runtime_toml reads back).
std::string render_runtime_toml(const Runtime& r);

// Installed runtimes (directories under runtimes/ with a runtime.toml), sorted by name. Scratch
// directories of installs in progress (names starting with '.') are not runtimes. A runtime
// whose runtime.toml cannot be read is listed with `error` set.
struct RuntimeEntry {
  std::string name;
  Runtime runtime;
  std::string error;
};
std::vector<RuntimeEntry> list_runtimes(const Home& home);

}  // namespace pharoctl
