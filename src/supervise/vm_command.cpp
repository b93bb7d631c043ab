#include "supervise/vm_command.hpp"

#include <fmt/format.h>

namespace pharoctl {

std::filesystem::path resolve_service_image(const ServiceConfig& config, const ServicePaths& paths,
                                            const Runtime& runtime) {
  std::error_code ec;
  if (std::filesystem::exists(paths.current(), ec)) {
    auto real = std::filesystem::canonical(paths.current(), ec);
    if (!ec) {
      std::string image = config.image.empty() ? config.name : config.image;
      return real / (image + ".image");
    }
  }
  return std::filesystem::absolute(runtime.image_path());
}

VmCommand vm_command(const ServiceConfig& config, const ServicePaths& paths, const Runtime& runtime, int instance) {
  VmCommand c;
  c.image = resolve_service_image(config, paths, runtime).string();
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
      fmt::format("PHAROCTL_TELNET_PORT={}", config.telnet_port(instance)),
      fmt::format("PHAROCTL_METRICS_PORT={}", config.metrics_port(instance)),
  };
  return c;
}

const std::vector<std::string>& vm_environment_drop_list() {
  static const std::vector<std::string> kDrop = {"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS",
                                                 "LISTEN_PID", "LISTEN_FDNAMES", "PHAROCTL_TEST_WALL_CLOCK",
                                                 // names the supervisor's stderr, not the VM's pipe
                                                 "JOURNAL_STREAM"};
  return kDrop;
}

}  // namespace pharoctl
