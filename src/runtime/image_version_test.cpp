#include "runtime/image_version.hpp"

#include <gtest/gtest.h>

namespace pharoctl {
namespace {

TEST(ImageVersion, ParsesPharo8PrintVersion) {
  auto v = parse_print_version(
      "[version] 'Pharo8.0.0' 'Pharo-8.0.0+build.1080.sha.9f5ce2e933bc762841674ca3cf8476248a10247d (64 Bit)'\n");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->version, "80");
  EXPECT_EQ(v->commit, "9f5ce2e");
  EXPECT_EQ(v->text, "Pharo-8.0.0+build.1080.sha.9f5ce2e933bc762841674ca3cf8476248a10247d (64 Bit)");
}

TEST(ImageVersion, ParsesBareAndShortForms) {
  auto v = parse_print_version("Pharo-13.0.0+SNAPSHOT.build.1553.sha.e9a5c7c (64 Bit)\n");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->version, "130");
  EXPECT_EQ(v->commit, "e9a5c7c");
  auto s = parse_print_version("Pharo7.0.4");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->version, "70");
  EXPECT_FALSE(parse_print_version("Invalid arguments: \"printVersion\"\x1b[\n"));
  EXPECT_FALSE(parse_print_version(""));
}

TEST(ImageVersion, ChoosesTheSourcesTheImageNeeds) {
  std::vector<std::string> c = {"Pharo7.0-32bit-aaaaaaa.sources", "Pharo8.0-32bit-9f5ce2e.sources",
                                "Pharo9.0-64bit-bbbbbbb.sources"};
  // Not the alphabetically last: the one of the image's version.
  EXPECT_EQ(choose_sources(c, "80", ""), "Pharo8.0-32bit-9f5ce2e.sources");
  EXPECT_EQ(choose_sources(c, "70", "aaaaaaa"), "Pharo7.0-32bit-aaaaaaa.sources");
  EXPECT_EQ(choose_sources(c, "130", ""), "");
  std::vector<std::string> two = {"Pharo8.0-32bit-1111111.sources", "Pharo8.0-64bit-9f5ce2e.sources"};
  EXPECT_EQ(choose_sources(two, "80", "9f5ce2e"), "Pharo8.0-64bit-9f5ce2e.sources");
  EXPECT_EQ(choose_sources({"pharo-vm/PharoV60.sources"}, "60", ""), "pharo-vm/PharoV60.sources");
}

}  // namespace
}  // namespace pharoctl
