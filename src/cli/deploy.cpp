// deploy, releases, rollback, git-init: parse, call src/deploy/, print.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "build/image_build.hpp"
#include "cli/commands.hpp"
#include "process/self_exe.hpp"
#include "deploy/deployer.hpp"
#include "deploy/push_repository.hpp"
#include "deploy/release_app.hpp"
#include "deploy/release_source.hpp"
#include "service/release_store.hpp"
#include "deploy/supervisor_restarter.hpp"
#include "ops/preflight.hpp"
#include "supervise/clock.hpp"
#include "service/service_config.hpp"
#include "util/failure.hpp"

namespace pharoctl::cli {
namespace fs = std::filesystem;

namespace {

struct Service {
  ServicePaths paths;
  ServiceConfig config;
};

Service load_service(const Globals& g, const std::string& name) {
  ServiceTarget t = parse_service_target(name);
  if (t.instance >= 0) throw usage_error(fmt::format("'{}': deploys apply to every instance; name the service alone ({})", name, t.name));
  Home home = g.resolve_home();
  ServicePaths paths = home.service(t.name);
  if (!fs::exists(paths.service_toml())) {
    throw usage_error(fmt::format("service '{}' does not exist in {} (create it with: pharoctl new {})", t.name,
                                  home.root().string(), t.name));
  }
  ServiceConfig config = load_service_config(paths.service_toml());
  return {paths, config};
}

// deploy: the service checked as start would check it (preflight.hpp) before a build or release.
Service load_deployable_service(const Globals& g, const std::string& name) {
  Service s = load_service(g, name);
  preflight_services(g.resolve_home(), {s.config.name}, PreflightFor::Deploy);
  return s;
}

nlohmann::json result_json(const DeployResult& r) {
  nlohmann::json inst = nlohmann::json::array();
  for (const auto& i : r.instances) inst.push_back({{"instance", i.instance}, {"ok", i.ok}, {"detail", i.detail}});
  return {{"ok", r.ok},
          {"release", r.release},
          {"previous", r.previous ? nlohmann::json(*r.previous) : nlohmann::json()},
          {"current", r.active.empty() ? nlohmann::json() : nlohmann::json(r.active)},
          {"restarted", r.restarted},
          {"reason", r.reason},
          {"instances", inst},
          {"pruned", r.pruned}};
}

// Prints the outcome; throws Failure(1) with the reason (the log tail on stderr first) on failure.
int finish(const Globals& g, const DeployResult& r, const std::string& what) {
  if (g.json) fmt::print("{}\n", result_json(r).dump(2));
  if (!r.ok) {
    std::fflush(stdout);
    if (!r.log_tail.empty()) fmt::print(stderr, "last log lines of the failed instance:\n{}", r.log_tail);
    throw operation_failed(fmt::format("{} failed: {}; current is {}", what, r.reason,
                                       r.active.empty() ? std::string("none (the base image)") : r.active));
  }
  if (!g.json && !g.quiet) fmt::print("{} {}: current is {}\n", what, r.release.empty() ? "" : "of " + r.release, r.active);
  return kExitOk;
}

// The deploy's time, which names the release. Test hook (docs/deploy.md), the supervisor's
// PHAROCTL_TEST_WALL_CLOCK: each process's clock starts at the given time, so that many deploys
// in a row land within one second.
std::chrono::system_clock::time_point deploy_time() {
  auto now = std::chrono::system_clock::now();
  if (const char* at = std::getenv("PHAROCTL_TEST_WALL_CLOCK"); at && *at) {
    auto o = wall_offset_for(at, now);
    if (!o) throw usage_error(fmt::format("PHAROCTL_TEST_WALL_CLOCK: \"{}\" is not YYYY-MM-DDTHH:MM:SS[.mmm]", at));
    now += *o;
  }
  return now;
}

Deployer::Say sayer(const Globals& g) {
  if (g.json || g.quiet) return nullptr;
  return [](const std::string& line) {
    fmt::print("{}\n", line);
    std::fflush(stdout);
  };
}

}  // namespace

Runner define_deploy(CLI::App& cmd, const Globals& g) {
  struct Opts {
    std::string name, image, build, source;
    int keep = kKeepReleases;
  };
  auto o = std::make_shared<Opts>();
  cmd.add_option("NAME", o->name, "The service")->required();
  auto* image = cmd.add_option("--image", o->image, "Deploy this locally built image (its .changes and .sources beside it; not with --build or --source)")
                    ->type_name("FILE");
  auto* build = cmd.add_option("--build", o->build, "Deploy this cached build (see `pharoctl builds NAME`; not with --source)")->type_name("KEY");
  auto* source = cmd.add_option("--source", o->source,
                                "Build from this local checkout instead of [source].repository (what push-to-deploy uses)")
                     ->type_name("DIR");
  image->excludes(build);
  source->excludes(image)->excludes(build);
  cmd.add_option("--keep", o->keep, "Releases to keep (never the current one nor the previous)")
      ->check(CLI::Range(2, 1000));
  return [o, &g]() -> int {
    Service s = load_deployable_service(g, o->name);
    ReleaseContent content;
    if (!o->image.empty()) {
      content = content_from_image_file(o->image, s.config.image_name());
    } else if (!o->build.empty()) {
      content = content_from_build(s.paths, s.config.image_name(), o->build);
    } else {
      std::string commit;
      if (!o->source.empty()) {
        // Push to deploy: the checkout replaces [source].repository for this build.
        fs::path checkout = fs::absolute(o->source).lexically_normal();
        if (!fs::is_directory(checkout)) {
          throw usage_error(fmt::format("--source {}: not a directory (give a local checkout of the service's code)",
                                        o->source));
        }
        s.config.source.repository = local_source_repository(checkout, s.config.source.repository);
        commit = git_head_commit(checkout);
        if (!g.json && !g.quiet) fmt::print("building from {}{}\n", s.config.source.repository,
                                            commit.empty() ? "" : " at " + commit.substr(0, 12));
      }
      // Build (a cache hit when nothing changed), then release that build.
      BuildOptions bo;
      bo.progress = !g.json && !g.quiet && ::isatty(STDERR_FILENO) == 1;
      if (!g.json && !g.quiet) bo.note = [](const std::string& line) { fmt::print("{}\n", line); std::fflush(stdout); };
      BuildResult built = build_service(g.resolve_home(), s.config, bo);
      if (built.not_needed) {
        throw usage_error(fmt::format("{}: [source] strategy is load-on-start, so there is no image to release "
                                      "(`pharoctl reload {}` restarts on the latest code)", s.config.name, s.config.name));
      }
      if (!g.json && !g.quiet) {
        fmt::print("build {} {}\n", built.key, built.cached ? "(cached)" : fmt::format("({} ms)", built.duration.count()));
      }
      content = content_from_build(s.paths, s.config.image_name(), built.key);
      if (content.source_commit.empty()) content.source_commit = commit;
    }
    add_app_files(content, s.config, s.paths);
    ReleaseStore store(s.paths);
    SupervisorRestarter restarter(s.paths, s.config);
    Deployer deployer(store, restarter, sayer(g), o->keep);
    DeployResult r = deployer.deploy(content, deploy_time(), deploying_user());
    return finish(g, r, "deploy");
  };
}

Runner define_releases(CLI::App& cmd, const Globals& g) {
  struct Opts {
    std::string name;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  cmd.add_option("NAME", o->name, "The service")->required();
  cmd.add_flag("--json", o->json, "Machine-readable JSON output");
  return [o, &g]() -> int {
    Service s = load_service(g, o->name);
    ReleaseStore store(s.paths);
    std::optional<std::string> cur = store.current();
    std::vector<ReleaseRecord> recs = store.records();
    if (g.json || o->json) {
      nlohmann::json arr = nlohmann::json::array();
      for (const ReleaseRecord& r : recs) {
        nlohmann::json j = r.meta;
        j["id"] = r.id;
        j["current"] = cur && *cur == r.id;
        arr.push_back(j);
      }
      fmt::print("{}\n", nlohmann::json{{"service", s.config.name},
                                        {"current", cur ? nlohmann::json(*cur) : nlohmann::json()},
                                        {"releases", arr}}
                             .dump(2));
      return kExitOk;
    }
    if (recs.empty()) {
      fmt::print("{} has no releases yet (pharoctl deploy {})\n", s.config.name, s.config.name);
      return kExitOk;
    }
    auto field = [](const nlohmann::json& m, const char* k) {
      return m.contains(k) && m[k].is_string() ? m[k].get<std::string>() : std::string();
    };
    fmt::print("  {:<28} {:<20} {:<21} {:<12} {}\n", "RELEASE", "BUILD", "TIME (UTC)", "USER", "COMMIT");
    for (const ReleaseRecord& r : recs) {
      std::string commit = field(r.meta, "source_commit").substr(0, 12);
      std::string key = field(r.meta, "build_key").substr(0, 20);
      fmt::print("{} {:<28} {:<20} {:<21} {:<12} {}\n", cur && *cur == r.id ? "*" : " ", r.id, key,
                 field(r.meta, "time"), field(r.meta, "user"), commit.empty() ? "-" : commit);
    }
    if (cur && !store.exists(*cur)) fmt::print("current points at {}, which does not exist\n", *cur);
    return kExitOk;
  };
}

Runner define_rollback(CLI::App& cmd, const Globals& g) {
  struct Opts {
    std::string name, release;
  };
  auto o = std::make_shared<Opts>();
  cmd.add_option("NAME", o->name, "The service")->required();
  cmd.add_option("RELEASE", o->release, "The release to go back to (default: the one before the current)");
  return [o, &g]() -> int {
    Service s = load_service(g, o->name);
    ReleaseStore store(s.paths);
    SupervisorRestarter restarter(s.paths, s.config);
    Deployer deployer(store, restarter, sayer(g));
    std::optional<std::string> target;
    if (!o->release.empty()) target = o->release;
    DeployResult r = deployer.rollback(target);
    return finish(g, r, "rollback");
  };
}

Runner define_git_init(CLI::App& cmd, const Globals& g) {
  struct Opts {
    std::string name;
    std::vector<std::string> branches;
  };
  auto o = std::make_shared<Opts>();
  cmd.add_option("NAME", o->name, "The service")->required();
  cmd.add_option("--branch", o->branches, "Deploy pushes to this branch (repeatable; default: main and master)")
      ->type_name("BRANCH");
  return [o, &g]() -> int {
    Service s = load_service(g, o->name);
    PushRepositoryOptions opts;
    opts.pharoctl = self_exe();
    opts.home = g.resolve_home().root();
    if (!o->branches.empty()) opts.branches = o->branches;
    fs::path repo = init_push_repository(s.paths, opts);
    if (g.json) {
      fmt::print("{}\n", nlohmann::json{{"service", s.config.name}, {"repository", repo.string()},
                                        {"branches", opts.branches}}.dump(2));
      return kExitOk;
    }
    if (!g.quiet) {
      fmt::print("push-to-deploy repository: {}\n", repo.string());
      fmt::print("  git remote add deploy {}   (or ssh://HOST{} from another machine)\n", repo.string(), repo.string());
      fmt::print("  git push deploy main        deploys the pushed commit and shows the deploy here\n");
    }
    return kExitOk;
  };
}

}  // namespace pharoctl::cli
