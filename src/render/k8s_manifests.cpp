#include "render/k8s_manifests.hpp"

#include <algorithm>
#include <regex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "render/yaml.hpp"

namespace pharoctl {
namespace {

using Json = nlohmann::ordered_json;

Json labels(const ServiceConfig& c) {
  return {{"app.kubernetes.io/name", c.name}, {"app.kubernetes.io/managed-by", "pharoctl"}};
}
Json selector(const ServiceConfig& c) { return {{"app.kubernetes.io/name", c.name}}; }

Json metadata(const ServiceConfig& c, const K8sOptions& o, const std::string& name) {
  Json m = {{"name", name}};
  if (!o.namespace_.empty()) m["namespace"] = o.namespace_;
  m["labels"] = labels(c);
  return m;
}

Json exec_probe(const ContainerSpec& s, int period, int timeout, int failures) {
  return {{"exec", {{"command", s.probe}}},
          {"periodSeconds", period},
          {"timeoutSeconds", timeout},
          {"successThreshold", 1},
          {"failureThreshold", failures}};
}

Json deployment(const ServiceConfig& c, const ContainerSpec& s, const K8sOptions& o) {
  const HealthConfig& h = c.health;
  const int interval = whole_seconds(h.interval);
  // The probe gives up after [health].timeout and says why; the kubelet's own limit is a second
  // later so that its answer, not a bare "timed out", is what the pod's events show.
  const int timeout = whole_seconds(h.timeout) + 1;
  // Startup: probed every few seconds until healthy, for [health].grace in all.
  const int startup_period = std::min(interval, 5);
  const int startup_failures = std::max(1, static_cast<int>((h.grace.count() + startup_period * 1000 - 1) / (startup_period * 1000)));

  Json mounts = Json::array();
  Json volumes = Json::array();
  for (const WritableDir& w : s.writable) {
    mounts.push_back({{"name", w.name}, {"mountPath", w.path}});
    volumes.push_back({{"name", w.name}, {"emptyDir", Json::object()}});
  }
  Json container = {
      {"name", c.name},
      {"image", o.image},
      {"imagePullPolicy", "IfNotPresent"},
      {"ports", Json::array({{{"name", "http"}, {"containerPort", s.http_port}, {"protocol", "TCP"}}})},
      {"startupProbe", exec_probe(s, startup_period, timeout, startup_failures)},
      {"readinessProbe", exec_probe(s, interval, timeout, h.retries)},
      {"livenessProbe", exec_probe(s, interval, timeout, h.retries)},
      {"resources",
       {{"requests", {{"cpu", K8sResources::kCpuRequest}, {"memory", K8sResources::kMemoryRequest}}},
        {"limits", {{"cpu", K8sResources::kCpuLimit}, {"memory", K8sResources::kMemoryLimit}}}}},
      {"securityContext",
       {{"runAsNonRoot", true},
        {"runAsUser", ContainerPaths::kUid},
        {"runAsGroup", ContainerPaths::kUid},
        {"allowPrivilegeEscalation", false},
        {"privileged", false},
        {"readOnlyRootFilesystem", true},
        {"capabilities", {{"drop", Json::array({"ALL"})}}}}},
      {"volumeMounts", mounts},
  };
  Json m = metadata(c, o, c.name);
  // What `kubectl rollout history` lists for each revision: the pharoctl release it runs.
  m["annotations"] = {{"kubernetes.io/change-cause", fmt::format("pharoctl release {} ({})", s.release, o.image)}};
  if (!c.description.empty()) m["annotations"]["pharoctl.io/description"] = c.description;
  return {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", m},
      {"spec",
       {{"replicas", c.instances},
        {"revisionHistoryLimit", 10},
        {"selector", {{"matchLabels", selector(c)}}},
        // A new pod first, an old one out only once the new one is ready: never below replicas.
        {"strategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxUnavailable", 0}, {"maxSurge", 1}}}}},
        {"template",
         {{"metadata", {{"labels", labels(c)}, {"annotations", {{"pharoctl.io/release", s.release}}}}},
          {"spec",
           {{"terminationGracePeriodSeconds", s.stop_timeout_seconds},
            {"enableServiceLinks", false},  // the VM's environment stays the one pharoctl defines
            {"automountServiceAccountToken", false},
            {"securityContext",
             {{"runAsNonRoot", true},
              {"runAsUser", ContainerPaths::kUid},
              {"runAsGroup", ContainerPaths::kUid},
              {"fsGroup", ContainerPaths::kUid},
              {"seccompProfile", {{"type", "RuntimeDefault"}}}}},
            {"containers", Json::array({container})},
            {"volumes", volumes}}}}}}},
  };
}

