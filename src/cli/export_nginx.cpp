#include "cli/export_nginx.hpp"

#include <unistd.h>

#include <climits>

#include <fmt/format.h>

#include "render/nginx.hpp"
#include "service/service_config.hpp"
#include "util/atomic_file.hpp"
#include "util/failure.hpp"

namespace pharoctl::cli {

namespace {

// The name clients reach this host by, as far as the host knows it; "localhost" without one.
std::string host_name() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  std::string name(buf);
  return check_nginx_server_name(name).empty() ? name : "localhost";
}

NginxOptions options_from(const NginxFlags& f) {
  NginxOptions o;
  for (const auto& l : f.listen)
    if (std::string why = check_nginx_listen(l); !why.empty()) throw usage_error("export nginx: --listen: " + why);
  for (const auto& n : f.server_names)
    if (std::string why = check_nginx_server_name(n); !why.empty())
      throw usage_error("export nginx: --server-name: " + why);
  if (!f.tls_snippet.empty())
    if (std::string why = check_nginx_include_path(f.tls_snippet); !why.empty())
      throw usage_error("export nginx: --tls: " + why);
  o.listen = f.listen;
  o.server_names = f.server_names.empty() ? std::vector<std::string>{host_name()} : f.server_names;
  o.sticky = f.sticky;
  o.tls_snippet = f.tls_snippet;
  return o;
}

}  // namespace

std::string NginxFlags::first_given() const {
  if (!listen.empty()) return "--listen";
  if (!server_names.empty()) return "--server-name";
  if (sticky) return "--sticky";
  if (!tls_snippet.empty()) return "--tls";
  return "";
}

void define_nginx_flags(CLI::App& cmd, NginxFlags& f) {
  cmd.add_option("--listen", f.listen,
                 "nginx only: a listen value, repeatable (default: 80 and [::]:80; 443 ssl with --tls)")
      ->type_name("ADDR");
  cmd.add_option("--server-name", f.server_names, "nginx only: a server_name, repeatable (default: this host's name)")
      ->type_name("NAME");
  cmd.add_flag("--sticky", f.sticky, "nginx only: keep each client on one instance (Seaside sessions)");
  cmd.add_option("--tls", f.tls_snippet,
                 "nginx only: serve https, including this snippet with ssl_certificate and ssl_certificate_key")
      ->type_name("SNIPPET");
}

int run_export_nginx(const std::string& name, const std::string& out_dir, const NginxFlags& flags, const Globals& g) {
  Home home = g.resolve_home();
  ServiceTarget target = parse_service_target(name);
  if (target.instance >= 0) throw usage_error(fmt::format("export: give the service name without @ ({})", target.name));
  ServicePaths paths = home.service(target.name);
  ServiceConfig config = load_service_config(paths.service_toml());
  std::string content = render_nginx_site(config, paths, options_from(flags));
  if (out_dir.empty()) {
    fmt::print("{}", content);
    return kExitOk;
  }
  std::filesystem::path dir(out_dir);
  std::filesystem::create_directories(dir);
  std::filesystem::path out = dir / fmt::format("pharo-{}.conf", config.name);
  write_file_atomic(out, content, 0644);
  if (!g.quiet) {
    fmt::print("wrote {} (install it as /etc/nginx/sites-available/pharo-{}.conf, link it from sites-enabled/, "
               "then: nginx -t && systemctl reload nginx)\n",
               out.string(), config.name);
  }
  return kExitOk;
}

}  // namespace pharoctl::cli
