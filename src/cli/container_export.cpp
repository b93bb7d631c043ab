// pharoctl export containerfile NAME [-o DIR] and pharoctl export k8s NAME [-o DIR] [--image REF]
// [--namespace NS] [--host HOSTNAME], called from export.cpp's dispatch.
#include "cli/container_export.hpp"

#include <fmt/format.h>

#include "process/find_program.hpp"
#include "render/containerfile.hpp"
#include "render/k8s_manifests.hpp"
#include "runtime/runtime.hpp"
#include "service/service_config.hpp"
#include "util/atomic_file.hpp"
#include "util/failure.hpp"

namespace pharoctl::cli {
namespace fs = std::filesystem;

ContainerContextRequest container_request(const Globals& g, const std::string& name, const std::string& release,
                                          const std::string& base) {
  Home home = g.resolve_home();
  ServiceTarget target = parse_service_target(name);
  if (target.instance >= 0)
    throw usage_error(fmt::format("give the service name without @ ({}): an image holds the service, its replicas are pods", target.name));
  ServiceConfig config = load_named_service(home, target.name);
  ServicePaths paths = home.service(target.name);
  ContainerContextRequest q{config, paths, load_runtime(home, config.runtime), resolve_release(paths, release), {}, base};
  if (q.base.empty()) q.base = kDefaultContainerBase;
  q.helper = find_beside_self_or_on_path("pharoctl-container");
  if (q.helper.empty())
    throw operation_failed("pharoctl-container (the container's init and health probe) is neither beside pharoctl nor on PATH; "
                           "install pharoctl with setup.sh or its package");
  return q;
}

int run_export_containerfile(const ContainerExportFlags& f, const Globals& g) {
  ContainerContextRequest q = container_request(g, f.name, f.release, f.base);
  if (f.out_dir.empty()) {
    // The Containerfile alone, to read; the build needs its context, which -o writes.
    fmt::print("{}", render_containerfile(make_container_spec(q.config, q.runtime, q.release), q.base,
                                          !needed_libraries(q.runtime.dir / *fs::path(q.runtime.vm).begin()).empty()));
    return kExitOk;
  }
  ContainerContext ctx = write_container_context(q, f.out_dir);
  if (!g.quiet)
    fmt::print("wrote {}/Containerfile and its build context (release {}); build it with\n  podman build -t {} {}\n",
               ctx.dir.string(), q.release, default_image_ref(q.config.name, q.release), ctx.dir.string());
  return kExitOk;
}

int run_export_k8s(const ContainerExportFlags& f, const Globals& g) {
  if (!f.host.empty()) {
    if (std::string why = check_ingress_host(f.host); !why.empty()) throw usage_error(fmt::format("export k8s: --host {}: {}", f.host, why));
  }
  if (!f.namespace_.empty()) {
    if (std::string why = check_namespace(f.namespace_); !why.empty())
      throw usage_error(fmt::format("export k8s: --namespace {}: {}", f.namespace_, why));
  }
  Home home = g.resolve_home();
  ServiceTarget target = parse_service_target(f.name);
  if (target.instance >= 0) throw usage_error(fmt::format("export: give the service name without @ ({})", target.name));
  ServiceConfig config = load_named_service(home, target.name);
  ServicePaths paths = home.service(target.name);
  Runtime runtime = load_runtime(home, config.runtime);
  std::string release = resolve_release(paths, f.release);
  K8sOptions o{f.image.empty() ? default_image_ref(config.name, release) : f.image, f.namespace_, f.host};
  std::vector<K8sFile> files = render_k8s(config, make_container_spec(config, runtime, release), o);
  if (f.out_dir.empty()) {
    // One stream for `kubectl apply -f -`: every object, without the kustomization.
    bool first = true;
    for (const K8sFile& file : files) {
      if (file.name == "kustomization.yaml") continue;
      fmt::print("{}{}", first ? "" : "---\n", file.content);
      first = false;
    }
    return kExitOk;
  }
  fs::path dir(f.out_dir);
  fs::create_directories(dir);
  for (const K8sFile& file : files) write_file_atomic(dir / file.name, file.content, 0644);
  if (!g.quiet) {
    fmt::print("wrote {} objects of {} (image {}) into {}; apply them with\n  kubectl apply -k {}\n", files.size() - 1,
               config.name, o.image, dir.string(), dir.string());
  }
  return kExitOk;
}

}  // namespace pharoctl::cli