Json service(const ServiceConfig& c, const K8sOptions& o) {
  // The HTTP port only: NeoConsole's REPL and metrics never leave the pod's loopback.
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", metadata(c, o, c.name)},
          {"spec",
           {{"type", "ClusterIP"},
            {"selector", selector(c)},
            {"ports", Json::array({{{"name", "http"}, {"port", 80}, {"targetPort", "http"}, {"protocol", "TCP"}}})}}}};
}

Json disruption_budget(const ServiceConfig& c, const K8sOptions& o) {
  // One pod at a time may be evicted: a drain never takes a multi-replica service down, and a
  // one-replica service can still be drained (minAvailable 1 would block that forever).
  return {{"apiVersion", "policy/v1"},
          {"kind", "PodDisruptionBudget"},
          {"metadata", metadata(c, o, c.name)},
          {"spec", {{"maxUnavailable", 1}, {"selector", {{"matchLabels", selector(c)}}}}}};
}

Json ingress(const ServiceConfig& c, const K8sOptions& o) {
  Json path = {{"path", "/"},
               {"pathType", "Prefix"},
               {"backend", {{"service", {{"name", c.name}, {"port", {{"name", "http"}}}}}}}};
  return {{"apiVersion", "networking.k8s.io/v1"},
          {"kind", "Ingress"},
          {"metadata", metadata(c, o, c.name)},
          {"spec", {{"rules", Json::array({{{"host", o.host}, {"http", {{"paths", Json::array({path})}}}}})}}}};
}

std::string header(const ServiceConfig& c, const ContainerSpec& s) {
  return fmt::format("# {} release {}: generated by pharoctl from service.toml (`pharoctl export k8s {}`).\n",
                     c.name, s.release, c.name);
}

// "registry/name:tag" -> {"registry/name", "tag"}; a digest or no tag leaves the tag empty.
std::pair<std::string, std::string> split_image(const std::string& ref) {
  auto at = ref.find('@');
  if (at != std::string::npos) return {ref.substr(0, at), ""};
  auto colon = ref.rfind(':');
  auto slash = ref.rfind('/');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) return {ref, ""};
  return {ref.substr(0, colon), ref.substr(colon + 1)};
}

}  // namespace

std::string default_image_ref(const std::string& service, const std::string& release) {
  return fmt::format("localhost/pharo-{}:{}", service, release);
}

std::string check_ingress_host(const std::string& host) {
  static const std::regex kHost(R"((\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)");
  static const std::regex kAddress(R"([0-9.]+)");
  if (host.size() > 253 || !std::regex_match(host, kHost) || std::regex_match(host, kAddress))
    return "must be a DNS name in lower case, such as shop.example.com (an IP address is not allowed)";
  return "";
}

std::string check_namespace(const std::string& ns) {
  static const std::regex kLabel(R"([a-z0-9]([-a-z0-9]*[a-z0-9])?)");
  if (ns.size() > 63 || !std::regex_match(ns, kLabel)) return "must be a DNS label: lower-case letters, digits and '-', at most 63";
  return "";
}

std::vector<K8sFile> render_k8s(const ServiceConfig& config, const ContainerSpec& spec, const K8sOptions& o) {
  std::vector<K8sFile> files;
  const std::string head = header(config, spec);
  files.push_back({"deployment.yaml", head + to_yaml(deployment(config, spec, o))});
  files.push_back({"service.yaml", head + to_yaml(service(config, o))});
  files.push_back({"pdb.yaml", head + to_yaml(disruption_budget(config, o))});
  if (!o.host.empty()) files.push_back({"ingress.yaml", head + to_yaml(ingress(config, o))});
  Json k = {{"apiVersion", "kustomize.config.k8s.io/v1beta1"}, {"kind", "Kustomization"}};
  if (!o.namespace_.empty()) k["namespace"] = o.namespace_;
  Json resources = Json::array();
  for (const K8sFile& f : files) resources.push_back(f.name);
  k["resources"] = resources;
  // An overlay (or `kustomize edit set image`) changes the release by this entry alone.
  auto [name, tag] = split_image(o.image);
  Json image = {{"name", name}};
  if (!tag.empty()) image["newTag"] = tag;
  k["images"] = Json::array({image});
  files.push_back({"kustomization.yaml", head + to_yaml(k)});
  return files;
}

}  // namespace pharoctl
