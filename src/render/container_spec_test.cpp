#include "render/container_spec.hpp"

#include <gtest/gtest.h>

#include "render/containerfile.hpp"
#include "render/k8s_manifests.hpp"

namespace pharoctl {
namespace {

Runtime sim_runtime() {
  Runtime r;
  r.name = "sim";
  r.dir = "/home/u/pharo/runtimes/sim";
  r.headless = "--headless";
  return r;
}

TEST(ContainerSpec, RunsTheSupervisorsCommandLineUnderTheInit) {
  ServiceConfig c = default_service_config("shop");
  c.instances = 3;
  c.stop_timeout = Millis{12'500};
  ContainerSpec s = make_container_spec(c, sim_runtime(), "20260101T000000Z-abcdef12");
  EXPECT_EQ(s.vm_argv, (std::vector<std::string>{"/srv/pharo/runtimes/sim/pharo-vm/pharo", "--headless",
                                                 "/srv/pharo/shop/releases/20260101T000000Z-abcdef12/shop.image", "st",
                                                 "/srv/pharo/shop/run/run-shop.st"}));
  EXPECT_EQ(s.workdir, "/srv/pharo/shop");
  EXPECT_EQ(s.stop_timeout_seconds, 13);
  ASSERT_GT(s.entrypoint.size(), s.vm_argv.size());
  EXPECT_EQ(s.entrypoint.front(), ContainerPaths::kHelper);
  EXPECT_TRUE(std::equal(s.vm_argv.rbegin(), s.vm_argv.rend(), s.entrypoint.rbegin()));
  // Every replica is instance 0 of its own pod.
  bool instance0 = false;
  for (const auto& [k, v] : s.env) instance0 = instance0 || (k == "PHAROCTL_INSTANCE" && v == "0");
  EXPECT_TRUE(instance0);
  // The Service reaches the HTTP server on the pod's address, whatever [app].bind says here.
  bool bind_all = false;
  for (const auto& [k, v] : s.env) bind_all = bind_all || (k == "PHAROCTL_HTTP_BIND" && v == "0.0.0.0");
  EXPECT_TRUE(bind_all);
  EXPECT_EQ(s.probe, (std::vector<std::string>{ContainerPaths::kHelper, "probe"}));
  EXPECT_NE(s.health_conf.find("\nurl=http://127.0.0.1:42002/metrics/system.status\nexpect=Status OK\ntimeout=5\n"),
            std::string::npos);
}

TEST(Containerfile, NonRootReadOnlyVolumesAndExecFormEntrypoint) {
  ServiceConfig c = default_service_config("shop");
  ContainerSpec s = make_container_spec(c, sim_runtime(), "r1");
  std::string f = render_containerfile(s, "localhost/base:1", true);
  EXPECT_NE(f.find("FROM localhost/base:1\n"), std::string::npos);
  EXPECT_NE(f.find("USER 10001:10001\n"), std::string::npos);
  EXPECT_NE(f.find("&& ldconfig"), std::string::npos);
  EXPECT_NE(f.find("COPY --chown=10001:10001 writable/ /srv/pharo/shop/var/\n"), std::string::npos);
  EXPECT_NE(f.find("VOLUME [\"/srv/pharo/shop/logs\",\"/srv/pharo/shop/var\",\"/tmp\"]\n"), std::string::npos);
  EXPECT_NE(f.find("ENV PATH=\""), std::string::npos);
  EXPECT_NE(f.find("    HOME=\"/srv/pharo/shop\" \\\n"), std::string::npos);
  EXPECT_NE(f.find("    PHAROCTL_SERVICE=\"shop\" \\\n    PHAROCTL_INSTANCE=\"0\""), std::string::npos);
  EXPECT_NE(f.find("    PHAROCTL_HTTP_PORT=\"8080\" \\\n"), std::string::npos);
  EXPECT_NE(f.find("ENTRYPOINT [\"/opt/pharoctl/bin/pharoctl-container\",\"run\""), std::string::npos);
  EXPECT_EQ(render_containerfile(s, "b", false).find("ldconfig"), std::string::npos);
}

TEST(K8s, HostAndNamespaceChecks) {
  EXPECT_EQ(check_ingress_host("shop.example.com"), "");
  EXPECT_EQ(check_ingress_host("*.example.com"), "");
  EXPECT_EQ(check_ingress_host("localhost"), "");
  EXPECT_NE(check_ingress_host("Shop.example.com"), "");
  EXPECT_NE(check_ingress_host("10.0.0.1"), "");
  EXPECT_EQ(check_namespace("shop-prod"), "");
  EXPECT_NE(check_namespace("-x"), "");
}

TEST(K8s, OneFilePerObjectAndAKustomization) {
  ServiceConfig c = default_service_config("shop");
  ContainerSpec s = make_container_spec(c, sim_runtime(), "r1");
  auto files = render_k8s(c, s, {"reg.example.com:5000/shop:r1", "", ""});
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(files.back().name, "kustomization.yaml");
  EXPECT_NE(files.back().content.find("- name: reg.example.com:5000/shop\n  newTag: r1\n"), std::string::npos);
  EXPECT_EQ(render_k8s(c, s, {"x", "ns", "shop.example.com"}).size(), 5u);
}

}  // namespace
}  // namespace pharoctl
