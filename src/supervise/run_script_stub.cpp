// TEMPORARY stand-in for src/render/run_script.cpp until the foundation's lands in main.
// Delete on merging main.
#include <fmt/format.h>

#include "render/run_script.hpp"
#include "util/atomic_file.hpp"

namespace pharoctl {

std::string render_run_script(const ServiceConfig& config, const ServicePaths& paths, int instance) {
  return fmt::format(
      "(NeoConsoleTranscript onFileNamed: '{}') install.\n"
      "NeoConsoleTelnetServer startOn: {}.\n"
      "NeoConsoleMetricDelegate startOn: {}.\n"
      "'{}' asFileReference fileIn.\n",
      paths.server_log_pattern(instance, config.instances), config.telnet_port(instance),
      config.metrics_port(instance), config.app.start);
}

bool write_run_scripts(const ServiceConfig& config, const ServicePaths& paths) {
  std::filesystem::create_directories(paths.run());
  for (int i = 0; i < config.instances; ++i)
    write_file_atomic(paths.run_script(i, config.instances), render_run_script(config, paths, i));
  return true;
}

}  // namespace pharoctl
