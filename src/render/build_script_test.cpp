#include "render/build_script.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace pharoctl
