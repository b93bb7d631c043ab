// build, builds: parse, call the image build (build/image_build.hpp), print.
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "build/image_build.hpp"
#include "cli/commands.hpp"
#include "service/service_config.hpp"
#include "util/failure.hpp"

namespace pharoctl::cli {

namespace {

ServiceConfig load_config(const Home& home, const std::string& name) { return load_named_service(home, name); }

}  // namespace

Runner define_build(CLI::App& cmd, const Globals& globals) {
  auto name = std::make_shared<std::string>();
  auto no_cache = std::make_shared<bool>(false);
  cmd.add_option("NAME", *name, "The service")->required();
  cmd.add_flag("--no-cache", *no_cache, "Build again even when a build of the same inputs exists");
  return [name, no_cache, &globals]() -> int {
    Home home = globals.resolve_home();
    ServiceConfig config = load_config(home, *name);
    BuildOptions options;
    options.no_cache = *no_cache;
    bool terminal = ::isatty(2) == 1;
    options.progress = terminal && !globals.quiet;
    if (globals.verbose) options.note = [](const std::string& t) { fmt::print(stderr, "{}\n", t); };
    BuildResult r = build_service(home, config, options);
    if (r.not_needed) {
      if (globals.json) {
        fmt::print("{}\n", nlohmann::json{{"service", config.name}, {"strategy", "load-on-start"}, {"key", nullptr}}.dump(2));
      } else if (!globals.quiet) {
        fmt::print(stderr,
                   "{}: [source].strategy is \"load-on-start\": nothing to build; the baseline is loaded at every start "
                   "(set strategy = \"image\" to build once and start fast)\n",
                   config.name);
      }
      return kExitOk;
    }
    if (globals.json) {
      fmt::print("{}\n", nlohmann::json{{"service", config.name},
                                        {"key", r.key},
                                        {"dir", r.dir.string()},
                                        {"cached", r.cached},
                                        {"source_commit", r.source_commit.empty() ? nlohmann::json() : nlohmann::json(r.source_commit)},
                                        {"duration_ms", r.duration.count()}}
                             .dump(2));
      return kExitOk;
    }
    if (!globals.quiet) {
      if (!r.source_commit.empty()) fmt::print(stderr, "{}: source at commit {}\n", config.name, r.source_commit);
      if (r.cached) fmt::print(stderr, "{}: inputs unchanged, reusing build {}\n", config.name, r.key);
      else fmt::print(stderr, "{}: built in {:.1f}s into {}\n", config.name, static_cast<double>(r.duration.count()) / 1000.0, r.dir.string());
    }
    fmt::print("{}\n", r.key);
    return kExitOk;
  };
}

Runner define_builds(CLI::App& cmd, const Globals& globals) {
  auto name = std::make_shared<std::string>();
  cmd.add_option("NAME", *name, "The service")->required();
  return [name, &globals]() -> int {
    Home home = globals.resolve_home();
    ServiceConfig config = load_config(home, *name);
    std::vector<BuildInfo> builds = list_builds(home, config.name);
    if (globals.json) {
      nlohmann::json out = nlohmann::json::array();
      for (const BuildInfo& b : builds) {
        out.push_back({{"key", b.key},
                       {"dir", b.dir.string()},
                       {"created_at", b.created_at},
                       {"duration_ms", b.duration_ms},
                       {"image_size", b.image_size},
                       {"released", b.released}});
      }
      fmt::print("{}\n", nlohmann::json{{"service", config.name}, {"builds", out}}.dump(2));
      return kExitOk;
    }
    if (builds.empty()) {
      if (!globals.quiet) fmt::print("no builds of {} yet (pharoctl build {})\n", config.name, config.name);
      return kExitOk;
    }
    fmt::print("{:<17} {:<25} {:>9} {:>12}  {}\n", "KEY", "CREATED", "DURATION", "IMAGE", "RELEASED");
    for (const BuildInfo& b : builds) {
      fmt::print("{:<17} {:<25} {:>8.1f}s {:>12}  {}\n", b.key, b.created_at, static_cast<double>(b.duration_ms) / 1000.0,
                 b.image_size, b.released ? "yes" : "");
    }
    return kExitOk;
  };
}

}  // namespace pharoctl::cli
