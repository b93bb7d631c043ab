#pragma once
// `pharoctl image`, `pharoctl export containerfile` and `pharoctl export k8s`: what they share
// is finding the service, its runtime, the release and pharoctl-container.
#include <string>

#include "cli/command.hpp"
#include "ops/container_context.hpp"

namespace pharoctl::cli {

struct ContainerExportFlags {
  std::string name;
  std::string out_dir;
  std::string release;    // "" : current
  std::string base;       // "" : Debian 12 slim
  std::string image;      // k8s: the image reference
  std::string namespace_; // k8s
  std::string host;       // k8s: an Ingress for this host
};

// The context request for NAME's release, with every input checked.
ContainerContextRequest container_request(const Globals& g, const std::string& name, const std::string& release,
                                          const std::string& base);

int run_export_containerfile(const ContainerExportFlags& f, const Globals& g);
int run_export_k8s(const ContainerExportFlags& f, const Globals& g);

}  // namespace pharoctl::cli
