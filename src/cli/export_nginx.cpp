#include "cli/export_nginx.hpp"

#include <fmt/format.h>

#include "render/nginx.hpp"
#include "service/service_config.hpp"
#include "util/atomic_file.hpp"
#include "util/failure.hpp"

namespace pharoctl::cli {

int run_export_nginx(const std::string& name, const std::string& out_dir, const Globals& g) {
  Home home = g.resolve_home();
  ServiceTarget target = parse_service_target(name);
  if (target.instance >= 0) throw usage_error(fmt::format("export: give the service name without @ ({})", target.name));
  ServicePaths paths = home.service(target.name);
  ServiceConfig config = load_service_config(paths.service_toml());
  std::string content = render_nginx_site(config, paths);
  if (out_dir.empty()) {
    fmt::print("{}", content);
    return kExitOk;
  }
  std::filesystem::path dir(out_dir);
  std::filesystem::create_directories(dir);
  std::filesystem::path out = dir / fmt::format("pharo-{}.conf", config.name);
  write_file_atomic(out, content, 0644);
  if (!g.quiet) {
    fmt::print("wrote {} (install it as /etc/nginx/conf.d/pharo-{}.conf, then: nginx -t && nginx -s reload)\n",
               out.string(), config.name);
  }
  return kExitOk;
}

}  // namespace pharoctl::cli
