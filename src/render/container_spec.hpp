#pragma once
// How a release runs inside a container (docs/containers.md): one VM per container, started
// with the very command line and environment the supervisor gives instance 0 (vm_command), under
// a small init (pharoctl-container) that forwards SIGTERM, seeds the writable volumes and runs
// the health probe. Shared by the Containerfile, the build context and the Kubernetes objects,
// so that all three name the same paths.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "runtime/runtime.hpp"
#include "service/service_config.hpp"

namespace pharoctl {

// Fixed places inside the image.
struct ContainerPaths {
  static constexpr const char* kHome = "/srv/pharo";                              // a pharoctl home
  static constexpr const char* kHelper = "/opt/pharoctl/bin/pharoctl-container";  // init + probe
  static constexpr const char* kLibDir = "/usr/local/lib/pharoctl";               // libraries the VM brings
  static constexpr const char* kHealthConf = "/opt/pharoctl/health.conf";         // what the probe checks
  static constexpr int kUid = 10001;                                              // the non-root user
  static constexpr const char* kUser = "pharo";
};

// One directory the running VM writes to: a volume (emptyDir in Kubernetes), never the image.
struct WritableDir {
  std::string name;  // volume name: logs, var, tmp
  std::string path;  // where it is mounted
};

struct ContainerSpec {
  std::string service;
  std::string release;                                    // the release id packed into the image
  std::filesystem::path service_dir;                      // /srv/pharo/<service>
  std::filesystem::path release_dir;                      // /srv/pharo/<service>/releases/<id>
  std::filesystem::path runtime_dir;                      // /srv/pharo/runtimes/<runtime>
  std::vector<std::string> vm_argv;                       // exactly the supervisor's instance 0
  std::vector<std::pair<std::string, std::string>> env;   // the VM's defined environment
  std::string workdir;                                    // the service directory
  std::vector<WritableDir> writable;                      // logs, var (the running .changes), tmp
  std::string changes_name;                               // <image>.changes, kept under var/
  std::vector<std::string> entrypoint;                    // helper run ... -- vm_argv
  // helper probe (exit 0 healthy): what it checks is in kHealthConf, so that the command has no
  // argument a shell could split (podman runs exec probes through sh -c, Kubernetes does not).
  std::vector<std::string> probe;
  std::string health_conf;                                // the text of kHealthConf
  int http_port = 0;
  int stop_timeout_seconds = 0;
};

// The config one container runs: the service's, with a single instance (each replica is one
// pod with its own loopback, so every replica uses instance 0's ports).
ServiceConfig container_config(const ServiceConfig& config);

// `runtime` as installed on this machine; its paths are mapped into the image. `app_in_release`:
// the release carries its own app files (releases/<id>/app/), which the VM then reads.
ContainerSpec make_container_spec(const ServiceConfig& config, const Runtime& runtime, const std::string& release_id,
                                  bool app_in_release = false);

// Seconds, rounded up (Kubernetes takes whole seconds; 0 is not allowed where a period is).
int whole_seconds(Millis d);

}  // namespace pharoctl
