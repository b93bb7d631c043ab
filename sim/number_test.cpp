#include "number.hpp"

#include <gtest/gtest.h>

namespace sim {
namespace {

std::string p(const Number& n) { return n.print_string(); }
Number i(int64_t v) { return Number::integer(v); }

TEST(Number, IntegerDivisionIsExact) {
  EXPECT_EQ(p(i(6) / i(3)), "2");
  EXPECT_EQ(p(i(1) / i(3)), "(1/3)");
  EXPECT_EQ(p(i(-2) / i(4)), "(-1/2)");
  EXPECT_EQ(p(i(2) / i(-4)), "(-1/2)");
  EXPECT_EQ(p(i(1) / i(3) + i(2) / i(3)), "1");
}

TEST(Number, ZeroDivideRaises) { EXPECT_THROW(i(1) / i(0), NumberError); }

TEST(Number, FloorDivisionAndModuloFollowTheDivisor) {
  EXPECT_EQ(p(i(-7).floor_div(i(2))), "-4");
  EXPECT_EQ(p(i(-7).floor_mod(i(2))), "1");
  EXPECT_EQ(p(i(-7).quo(i(2))), "-3");
  EXPECT_EQ(p(i(-7).rem(i(2))), "-1");
}

TEST(Number, LargeIntegersGrowPast64Bits) {
  EXPECT_EQ(p(i(42).factorial()), "1405006117752879898543142606244511569936384000000000");
  EXPECT_EQ(p(i(2).raised_to(i(100))), "1267650600228229401496703205376");
  EXPECT_EQ(p(i(INT64_MAX) + i(1)), "9223372036854775808");
  EXPECT_EQ(i(2).raised_to(i(62)).class_name(), "LargePositiveInteger");
  EXPECT_EQ(i(3).class_name(), "SmallInteger");
  EXPECT_EQ(p(i(100).factorial() / i(98).factorial()), "9900");
}

TEST(Number, FloatsPrintShortestRoundTrip) {
  EXPECT_EQ(p(Number::parse_literal("0.1") + Number::parse_literal("0.2")), "0.30000000000000004");
  EXPECT_EQ(p(Number::floating(2.0)), "2.0");
  EXPECT_EQ(p(Number::floating(0.5)), "0.5");
  EXPECT_EQ(p(Number::floating(1e100)), "1.0e100");
  EXPECT_EQ(p(Number::floating(-1.5)), "-1.5");
  EXPECT_EQ(p(i(1) / Number::floating(4.0)), "0.25");
}

TEST(Number, Literals) {
  EXPECT_EQ(p(Number::parse_literal("16r1F")), "31");
  EXPECT_EQ(p(Number::parse_literal("2r1010")), "10");
  EXPECT_EQ(p(Number::parse_literal("1e3")), "1000");
  EXPECT_EQ(p(Number::parse_literal("-5")), "-5");
  EXPECT_EQ(p(Number::parse_literal("2.5e-3")), "0.0025");
}

TEST(Number, Rounding) {
  EXPECT_EQ(p(Number::floating(3.7).floor()), "3");
  EXPECT_EQ(p(Number::floating(-3.2).floor()), "-4");
  EXPECT_EQ(p(Number::floating(3.2).ceiling()), "4");
  EXPECT_EQ(p(Number::floating(2.5).rounded()), "3");
  EXPECT_EQ(p((i(7) / i(2)).truncated()), "3");
}

}  // namespace
}  // namespace sim
