#pragma once
// An installed Pharo runtime: runtimes/<name>/ with pharo-vm/, the base image and runtime.toml,
// which `install` writes and everything that starts a VM reads.
#include <filesystem>
#include <string>

namespace pharoctl {

class Home;

enum class VmGeneration { Old, New };  // Old: Cog VM of Pharo <= 8; New: pharo-vm of Pharo 9+

const char* to_string(VmGeneration g);
// The option that makes this generation's VM run headless (pharo-vm.md section 2).
const char* headless_option(VmGeneration g);

struct Runtime {
  std::string name;          // directory name under runtimes/
  std::string version;       // "130", "80", ... or "sim"
  VmGeneration generation = VmGeneration::New;
  std::string headless;      // from runtime.toml; defaults to headless_option(generation)
  std::filesystem::path dir;
  std::string vm = "pharo-vm/pharo";  // relative to dir: the launcher that execs the VM
  std::string image = "Pharo.image";  // relative to dir: the base image
  long long image_format = 0;

  std::filesystem::path vm_path() const { return dir / vm; }
  std::filesystem::path image_path() const { return dir / image; }
};

// Reads runtimes/<name>/runtime.toml. Throws Failure(kExitUsage) naming the runtime and how to
// install it when absent, or file:line:col when malformed.
Runtime load_runtime(const Home& home, const std::string& name);
Runtime parse_runtime_toml(const std::string& text, const std::string& file, const std::filesystem::path& dir);

}  // namespace pharoctl
