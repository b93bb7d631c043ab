#include "service/ephemeral_ports.hpp"

#include <gtest/gtest.h>

namespace pharoctl {
namespace {

TEST(EphemeralPorts, ParsesTheKernelsRangeAndReservedList) {
  auto r = parse_port_range("32768\t60999\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->low, 32768);
  EXPECT_EQ(r->high, 60999);
  EXPECT_FALSE(parse_port_range(""));
  EXPECT_FALSE(parse_port_range("60999 32768"));
  EXPECT_EQ(parse_port_list("8080,42001-42003\n"), (std::set<int>{8080, 42001, 42002, 42003}));
  EXPECT_TRUE(parse_port_list("\n").empty());
}

TEST(EphemeralPorts, NamesServicePortsTheKernelMayHandOut) {
  PortRange r{32768, 60999};
  EXPECT_EQ(exposed_to_ephemeral({8080, 42001, 42002}, r, {}), (std::vector<int>{42001, 42002}));
  EXPECT_EQ(exposed_to_ephemeral({8080, 42001, 42002}, r, {42001, 42002}), std::vector<int>{});
  EXPECT_EQ(port_list_text({42002, 8080, 42001, 42011, 42012}), "8080,42001-42002,42011-42012");
}

TEST(EphemeralPorts, ReadsThisMachine) {
  auto r = ephemeral_port_range();
  ASSERT_TRUE(r);  // Linux always has the file
  EXPECT_LE(r->low, r->high);
}

}  // namespace
}  // namespace pharoctl
