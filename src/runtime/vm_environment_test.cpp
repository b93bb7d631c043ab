#include "runtime/vm_environment.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace pharoctl {
namespace {

bool has(const std::vector<std::string>& env, const std::string& entry) {
  return std::find(env.begin(), env.end(), entry) != env.end();
}

bool has_name(const std::vector<std::string>& env, const std::string& name) {
  return std::any_of(env.begin(), env.end(), [&](const std::string& e) { return e.rfind(name + "=", 0) == 0; });
}

TEST(VmEnvironment, KeepsOnlyTheDefinedVariables) {
  ServiceConfig c = default_service_config("shop");
  std::vector<std::string> from = {"GITHUB_TOKEN=secret", "PATH=/home/op/bin:/usr/bin", "LANG=de_DE.UTF-8",
                                   "LC_TIME=C", "TZ=Europe/Berlin", "SSH_AUTH_SOCK=/tmp/x", "NOTIFY_SOCKET=/run/n"};
  auto env = vm_environment(c, {"PHAROCTL_SERVICE=shop"}, from);
  EXPECT_FALSE(has_name(env, "GITHUB_TOKEN"));
  EXPECT_FALSE(has_name(env, "SSH_AUTH_SOCK"));
  EXPECT_FALSE(has_name(env, "NOTIFY_SOCKET"));
  EXPECT_TRUE(has(env, std::string("PATH=") + kServicePath));
  EXPECT_TRUE(has(env, "LANG=de_DE.UTF-8"));
  EXPECT_TRUE(has(env, "LC_TIME=C"));
  EXPECT_TRUE(has(env, "TZ=Europe/Berlin"));
  EXPECT_TRUE(has(env, "PHAROCTL_SERVICE=shop"));
  EXPECT_TRUE(has_name(env, "HOME"));
}

TEST(VmEnvironment, EnvTableAddsAndOverridesButNotPharoctlVariables) {
  ServiceConfig c = default_service_config("shop");
  c.env = {{"APP_MODE", "production"}, {"PATH", "/opt/bin:/usr/bin"}};
  auto env = vm_environment(c, {"PHAROCTL_HTTP_PORT=8080"}, {});
  EXPECT_TRUE(has(env, "APP_MODE=production"));
  EXPECT_TRUE(has(env, "PATH=/opt/bin:/usr/bin"));
  EXPECT_TRUE(has(env, "PHAROCTL_HTTP_PORT=8080"));
  EXPECT_EQ(std::count_if(env.begin(), env.end(), [](const std::string& e) { return e.rfind("PATH=", 0) == 0; }), 1);
}

TEST(VmEnvironment, SameWhateverTheCallersShell) {
  ServiceConfig c = default_service_config("shop");
  auto a = vm_environment(c, {"PHAROCTL_SERVICE=shop"}, {"FOO=1", "PATH=/a", "EDITOR=vi"});
  auto b = vm_environment(c, {"PHAROCTL_SERVICE=shop"}, {"BAR=2", "PATH=/b"});
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace pharoctl
