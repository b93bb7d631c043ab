#pragma once
// The Kubernetes objects of a service (docs/containers.md): a Deployment of its image with the
// probes run inside the pod (NeoConsole stays on the pod's loopback), a Service for the HTTP
// port only, a PodDisruptionBudget, an Ingress when a host is given, and a kustomization.yaml
// naming them. Everything derives from service.toml and the ContainerSpec of the image.
#include <string>
#include <vector>

#include "render/container_spec.hpp"
#include "service/service_config.hpp"

namespace pharoctl {

struct K8sOptions {
  std::string image;      // the image reference the Deployment runs
  std::string namespace_; // "" : none set (kubectl's current namespace)
  std::string host;       // "" : no Ingress
};

// Resources when service.toml says nothing (docs/containers.md, "Resources").
struct K8sResources {
  static constexpr const char* kCpuRequest = "100m";
  static constexpr const char* kMemoryRequest = "256Mi";
  static constexpr const char* kCpuLimit = "1";
  static constexpr const char* kMemoryLimit = "1Gi";
};

struct K8sFile {
  std::string name;     // deployment.yaml, ...
  std::string content;  // YAML
};

// deployment.yaml, service.yaml, pdb.yaml, [ingress.yaml], kustomization.yaml, in that order.
std::vector<K8sFile> render_k8s(const ServiceConfig& config, const ContainerSpec& spec, const K8sOptions& options);

// The image reference `pharoctl image` tags a release with when no --tag is given.
std::string default_image_ref(const std::string& service, const std::string& release);

// "" when `host` is a valid DNS name for an Ingress rule (wildcard first label allowed), else
// what is wrong. Same for a namespace (an RFC 1123 label).
std::string check_ingress_host(const std::string& host);
std::string check_namespace(const std::string& ns);

}  // namespace pharoctl
