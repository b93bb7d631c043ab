#include "util/lines.hpp"

#include <gtest/gtest.h>

using namespace pharoctl;
using Lines = std::vector<std::string_view>;

TEST(SplitLines, LastLineWithOrWithoutNewline) {
  EXPECT_EQ(split_lines("a\nb"), (Lines{"a", "b"}));
  EXPECT_EQ(split_lines("a\nb\n"), (Lines{"a", "b"}));
  EXPECT_EQ(split_lines(""), Lines{});
  EXPECT_EQ(split_lines("\n\n"), (Lines{"", ""}));
}

TEST(SplitLines, CarriageReturnBeforeNewlineGoes) {
  EXPECT_EQ(split_lines("a\r\nb\r\n"), (Lines{"a", "b"}));
  EXPECT_EQ(split_lines("a\rb\n"), (Lines{"a\rb"}));
  EXPECT_EQ(split_lines("\r"), (Lines{""}));
}
