#pragma once
// How a service's VM is started (docs/architecture.md, "The VM's environment"): shared by the
// supervisor, `run`, and the deploy engine, so that every VM of a service starts the same way.
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/runtime.hpp"
#include "service/home.hpp"
#include "service/service_config.hpp"

namespace pharoctl {

struct VmCommand {
  std::vector<std::string> argv;       // <vm> <headless> <image> st <run script>
  std::vector<std::string> env_extra;  // PHAROCTL_SERVICE, _INSTANCE, _*_PORT, _HTTP_BIND, _APP_DIR, _APP_START
  std::vector<std::string> env;        // the VM's complete environment (runtime/vm_environment.hpp)
  std::filesystem::path cwd;           // the service directory
  std::string image;                   // absolute image path
  std::string run_script;              // absolute run script path
};

// The image a VM started now runs: `current` resolved to its real directory (so a later switch
// of `current` never changes what a running VM calls its image), else the service's private copy
// of the runtime's base image (made on first use: runtime/base_image_copy.hpp).
std::filesystem::path resolve_service_image(const ServiceConfig& config, const ServicePaths& paths,
                                            const Runtime& runtime);

// Where the VM reads app.st and the [app].files from: the release's own copies (releases/<id>/app)
// when the image is a release's and that release carries them, else the service directory (no
// deploy yet, or a release made before releases carried app files).
std::filesystem::path resolve_app_dir(const ServiceConfig& config, const ServicePaths& paths,
                                      const std::filesystem::path& image);

VmCommand vm_command(const ServiceConfig& config, const ServicePaths& paths, const Runtime& runtime, int instance);
// The same for a given image, touching no file: what a container image of a release runs, with
// paths of the image's own file system.
VmCommand vm_command_for_image(const ServiceConfig& config, const ServicePaths& paths, const Runtime& runtime,
                               int instance, const std::filesystem::path& image);

}  // namespace pharoctl
