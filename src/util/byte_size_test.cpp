#include "util/byte_size.hpp"

#include <gtest/gtest.h>

namespace pharoctl {
namespace {

TEST(ByteSize, ParsesUnitsOf1024) {
  std::uint64_t b = 0;
  ASSERT_TRUE(parse_byte_size("100MB", b));
  EXPECT_EQ(b, 100u << 20);
  ASSERT_TRUE(parse_byte_size("512KiB", b));
  EXPECT_EQ(b, 512u << 10);
  ASSERT_TRUE(parse_byte_size("2g", b));
  EXPECT_EQ(b, 2ull << 30);
  ASSERT_TRUE(parse_byte_size("4096B", b));
  EXPECT_EQ(b, 4096u);
}

TEST(ByteSize, RefusesWhatIsNotASize) {
  std::uint64_t b = 0;
  for (const char* bad : {"", "MB", "10", "10 MB", "-1MB", "1.5GB", "10PB", "99999999999999999999GB"})
    EXPECT_FALSE(parse_byte_size(bad, b)) << bad;
}

TEST(ByteSize, FormatsTheShortestExactForm) {
  EXPECT_EQ(format_byte_size(100u << 20), "100MB");
  EXPECT_EQ(format_byte_size(1000), "1000B");
  EXPECT_EQ(format_byte_size(3ull << 30), "3GB");
}

}  // namespace
}  // namespace pharoctl
