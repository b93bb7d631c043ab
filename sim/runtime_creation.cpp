#include "runtime_creation.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "image_file.hpp"
#include "vm_identity.hpp"

namespace sim {
namespace fs = std::filesystem;

namespace {

// read/write rather than fs::copy_file: libstdc++ reports a short sendfile (a full disk) as
// "Input/output error"; this names what the kernel said (No space left on device).
void copy_reporting(const fs::path& from, const fs::path& to) {
  std::FILE* in = std::fopen(from.c_str(), "rb");
  if (!in) throw std::runtime_error(fmt::format("cannot read {}: {}", from.string(), std::strerror(errno)));
  std::FILE* out = std::fopen(to.c_str(), "wb");
  if (!out) {
    int err = errno;
    std::fclose(in);
    throw std::runtime_error(fmt::format("cannot write {}: {}", to.string(), std::strerror(err)));
  }
  std::vector<char> buf(1 << 20);
  int err = 0;
  for (size_t n; err == 0 && (n = std::fread(buf.data(), 1, buf.size(), in)) > 0;)
    if (std::fwrite(buf.data(), 1, n, out) != n) err = errno;
  if (std::fclose(out) != 0 && err == 0) err = errno;
  std::fclose(in);
  if (err != 0) throw std::runtime_error(fmt::format("cannot write {}: {}", to.string(), std::strerror(err)));
  fs::permissions(to, fs::status(from).permissions());
}

}  // namespace

int create_runtime(const std::vector<std::string>& args) {
  std::string dir, generation, version = "130";
  bool kernel = false;  // a kernel image without a compiler: no st/eval handler (like shared/real-pharo)
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* opt) -> std::string {
      if (i + 1 >= args.size()) throw std::runtime_error(fmt::format("{} needs a value", opt));
      return args[++i];
    };
    try {
      if (a == "--sim-create-runtime") dir = value("--sim-create-runtime");
      else if (a == "--generation") generation = value("--generation");
      else if (a == "--pharo-version") version = value("--pharo-version");
      else if (a == "--kernel") kernel = true;
      else throw std::runtime_error(fmt::format("unknown argument '{}'", a));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "pharo-sim: %s (usage: pharo-sim --sim-create-runtime DIR [--generation old|new] [--pharo-version VER] [--kernel])\n", e.what());
      return 2;
    }
  }
  static const char* kVersions[] = {"60", "70", "80", "90", "100", "110", "120", "130", "140"};
  if (std::find(std::begin(kVersions), std::end(kVersions), version) == std::end(kVersions)) {
    std::fprintf(stderr, "pharo-sim: --pharo-version '%s' is not a known Pharo version (70 80 90 100 110 120 130 140)\n", version.c_str());
    return 2;
  }
  if (generation.empty()) generation = VmIdentity::generation_for(version) == Generation::Old ? "old" : "new";
  if (generation != "old" && generation != "new") {
    std::fprintf(stderr, "pharo-sim: --generation '%s' must be old or new\n", generation.c_str());
    return 2;
  }
  try {
    fs::path root = dir;
    fs::create_directories(root / "pharo-vm" / "lib");
    fs::path exe = fs::read_symlink("/proc/self/exe");
    fs::path vm = root / "pharo-vm" / "pharo";
    fs::path tmp = vm;
    tmp += ".tmp";
    std::error_code link_error;
    fs::remove(tmp, link_error);
    fs::create_hard_link(exe, tmp, link_error);  // /proc/self/exe names the link: cheap and enough
    if (link_error) copy_reporting(exe, tmp);
    fs::rename(tmp, vm);
    {
      nlohmann::json j = {{"generation", generation}, {"pharoVersion", version}};
      std::ofstream(root / "pharo-vm" / "pharo-sim.json") << j.dump(1) << "\n";
    }
    ImageState state;
    state.pharo_version = version;
    state.version_string = version_string_for(version);
    state.data["epicea"] = true;
    if (kernel) state.data["kernel"] = true;
    write_image(root / "Pharo.image", state);
    std::ofstream(root / "Pharo.changes") << "'From " << state.version_string << " of the pharo-sim base image'!\n";
    int n = std::atoi(version.c_str());
    std::string sources = n <= 60 ? "PharoV60.sources" : fmt::format("Pharo{}.{}-64bit-e9a5c7c.sources", n / 10, n % 10);
    std::ofstream(root / sources) << "pharo-sim: method sources are not simulated\n";
    // The wrappers get.pharo.org writes: they run the VM as a child (no exec), so their PID is a shell's.
    auto wrapper = [&](const char* name, const char* mode) {
      fs::path p = root / name;
      std::ofstream(p) << "#!/usr/bin/env bash\n"
                       << "# some magic to find out the real location of this script dealing with symlinks\n"
                       << "DIR=`readlink \"$0\"` || DIR=\"$0\";\n"
                       << "DIR=`dirname \"$DIR\"`;\n"
                       << "cd \"$DIR\"\n"
                       << "DIR=`pwd`\n"
                       << "cd - > /dev/null\n"
                       << "# disable parameter expansion to forward all arguments unprocessed to the VM\n"
                       << "set -f\n"
                       << "# run the VM and pass along all arguments as is\n"
                       << "\"$DIR\"/\"pharo-vm/pharo\" " << mode << "\"$@\"\n";
      fs::permissions(p, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
    };
    wrapper("pharo", generation == "old" ? "--nodisplay " : "--headless ");
    wrapper("pharo-ui", "");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pharo-sim: cannot create runtime in %s: %s\n", dir.c_str(), e.what());
    return 1;
  }
  return 0;
}

}  // namespace sim
