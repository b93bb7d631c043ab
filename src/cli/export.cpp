// pharoctl export systemd|initd|monit|nginx NAME [-o DIR]: the generated system files, on stdout
// or into DIR.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/export_nginx.hpp"
#include "render/system_files.hpp"
#include "render/systemd.hpp"
#include "util/atomic_file.hpp"
#include "util/failure.hpp"

namespace pharoctl::cli {
namespace {

struct ExportFlags {
  std::string kind;
  std::string name;
  std::string out_dir;
  NginxFlags nginx;
};

int run_export(const ExportFlags& f, const Globals& g) {
  if (f.kind == "nginx") return run_export_nginx(f.name, f.out_dir, f.nginx, g);
  if (std::string flag = f.nginx.first_given(); !flag.empty())
    throw usage_error(fmt::format("export {}: {} applies to `export nginx` only", f.kind, flag));
  auto kind = parse_system_kind(f.kind);
  if (!kind) {
    if (f.kind == "nginx" || f.kind == "k8s") throw operation_failed(fmt::format("`pharoctl export {}` is not implemented yet in this version", f.kind));
    throw usage_error(fmt::format("export: unknown kind \"{}\" (expected systemd, initd, monit, nginx or k8s)", f.kind));
  }
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
  cmd.add_option("KIND", f->kind, "systemd, initd, monit, nginx or k8s")->required();
  cmd.add_option("NAME", f->name, "The service")->required();
  cmd.add_option("-o,--output", f->out_dir, "Write the file into this directory (default: print it)");
  define_nginx_flags(cmd, f->nginx);
  return [f, &g] { return run_export(*f, g); };
}

}  // namespace pharoctl::cli
