// pharoctl image NAME [--release ID] [--tag REF] [--base IMAGE] [--builder podman|buildah|docker]:
// an OCI image of a release, built from the context `export containerfile` writes.

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/container_export.hpp"
#include "process/find_program.hpp"
#include "render/k8s_manifests.hpp"
#include "util/directory_guard.hpp"
#include "util/failure.hpp"
#include "process/run_command.hpp"

namespace pharoctl::cli {
namespace {
namespace fs = std::filesystem;

struct ImageFlags {
  std::string name;
  std::string release;
  std::string tag;
  std::string base;
  std::string builder;
};

// The builder's command line: the context needs no network (nothing is downloaded while
// building, the base must already be local or pullable), so RUN steps get none.
std::vector<std::string> build_command(const std::string& builder, const fs::path& program, const fs::path& context,
                                       const std::string& tag) {
  std::vector<std::string> argv = {program.string()};
  if (builder == "buildah") argv.push_back("bud");
  else argv.push_back("build");
  argv.insert(argv.end(), {"--network", "none", "-t", tag, "-f", (context / "Containerfile").string(), context.string()});
  return argv;
}

int run_image(const ImageFlags& f, const Globals& g) {
  static const char* kBuilders[] = {"podman", "buildah", "docker"};
  std::string builder = f.builder;
  fs::path program;
  if (!builder.empty()) {
    program = find_on_path(builder);
    if (program.empty()) throw usage_error(fmt::format("image: --builder {}: not installed (not on PATH)", builder));
  } else {
    for (const char* b : kBuilders) {
      program = find_on_path(b);
      if (!program.empty()) {
        builder = b;
        break;
      }
    }
    if (program.empty()) throw usage_error("image: no image builder installed: install podman (or buildah, or docker)");
  }
  ContainerContextRequest q = container_request(g, f.name, f.release, f.base);
  std::string tag = f.tag.empty() ? default_image_ref(q.config.name, q.release) : f.tag;

  // A scratch directory for the context, removed whatever happens.
  DirectoryGuard scratch(make_unique_directory(fs::temp_directory_path(), "pharoctl-image."));
  ContainerContext ctx = write_container_context(q, scratch.path() / "context");
  RunRequest req;
  req.argv = build_command(builder, program, ctx.dir, tag);
  req.timeout = std::chrono::minutes(30);
  if (g.verbose) {
    fmt::print(stderr, "pharoctl: {}\n", fmt::join(req.argv, " "));
    req.on_output = [](const std::string* line) {
      if (line) fmt::print(stderr, "  {}\n", *line);
    };
  }
  RunResult r = run_command(req);
  if (!r.ok()) {
    throw operation_failed(fmt::format("{} build of {} failed ({}):\n{}", builder, tag, r.describe(), last_lines(r.output, 20)));
  }
  double seconds = static_cast<double>(r.elapsed.count()) / 1000.0;
  if (g.json) {
    nlohmann::json libs = nlohmann::json::array();
    for (const auto& l : ctx.libraries) libs.push_back(l.string());
    fmt::print("{}\n", nlohmann::json{{"service", q.config.name},
                                      {"release", q.release},
                                      {"image", tag},
                                      {"base", q.base},
                                      {"builder", builder},
                                      {"libraries", libs},
                                      {"seconds", seconds}}
                           .dump());
  } else if (!g.quiet) {
    fmt::print("built {} (release {} of {}, on {}, with {}) in {:.1f}s\n", tag, q.release, q.config.name, q.base, builder, seconds);
  }
  return kExitOk;
}

}  // namespace

Runner define_image(CLI::App& cmd, const Globals& g) {
  auto f = std::make_shared<ImageFlags>();
  cmd.add_option("NAME", f->name, "The service")->required();
  cmd.add_option("--release", f->release, "The release to pack (default: current)");
  cmd.add_option("--tag", f->tag, "The image reference (default: localhost/pharo-NAME:RELEASE)");
  cmd.add_option("--base", f->base, "The base image (default: Debian 12 slim)");
  cmd.add_option("--builder", f->builder, "podman, buildah or docker (default: the first installed)")
      ->check(CLI::IsMember({"podman", "buildah", "docker"}));
  return [f, &g] { return run_image(*f, g); };
}

}  // namespace pharoctl::cli
