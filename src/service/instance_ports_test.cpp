#include "service/instance_ports.hpp"

#include <gtest/gtest.h>

#include "service/port_allocation.hpp"

using namespace pharoctl;

namespace {

ServiceConfig service(const std::string& name, int http, int telnet, int metrics, int instances) {
  ServiceConfig c = default_service_config(name);
  c.app.http_port = http;
  c.console.telnet_port = telnet;
  c.console.metrics_port = metrics;
  c.instances = instances;
  return c;
}

}  // namespace

TEST(InstancePorts, EveryPortOfEveryInstanceInOrder) {
  auto ports = instance_ports(service("a", 8080, 42001, 42002, 2));
  ASSERT_EQ(ports.size(), 6u);
  EXPECT_EQ(ports[0].port, 8080);
  EXPECT_STREQ(ports[1].field, "console.telnet_port");
  EXPECT_EQ(ports[5].port, 42012);
  EXPECT_EQ(ports[5].instance, 1);
  EXPECT_EQ(port_field_text(ports[5], 2), "console.metrics_port of instance 1");
  EXPECT_EQ(port_field_text(ports[0], 1), "app.http_port");
  EXPECT_EQ(service("a", 8080, 42001, 42002, 2).all_ports(), (std::vector<int>{8080, 42001, 42002, 8090, 42011, 42012}));
}

TEST(PortOwners, NamesTheFirstOtherServiceOnAPort) {
  PortOwners owners;
  owners.add(service("a", 8080, 42001, 42002, 1));
  owners.add(service("b", 8070, 42101, 42102, 2));  // instance 1's http port is 8080 too
  owners.add(service("c", 8080, 42201, 42202, 1));
  EXPECT_EQ(owners.other_than("b", 8080), "service 'a' (app.http_port)");
  EXPECT_EQ(owners.other_than("a", 8080), "service 'b' (app.http_port of instance 1)");
  EXPECT_EQ(owners.other_than("a", 42001), "");
  EXPECT_EQ(owners.other_than("z", 9999), "");
  std::map<int, std::string> taken = owners.without("a");
  EXPECT_EQ(taken.count(42001), 0u);
  EXPECT_EQ(taken.at(8080), "service 'b' (app.http_port of instance 1)");
  EXPECT_EQ(taken.at(42202), "service 'c' (console.metrics_port)");
}
