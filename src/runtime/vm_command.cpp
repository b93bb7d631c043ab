#include "runtime/vm_command.hpp"

#include <fmt/format.h>

#include "runtime/base_image_copy.hpp"
#include "runtime/vm_environment.hpp"

namespace pharoctl {

std::filesystem::path resolve_service_image(const ServiceConfig& config, const ServicePaths& paths,
                                            const Runtime& runtime) {
  std::error_code ec;
  if (std::filesystem::exists(paths.current(), ec)) {
    auto real = std::filesystem::canonical(paths.current(), ec);
    if (!ec) {
      return real / (config.image_name() + ".image");
    }
  }
  // No release yet: the service's own copy, never the runtime's shared (read-only) image.
  return ensure_base_copy(paths, runtime, config.image_name());
}

std::filesystem::path resolve_app_dir(const ServiceConfig& config, const ServicePaths& paths,
                                      const std::filesystem::path& image) {
  std::error_code ec;
  std::filesystem::path app = image.parent_path() / "app";
  if (image.parent_path().parent_path().filename() == "releases" && std::filesystem::is_regular_file(app / config.app.start, ec)) {
    return app;
  }
  return std::filesystem::absolute(paths.dir());
}

VmCommand vm_command(const ServiceConfig& config, const ServicePaths& paths, const Runtime& runtime, int instance) {
  return vm_command_for_image(config, paths, runtime, instance, resolve_service_image(config, paths, runtime));
}

VmCommand vm_command_for_image(const ServiceConfig& config, const ServicePaths& paths, const Runtime& runtime,
                               int instance, const std::filesystem::path& image) {
  VmCommand c;
  c.image = image.string();
  c.run_script = std::filesystem::absolute(paths.run_script(instance, config.instances)).string();
  c.cwd = paths.dir();
  c.argv.push_back(std::filesystem::absolute(runtime.vm_path()).string());
  if (!runtime.headless.empty()) c.argv.push_back(runtime.headless);
  c.argv.push_back(c.image);
  c.argv.push_back("st");
  c.argv.push_back(c.run_script);
  c.env_extra = {
      "PHAROCTL_SERVICE=" + config.name,
      fmt::format("PHAROCTL_INSTANCE={}", instance),
      fmt::format("PHAROCTL_HTTP_PORT={}", config.http_port(instance)),
      "PHAROCTL_HTTP_BIND=" + config.app.bind,
      fmt::format("PHAROCTL_TELNET_PORT={}", config.telnet_port(instance)),
      fmt::format("PHAROCTL_METRICS_PORT={}", config.metrics_port(instance)),
  };
  std::filesystem::path app = resolve_app_dir(config, paths, c.image);
  c.env_extra.push_back("PHAROCTL_APP_DIR=" + app.string());
  c.env_extra.push_back("PHAROCTL_APP_START=" + (app / config.app.start).string());
  c.env = vm_environment(config, c.env_extra, current_environment());
  return c;
}

}  // namespace pharoctl
