// pharoctl export systemd|initd|monit|nginx|k8s|containerfile NAME [-o DIR]: the generated
// files, on stdout or into DIR.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/container_export.hpp"
#include "cli/export_nginx.hpp"
#include "render/system_files.hpp"
#include "render/systemd.hpp"
#include "util/atomic_file.hpp"
#include "util/failure.hpp"

namespace pharoctl::cli {
namespace {

struct ExportFlags : ContainerExportFlags {
  std::string kind;
  NginxFlags nginx;
};

// Refuses a flag of another kind of export, naming it and the kind it belongs to.
void refuse_flag(const std::string& kind, const std::string& flag, const char* belongs) {
  if (!flag.empty()) throw usage_error(fmt::format("export {}: {} applies to `export {}` only", kind, flag, belongs));
}

int run_export(const ExportFlags& f, const Globals& g) {
  auto kind = parse_system_kind(f.kind);
  if (!kind && f.kind != "nginx" && f.kind != "k8s" && f.kind != "containerfile")
    throw usage_error(fmt::format("export: unknown kind \"{}\" (expected systemd, initd, monit, nginx, k8s or containerfile)", f.kind));
  const std::string k8s_only = !f.image.empty() ? "--image" : !f.namespace_.empty() ? "--namespace" : !f.host.empty() ? "--host" : "";
  const std::string container_only = !f.release.empty() ? "--release" : !f.base.empty() ? "--base" : "";
  if (f.kind != "nginx") refuse_flag(f.kind, f.nginx.first_given(), "nginx");
  if (f.kind == "k8s") {
    refuse_flag(f.kind, f.base.empty() ? "" : "--base", "containerfile");
    return run_export_k8s(f, g);
  }
  refuse_flag(f.kind, k8s_only, "k8s");
  if (f.kind == "containerfile") return run_export_containerfile(f, g);
  refuse_flag(f.kind, container_only, "containerfile` or `export k8s");
  if (f.kind == "nginx") return run_export_nginx(f.name, f.out_dir, f.nginx, g);
  Home home = g.resolve_home();
  ServiceTarget target = parse_service_target(f.name);
  if (target.instance >= 0) throw usage_error(fmt::format("export: give the service name without @ ({})", target.name));
  ServiceConfig config = load_service_config(home.service(target.name).service_toml());
  // monit starts and stops through systemctl when the unit is installed.
  std::error_code ec;
  bool unit = std::filesystem::exists(system_file_path(SystemKind::Systemd, config.name), ec);
  InstallContext ctx = make_install_context(home, config, unit || *kind == SystemKind::Systemd);
  SystemFile file = render_system_file(*kind, config, ctx);
  if (*kind == SystemKind::Systemd && !g.quiet)
    if (std::string note = systemd_home_note(ctx.home); !note.empty()) fmt::print(stderr, "pharoctl: {}\n", note);
  if (f.out_dir.empty()) {
    fmt::print("{}", file.content);
    return kExitOk;
  }
  std::filesystem::path dir(f.out_dir);
  std::filesystem::create_directories(dir);
  std::filesystem::path out = dir / file.file_name;
  write_file_atomic(out, file.content, file.mode);
  if (!g.quiet) fmt::print("wrote {} (install it as {})\n", out.string(), file.install_path.string());
  return kExitOk;
}

}  // namespace

Runner define_export(CLI::App& cmd, const Globals& g) {
  auto f = std::make_shared<ExportFlags>();
  cmd.add_option("KIND", f->kind, "systemd, initd, monit, nginx, k8s or containerfile")->required();
  cmd.add_option("NAME", f->name, "The service")->required();
  cmd.add_option("-o,--output", f->out_dir, "Write the file(s) into this directory (default: print)")->type_name("DIR");
  cmd.add_option("--release", f->release, "containerfile, k8s: the release (default: current)")->type_name("ID");
  cmd.add_option("--base", f->base, "containerfile: the base image (default: Debian 12 slim)")->type_name("IMAGE");
  cmd.add_option("--image", f->image, "k8s: the image reference to run (default: what `pharoctl image` tags)")->type_name("REF");
  cmd.add_option("--namespace", f->namespace_, "k8s: the namespace of every object")->type_name("NS");
  cmd.add_option("--host", f->host, "k8s: also an Ingress for this host name")->type_name("HOSTNAME");
  define_nginx_flags(cmd, f->nginx);
  return [f, &g] { return run_export(*f, g); };
}

}  // namespace pharoctl::cli
