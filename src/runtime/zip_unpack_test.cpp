#include "runtime/zip_unpack.hpp"

#include <gtest/gtest.h>

namespace pharoctl {
namespace {

TEST(ZipUnpack, SafeMemberPaths) {
  EXPECT_EQ(safe_member_path("pharo-vm/lib/libx.so"), "pharo-vm/lib/libx.so");
  EXPECT_EQ(safe_member_path("./Pharo.image"), "Pharo.image");
  EXPECT_EQ(safe_member_path("a//b/"), "a/b");
  EXPECT_EQ(safe_member_path("../evil"), "");
  EXPECT_EQ(safe_member_path("a/../../evil"), "");
  EXPECT_EQ(safe_member_path("a/.."), "");
  EXPECT_EQ(safe_member_path("/etc/passwd"), "");
  EXPECT_EQ(safe_member_path("..\\evil"), "");
  EXPECT_EQ(safe_member_path(""), "");
}

TEST(ZipUnpack, LinksStayInside) {
  EXPECT_TRUE(link_stays_inside("lib/libx.so", "libx.so.1"));
  EXPECT_TRUE(link_stays_inside("lib/libx.so", "../bin/x"));
  EXPECT_TRUE(link_stays_inside("a/b/c", "../../d"));
  EXPECT_FALSE(link_stays_inside("a/b/c", "../../../d"));
  EXPECT_FALSE(link_stays_inside("x", "../y"));
  EXPECT_FALSE(link_stays_inside("x", "/etc/passwd"));
  EXPECT_FALSE(link_stays_inside("x", ""));
}

}  // namespace
}  // namespace pharoctl
