#include "render/container_spec.hpp"

#include <fmt/format.h>

#include "service/home.hpp"
#include "runtime/vm_command.hpp"
#include "runtime/vm_environment.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

ServiceConfig container_config(const ServiceConfig& config) {
  ServiceConfig c = config;
  c.instances = 1;
  return c;
}

int whole_seconds(Millis d) {
  auto s = static_cast<int>((d.count() + 999) / 1000);
  return s < 1 ? 1 : s;
}

ContainerSpec make_container_spec(const ServiceConfig& config, const Runtime& runtime, const std::string& release_id,
                                  bool app_in_release) {
  const ServiceConfig one = container_config(config);
  Home home{ContainerPaths::kHome};
  ServicePaths paths = home.service(config.name);
  Runtime in_image = runtime;
  in_image.dir = home.runtime_dir(runtime.name);

  ContainerSpec s;
  s.service = config.name;
  s.release = release_id;
  s.service_dir = paths.dir();
  s.release_dir = paths.releases() / release_id;
  s.runtime_dir = in_image.dir;
  VmCommand vm = vm_command_for_image(one, paths, in_image, 0, s.release_dir / (config.image_name() + ".image"));
  s.vm_argv = vm.argv;
  // The VM's defined environment (runtime/vm_environment.hpp) as the image's file system has
  // it: the app directory of the release when it carries one (vm_command can only look on this
  // machine), HOME the container user's, and nothing of this machine's locale or zone.
  std::vector<std::string> vars;
  const fs::path app = app_in_release ? s.release_dir / "app" : paths.dir();
  for (const std::string& kv : vm.env_extra) {
    if (kv.rfind("PHAROCTL_APP_DIR=", 0) == 0) vars.push_back("PHAROCTL_APP_DIR=" + app.string());
    // A pod's network namespace is its own: a Service reaches the HTTP server on the pod's
    // address, never on its loopback, so it listens on every interface there. NeoConsole's
    // ports stay on loopback (they are not [app].bind's).
    else if (kv.rfind("PHAROCTL_HTTP_BIND=", 0) == 0) vars.push_back("PHAROCTL_HTTP_BIND=0.0.0.0");
    else if (kv.rfind("PHAROCTL_APP_START=", 0) == 0) vars.push_back("PHAROCTL_APP_START=" + (app / one.app.start).string());
    else vars.push_back(kv);
  }
  for (const std::string& kv : vm_environment(one, vars, {})) {
    auto eq = kv.find('=');
    std::string name = kv.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : kv.substr(eq + 1);
    s.env.emplace_back(name, name == "HOME" ? paths.dir().string() : value);
  }
  s.workdir = vm.cwd.string();
  s.writable = {{"logs", paths.logs().string()}, {"var", (paths.dir() / "var").string()}, {"tmp", "/tmp"}};
  s.changes_name = config.image_name() + ".changes";
  s.http_port = one.http_port(0);
  s.stop_timeout_seconds = whole_seconds(config.stop_timeout);

  s.entrypoint = {ContainerPaths::kHelper, "run",
                  "--stop-timeout", std::to_string(s.stop_timeout_seconds),
                  // The running image's .changes lives on the var volume, seeded from the release.
                  "--seed", (s.release_dir / (".pristine-" + s.changes_name)).string() + ":" +
                                (paths.dir() / "var" / s.changes_name).string(),
                  "--"};
  s.entrypoint.insert(s.entrypoint.end(), s.vm_argv.begin(), s.vm_argv.end());
  s.probe = {ContainerPaths::kHelper, "probe"};
  s.health_conf = fmt::format(
      "# [health] of {} as pharoctl-container probe reads it: one key=value a line.\n"
      "url={}\nexpect={}\ntimeout={}\n",
      config.name, one.health_url(0), config.health.expect, whole_seconds(config.health.timeout));
  return s;
}

}  // namespace pharoctl
