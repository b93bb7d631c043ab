// install, runtimes: parse, call the installer (runtime/installer.hpp), print.
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "runtime/image_header.hpp"
#include "runtime/installer.hpp"
#include "runtime/runtime.hpp"
#include "util/failure.hpp"
#include "util/sha256.hpp"

namespace pharoctl::cli {

namespace {

constexpr const char* kStableVersion = "130";

nlohmann::json runtime_json(const Runtime& r) {
  ImageFormatInfo f = decode_image_format(static_cast<uint32_t>(r.image_format));
  return {{"name", r.name},
          {"word_size", f.word_bits},
          {"object_format", f.object_format()},
          {"sista", f.sista},
          {"image_version", r.image_version},
          {"image_version_from", r.image_version_from},
          {"version", r.version},
          {"dir", r.dir.string()},
          {"vm_generation", to_string(r.generation)},
          {"vm_generation_from", r.vm_generation_from},
          {"headless_option", r.headless},
          {"vm", r.vm_path().string()},
          {"vm_version", r.vm_version},
          {"image", r.image_path().string()},
          {"image_format", r.image_format},
          {"image_pharo_version", r.image_pharo_version},
          {"image_size", r.image_size},
          {"image_sha256", r.image_sha256},
          {"source", r.source},
          {"installed_at", r.installed_at}};
}

std::string human_size(uint64_t bytes) {
  if (bytes >= 1024 * 1024) return fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  if (bytes >= 1024) return fmt::format("{:.1f} kB", static_cast<double>(bytes) / 1024.0);
  return fmt::format("{} B", bytes);
}

}  // namespace

Runner define_install(CLI::App& cmd, const Globals& globals) {
  struct Args {
    std::string version;
    std::vector<std::string> from;
    std::string name;
    std::string mirror;
    std::string sha256;
  };
  auto args = std::make_shared<Args>();
  cmd.add_option("VERSION", args->version,
                 fmt::format("70 80 90 100 110 120 130 140 (default {}, the current stable), or sim", kStableVersion));
  cmd.add_option("--from", args->from,
                 "A directory laid out as get.pharo.org leaves it, or the image and VM zips (no network)")
      ->expected(1, 2)
      ->type_name("PATH");
  cmd.add_option("--name", args->name, "Name under runtimes/ (default pharo-VERSION, or sim)")->type_name("NAME");
  cmd.add_option("--mirror", args->mirror, "Base URL replacing https://files.pharo.org")->type_name("URL");
  cmd.add_option("--sha256", args->sha256,
                 "Pin the runtime: the SHA-256 its image must have (image_sha256 of `runtimes --json`), checked before installing")
      ->type_name("HEX");
  return [args, &globals]() -> int {
    Home home = globals.resolve_home();
    InstallOptions options;
    options.name = args->name;
    options.mirror = args->mirror;
    if (!args->sha256.empty() && !is_sha256_hex(args->sha256)) {
      throw usage_error(fmt::format("--sha256 {}: expected 64 hex digits (the SHA-256 of the runtime's image)", args->sha256));
    }
    options.image_sha256 = args->sha256;
    bool terminal = ::isatty(2) == 1;
    options.progress = !globals.quiet && terminal;
    // Steps are shown on a terminal or with -v; warnings always, unless -q.
    bool steps = terminal || globals.verbose;
    if (!globals.quiet) {
      options.note = [steps](const std::string& text) {
        if (steps || text.rfind("warning: ", 0) == 0) fmt::print(stderr, "{}\n", text);
      };
    }
    InstallResult result;
    if (args->version == "sim") {
      if (!args->from.empty()) throw usage_error("install sim: --from does not apply (pharo-sim creates the runtime)");
      std::filesystem::path sim = find_pharo_sim();
      if (sim.empty()) {
        throw usage_error("install sim: pharo-sim is neither beside pharoctl, nor in its libexec directory, nor on PATH (install it with setup.sh)");
      }
      result = install_sim(home, sim, options);
    } else if (!args->from.empty()) {
      options.version = args->version;
      if (args->from.size() == 1 && std::filesystem::is_directory(args->from[0])) {
        result = install_from_directory(home, args->from[0], options);
      } else {
        std::vector<std::filesystem::path> zips(args->from.begin(), args->from.end());
        result = install_from_zips(home, zips, options);
      }
    } else {
      options.version = args->version.empty() ? kStableVersion : args->version;
      result = install_download(home, options);
    }
    const Runtime& r = result.runtime;
    if (result.already_installed) check_pinned_image(r, options);
    if (globals.json) {
      nlohmann::json j = runtime_json(r);
      j["already_installed"] = result.already_installed;
      fmt::print("{}\n", j.dump(2));
    } else if (result.already_installed) {
      if (!globals.quiet) fmt::print("runtime {} (Pharo {}) is already installed in {}\n", r.display_name(), r.version, r.dir.string());
    } else if (!globals.quiet) {
      ImageFormatInfo f = decode_image_format(static_cast<uint32_t>(r.image_format));
      fmt::print("installed runtime {}: Pharo {}, {} VM ({}), {}-bit {}{} image (format {}), in {}\n", r.display_name(),
                 r.version, to_string(r.generation), r.headless, f.word_bits, f.object_format(), f.sista ? "+Sista" : "",
                 r.image_format, r.dir.string());
    }
    return kExitOk;
  };
}

Runner define_runtimes(CLI::App&, const Globals& globals) {
  return [&globals]() -> int {
    Home home = globals.resolve_home();
    std::vector<RuntimeEntry> entries = list_runtimes(home);
    if (globals.json) {
      nlohmann::json out = nlohmann::json::array();
      for (const RuntimeEntry& e : entries) {
        nlohmann::json j = e.error.empty() ? runtime_json(e.runtime) : nlohmann::json{{"name", e.name}};
        if (!e.error.empty()) j["error"] = e.error;
        out.push_back(j);
      }
      fmt::print("{}\n", nlohmann::json{{"runtimes", out}}.dump(2));
      return kExitOk;
    }
    if (entries.empty()) {
      if (!globals.quiet) {
        fmt::print("no runtimes in {} (install one: pharoctl install {}, or pharoctl install sim)\n",
                   home.runtimes().string(), kStableVersion);
      }
      return kExitOk;
    }
    fmt::print("{:<16} {:<8} {:<4} {:<11} {:<24} {:>9}  {}\n", "NAME", "VERSION", "VM", "HEADLESS", "FORMAT", "IMAGE",
               "IMAGE VERSION");
    for (const RuntimeEntry& e : entries) {
      if (!e.error.empty()) {
        fmt::print("{:<16} broken: {}\n", e.name, e.error);
        continue;
      }
      const Runtime& r = e.runtime;
      ImageFormatInfo f = decode_image_format(static_cast<uint32_t>(r.image_format));
      std::string format = fmt::format("{}-bit {}{} ({})", f.word_bits, f.object_format(), f.sista ? "+Sista" : "",
                                       r.image_format);
      std::string said = !r.image_version.empty()          ? r.image_version
                         : r.image_pharo_version != 0        ? fmt::format("Pharo {} (header)", r.image_pharo_version)
                         : r.image_version_from.empty()      ? "unknown"
                                                             : fmt::format("Pharo {} ({})", r.version, r.image_version_from);
      fmt::print("{:<16} {:<8} {:<4} {:<11} {:<24} {:>9}  {}\n", r.display_name(), r.version, to_string(r.generation),
                 r.headless, format, human_size(r.image_size), said);
    }
    return kExitOk;
  };
}

}  // namespace pharoctl::cli
