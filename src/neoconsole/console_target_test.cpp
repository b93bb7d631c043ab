#include "neoconsole/console_target.hpp"

#include <gtest/gtest.h>

#include "util/failure.hpp"

namespace pharoctl::neoconsole {
namespace {

TEST(StatusJson, FindsTheInstancesTelnetPort) {
  std::string json = R"({"services":[{"name":"other","instances":[{"instance":0,"telnet_port":1}]},
    {"name":"shop","instances":[{"instance":0,"telnet_port":42001},{"instance":1,"telnet_port":42011}]}]})";
  EXPECT_EQ(telnet_port_from_status(json, "shop", 1), 42011);
  EXPECT_EQ(telnet_port_from_status(json, "other", -1), 1);
  EXPECT_THROW(telnet_port_from_status(json, "shop", -1), Failure);  // two instances: say which
  EXPECT_THROW(telnet_port_from_status(json, "nope", 0), Failure);
  EXPECT_THROW(telnet_port_from_status("not json", "shop", 0), Failure);
  EXPECT_THROW(telnet_port_from_status(R"({"services":[{"name":"shop","instances":[{}]}]})", "shop", 0), Failure);
}

}  // namespace
}  // namespace pharoctl::neoconsole
