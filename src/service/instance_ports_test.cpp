#include "service/instance_ports.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "service/home.hpp"
#include "service/port_allocation.hpp"
#include "util/atomic_file.hpp"
#include "util/scratch_directory.hpp"

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

TEST(PortOwners, AHomeOfManyServicesIsReadOnceEachInItsOrderBrokenOnesLeftOut) {
  ScratchDirectory dir("owners");
  Home home(dir.path());
  for (int i = 0; i < 20; ++i) {
    std::string name = fmt::format("s{:02d}", i);
    std::filesystem::create_directories(dir / name);
    // s07 is broken; s13 takes s03's http port.
    std::string text = i == 7 ? "name = \"s07\"\n[app]\nhttp_port = \"x\"\n"
                              : fmt::format("name = \"{}\"\n[app]\nhttp_port = {}\n[console]\ntelnet_port = {}\n"
                                            "metrics_port = {}\n",
                                            name, 20000 + 10 * (i == 13 ? 3 : i), 20001 + 10 * i, 20002 + 10 * i);
    write_file_atomic(dir / name / "service.toml", text, 0644);
  }
  ServiceConfig s03 = load_service_config(dir / "s03" / "service.toml");
  PortOwners owners = port_owners(home, {s03});
  EXPECT_EQ(owners.other_than("s03", 20030), "service 's13' (app.http_port)");
  EXPECT_EQ(owners.other_than("s13", 20030), "service 's03' (app.http_port)");
  EXPECT_EQ(owners.other_than("x", 20192), "service 's19' (console.metrics_port)");
  EXPECT_EQ(owners.other_than("x", 20071), "");  // s07 does not load
  EXPECT_EQ(ports_of_services(home, "s13").at(20030), "service 's03' (app.http_port)");
}
