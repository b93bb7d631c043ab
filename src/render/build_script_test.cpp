#include "render/build_script.hpp"

#include <gtest/gtest.h>

#include "render/smalltalk.hpp"

namespace pharoctl {
namespace {

TEST(BuildScript, EpiceaOffNeoConsoleBaselineCleanUp) {
  ServiceConfig c = default_service_config("shop");
  c.source.repository = "github://acme/shop:main/src";
  c.source.baseline = "Shop";
  c.source.groups = {"default", "Tests"};
  std::string s = render_build_script(c);
  size_t ep = s.find("EpMonitor current disable.");
  size_t neo = s.find("NeoConsoleTelnetServer");
  size_t load = s.find("baseline: 'Shop'");
  size_t gc = s.find("Smalltalk garbageCollect.");
  ASSERT_NE(ep, std::string::npos);
  ASSERT_NE(neo, std::string::npos);
  ASSERT_NE(load, std::string::npos);
  ASSERT_NE(gc, std::string::npos);
  EXPECT_LT(ep, neo);
  EXPECT_LT(neo, load);
  EXPECT_LT(load, gc);
  EXPECT_NE(s.find("load: #('default' 'Tests')"), std::string::npos);
}

TEST(BuildScript, NoSourceStillLoadsNeoConsole) {
  std::string s = render_build_script(default_service_config("plain"));
  EXPECT_NE(s.find("NeoConsole"), std::string::npos);
  EXPECT_EQ(s.find("BaselineOf"), std::string::npos);
}

TEST(BuildScript, NeoConsolePinnedToACommit) {
  std::string s = render_build_script(default_service_config("plain"));
  EXPECT_NE(s.find(std::string("'github://svenvc/NeoConsole:") + kNeoConsoleCommit + "/src'"), std::string::npos);
  EXPECT_EQ(std::string(kNeoConsoleCommit).size(), 40u);
}

TEST(BuildScript, IcebergHttpsAndTokensAroundTheLoadsNeverTheirValues) {
  ServiceConfig c = default_service_config("shop");
  c.source.repository = "github://acme/shop:main/src";
  c.source.baseline = "Shop";
  std::string s = render_build_script(c);
  size_t https = s.find("remoteTypeSelector: #httpsUrl");
  size_t token = s.find("at: 'GITHUB_TOKEN' ifAbsent:");
  size_t store = s.find("(Smalltalk at: #IceTokenCredentials) new username: 'x-access-token'; token: token");
  size_t neo = s.find("NeoConsoleTelnetServer");
  size_t load = s.find("baseline: 'Shop'");
  size_t forget = s.find("store removeCredential: credential");
  size_t gc = s.find("Smalltalk garbageCollect.");
  for (size_t at : {https, token, store, neo, load, forget, gc}) ASSERT_NE(at, std::string::npos) << s;
  EXPECT_LT(https, neo);
  EXPECT_LT(store, neo);
  EXPECT_LT(load, forget);
  EXPECT_LT(forget, gc);
  // Guarded for images without Iceberg, and no credentials file while a token is held.
  EXPECT_NE(s.find("(Smalltalk hasClassNamed: #Iceberg) ifTrue: ["), std::string::npos);
  EXPECT_NE(s.find("current storeFile: nil."), std::string::npos);
  EXPECT_NE(s.find("forHostname: 'github.com'"), std::string::npos);
}

}  // namespace
}  // namespace pharoctl
