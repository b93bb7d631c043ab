#include "render/system_files.hpp"

#include "render/initd.hpp"
#include "render/monit.hpp"
#include "render/systemd.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

std::optional<SystemKind> parse_system_kind(const std::string& text) {
  if (text == "systemd") return SystemKind::Systemd;
  if (text == "initd" || text == "init.d") return SystemKind::Initd;
  if (text == "monit") return SystemKind::Monit;
  return std::nullopt;
}

const char* to_string(SystemKind kind) {
  switch (kind) {
    case SystemKind::Systemd: return "systemd";
    case SystemKind::Initd: return "initd";
    case SystemKind::Monit: return "monit";
  }
  return "systemd";
}

fs::path system_file_path(SystemKind kind, const std::string& service, const fs::path& root) {
  const std::string name = InstallContext::system_name(service);
  switch (kind) {
    case SystemKind::Systemd: return root / "etc/systemd/system" / (name + ".service");
    case SystemKind::Initd: return root / "etc/init.d" / name;
    case SystemKind::Monit: return root / "etc/monit/conf.d" / (name + ".monit");
  }
  return root / name;
}

SystemFile render_system_file(SystemKind kind, const ServiceConfig& config, const InstallContext& ctx, const fs::path& root) {
  SystemFile f{kind, "", system_file_path(kind, config.name, root), 0644, ""};
  f.file_name = f.install_path.filename().string();
  switch (kind) {
    case SystemKind::Systemd: f.content = render_systemd_unit(config, ctx); break;
    case SystemKind::Initd:
      f.content = render_initd_script(config, ctx);
      f.mode = 0755;
      break;
    case SystemKind::Monit:
      // monit refuses control files others can read; keep its include private too.
      f.content = render_monit_check(config, ctx);
      f.mode = 0600;
      break;
  }
  return f;
}

}  // namespace pharoctl
