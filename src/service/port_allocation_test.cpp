#include "service/port_allocation.hpp"

#include <gtest/gtest.h>

#include "util/failure.hpp"

using namespace pharoctl;

TEST(PortAllocation, DefaultsWhenAllFree) {
  PortSet p = allocate_ports({}, {}, {});
  EXPECT_EQ(p.http, 8080);
  EXPECT_EQ(p.telnet, 42001);
  EXPECT_EQ(p.metrics, 42002);
}

TEST(PortAllocation, SkipsTakenAndListeningForEveryInstance) {
  std::map<int, std::string> taken = {{8080, "a"}, {42001, "a"}, {42002, "a"}};
  PortRequest r;
  r.instances = 2;
  PortSet p = allocate_ports(r, taken, {8100});
  EXPECT_EQ(p.http, 8110);  // 8090 would put instance 1 on 8100, which listens
  EXPECT_EQ(p.telnet, 42011);
}

TEST(PortAllocation, ExplicitClashIsUsageError) {
  PortRequest r;
  r.metrics = 42002;
  try {
    allocate_ports(r, {{42002, "service 'a'"}}, {});
    FAIL();
  } catch (const Failure& f) {
    EXPECT_EQ(f.exit_code(), kExitUsage);
    EXPECT_NE(std::string(f.what()).find("console.metrics_port"), std::string::npos);
  }
  PortRequest same;
  same.http = 9000;
  same.telnet = 9000;
  EXPECT_THROW(allocate_ports(same, {}, {}), Failure);
}

TEST(PortAllocation, ParsesProcNetTcp) {
  std::set<int> ports;
  parse_proc_net_tcp(
      "  sl  local_address rem_address   st tx_queue rx_queue\n"
      "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 0 1 1\n"
      "   1: 0100007F:A411 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000 0 2 1\n",
      ports);
  EXPECT_EQ(ports, std::set<int>{8080});
}
