#include "service/declared_ports.hpp"

#include <gtest/gtest.h>

#include "util/atomic_file.hpp"
#include "util/scratch_directory.hpp"
#include "util/sha256.hpp"

namespace pharoctl {
namespace {

std::string toml(const std::string& name, int http, int instances) {
  return "name = \"" + name + "\"\nruntime = \"pharo-8.0\"\n[app]\nhttp_port = " + std::to_string(http) +
         "\n[instances]\ncount = " + std::to_string(instances) + "\n";
}

TEST(DeclaredPorts, RecordRoundTripsAndRefusesAnotherDigestNameOrGarbage) {
  ServiceConfig c;
  c.name = "shop";
  c.instances = 3;
  c.app.http_port = 8100;
  c.console.telnet_port = 43001;
  c.console.metrics_port = 43002;
  std::string text = ports_record(c, "abc");
  auto back = parse_ports_record(text, "abc", "shop");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->all_ports(), c.all_ports());
  EXPECT_FALSE(parse_ports_record(text, "abd", "shop"));
  EXPECT_FALSE(parse_ports_record(text, "abc", "shop2"));
  for (size_t cut = 0; cut + 1 < text.size(); ++cut) EXPECT_FALSE(parse_ports_record(text.substr(0, cut), "abc", "shop")) << cut;
  EXPECT_FALSE(parse_ports_record("pharoctl-ports 1\nabc\nshop\n3 8100 x 43002\n", "abc", "shop"));
  EXPECT_FALSE(parse_ports_record("pharoctl-ports 2\nabc\nshop\n3 8100 43001 43002\n", "abc", "shop"));
}

TEST(DeclaredPorts, ParsedOnceThenReadFromTheRecordUntilTheFileChanges) {
  ScratchDirectory dir("declared-ports");
  ServicePaths shop(dir.path() / "shop", "shop");
  std::filesystem::create_directories(shop.run());
  write_file_atomic(shop.service_toml(), toml("shop", 8100, 2));
  auto first = declared_ports(shop);
  ASSERT_TRUE(first);
  EXPECT_FALSE(std::filesystem::exists(shop.run() / "ports"));  // reading writes nothing
  remember_declared_ports(shop);
  EXPECT_EQ(first->http_port(1), 8100 + kInstancePortStride);
  std::string record = read_file(shop.run() / "ports");
  EXPECT_NE(record.find(sha256_hex(toml("shop", 8100, 2))), std::string::npos);
  // The record is what answers while the file is unchanged (a record saying otherwise proves it).
  ServiceConfig other = *first;
  other.app.http_port = 9999;
  write_file_atomic(shop.run() / "ports", ports_record(other, sha256_hex(toml("shop", 8100, 2))));
  EXPECT_EQ(declared_ports(shop)->app.http_port, 9999);
  // A changed file is parsed again, and the record follows it when remembered.
  write_file_atomic(shop.service_toml(), toml("shop", 8200, 1));
  EXPECT_EQ(declared_ports(shop)->app.http_port, 8200);
  EXPECT_EQ(declared_ports(shop)->instances, 1);
  remember_declared_ports(shop);
  EXPECT_NE(read_file(shop.run() / "ports").find(sha256_hex(toml("shop", 8200, 1))), std::string::npos);
}

TEST(DeclaredPorts, ABrokenOrMisnamedFileHasNoPortsAndNoRecord) {
  ScratchDirectory dir("declared-ports");
  ServicePaths shop(dir.path() / "shop", "shop");
  std::filesystem::create_directories(shop.dir());
  EXPECT_FALSE(declared_ports(shop));  // no service.toml
  write_file_atomic(shop.service_toml(), "name = \"shop\"\n[app\n");
  EXPECT_FALSE(declared_ports(shop));
  write_file_atomic(shop.service_toml(), toml("other", 8100, 1));
  EXPECT_FALSE(declared_ports(shop));
  remember_declared_ports(shop);
  EXPECT_FALSE(std::filesystem::exists(shop.run()));  // nothing remembered of a file that does not load
  write_file_atomic(shop.service_toml(), toml("shop", 8100, 1));
  EXPECT_TRUE(declared_ports(shop));
  remember_declared_ports(shop);
  EXPECT_TRUE(std::filesystem::exists(shop.run() / "ports"));
}

}  // namespace
}  // namespace pharoctl
